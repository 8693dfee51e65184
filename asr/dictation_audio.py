"""A browser's MediaRecorder stream (WebM/Opus, Ogg/Opus) decoded piece by piece as it arrives.

MediaRecorder sends one container stream cut into arbitrary chunks; only the first carries the
header. FFmpeg (PyAV) demuxes it from a file-like object whose `read` blocks until the next chunk
arrives and returns whatever is there (never waiting to fill FFmpeg's buffer, which would add
seconds of latency), on a thread of its own; decoded audio, 16 kHz mono float32, is collected with
`take`.
"""

from __future__ import annotations

import itertools
import queue
import threading

import av
import numpy as np

from core.audio import SAMPLE_RATE
from core.errors import BadAudioError


class _Pipe:
    """Bytes written by one thread, read by FFmpeg on another; `read` returns b"" only after `close`."""

    def __init__(self) -> None:
        self._data = bytearray()
        self._closed = False
        self._ready = threading.Condition()

    def write(self, data: bytes) -> None:
        with self._ready:
            self._data += data
            self._ready.notify()

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify()

    def read(self, size: int = -1) -> bytes:
        with self._ready:
            self._ready.wait_for(lambda: self._data or self._closed)
            size = len(self._data) if size < 0 else min(size, len(self._data))
            out = bytes(self._data[:size])
            del self._data[:size]
            return out


class CompressedStream:
    """`feed(bytes)` chunks of one WebM/Ogg stream, `take()` the samples decoded so far, `close()` at the end."""

    def __init__(self) -> None:
        self._pipe = _Pipe()
        self._out: queue.Queue[np.ndarray | BaseException | None] = queue.Queue()
        self._thread = threading.Thread(target=self._decode, name="dictation-decoder", daemon=True)
        self._thread.start()

    def _decode(self) -> None:
        try:
            with av.open(self._pipe, mode="r", buffer_size=4096) as container:
                resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
                for frame in itertools.chain(container.decode(audio=0), [None]):  # None: the resampler's tail
                    if frame is not None:
                        frame.pts = None
                    for out in resampler.resample(frame):
                        self._out.put(out.to_ndarray().reshape(-1).astype(np.float32))
        except (av.error.FFmpegError, IndexError) as exc:
            self._out.put(BadAudioError(f"không giải mã được luồng âm thanh nén (cannot decode stream: {exc})"))
        finally:
            self._out.put(None)

    def feed(self, data: bytes) -> None:
        self._pipe.write(data)

    def take(self, *, wait_end: bool = False) -> tuple[np.ndarray, bool]:
        """Samples decoded since the last call, and whether the stream has ended (`wait_end`: block until it has)."""
        parts: list[np.ndarray] = []
        ended = False
        while True:
            try:
                item = self._out.get(block=wait_end, timeout=30 if wait_end else None)
            except queue.Empty:
                break
            if item is None:
                ended = True
                break
            if isinstance(item, BaseException):
                raise item
            parts.append(item)
        return (np.concatenate(parts) if parts else np.zeros(0, np.float32)), ended

    def abort(self) -> None:
        """The client went away: let the decoding thread finish."""
        self._pipe.close()

    def close(self) -> np.ndarray:
        """End of input: the remaining samples."""
        self._pipe.close()
        samples, _ = self.take(wait_end=True)
        self._thread.join(timeout=5)
        return samples
