"""The text stage: an utterance's spoken form ("hôm nay tăng mười hai phẩy năm phần trăm") to the written
form clerks publish ("Hôm nay tăng 12,5%."): ITN, then punctuation and case, then names as the glossary
and the gazetteer spell them.

`gobang text format`, the transcriber and the benchmark all call `TextFormatter.format`, so what a
script gets from the command is what a transcript shows. Segments keep their words in spoken form with
their timings; only `Segment.text` becomes the written form (`format_segments`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from asr.itn import InverseNormalizer
from asr.punctuation import Punctuator
from asr.readable import restore
from asr.verbalise import spoken as spoken_form
from core.text import nfc
from core.transcript import Segment

PUNCTUATION_MODEL = "punct_vi.crfsuite"
"""The shipped CRF, in `asr/data/` (trained by `gobang text train-punctuation`)."""


def shipped_punctuation_model() -> Path:
    return Path(str(files("asr").joinpath("data", PUNCTUATION_MODEL)))


@dataclass
class TextFormatter:
    """ITN and punctuation, each optional; None parts are skipped (the `--no-itn` / `--no-punct` switches)."""

    itn: InverseNormalizer | None
    punctuator: Punctuator | None
    glossary: tuple[str, ...] = ()
    """Correct spellings of names and terms ("Nguyễn Văn An", "HĐND"); they win over the model's case."""
    _said: list[tuple[re.Pattern[str], str]] = field(init=False, repr=False)
    """Glossary entries with digits, found by how they are said ("phường năm" -> "Phường 5")."""

    def __post_init__(self) -> None:
        entries = [nfc(e) for e in self.glossary if any(c.isdigit() for c in e)]
        self._said = [(re.compile(rf"(?<!\w){re.escape(spoken_form(e))}(?!\w)"), e) for e in entries]

    @classmethod
    def load(
        cls, model_cache: Path, *, itn: bool = True, punctuation: bool = True, glossary: Sequence[str] = ()
    ) -> TextFormatter:
        """Build the parts that are switched on; the ITN grammar is compiled into `model_cache/itn-vi` once."""
        return cls(
            itn=InverseNormalizer(model_cache / "itn-vi") if itn else None,
            punctuator=Punctuator(shipped_punctuation_model()) if punctuation else None,
            glossary=tuple(glossary),
        )

    def format(self, spoken: str) -> str:
        """The written form of one utterance."""
        text = " ".join(nfc(spoken).split())
        if not text:
            return text
        if self.itn is not None:
            text = self.itn(text)
        for said, entry in self._said:
            text = said.sub(entry.replace("\\", "\\\\"), text)  # the entry verbatim, not a template
        if self.punctuator is not None:
            text = self.punctuator(text)
            # Glossary and gazetteer names only ever raise case; they also end the utterance with a full stop.
            text = restore([Segment(id=0, start=0, end=0, text=text)], self.glossary)[0].text
        return text

    def format_segments(self, segments: Sequence[Segment]) -> list[Segment]:
        """Segments whose text is written form; their words keep the spoken form and timings.

        A segment the engine already wrote in written form (Whisper: case, punctuation, digits) only gets
        the glossary's and gazetteer's names, as before.
        """
        out = []
        for segment in segments:
            spoken = " ".join(w.text for w in segment.words) if segment.words else segment.text
            if is_spoken_form(spoken):
                out.append(segment.model_copy(update={"text": self.format(spoken)}))
            else:
                out.extend(restore([segment], self.glossary))
        return out


def is_spoken_form(text: str) -> bool:
    """Lower case, letters and spaces only: what a CTC engine writes, and what the text stage expects."""
    return text == text.lower() and all(c.isalpha() or c.isspace() for c in text)
