"""A meeting captioned while it happens: streaming text (vietasr) plus a speaker for each final utterance.

The streaming CTC session is the dictation one (`asr.dictation.DictationSession`), with spoken
punctuation commands off (in a meeting "chấm" is a word); each final utterance gets the written form
the offline pipeline gives (`asr.written.TextFormatter`: numbers, punctuation, case, the glossary's
names; without it sentence case, a full stop and the glossary, `asr.readable.restore`) and a speaker from
`diarization.online.OnlineSpeakers`. Only the last `keep_s` seconds of audio are held for the
speaker embedding, so memory does not grow with the length of the session. The finals so far are
the live transcript (`transcript()`), stored as the recording's first version when the session ends.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from asr.dictation import DictationEvent, new_session
from asr.engine import Engine
from asr.readable import restore
from asr.written import TextFormatter
from core.audio import SAMPLE_RATE
from core.transcript import Segment, SourceRef, Transcript
from diarization.online import OnlineSpeakers
from diarization.voiceprints import ACCOUNT_MARK, VoiceprintStore
from workers.pipeline import cached_engine

_EMBED_PAD_S = 0.3
"""Audio kept on each side of an utterance's words for its speaker embedding: CTC word times are tight
(spike-based), and CAM++ is surer on a little more speech."""


@dataclass(frozen=True)
class Caption:
    """One message of the caption feed: a `partial` may still change; a `final` (with its speaker) never does."""

    type: Literal["partial", "final"]
    text: str
    start: float
    """Seconds since the session's first sample."""
    end: float
    speaker: str | None = None
    index: int = 0
    """The utterance's number in the session (a partial carries the number its final will have)."""

    def wire(self) -> dict[str, object]:
        return {
            "type": self.type,
            "index": self.index,
            "text": self.text,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "speaker": self.speaker,
        }


class LiveCaptioner:
    """`feed` the session's samples in order, `finish` at the end; both return the new captions."""

    def __init__(
        self,
        engine: Engine,
        speakers: OnlineSpeakers,
        *,
        glossary: Sequence[str] = (),
        endpoint_s: float = 0.6,
        max_utterance_s: float = 20.0,
        start_sample: int = 0,
        formatter: TextFormatter | None = None,
    ) -> None:
        """`start_sample`: where in the session this captioner begins (one started after a server restart
        captions the audio that comes next, with session times). `formatter`: the written-form text stage
        applied to each final (None: sentence case and the glossary only)."""
        self.model_ref = engine.model_ref
        self.session = new_session(engine, glossary=glossary, endpoint_s=endpoint_s, max_utterance_s=max_utterance_s)
        self.session.spoken_commands = False
        self.speakers = speakers
        self.glossary = list(glossary)
        self.formatter = formatter
        self.segments: list[Segment] = []
        self.samples_fed = start_sample
        self._shift = start_sample / SAMPLE_RATE
        self._keep = int((max_utterance_s + 10.0) * SAMPLE_RATE)
        self._recent = np.zeros(0, np.float32)
        """The last `_keep` samples of the session; `_recent[0]` is sample `samples_fed - len(_recent)`."""

    def feed(self, samples: np.ndarray) -> list[Caption]:
        samples = samples.astype(np.float32, copy=False).reshape(-1)
        self._recent = np.concatenate([self._recent, samples])[-self._keep :]
        self.samples_fed += samples.size
        return self._captions(self.session.feed(samples))

    def finish(self) -> list[Caption]:
        return self._captions(self.session.finish())

    def _captions(self, events: list[DictationEvent]) -> list[Caption]:
        captions = []
        for event in events:
            if self._shift:
                words = tuple(
                    w.model_copy(update={"start": w.start + self._shift, "end": w.end + self._shift})
                    for w in event.words
                )
                event = replace(event, start=event.start + self._shift, end=event.end + self._shift, words=words)
            if event.type == "partial":
                captions.append(Caption("partial", event.text, event.start, event.end, index=len(self.segments)))
            elif event.words:
                captions.append(self._final(event))
        return captions

    def _final(self, event: DictationEvent) -> Caption:
        first = self.samples_fed - self._recent.size
        begin = int((event.start - _EMBED_PAD_S) * SAMPLE_RATE) - first
        audio = self._recent[max(0, begin) : int((event.end + _EMBED_PAD_S) * SAMPLE_RATE) - first]
        speaker = self.speakers.label(audio)
        words = [w.model_copy(update={"speaker": speaker}) for w in event.words]
        raw = Segment(
            id=len(self.segments),
            start=event.start,
            end=event.end,
            text=" ".join(w.text for w in words),
            words=words,
            speaker=speaker,
        )
        written = self.formatter.format_segments([raw]) if self.formatter is not None else restore([raw], self.glossary)
        segment = written[0].model_copy(update={"words": words, "speaker": speaker})
        self.segments.append(segment)
        return Caption("final", segment.text, segment.start, segment.end, speaker, segment.id)

    def transcript(self, *, source_name: str) -> Transcript:
        """The finals so far as a Transcript (the recording's live version)."""
        duration = self.samples_fed / SAMPLE_RATE
        return Transcript(
            duration=duration,
            model=self.model_ref,
            segments=list(self.segments),
            source=SourceRef(name=source_name, duration=duration),
        )


def start_captioner(
    store: VoiceprintStore,
    *,
    glossary: Sequence[str] = (),
    name_threshold: float = 0.50,
    cluster_threshold: float = 0.40,
    endpoint_s: float = 0.6,
    max_utterance_s: float = 20.0,
    start_sample: int = 0,
    formatter: TextFormatter | None = None,
) -> LiveCaptioner:
    """A captioner on the shared default engine that names the people enrolled in `store` at `name_threshold`;
    login voiceprints ("@user") are not people to name in a meeting, as in `VoiceprintStore.scores`."""
    people = {name: model for name, model in store.models().items() if not name.startswith(ACCOUNT_MARK)}
    speakers = OnlineSpeakers(
        store.embedder, voiceprints=people, voiceprint_threshold=name_threshold, cluster_threshold=cluster_threshold
    )
    return LiveCaptioner(
        cached_engine(None, None),
        speakers,
        glossary=glossary,
        endpoint_s=endpoint_s,
        max_utterance_s=max_utterance_s,
        start_sample=start_sample,
        formatter=formatter,
    )
