"""The audio input contract, on real speech re-encoded at test time into every common container and codec.

Nothing here is committed audio: each file is written into `tmp_path` with PyAV from the evaluation
clips, so the test proves that what a clerk uploads (phone m4a, WhatsApp opus, camera mp4, ...) reaches
the engines as the same 16 kHz mono float32 speech.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import wave
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from core.audio import SAMPLE_RATE, load_audio, probe, stream_audio
from core.errors import (
    AudioTooLongError,
    BadAudioError,
    CorruptAudioError,
    EmptyAudioError,
    NotAudioError,
)
from tests.conftest import REPO


@pytest.fixture(scope="module")
def speech(vivos_rows: list[dict[str, str]]) -> np.ndarray:
    """About 8 s of real Vietnamese speech, decoded from the original 16 kHz WAV files."""
    return np.concatenate([load_audio(row["audio_path"]) for row in vivos_rows[:2]])


def encode(
    path: Path,
    audio: np.ndarray,
    *,
    codec: str,
    rate: int,
    channels: int = 1,
    fmt: str | None = None,
    video: bool = False,
    options: dict[str, str] | None = None,
) -> Path:
    """Write 16 kHz mono `audio` as `codec` at `rate` Hz; stereo puts the speech at full level left, half right.

    Frames carry real timestamps, so the muxer records the encoder's priming delay (MP4 edit lists,
    Ogg pre-skip) as a real recorder would.
    """
    layout = "mono" if channels == 1 else "stereo"
    planes = audio[None, :] if channels == 1 else np.stack([audio, 0.5 * audio])
    with av.open(str(path), "w", format=fmt) as out:
        if video:
            picture = out.add_stream("mpeg4", rate=5)
            picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        stream = out.add_stream(codec, rate=rate, layout=layout, options=options or {})
        assert isinstance(stream, av.AudioStream)
        resampler = av.AudioResampler(format=stream.format.name, layout=layout, rate=rate)
        for i in range(0, audio.size, SAMPLE_RATE):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(planes[:, i : i + SAMPLE_RATE], dtype=np.float32), format="fltp", layout=layout
            )
            frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, i, Fraction(1, SAMPLE_RATE)
            for resampled in resampler.resample(frame):
                out.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            out.mux(stream.encode(resampled))
        out.mux(stream.encode(None))
        if video:
            for k in range(int(audio.size / SAMPLE_RATE * 5)):
                image = np.full((48, 64, 3), k * 7 % 256, dtype=np.uint8)
                out.mux(picture.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
            out.mux(picture.encode(None))
    return path


@dataclass(frozen=True)
class Case:
    ext: str
    codec: str
    rate: int
    channels: int
    fmt: str | None = None
    video: bool = False
    options: tuple[tuple[str, str], ...] = ()
    frame: int = 0
    """Samples per codec frame at `rate` (0 for lossless): bounds padding and priming."""

    @property
    def lossless(self) -> bool:
        return self.frame == 0

    def __str__(self) -> str:
        video = "+video" if self.video else ""
        return f"{self.ext}-{self.codec}{video}-{self.rate}-{'mono' if self.channels == 1 else 'stereo'}"


RATES = (8_000, 22_050, 44_100, 48_000)
CASES = [
    *(Case("wav", "pcm_s16le", rate, ch) for rate in RATES for ch in (1, 2)),
    *(Case("flac", "flac", rate, ch) for rate in RATES for ch in (1, 2)),
    *(Case("mp3", "libmp3lame", rate, ch, frame=1152) for rate in RATES for ch in (1, 2)),
    *(Case("m4a", "aac", rate, ch, fmt="ipod", frame=1024) for rate in RATES for ch in (1, 2)),
    # Opus codes only 8/12/16/24/48 kHz; FFmpeg's own Vorbis encoder only stereo.
    *(
        Case("opus", "libopus", rate, ch, fmt="ogg", frame=960 * rate // 48_000)
        for rate in (8_000, 48_000)
        for ch in (1, 2)
    ),
    *(Case("ogg", "vorbis", rate, 2, options=(("strict", "experimental"),), frame=2048) for rate in (22_050, 44_100)),
    Case("webm", "libopus", 48_000, 1, frame=960),
    Case("webm", "libopus", 48_000, 2, frame=960),
    Case("mp4", "aac", 44_100, 2, video=True, frame=1024),
    Case("mp4", "aac", 48_000, 1, frame=1024),
    Case("mkv", "flac", 48_000, 2, fmt="matroska"),
    Case("mkv", "aac", 22_050, 1, fmt="matroska", frame=1024),
    Case("mkv", "libopus", 48_000, 2, fmt="matroska", frame=960),
]


def envelope(audio: np.ndarray, frame: int = 320) -> np.ndarray:
    """RMS per 20 ms: what survives a lossy codec is the speech's rhythm, not its waveform."""
    n = audio.size // frame
    return np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))


def best_lag(decoded: np.ndarray, reference: np.ndarray, max_lag: int = 1600) -> int:
    """Samples by which `decoded` lags `reference` (cross-correlation peak within ±100 ms)."""
    n = min(decoded.size, reference.size)
    a, b = decoded[:n] - decoded[:n].mean(), reference[:n] - reference[:n].mean()
    size = 1 << (2 * n - 1).bit_length()
    xcorr = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    lags = np.r_[np.arange(0, max_lag + 1), np.arange(-max_lag, 0)]
    return int(lags[np.argmax(xcorr[lags])])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_every_common_format_decodes_to_the_same_16k_mono_speech(
    case: Case, speech: np.ndarray, tmp_path: Path
) -> None:
    path = encode(
        tmp_path / f"meeting.{case.ext}",
        speech,
        codec=case.codec,
        rate=case.rate,
        channels=case.channels,
        fmt=case.fmt,
        video=case.video,
        options=dict(case.options),
    )
    info = probe(path)
    declared_rate = 48_000 if case.codec == "libopus" else case.rate  # Ogg/WebM Opus always declare 48 kHz
    assert (info.sample_rate, info.channels) == (declared_rate, case.channels)
    assert info.duration == pytest.approx(speech.size / SAMPLE_RATE, abs=0.05 + 2 * case.frame / case.rate)

    blocks = list(stream_audio(path, block_s=3.0))
    assert all(b.dtype == np.float32 and b.ndim == 1 for b in blocks)
    assert all(b.size == 3 * SAMPLE_RATE for b in blocks[:-1]) and 0 < blocks[-1].size <= 3 * SAMPLE_RATE
    decoded = np.concatenate(blocks)
    assert np.abs(decoded).max() <= 1.0

    # Duration: resampling may lose a few samples; lossy codecs pad up to about one frame at the end.
    tolerance = 0.005 + 1.5 * case.frame / case.rate
    assert decoded.size / SAMPLE_RATE == pytest.approx(speech.size / SAMPLE_RATE, abs=tolerance)

    # Timing: no shift (priming samples dropped, no extra delay), so word times stay true.
    assert abs(best_lag(decoded, speech)) <= 2, "decoded speech is shifted in time"

    n = min(decoded.size, speech.size)
    if case.lossless:
        # At 8 kHz the band above 4 kHz is gone; it holds little of the speech's energy.
        floor = 0.99 if case.rate == 8_000 else 0.9999
        assert np.corrcoef(decoded[:n], speech[:n])[0, 1] > floor
    else:
        assert np.corrcoef(envelope(decoded[:n]), envelope(speech[:n]))[0, 1] > 0.98  # measured >= 0.996
    # Stereo is mixed down, not reduced to one channel: the level is the mean of both.
    expected_gain = 0.75 if case.channels == 2 else 1.0
    gain = float(np.dot(decoded[:n], speech[:n]) / np.dot(speech[:n], speech[:n]))
    assert gain == pytest.approx(expected_gain, rel=0.1)


def test_loud_dual_mono_stereo_keeps_its_level(speech: np.ndarray, tmp_path: Path) -> None:
    """Many recorders write the same signal to both channels; the mono mix must not add 3 dB and pass ±1."""
    loud = speech / np.abs(speech).max() * 0.9
    path = tmp_path / "recorder.wav"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("pcm_s16le", rate=SAMPLE_RATE, layout="stereo")
        frame = av.AudioFrame.from_ndarray(np.stack([loud, loud]), format="fltp", layout="stereo")
        frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, 0, Fraction(1, SAMPLE_RATE)
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    decoded = load_audio(path)
    assert np.abs(decoded).max() == pytest.approx(0.9, abs=0.001)
    np.testing.assert_allclose(decoded, loud, atol=1e-4)


# --- long recordings -------------------------------------------------------------------------

_STREAM_AND_MEASURE = textwrap.dedent(
    """
    import json, resource, sys
    import numpy as np
    from core.audio import load_audio, stream_audio

    load_audio(sys.argv[2])  # warm up: codecs, resampler, numpy buffers
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sizes, dtypes = [], set()
    for block in stream_audio(sys.argv[1], block_s=float(sys.argv[3])):
        sizes.append(block.size)
        dtypes.add(str(block.dtype))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"sizes": sizes, "dtypes": sorted(dtypes), "peak_increase_kib": after - before}))
    """
)


def write_long_flac(path: Path, speech: np.ndarray, *, hours: float, rate: int = 8_000) -> float:
    """A long telephone-band recording made of real speech repeated, written block by block; returns seconds."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    frame = av.AudioFrame.from_ndarray(speech[None, :], format="flt", layout="mono")
    frame.sample_rate = SAMPLE_RATE
    loop = np.concatenate([f.to_ndarray().reshape(-1) for f in [*resampler.resample(frame), *resampler.resample(None)]])
    total = int(hours * 3600 * rate)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("flac", rate=rate, layout="mono")
        written = 0
        while written < total:
            piece = loop[: total - written]
            block = av.AudioFrame.from_ndarray(piece[None, :], format="s16", layout="mono")
            block.sample_rate, block.pts, block.time_base = rate, written, Fraction(1, rate)
            out.mux(stream.encode(block))
            written += piece.size
        out.mux(stream.encode(None))
    return total / rate


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_two_hour_recording_streams_in_bounded_memory(
    speech: np.ndarray, vivos_rows: list[dict[str, str]], tmp_path: Path
) -> None:
    """Decoded, 2 h at 16 kHz float32 is 461 MB; streaming must hold only about one block of it."""
    seconds = write_long_flac(tmp_path / "hearing.flac", speech, hours=2.0)
    block_s = 60.0
    result = subprocess.run(
        [sys.executable, "-c", _STREAM_AND_MEASURE, str(tmp_path / "hearing.flac"), vivos_rows[0]["audio_path"], "60"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        timeout=110,
    )
    report = json.loads(result.stdout.strip().splitlines()[-1])
    sizes = report["sizes"]
    block = int(block_s * SAMPLE_RATE)
    assert report["dtypes"] == ["float32"]
    assert max(sizes) <= block
    assert all(size == block for size in sizes[:-1])
    assert sum(sizes) / SAMPLE_RATE == pytest.approx(seconds, abs=0.01)
    decoded_mib = sum(sizes) * 4 / 2**20
    peak_mib = report["peak_increase_kib"] / 1024
    # Measured: about 14 MiB (a 60 s block is 3.7 MiB) against 439 MiB of decoded audio.
    assert peak_mib < 64, f"peak RSS grew by {peak_mib:.0f} MiB while streaming {decoded_mib:.0f} MiB of audio"


# --- bad input -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def good_files(speech: np.ndarray, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Valid recordings to damage: WAV, FLAC and MP3 of the real speech."""
    folder = tmp_path_factory.mktemp("good")
    return {
        "wav": encode(folder / "a.wav", speech, codec="pcm_s16le", rate=16_000),
        "flac": encode(folder / "a.flac", speech, codec="flac", rate=44_100),
        "mp3": encode(folder / "a.mp3", speech, codec="libmp3lame", rate=44_100),
    }


def _truncated(kind: str) -> Callable[[Path, dict[str, Path]], Path]:
    def make(folder: Path, good: dict[str, Path]) -> Path:
        data = good[kind].read_bytes()
        return _write(folder / f"cut.{kind}", data[: len(data) // 2])

    return make


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _header_only_wav(folder: Path, good: dict[str, Path]) -> Path:
    with wave.open(str(folder / "header.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
    return folder / "header.wav"


def _video_without_audio(folder: Path, good: dict[str, Path]) -> Path:
    path = folder / "camera.mp4"
    with av.open(str(path), "w") as out:
        picture = out.add_stream("mpeg4", rate=5)
        picture.width, picture.height, picture.pix_fmt = 64, 48, "yuv420p"
        for k in range(10):
            image = np.full((48, 64, 3), k * 20, dtype=np.uint8)
            out.mux(picture.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        out.mux(picture.encode(None))
    return path


def _directory(folder: Path, good: dict[str, Path]) -> Path:
    (folder / "recordings.wav").mkdir()
    return folder / "recordings.wav"


BAD_INPUTS: list[tuple[str, Callable[[Path, dict[str, Path]], Path], type[BadAudioError], str]] = [
    ("empty-file", lambda d, g: _write(d / "empty.mp3", b""), EmptyAudioError, "empty file"),
    ("header-only-wav", _header_only_wav, EmptyAudioError, "no audio samples"),
    (
        "random-bytes",
        lambda d, g: _write(d / "noise.wav", np.random.default_rng(7).bytes(64_000)),
        NotAudioError,
        "not a media file",
    ),
    (
        "text-named-mp3",
        lambda d, g: _write(d / "minutes.mp3", "Biên bản họp\n".encode() * 500),
        NotAudioError,
        "not a media file",
    ),
    ("truncated-wav", _truncated("wav"), CorruptAudioError, "truncated"),
    ("truncated-flac", _truncated("flac"), CorruptAudioError, "corrupt stream"),
    ("truncated-mp3", _truncated("mp3"), CorruptAudioError, "truncated"),
    ("video-without-audio", _video_without_audio, NotAudioError, "no audio track"),
    ("directory", _directory, NotAudioError, "is a directory"),
    ("missing-file", lambda d, g: d / "nowhere.wav", NotAudioError, "file not found"),
]


@pytest.mark.parametrize(("make", "error", "reason"), [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_raises_a_bad_audio_error_naming_file_and_reason(
    make: Callable[[Path, dict[str, Path]], Path],
    error: type[BadAudioError],
    reason: str,
    good_files: dict[str, Path],
    tmp_path: Path,
) -> None:
    path = make(tmp_path, good_files)
    with pytest.raises(BadAudioError) as caught:
        load_audio(path)
    assert type(caught.value) is error, f"{type(caught.value).__name__}: {caught.value}"
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert reason in caught.value.message
    # `probe` reads only the header: it either refuses the file the same way or describes it.
    try:
        probe(path)
    except BadAudioError as exc:
        assert type(exc) is error
        assert str(path) in str(exc)


def test_recording_over_the_duration_limit_is_refused(good_files: dict[str, Path]) -> None:
    path = good_files["flac"]
    with pytest.raises(AudioTooLongError) as caught:
        list(stream_audio(path, max_duration_s=5.0))
    assert caught.value.path == str(path)
    assert "longer than the limit" in caught.value.message
    assert "0:00:05" in caught.value.message  # the limit, readable at any scale
    assert len(load_audio(path, max_duration_s=60.0)) > 0
