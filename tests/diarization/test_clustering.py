"""Which clusters are speakers, on real CAM++ windows of the stitched three-voice meeting (conftest)."""

from __future__ import annotations

import numpy as np
import pytest

from diarization.clustering import Clustering
from diarization.pipeline import SpeechWindows
from tests.diarization.conftest import SPEAKERS, Meeting

HEAVY_S = 60.0
"""Seconds each window of the talkative voices stands for: together about a quarter of an hour of speech."""


@pytest.fixture(scope="module")
def voice(meeting: Meeting, windows: SpeechWindows) -> np.ndarray:
    """Index in SPEAKERS of the voice speaking at each window's centre."""
    out = np.full(windows.centres.size, -1)
    for segment, _, label in meeting.reference.itertracks(yield_label=True):
        out[(windows.centres >= segment.start) & (windows.centres <= segment.end)] = SPEAKERS.index(label)
    assert (out >= 0).all()
    return out


def _first_turn(meeting: Meeting, windows: SpeechWindows, speaker: str) -> np.ndarray:
    """Windows of the first turn of `speaker`."""
    turn = next(s for s, _, label in meeting.reference.itertracks(yield_label=True) if label == speaker)
    return (windows.centres >= turn.start) & (windows.centres <= turn.end)


def _weights(windows: SpeechWindows, light: np.ndarray) -> np.ndarray:
    """Talkative voices weigh `HEAVY_S` per window; the `light` windows their real ~0.75 s."""
    return np.where(light, np.minimum(windows.ends - windows.starts, 0.75), HEAVY_S)


def test_a_distinct_voice_with_little_speech_stays_a_speaker(meeting: Meeting, windows: SpeechWindows, voice) -> None:
    """~2 s of a third voice amid a long meeting is below 0.4% of the speech, yet a voice of its own."""
    rare = _first_turn(meeting, windows, SPEAKERS[2])
    keep = (voice != 2) | rare
    weights = _weights(windows, rare)[keep]
    assert weights[rare[keep]].sum() < 0.004 * weights.sum()
    labels = Clustering()(windows.embeddings[keep], weights)
    assert labels.max() + 1 == 3
    rare_labels = set(labels[rare[keep]])
    assert len(rare_labels) == 1 and not rare_labels & set(labels[~rare[keep]])


def test_little_speech_of_a_known_voice_is_absorbed(meeting: Meeting, windows: SpeechWindows, voice) -> None:
    """The same ~2 s turn, when its voice also talks at length, is no new speaker."""
    short = _first_turn(meeting, windows, SPEAKERS[2])
    weights = _weights(windows, short)
    labels = Clustering()(windows.embeddings, weights)
    assert labels.max() + 1 == 3
    assert set(labels[short]) == set(labels[voice == 2]) and len(set(labels[voice == 2])) == 1


def test_a_voice_split_in_two_is_merged(windows: SpeechWindows, voice) -> None:
    """A tight cut splits the third voice in two; their centroids match, so they are one speaker again."""
    weights = np.minimum(windows.ends - windows.starts, 0.75)
    split = Clustering(threshold=0.45, same_speaker_similarity=1.0)(windows.embeddings, weights)
    assert len(set(split[voice == 2])) == 2
    merged = Clustering(threshold=0.45)(windows.embeddings, weights)
    assert len(set(merged[voice == 2])) == 1
    assert not set(merged[voice == 2]) & set(merged[voice != 2])
