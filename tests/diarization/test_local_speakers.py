"""The segmentation-based pipeline (pyannote 3.x algorithm) on real Vietnamese voices."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pyannote.core import Annotation, Segment
from pyannote.metrics.diarization import DiarizationErrorRate

from benchmarks.simulate_meetings import trim_to_speech
from core.audio import SAMPLE_RATE, load_audio
from core.errors import SilentAudioError
from diarization import VoiceprintStore
from diarization.embedders import normalize
from diarization.local_speakers import LocalSpeakers, SegmentationDiarization
from tests.audio_helpers import speech_extent, stitch
from tests.diarization.conftest import SPEAKERS, Meeting, cluster_of


@pytest.fixture(scope="module")
def segmentation() -> SegmentationDiarization:
    return SegmentationDiarization()


@pytest.fixture(scope="module")
def local(segmentation: SegmentationDiarization, meeting: Meeting) -> LocalSpeakers:
    return segmentation.analyse(meeting.audio)


def test_three_voices_are_found_with_little_missed_speech(
    segmentation: SegmentationDiarization, local: LocalSpeakers, meeting: Meeting
) -> None:
    """Turns of 2-3 s with 0.6 s pauses: every voice is found, almost no speech is missed.

    The count is left free first: this pipeline finds a fourth voice on this meeting (2.7 s of one speaker's
    speech split off), which the benchmark reports; told there are three, it gets the turns right.
    """
    assignment, centroids = segmentation.cluster(local)
    hypothesis = segmentation.turns(local, assignment, uri="meeting")
    detail = DiarizationErrorRate(collar=0.25)(meeting.reference, hypothesis, detailed=True)
    assert 3 <= len(hypothesis.labels()) == len(centroids) <= 4
    assert detail["missed detection"] < 0.03 * detail["total"]
    assert detail["diarization error rate"] < 0.25
    assignment, centroids = segmentation.cluster(local, num_speakers=3)
    hypothesis = segmentation.turns(local, assignment, uri="meeting")
    assert len(hypothesis.labels()) == 3 and centroids.shape == (3, 192)
    assert DiarizationErrorRate(collar=0.25)(meeting.reference, hypothesis) < 0.10


def test_two_voices_of_one_window_never_share_a_speaker(
    segmentation: SegmentationDiarization, local: LocalSpeakers
) -> None:
    """Cannot-link: even forced into one speaker less than there are voices, a window keeps its voices apart."""
    assignment, _ = segmentation.cluster(local, num_speakers=2)
    for window in assignment:
        voices = window[window >= 0]
        assert len(set(voices.tolist())) == len(voices) or len(voices) > 2


def test_streaming_does_not_depend_on_the_block_size(
    segmentation: SegmentationDiarization, local: LocalSpeakers, meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOBANG_AUDIO__BLOCK_S", "3.7")
    from core.settings import get_settings

    get_settings.cache_clear()
    try:
        again = segmentation.analyse(meeting.audio)
    finally:
        get_settings.cache_clear()
    assert np.array_equal(again.starts, local.starts)
    assert np.array_equal(again.activity, local.activity)
    assert np.allclose(again.embeddings, local.embeddings, equal_nan=True, atol=1e-3)


def test_overlapped_speech_gives_two_speakers_at_once(
    segmentation: SegmentationDiarization, clips_by_speaker: dict[str, list[str]]
) -> None:
    """Two real voices, two sentences each, the second voice starting half-way through each sentence of the first.

    Where the model hears two voices it credits both, as two labels; what it calls overlap is overlap. (It hears
    one of the two overlaps here: the scores of both are in the benchmark, not asserted beyond that.)
    """
    sentences = [load_audio(clips_by_speaker[s][i]) for i in (0, 1) for s in SPEAKERS[:2]]  # A1 B1 A2 B2
    reference = Annotation()
    tracks: dict[str, list[np.ndarray]] = {"A": [], "B": []}
    position = {"A": 1.0, "B": 0.0}
    a_speech = (0.0, 0.0)
    for i, clip in enumerate(sentences):
        voice = "AB"[i % 2]
        onset, offset = speech_extent(clip)
        if voice == "B":  # start at the middle of the speech of A's sentence just placed
            position["B"] = max(position["B"], 0.5 * sum(a_speech) - onset)
        start = position[voice]
        gap = int(start * SAMPLE_RATE) - sum(t.size for t in tracks[voice])
        tracks[voice] += [np.zeros(gap, np.float32), clip]
        reference[Segment(start + onset, start + offset), i] = voice
        if voice == "A":
            a_speech = (start + onset, start + offset)
        position[voice] = start + clip.size / SAMPLE_RATE + 0.5
    a, b = (np.concatenate(tracks[v]) for v in "AB")
    size = max(a.size, b.size) + SAMPLE_RATE
    mix = (np.pad(a, (0, size - a.size)) + np.pad(b, (0, size - b.size))).astype(np.float32)
    truth = reference.get_overlap()
    assert truth.duration() > 1.5

    annotation = segmentation.apply(mix, num_speakers=2)
    heard = annotation.get_overlap()
    assert heard.duration() >= 0.35 * truth.duration()
    assert truth.crop(heard).duration() >= 0.75 * heard.duration()
    for region in heard:
        assert len(annotation.crop(region).labels()) == 2


def test_a_voice_heard_over_another_is_a_speaker_of_its_own(
    segmentation: SegmentationDiarization, clips_by_speaker: dict[str, list[str]]
) -> None:
    """One man's long turn with another man's sentence said over its middle: too little speech alone for a cluster of
    its own, but the windows hear two voices at once, so it is a second speaker and its speech is not missed."""
    first, _ = stitch(clips_by_speaker[SPEAKERS[0]][:3], lead_s=0.5, gap_s=0.2)
    second = load_audio(clips_by_speaker[SPEAKERS[1]][0])
    start = first.size // 2
    mix = np.pad(first, (0, max(0, start + second.size - first.size)))
    mix[start : start + second.size] += second
    onset, offset = speech_extent(second)
    spoken = Segment(start / SAMPLE_RATE + onset, start / SAMPLE_RATE + offset)

    local = segmentation.analyse(mix)
    assert segmentation.voices_at_once(local) == 2
    assert len(replace(segmentation, overlap_s=60.0).cluster(local)[1]) == 1  # the clustering alone finds one
    assignment, centroids = segmentation.cluster(local)
    assert len(centroids) == 2
    turns = segmentation.turns(local, assignment)
    main = max(turns.labels(), key=turns.label_duration)
    other = next(label for label in turns.labels() if label != main)
    assert turns.crop(spoken).label_duration(other) > 0.5 * spoken.duration


def test_one_voice_the_model_hears_twice_stays_one_speaker(
    segmentation: SegmentationDiarization, cv_rows: list[dict[str, str]]
) -> None:
    """segmentation-3.0 gives this voice a second local speaker for more than `overlap_s`; forced into two speakers,
    the halves sound the same (centroids 0.97), so it stays one."""
    paths = sorted(row["audio_path"] for row in cv_rows if row["speaker"] == "cv_f213027e64ab")
    pause = np.zeros(int(0.3 * SAMPLE_RATE), np.float32)
    audio = np.concatenate([part for path in paths for part in (trim_to_speech(load_audio(path)), pause)])
    local = segmentation.analyse(audio)
    assert segmentation.voices_at_once(local) == 2
    assert len(replace(segmentation, overlap_max_similarity=1.0).cluster(local)[1]) == 2
    assert len(segmentation.cluster(local)[1]) == 1


def test_silence_is_a_clear_error(segmentation: SegmentationDiarization) -> None:
    with pytest.raises(SilentAudioError):
        segmentation.apply(np.zeros(12 * SAMPLE_RATE, np.float32))


def test_short_voices_and_a_recording_shorter_than_a_window(
    segmentation: SegmentationDiarization, meeting: Meeting
) -> None:
    """A 6 s recording (one window, zero-padded) still gives its one voice; every turn lies inside the audio."""
    turn = next(iter(meeting.reference.itersegments()))
    piece = meeting.audio[int((turn.start - 0.5) * SAMPLE_RATE) : int((turn.start + 5.5) * SAMPLE_RATE)]
    annotation = replace(segmentation).apply(piece)
    assert annotation.labels() == ["SPEAKER_00"]
    assert annotation.get_timeline().extent().end <= piece.size / SAMPLE_RATE + 1e-6
    reference = Annotation()
    reference[Segment(0.5, min(6.0, 0.5 + turn.duration))] = "A"
    assert DiarizationErrorRate(collar=0.25)(reference, annotation) < 0.15


def test_one_cluster_holding_two_enrolled_voices_names_each_turn(
    segmentation: SegmentationDiarization, local: LocalSpeakers, meeting: Meeting, database_url: str
) -> None:
    """As in the vad pipeline: when clustering joins a man's and a woman's voice, each turn is named by its own local
    speakers, where the joined cluster's centroid could carry one name at most."""
    store = VoiceprintStore(database_url)
    names = {SPEAKERS[0]: "Đại biểu Nguyễn Văn A", SPEAKERS[2]: "Đại biểu Trần Thị B"}
    for speaker, name in names.items():
        store.enroll(name, [load_audio(p) for p in meeting.spare[speaker]])
    assignment, centroids = segmentation.cluster(local, num_speakers=3)
    turns = segmentation.turns(local, assignment)
    first, second = (cluster_of(meeting, turns, speaker) for speaker in names)
    assert first != second
    joined = np.where(assignment == second, first, assignment)
    centroids = centroids.copy()
    centroids[first] = normalize(centroids[first] + centroids[second])
    turns = segmentation.turns(local, joined)
    annotation = segmentation.name_speakers(turns, local, joined, centroids, store)
    for speaker, name in names.items():
        for turn in meeting.reference.label_timeline(speaker):
            assert annotation.crop(turn).label_duration(name) > 0.8 * turn.duration, (speaker, turn)
    clusters_only = replace(segmentation, turn_name_margin=None).name_speakers(turns, local, joined, centroids, store)
    assert not set(names.values()) <= set(clusters_only.labels())  # one centroid cannot carry both names
