from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from asr.factory import create_engine
from asr.recover import cut_spans, wordless_speech
from asr.transcriber import Transcriber
from core.audio import SAMPLE_RATE
from core.export import render
from core.text import normalize_for_scoring
from core.transcript import UNTRANSCRIBED_MARK, ModelRef, Segment, Transcript, Word
from tests.audio_helpers import stitch, write_wav


def _transcript(words: list[tuple[float, float]]) -> Transcript:
    segment = Segment(
        id=0,
        start=words[0][0],
        end=words[-1][1],
        text=" ".join("từ" for _ in words),
        words=[Word(text="từ", start=a, end=b) for a, b in words],
    )
    return Transcript(model=ModelRef(engine="vietasr", name="x"), segments=[segment])


def test_wordless_speech_is_speech_no_word_covers_for_a_second_or_more() -> None:
    transcript = _transcript([(1.0, 1.4), (1.5, 1.9), (4.0, 4.3)])
    speech = [(0.8, 2.5), (2.4, 5.0), (6.0, 6.8), (7.0, 9.5)]  # overlapping spans are one stretch
    assert wordless_speech(speech, transcript) == [
        (pytest.approx(2.2), pytest.approx(3.7)),  # the pause between words, widened by 0.3 s each side
        (7.0, 9.5),
    ]  # 6.0-6.8 is shorter than a second, the ends next to words are covered
    assert wordless_speech(speech, transcript, min_s=2.0) == [(7.0, 9.5)]


def test_spans_are_cut_from_the_stream_whatever_the_block_size() -> None:
    audio = np.arange(10 * SAMPLE_RATE, dtype=np.float32)
    spans = [(0.05, 1.0), (2.0, 2.5), (5.9, 6.2), (9.5, 12.0)]
    for block in (1000, SAMPLE_RATE, 3 * SAMPLE_RATE):
        blocks = (audio[i : i + block] for i in range(0, audio.size, block))
        chunks = list(cut_spans(blocks, spans, pad_s=0.1))
        assert [round(c.start, 3) for c in chunks] == [0.0, 1.9, 5.8, 9.4]
        assert [round(c.end, 3) for c in chunks] == [1.1, 2.6, 6.3, 10.0]  # the last one ends with the audio
        for chunk in chunks:
            assert chunk.audio[0] == round(chunk.start * SAMPLE_RATE)  # the right samples, not shifted


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber(create_engine("vietasr"))


def test_dropped_speech_is_decoded_again_and_noise_is_marked_untranscribed(
    transcriber: Transcriber, vivos_rows: list[dict[str, str]], tmp_path: Path
) -> None:
    """A real sentence the first pass lost comes back with its words; a stretch that gives none is marked."""
    audio, (kept, lost) = stitch([vivos_rows[0]["audio_path"], vivos_rows[1]["audio_path"]], lead_s=1.0, gap_s=1.0)
    noise_start = audio.size / SAMPLE_RATE
    hum = 0.01 * np.sin(2 * np.pi * 50 * np.arange(2 * SAMPLE_RATE) / SAMPLE_RATE)  # mains hum, no words in it
    path = write_wav(tmp_path / "phien.wav", np.concatenate([audio, hum.astype(np.float32), np.zeros(8000)]))
    first = transcriber.transcribe(path)
    # the first pass as if the recogniser (or a guard) had dropped the second sentence
    dropped = first.model_copy(update={"segments": [s for s in first.segments if s.end <= kept[1] + 0.5]})
    assert dropped.words and not any(w.start >= lost[0] for w in dropped.words)

    speech = [kept, lost, (noise_start, noise_start + 2.0)]
    filled = transcriber.fill_wordless(dropped, path, speech)

    recovered = " ".join(s.text for s in filled.segments if s.start >= lost[0] - 0.5 and s.words)
    expected = normalize_for_scoring(vivos_rows[1]["reference_text"]).split()
    heard = normalize_for_scoring(recovered).split()
    assert len(set(heard) & set(expected)) >= 0.7 * len(set(expected))
    marked = [s for s in filled.segments if s.untranscribed]
    assert [(round(s.start, 1), round(s.end, 1)) for s in marked] == [
        (round(noise_start - 0.1, 1), round(noise_start + 2.1, 1))
    ]
    assert filled.untranscribed_count == 1 and marked[0].text == "" and not marked[0].words
    assert [s.id for s in filled.segments] == list(range(len(filled.segments)))
    assert UNTRANSCRIBED_MARK in render(filled, "txt").decode()
    assert Transcript.model_validate_json(filled.model_dump_json()) == filled
    typed = filled.model_copy(
        update={"segments": [s.model_copy(update={"text": "Xin cảm ơn."}) if s.untranscribed else s for s in marked]}
    )
    assert typed.untranscribed_count == 0  # a clerk's text clears it
