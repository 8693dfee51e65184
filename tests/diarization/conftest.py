"""A stitched three-speaker Vietnamese meeting from real cv9_vi_dev clips, embedded once per session."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pytest
from pyannote.core import Annotation, Segment

from diarization.pipeline import SpeakerDiarization, SpeechWindows
from tests.api.conftest import _postgres_database, _sqlite_template, database_url  # noqa: F401  (both databases)
from tests.audio_helpers import stitch

SPEAKERS = ("cv_e3e2b2e16592", "cv_b5a488f63805", "cv_b5b9218efb4e")
"""Three voices with many clips: a southern man, a northern man, a central woman."""
OUTSIDER = "cv_f0b2660ae6fc"
"""A fourth voice that never speaks in the meeting."""


@dataclass
class Meeting:
    audio: np.ndarray
    reference: Annotation
    order: list[str]
    """Speaker of each turn, in time order."""
    spare: dict[str, list[str]]
    """Clips of each voice not used in the meeting (for enrolment)."""


@pytest.fixture(scope="session")
def clips_by_speaker(cv_rows: list[dict[str, str]]) -> dict[str, list[str]]:
    by_speaker: dict[str, list[str]] = defaultdict(list)
    for row in cv_rows:
        if float(row["duration_s"]) >= 3.5:
            by_speaker[row["speaker"]].append(row["audio_path"])
    return by_speaker


@pytest.fixture(scope="session")
def meeting(clips_by_speaker: dict[str, list[str]]) -> Meeting:
    """A B C B A C A B C with 0.6 s pauses: quick turn-taking, each voice 3 turns."""
    order = [SPEAKERS[i] for i in (0, 1, 2, 1, 0, 2, 0, 1, 2)]
    used: dict[str, int] = defaultdict(int)
    paths = []
    for speaker in order:
        paths.append(clips_by_speaker[speaker][used[speaker]])
        used[speaker] += 1
    audio, extents = stitch(paths, lead_s=1.0, gap_s=0.6)
    reference = Annotation(uri="meeting")
    for speaker, (start, end) in zip(order, extents, strict=True):
        reference[Segment(start, end)] = speaker
    spare = {s: clips_by_speaker[s][used[s] : used[s] + 3] for s in (*SPEAKERS, OUTSIDER)}
    return Meeting(audio=audio, reference=reference, order=order, spare=spare)


@pytest.fixture(scope="session")
def pipeline() -> SpeakerDiarization:
    return SpeakerDiarization()


@pytest.fixture(scope="session")
def windows(pipeline: SpeakerDiarization, meeting: Meeting) -> SpeechWindows:
    return pipeline.embed(meeting.audio)


def cluster_of(meeting: Meeting, turns: Annotation, speaker: str) -> int:
    """Index of the cluster holding most of `speaker`'s speech."""
    cropped = turns.crop(meeting.reference.label_timeline(speaker))
    return int(max(cropped.labels(), key=cropped.label_duration).removeprefix("SPEAKER_"))
