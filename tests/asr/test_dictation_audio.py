"""A browser's WebM/Opus stream decoded piece by piece: every sample comes out, none is held back."""

from __future__ import annotations

import io

import av
import numpy as np

from asr.dictation_audio import CompressedStream
from core.audio import SAMPLE_RATE


def _webm(seconds: float, rate: int = 48000) -> bytes:
    """A tone encoded as MediaRecorder sends it (WebM, Opus, 48 kHz mono, 20 ms frames)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="webm") as container:
        stream = container.add_stream("libopus", rate=rate)
        stream.layout = "mono"
        t = np.arange(int(seconds * rate)) / rate
        tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        for start in range(0, tone.size, 960):
            frame = av.AudioFrame.from_ndarray(tone[None, start : start + 960], format="flt", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def test_a_stream_fed_in_pieces_decodes_to_its_whole_length() -> None:
    data = _webm(2.0)
    stream = CompressedStream()
    pieces = []
    for start in range(0, len(data), 1000):
        stream.feed(data[start : start + 1000])
        pieces.append(stream.take()[0])
    pieces.append(stream.close())
    audio = np.concatenate(pieces)
    assert audio.dtype == np.float32
    assert audio.size == 2 * SAMPLE_RATE  # the resampler's last samples are flushed too
    assert 0.15 < float(np.sqrt(np.mean(audio[SAMPLE_RATE // 2 :] ** 2))) < 0.3  # the tone, at 16 kHz
