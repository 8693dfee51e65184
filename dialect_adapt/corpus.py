"""Text for the language model, from sources that work offline and allow reuse.

- pyvi's dictionary (`pyvi/models/words.txt`, MIT): ~31,000 Vietnamese words, one per line, which
  gives the syllable inventory and the syllable pairs inside words;
- the bundled gazetteer of places and institutions (`asr/data/gazetteer_vi.txt`) and a glossary;
- any further text: clerk-corrected transcripts, or the references of training folds (said aloud by
  the caller, never those of the fold being tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib.resources import files
from pathlib import Path

from asr.readable import gazetteer_entries
from core.errors import InvalidInputError
from core.text import nfc
from dialect_adapt.lm import NgramLM, sentences

DICTIONARY_LICENCE = "MIT (pyvi 0.1.1, words.txt)"


def dictionary_words() -> list[str]:
    """pyvi's word list (NFC)."""
    text = files("pyvi").joinpath("models", "words.txt").read_text(encoding="utf-8")
    return [nfc(line.strip()) for line in text.splitlines() if line.strip()]


def read_texts(paths: Iterable[str | Path]) -> list[str]:
    """Lines of UTF-8 text files (one sentence or segment per line)."""
    lines: list[str] = []
    for path in paths:
        try:
            lines.extend(Path(path).read_text(encoding="utf-8").splitlines())
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"không đọc được tệp văn bản {path} (unreadable text file): {exc}") from exc
    return lines


def train_lm(
    texts: Sequence[str] = (),
    *,
    glossary: Sequence[str] = (),
    order: int = 3,
    dictionary: bool = True,
    text_weight: int = 1,
) -> NgramLM:
    """An n-gram over the dictionary, the gazetteer, the glossary and `texts` (repeated `text_weight` times)."""
    corpus = base_texts(glossary, dictionary=dictionary)
    return NgramLM.train(sentences(corpus) + sentences(texts) * max(1, text_weight), order=order)


def base_texts(glossary: Sequence[str] = (), *, dictionary: bool = True) -> list[str]:
    """What every LM learns besides its corpus: the dictionary's words, the gazetteer and the glossary."""
    return [*(dictionary_words() if dictionary else []), *gazetteer_entries(), *glossary]
