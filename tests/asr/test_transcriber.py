from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest

from asr.engine import DecodeOptions
from asr.factory import create_engine
from asr.transcriber import Transcriber
from core.audio import SAMPLE_RATE
from core.errors import BadAudioError, SilentAudioError
from core.transcript import Transcript
from tests.audio_helpers import stitch, write_wav


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber(create_engine("vietasr"), glossary=("Hà Nội",))


def test_a_recording_becomes_a_readable_timed_transcript(
    transcriber: Transcriber, cv_rows: list[dict[str, str]], tmp_path: Path
) -> None:
    audio, extents = stitch([r["audio_path"] for r in cv_rows[:4]])
    path = write_wav(tmp_path / "phien-hop.wav", audio)
    fractions: list[float] = []
    transcript = transcriber.transcribe(path, hook=lambda stage, f: fractions.append(f))

    assert transcript.model.engine == "vietasr" and transcript.model.checksum
    assert transcript.source is not None and transcript.source.name == "phien-hop.wav"
    assert transcript.duration == pytest.approx(audio.size / SAMPLE_RATE, abs=0.01)
    assert [s.id for s in transcript.segments] == list(range(len(transcript.segments)))
    starts = [s.start for s in transcript.segments]
    assert starts == sorted(starts)
    for onset, _ in extents:  # every clip's speech is found where it is
        assert min(abs(s.start - onset) for s in transcript.segments) <= 0.3
    for segment in transcript.segments:
        assert segment.text[0].isupper() and segment.text[-1] in ".?!"
        assert segment.text == unicodedata.normalize("NFC", segment.text)
        assert segment.words and segment.start <= segment.words[0].start and segment.words[-1].end <= segment.end
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert Transcript.model_validate_json(transcript.model_dump_json()) == transcript


def test_pipeline_text_matches_the_engine_called_directly(
    transcriber: Transcriber, vivos_rows: list[dict[str, str]]
) -> None:
    from core.audio import load_audio
    from core.text import normalize_for_scoring
    from core.vad import SpeechChunk

    row = vivos_rows[1]
    direct = transcriber.engine.transcribe_chunks([SpeechChunk(0.0, load_audio(row["audio_path"]))], DecodeOptions())
    direct_text = " ".join(s.text for s in direct)
    piped = transcriber.transcribe(row["audio_path"]).text
    assert normalize_for_scoring(piped) == normalize_for_scoring(direct_text)


def test_silence_is_a_clear_error(transcriber: Transcriber, tmp_path: Path) -> None:
    path = write_wav(tmp_path / "im-lang.wav", np.zeros(5 * SAMPLE_RATE, dtype=np.float32))
    with pytest.raises(SilentAudioError, match=r"im-lang\.wav"):
        transcriber.transcribe(path)


def test_noise_is_not_speech(transcriber: Transcriber, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    path = write_wav(tmp_path / "nhieu.wav", rng.normal(0, 0.01, 5 * SAMPLE_RATE).astype(np.float32))
    with pytest.raises(SilentAudioError):
        transcriber.transcribe(path)


def test_bad_audio_names_the_file(transcriber: Transcriber, tmp_path: Path) -> None:
    path = tmp_path / "hong.mp3"
    path.write_bytes(b"ID3" + bytes(range(256)) * 40)
    with pytest.raises(BadAudioError, match=r"hong\.mp3"):
        transcriber.transcribe(path)
