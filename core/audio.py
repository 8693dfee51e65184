"""Audio input: any container and codec PyAV can read, decoded to 16 kHz mono float32 in bounded blocks.

Long recordings (8 hours and more) are never held whole: `stream_audio` yields fixed-size
blocks, and callers keep only what they still need. Bad input raises a `BadAudioError`
subclass naming the file and the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import av
import numpy as np

from core.errors import AudioTooLongError, CorruptAudioError, EmptyAudioError, NotAudioError

SAMPLE_RATE = 16_000
_TRUNCATION_TOLERANCE_S = 1.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AudioInfo:
    """What the container declares about the audio track."""

    path: str
    container: str
    codec: str
    sample_rate: int
    channels: int
    duration: float | None
    """Declared duration in seconds; None where the container does not say."""


class RemoteAudio(Protocol):
    """Audio that is no local file (an object in S3): each pass opens a fresh seekable reader of it."""

    @property
    def name(self) -> str: ...

    @property
    def size(self) -> int: ...

    def open(self) -> IO[bytes]: ...


AudioSource = str | Path | RemoteAudio
"""A recording to read: a local path, or a remote object FFmpeg reads as it decodes (never downloaded whole)."""


def source_name(source: AudioSource) -> str:
    """How messages and logs name a recording."""
    return str(source) if isinstance(source, str | Path) else source.name


@contextmanager
def _opened(source: AudioSource) -> Iterator[av.container.InputContainer]:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            raise NotAudioError("là thư mục, không phải tệp (is a directory, not a file)", path=path)
        if not path.is_file():
            raise NotAudioError("không tìm thấy tệp (file not found)", path=path)
        with path.open("rb") as f:
            yield from _container(f, path.stat().st_size, str(path), path)
    else:
        with source.open() as f:
            yield from _container(f, source.size, f, source.name)


def _container(
    f: IO[bytes], size: int, target: str | IO[bytes], name: str | Path
) -> Iterator[av.container.InputContainer]:
    """FFmpeg's container over `target` (a path it opens itself, or the file object `f`), closed afterwards."""
    if size == 0:
        raise EmptyAudioError("tệp rỗng, 0 byte (empty file)", path=name)
    try:
        container = av.open(target, mode="r", metadata_errors="ignore")
    except (av.error.InvalidDataError, av.error.EOFError) as exc:
        raise NotAudioError(
            f"không phải tệp âm thanh/video đọc được (not a media file: {_reason(exc)})", path=name
        ) from exc
    except av.error.FFmpegError as exc:
        raise CorruptAudioError(f"không mở được tệp (cannot open: {_reason(exc)})", path=name) from exc
    try:
        if not container.streams.audio:
            raise NotAudioError("tệp không có rãnh âm thanh (no audio track)", path=name)
        if missing := _riff_missing_bytes(f, size):
            raise CorruptAudioError(f"tệp WAV bị cắt cụt, thiếu {missing} byte (truncated WAV file)", path=name)
        yield container
    finally:
        container.close()


def _reason(exc: av.error.FFmpegError) -> str:
    """FFmpeg's reason without the file name it quotes: messages reach clients, our paths must not."""
    return str(exc.strerror or type(exc).__name__)


def _riff_missing_bytes(f: IO[bytes], size: int) -> int:
    """Bytes a WAV file's data chunk declares but the file lacks (FFmpeg hides WAV truncation)."""
    position = f.tell()
    try:
        f.seek(0)
        header = f.read(12)
        if len(header) < 12 or header[:4] != b"RIFF" or header[8:12] != b"WAVE":
            return 0
        while chunk := f.read(8):
            if len(chunk) < 8:
                return 0
            length = int.from_bytes(chunk[4:], "little")
            if chunk[:4] == b"data":
                return max(0, length - (size - f.tell())) if length != 0xFFFFFFFF else 0
            f.seek(length + (length & 1), 1)
        return 0
    finally:
        f.seek(position)


def _hms(seconds: float) -> str:
    """`7384.2` -> `2:03:04`: limits range from seconds (tests) to hours (meetings)."""
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _declared_duration(container: av.container.InputContainer) -> float | None:
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def probe(path: AudioSource) -> AudioInfo:
    """Read the container header; raises `BadAudioError` for anything that is not usable audio."""
    with _opened(path) as container:
        stream = container.streams.audio[0]
        return AudioInfo(
            path=source_name(path),
            container=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=stream.codec_context.sample_rate or 0,
            channels=stream.codec_context.channels or 0,
            duration=_declared_duration(container),
        )


def count_duration(path: AudioSource, *, stop_after_s: float) -> float:
    """Seconds of audio in a file whose container declares none, counted from its packets; the count stops just
    past `stop_after_s`, so a tiny file claiming days of silence costs a bounded read, not a decode of days.

    Packets carry their duration in every container we accept (FLAC, Ogg, MP3, ADTS, ...); one that carries
    none is decoded to count its samples.
    """
    total = 0.0
    with _opened(path) as container:
        try:
            stream = container.streams.audio[0]
            for packet in container.demux(stream):
                if packet.duration and packet.time_base is not None:
                    total += float(packet.duration * packet.time_base)
                elif packet.size:
                    total += sum(frame.samples / (frame.sample_rate or SAMPLE_RATE) for frame in packet.decode())
                if total > stop_after_s:
                    break
        except av.error.FFmpegError as exc:
            raise CorruptAudioError(
                f"tệp hỏng tại {total:.1f} s (corrupt stream: {_reason(exc)})", path=source_name(path)
            ) from exc
    return total


def stream_audio(
    path: AudioSource,
    *,
    block_s: float = 60.0,
    max_duration_s: float | None = None,
) -> Iterator[np.ndarray]:
    """Yield the recording as 16 kHz mono float32 blocks of `block_s` seconds (the last one shorter).

    Memory stays at about one block whatever the recording's length.
    """
    name = source_name(path)
    block = int(block_s * SAMPLE_RATE)
    pending: list[np.ndarray] = []
    pending_len = 0
    total = 0
    with _opened(path) as container:
        declared = _declared_duration(container)
        if max_duration_s is not None and declared is not None and declared > max_duration_s:
            raise AudioTooLongError(
                f"bản ghi dài {_hms(declared)}, vượt giới hạn {_hms(max_duration_s)} (recording longer than the limit)",
                path=name,
            )
        stream = container.streams.audio[0]
        # Stereo is averaged here: FFmpeg's own stereo-to-mono matrix adds 3 dB, so a loud dual-mono
        # recording decoded past ±1.0. Other layouts (5.1) keep FFmpeg's matrix, which favours the centre.
        layout = "stereo" if stream.codec_context.channels == 2 else "mono"
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        try:
            for frame in container.decode(stream):
                frame.pts = None  # let the resampler count samples itself (broken pts in damaged files)
                for out in resampler.resample(frame):
                    samples = _mono(out)
                    pending.append(samples)
                    pending_len += samples.size
                    total += samples.size
                    if max_duration_s is not None and total > max_duration_s * SAMPLE_RATE:
                        raise AudioTooLongError(
                            f"bản ghi vượt giới hạn {_hms(max_duration_s)} (recording longer than the limit)", path=name
                        )
                    while pending_len >= block:
                        joined = np.concatenate(pending)
                        yield joined[:block]
                        pending = [joined[block:]]
                        pending_len = pending[0].size
            for out in resampler.resample(None):
                samples = _mono(out)
                pending.append(samples)
                pending_len += samples.size
                total += samples.size
        except av.error.FFmpegError as exc:
            raise CorruptAudioError(
                f"tệp hỏng tại {total / SAMPLE_RATE:.1f} s (corrupt stream: {_reason(exc)})", path=name
            ) from exc
        if total == 0:
            raise EmptyAudioError("không giải mã được mẫu âm thanh nào (no audio samples)", path=name)
        if pending_len:
            yield np.concatenate(pending)
        decoded = total / SAMPLE_RATE
        if declared is not None and decoded + _TRUNCATION_TOLERANCE_S < declared * 0.98:
            raise CorruptAudioError(
                f"tệp bị cắt cụt: khai báo {declared:.1f} s nhưng chỉ đọc được {decoded:.1f} s (truncated file)",
                path=name,
            )


def _mono(frame: av.AudioFrame) -> np.ndarray:
    planes = frame.to_ndarray()
    return planes[0] if planes.shape[0] == 1 else planes.mean(axis=0, dtype=np.float32)


def load_audio(path: AudioSource, *, max_duration_s: float | None = None) -> np.ndarray:
    """The whole recording at once; for short clips only (use `stream_audio` for long ones)."""
    blocks = list(stream_audio(path, max_duration_s=max_duration_s))
    return np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
