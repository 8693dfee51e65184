"""Words to speakers: a Transcript and a diarization in, a speaker-attributed Transcript out.

Each word goes to the speaker whose turns cover most of it (the nearest turn when it falls in a gap,
e.g. a word the VAD trimmed). A segment whose words change speaker is split there, and each part
keeps its words with their timings. Anonymous speakers are named "Người nói 1", "Người nói 2"… in the
order they first speak in the transcript (then voices with no words, by their first turn); recognised
people keep their names. The diarization's turns themselves are kept in `Transcript.turns`, so speech
the recogniser gave no words still counts in RTTM and scores.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
from pyannote.core import Annotation

from core.transcript import Segment, Transcript, Turn, Word

ANONYMOUS = re.compile(r"^SPEAKER_\d+$")
"""Labels a diarizer gives voices it does not know (ours and pyannote's)."""

SPEAKER_PREFIX = "Người nói"
"""Clerks read "Người nói 3" where a diarizer writes SPEAKER_02."""

_MAX_GAP_S = 2.0
"""A word farther than this from every turn keeps no speaker."""


class _Turns:
    """Turn boundaries as arrays, for fast overlap queries."""

    def __init__(self, annotation: Annotation) -> None:
        turns = sorted((s.start, s.end, str(label)) for s, _, label in annotation.itertracks(yield_label=True))
        self.starts = np.array([t[0] for t in turns])
        self.ends = np.array([t[1] for t in turns])
        self.labels = [t[2] for t in turns]

    def speaker(self, start: float, end: float) -> str | None:
        if not self.labels:
            return None
        overlap = np.minimum(self.ends, end) - np.maximum(self.starts, start)
        if end <= start:  # a zero-length word: the turn containing it
            overlap = np.where((self.starts <= start) & (start <= self.ends), 1.0, -1.0)
        if overlap.max() > 0:
            totals: dict[str, float] = {}
            for i in np.flatnonzero(overlap > 0):
                totals[self.labels[i]] = totals.get(self.labels[i], 0.0) + float(overlap[i])
            return max(totals, key=lambda k: totals[k])
        distance = np.maximum(self.starts - end, start - self.ends)
        nearest = int(np.argmin(distance))
        return self.labels[nearest] if distance[nearest] <= _MAX_GAP_S else None


def _split(segment: Segment, speakers: list[str | None]) -> list[Segment]:
    """Parts of a segment with one speaker each (words stay as they are)."""
    parts: list[list[tuple[Word, str | None]]] = []
    for word, speaker in zip(segment.words, speakers, strict=True):
        if parts and parts[-1][-1][1] == speaker:
            parts[-1].append((word, speaker))
        else:
            parts.append([(word, speaker)])
    if len(parts) == 1:
        return [
            segment.model_copy(
                update={
                    "speaker": speakers[0],
                    "words": [w.model_copy(update={"speaker": speakers[0]}) for w in segment.words],
                }
            )
        ]
    return [
        Segment(
            id=0,
            start=min(segment.start, part[0][0].start) if i == 0 else part[0][0].start,
            end=max(segment.end, part[-1][0].end) if i == len(parts) - 1 else part[-1][0].end,
            text=" ".join(w.text for w, _ in part),
            words=[w.model_copy(update={"speaker": s}) for w, s in part],
            speaker=part[0][1],
            confidence=float(np.mean([w.confidence for w, _ in part])),
        )
        for i, part in enumerate(parts)
    ]


def assign_speakers(
    transcript: Transcript, annotation: Annotation, voiceprints: Mapping[str, str] | None = None
) -> Transcript:
    """A new Transcript whose words and segments carry speakers, and whose `turns` are the diarization's.

    `voiceprints` maps diarization labels to people's names (e.g. from `VoiceprintStore.identify`
    on each speaker's embedding); other anonymous labels become "Người nói N" by first appearance.
    Labels that are already names (a diarization run with voiceprints) are kept.
    """
    turns = _Turns(annotation)
    names = dict(voiceprints or {})
    segments: list[Segment] = []
    for segment in transcript.segments:
        if segment.words:
            speakers = [turns.speaker(w.start, w.end) for w in segment.words]
            segments.extend(_split(segment, speakers))
        else:
            segments.append(segment.model_copy(update={"speaker": turns.speaker(segment.start, segment.end)}))
    numbers: dict[str, str] = {}

    def display(label: str | None) -> str | None:
        if label is None:
            return None
        if label in names:
            return names[label]
        if not ANONYMOUS.match(label):
            return label
        if label not in numbers:
            numbers[label] = f"{SPEAKER_PREFIX} {len(numbers) + 1}"
        return numbers[label]

    relabelled = []
    for i, segment in enumerate(segments):
        words = [w.model_copy(update={"speaker": display(w.speaker)}) for w in segment.words]
        relabelled.append(segment.model_copy(update={"id": i, "speaker": display(segment.speaker), "words": words}))
    kept = [
        Turn(start=round(float(start), 3), end=round(float(end), 3), speaker=display(label) or label)
        for start, end, label in zip(turns.starts, turns.ends, turns.labels, strict=True)
    ]
    return transcript.model_copy(update={"segments": relabelled, "turns": kept})
