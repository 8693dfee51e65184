"""Which clusters are speakers, on real CAM++ windows of the stitched three-voice meeting (conftest)."""

from __future__ import annotations

import numpy as np
import pytest

from diarization.clustering import Clustering
from diarization.pipeline import SpeechWindows
from tests.diarization.conftest import SPEAKERS, Meeting

RARE_SHARE = 0.2
"""A `min_cluster_fraction` that puts one ~2 s turn far below the share of speech a cluster needs to count
outright, as 15 s would be in an hour-long meeting: the meeting is short, the proportion is the same."""
SHORT_SPLIT_S = 4.0
"""`min_split_weight` for this short meeting (each voice speaks 6-8 s; 10 s in a real one)."""


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


def _weights(windows: SpeechWindows) -> np.ndarray:
    """Seconds of speech each window stands for, as the pipeline gives them."""
    return np.minimum(windows.ends - windows.starts, 0.75)


def test_a_distinct_voice_with_little_speech_stays_a_speaker(meeting: Meeting, windows: SpeechWindows, voice) -> None:
    """One ~2 s turn of a third voice is far below the share of speech a cluster needs, yet a voice of its own."""
    rare = _first_turn(meeting, windows, SPEAKERS[2])
    keep = (voice != 2) | rare
    weights = _weights(windows)[keep]
    assert 2.0 <= weights[rare[keep]].sum() < RARE_SHARE * weights.sum()
    labels = Clustering(min_cluster_fraction=RARE_SHARE)(windows.embeddings[keep], weights)
    assert labels.max() + 1 == 3
    rare_labels = set(labels[rare[keep]])
    assert len(rare_labels) == 1 and not rare_labels & set(labels[~rare[keep]])


def test_little_speech_of_a_known_voice_is_absorbed(meeting: Meeting, windows: SpeechWindows, voice) -> None:
    """The same ~2 s turn, when its voice also speaks elsewhere, is no new speaker."""
    short = _first_turn(meeting, windows, SPEAKERS[2])
    labels = Clustering(min_cluster_fraction=RARE_SHARE)(windows.embeddings, _weights(windows))
    assert labels.max() + 1 == 3
    assert set(labels[short]) == set(labels[voice == 2]) and len(set(labels[voice == 2])) == 1


def test_a_voice_split_in_two_is_merged(windows: SpeechWindows, voice) -> None:
    """A tight cut splits the third voice in two; their centroids match, so they are one speaker again."""
    weights = _weights(windows)
    split = Clustering(threshold=0.45, same_speaker_similarity=1.0)(windows.embeddings, weights)
    assert len(set(split[voice == 2])) == 2
    merged = Clustering(threshold=0.45)(windows.embeddings, weights)
    assert len(set(merged[voice == 2])) == 1
    assert not set(merged[voice == 2]) & set(merged[voice != 2])


def test_two_voices_joined_by_a_loose_cut_are_split(windows: SpeechWindows, voice) -> None:
    """A loose cut joins the two men; each half has enough speech and the halves' voices differ, so they part.

    The meeting is short: each man speaks 6-8 s, so the speech a half needs is lowered in proportion (4 s: a man's
    own halves, checked again after the split, hold about 4 s each, too little to be compared by voice)."""
    weights = _weights(windows)
    joined = Clustering(threshold=0.8, min_split_weight=np.inf)(windows.embeddings, weights)
    assert joined.max() + 1 == 2 and len(set(joined[voice != 2])) == 1
    split = Clustering(threshold=0.8, min_split_weight=SHORT_SPLIT_S)(windows.embeddings, weights)
    assert split.max() + 1 == 3
    assert all(len(set(split[voice == v])) == 1 for v in range(3))


def test_three_voices_in_one_cluster_are_split_into_three(windows: SpeechWindows, voice) -> None:
    """A cut that joins every voice: the top split parts the woman from the two men, and the men's half, checked
    again, parts too (checking each cluster once left the men together: 2 speakers for 3)."""
    weights = _weights(windows)
    joined = Clustering(threshold=1.0, min_split_weight=np.inf)(windows.embeddings, weights)
    assert joined.max() + 1 == 1
    split = Clustering(threshold=1.0, min_split_weight=SHORT_SPLIT_S)(windows.embeddings, weights)
    assert split.max() + 1 == 3
    assert all(len(set(split[voice == v])) == 1 for v in range(3))
    assert len({int(split[voice == v][0]) for v in range(3)}) == 3


def test_a_few_turns_of_a_known_voice_join_it_a_new_voice_does_not(
    meeting: Meeting, windows: SpeechWindows, voice
) -> None:
    """A tight cut leaves the woman's voice in two clusters; the one under `small_cluster_weight` matches the
    other at `small_cluster_similarity` and joins it, even with speaker merging off. Her single turn, when she
    says nothing else, matches neither man and stays a voice of its own under the same rule.

    The meeting is short: the weight under which a cluster is "a few turns" is lowered in proportion."""
    weights = _weights(windows)
    rule_off = Clustering(threshold=0.45, same_speaker_similarity=1.0, small_cluster_weight=0.0)
    assert len(set(rule_off(windows.embeddings, weights)[voice == 2])) == 2
    rule_on = Clustering(threshold=0.45, same_speaker_similarity=1.0, small_cluster_weight=3.0)
    joined = rule_on(windows.embeddings, weights)
    assert len(set(joined[voice == 2])) == 1 and not set(joined[voice == 2]) & set(joined[voice != 2])

    rare = _first_turn(meeting, windows, SPEAKERS[2])
    keep = (voice != 2) | rare
    assert weights[rare].sum() < 3.0
    alone = Clustering(small_cluster_weight=3.0)(windows.embeddings[keep], weights[keep])
    assert alone.max() + 1 == 3
    assert len(set(alone[rare[keep]])) == 1 and not set(alone[rare[keep]]) & set(alone[~rare[keep]])
