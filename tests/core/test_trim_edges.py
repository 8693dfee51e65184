"""`trim_edges`: a voice login's leading and trailing silence go, none of its words, not even a quiet last digit.

The speech is the genuine test speaker's real sentence and real digit words (`tests.voice_audio`), as the login
page records them: a second of silence first, pauses between the digits.
"""

from __future__ import annotations

import numpy as np

from core.audio import SAMPLE_RATE, load_audio
from core.vad import trim_edges
from tests.conftest import EVALDATA
from tests.voice_audio import speakers

LEAD_S = 1.0


def _login(last_gain: float = 1.0) -> tuple[np.ndarray, int, int]:
    """A login utterance ending on the digit "một" scaled by `last_gain`, and that word's first and last sample."""
    speaker = speakers()["genuine"]
    clip, begin, end = speaker.digits["1"]
    word = load_audio(EVALDATA / "cv9_vi_dev" / clip)[int(begin * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    lead = np.zeros(int(LEAD_S * SAMPLE_RATE), np.float32)
    spoken = speaker.say("0234")  # the sentence, the digits with their pauses, half a second of silence
    audio = np.concatenate([lead, spoken, word * np.float32(last_gain), np.zeros(SAMPLE_RATE // 2, np.float32)])
    first = lead.size + spoken.size
    return audio, first, first + word.size - 1


def test_the_silence_before_and_after_the_speech_goes() -> None:
    spoken, _, _ = _login()
    audio = np.concatenate([spoken, np.zeros(2 * SAMPLE_RATE, np.float32)])  # stopped recording two seconds late
    chunk = trim_edges(audio)
    assert chunk.start >= LEAD_S - 0.5  # the second of silence first, less the margin
    assert chunk.end <= audio.size / SAMPLE_RATE - 1.9  # the late stop (the margin is the last half second)
    start = round(chunk.start * SAMPLE_RATE)
    assert np.array_equal(chunk.audio, audio[start : start + chunk.audio.size])  # times stay those of the upload


def test_a_quiet_last_digit_is_kept_whole_with_its_margin() -> None:
    audio, first, last = _login(last_gain=10 ** (-30 / 20))  # read 30 dB softer than the sentence
    chunk = trim_edges(audio)
    start = round(chunk.start * SAMPLE_RATE)
    assert start <= first and last < start + chunk.audio.size


def test_audio_without_sound_comes_back_whole() -> None:
    silence = np.zeros(2 * SAMPLE_RATE, np.float32)
    chunk = trim_edges(silence)
    assert chunk.start == 0.0 and chunk.audio.size == silence.size
