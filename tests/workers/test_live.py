"""Live captions of a stitched two-speaker meeting: streamed text, an enrolled name, a stable anonymous label."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest

from core.audio import SAMPLE_RATE, load_audio
from core.settings import TextSettings
from core.text import normalize_for_scoring
from diarization.embedders import get_embedder
from diarization.online import ANONYMOUS, OnlineSpeakers
from tests.audio_helpers import stitch
from workers.live import Caption, LiveCaptioner
from workers.options import PipelineOptions
from workers.pipeline import cached_engine, text_formatter

ENROLLED, OTHER = "cv_e3e2b2e16592", "cv_b5b9218efb4e"


@pytest.fixture(scope="module")
def clips(cv_rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    by_speaker: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in cv_rows:
        if float(row["duration_s"]) >= 3.5:
            by_speaker[row["speaker"]].append(row)
    return by_speaker


def _stream(captioner: LiveCaptioner, audio: np.ndarray) -> list[Caption]:
    step = int(0.2 * SAMPLE_RATE)
    captions = [c for i in range(0, audio.size, step) for c in captioner.feed(audio[i : i + step])]
    return captions + captioner.finish()


def test_turns_named_or_clustered_and_text_streamed(clips: dict[str, list[dict[str, str]]]) -> None:
    turns = [clips[s][i] for s, i in ((ENROLLED, 0), (OTHER, 0), (ENROLLED, 1), (OTHER, 1))]
    audio, extents = stitch([r["audio_path"] for r in turns], lead_s=0.5, gap_s=1.2)
    embedder = get_embedder()
    enrolment = np.concatenate([load_audio(r["audio_path"]) for r in clips[ENROLLED][2:5]])
    speakers = OnlineSpeakers(embedder, voiceprints={"Chủ tọa An": embedder.embed(enrolment)})
    captioner = LiveCaptioner(cached_engine("vietasr", None), speakers)

    captions = _stream(captioner, audio)

    finals = [c for c in captions if c.type == "final"]
    assert any(c.type == "partial" for c in captions)
    assert [c.index for c in finals] == list(range(len(finals)))
    heard_words, reference_words = 0, 0
    for row, (start, end) in zip(turns, extents, strict=True):
        heard = [c for c in finals if c.start < end and c.end > start]
        assert heard, row
        reference = set(normalize_for_scoring(row["reference_text"]).split())
        heard_words += len(set(normalize_for_scoring(" ".join(c.text for c in heard)).split()) & reference)
        reference_words += len(reference)
        expected = "Chủ tọa An" if row["speaker"] == ENROLLED else ANONYMOUS.format(1)
        assert {c.speaker for c in heard} == {expected}
    assert heard_words >= 0.7 * reference_words
    transcript = captioner.transcript(source_name="phiên họp")
    assert [s.speaker for s in transcript.segments] == [c.speaker for c in finals]
    assert all(w.speaker == s.speaker for s in transcript.segments for w in s.words)
    assert transcript.duration == pytest.approx(audio.size / SAMPLE_RATE)


def test_a_captioner_started_mid_session_keeps_session_times(clips: dict[str, list[dict[str, str]]]) -> None:
    """After a server restart the captioner starts at the acknowledged offset: captions carry session times."""
    embedder = get_embedder()
    row = clips[OTHER][2]
    audio = np.concatenate([load_audio(row["audio_path"]), np.zeros(SAMPLE_RATE, np.float32)])
    offset = 90 * SAMPLE_RATE
    captioner = LiveCaptioner(cached_engine("vietasr", None), OnlineSpeakers(embedder), start_sample=offset)

    finals = [c for c in _stream(captioner, audio) if c.type == "final"]

    assert finals and all(90.0 <= c.start < c.end <= 90.0 + audio.size / SAMPLE_RATE for c in finals)
    words = captioner.transcript(source_name="phiên họp").words
    assert words and all(90.0 <= w.start <= w.end <= finals[-1].end for w in words)
    assert finals[0].speaker == ANONYMOUS.format(1)


def test_finals_get_the_written_form_of_offline_transcripts(
    clips: dict[str, list[dict[str, str]]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Live finals go through the text stage offline jobs use; their words keep the spoken form and times."""
    formatter = text_formatter(PipelineOptions(), TextSettings(), tmp_path_factory.mktemp("models"))
    assert formatter is not None
    audio, _ = stitch([clips[OTHER][2]["audio_path"], clips[ENROLLED][5]["audio_path"]], lead_s=0.5, gap_s=1.2)
    speakers = OnlineSpeakers(get_embedder(), voiceprints={})
    captioner = LiveCaptioner(cached_engine("vietasr", None), speakers, formatter=formatter)

    finals = [c for c in _stream(captioner, audio) if c.type == "final"]

    segments = captioner.transcript(source_name="phiên họp").segments
    assert finals and [c.text for c in finals] == [s.text for s in segments]
    for segment in segments:
        spoken = " ".join(w.text for w in segment.words)
        assert spoken == spoken.lower() and segment.text == formatter.format(spoken)
        assert segment.text[0].isupper() and segment.text[-1] in ".?!"
