"""Build test recordings from real clips: stitched with known silences, written as 16-bit WAV."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from core.audio import SAMPLE_RATE, load_audio
from core.vad import SpeechChunker


def write_wav(path: Path, audio: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return path


def speech_extent(audio: np.ndarray) -> tuple[float, float]:
    """Onset and offset of speech in a clip (VAD without padding): clips carry silence at both ends."""
    regions = SpeechChunker(speech_pad_ms=0)._regions(audio)
    return regions[0][0] / SAMPLE_RATE, regions[-1][1] / SAMPLE_RATE


def stitch(
    paths: list[str], *, lead_s: float = 2.0, gap_s: float = 3.0
) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Clips separated by silence, with each clip's speech (onset, offset) in the stitched timeline."""
    parts = [np.zeros(int(lead_s * SAMPLE_RATE), dtype=np.float32)]
    extents: list[tuple[float, float]] = []
    position = lead_s
    for path in paths:
        clip = load_audio(path)
        onset, offset = speech_extent(clip)
        extents.append((position + onset, position + offset))
        parts += [clip, np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)]
        position += clip.size / SAMPLE_RATE + gap_s
    return np.concatenate(parts), extents


class _ForwardOnly:
    """A write-only sink: a muxer that cannot seek back cannot write the total length into the header."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += bytes(data)
        return len(data)


def streamed_silent_flac(seconds: int, sample_rate: int = SAMPLE_RATE) -> bytes:
    """FLAC of `seconds` of silence whose header declares no duration, as a streaming encoder writes it
    (a few KB per hour: the hostile file of issue 13 F2)."""
    import av

    sink = _ForwardOnly()
    with av.open(sink, "w", format="flac") as out:
        stream = out.add_stream("flac", rate=sample_rate, layout="mono")
        second = np.zeros((1, sample_rate), dtype=np.int16)
        for i in range(seconds):
            frame = av.AudioFrame.from_ndarray(second, format="s16", layout="mono")
            frame.sample_rate, frame.pts = sample_rate, i * sample_rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return bytes(sink.data)
