"""ASR speed: real-time factor and peak memory of our pipeline against the engine's library used plainly.

A test recording is built from evaluation clips joined with short pauses (written to a temporary
WAV, deleted afterwards), then each configuration runs in a fresh subprocess so that its peak
memory (max RSS) and CPU time are its own. WER of every configuration is scored on the same
audio against the clips' references, so a speed-up is only claimed at equal accuracy.

Configurations (`--engine whisper`):
  baseline        faster-whisper as documented: WhisperModel(dir, device="cpu", compute_type="default")
                  .transcribe(wav, language="vi", beam_size=5), sequential, every segment consumed
  baseline-int8   the same with our device settings (int8, one thread per core): what configuration alone gives
  ours            asr.transcriber.Transcriber(create_engine("whisper")).transcribe(wav)
  ours-sequential the same, with the engine decoding one window at a time (batched=False)
(`--engine vietasr`):
  baseline        vietasr.Pipeline.preset("transcribe").transcribe(int16 array) on each clip
  ours            asr.transcriber.Transcriber(create_engine("vietasr")).transcribe(wav)

RTF is transcription wall time over audio duration (model loading is reported apart); CPU s is
user + system time of the transcription, which a busy machine disturbs less than wall time.

    .venv/bin/python benchmarks/asr_speed.py --engine whisper --minutes 3
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from core.audio import SAMPLE_RATE, load_audio  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402

DEFAULT_MANIFEST = REPO.parent / "shared" / "evaldata" / "cv9_vi_dev" / "MANIFEST.tsv"
CONFIGS = {
    "whisper": ("baseline", "baseline-int8", "ours", "ours-sequential"),
    "vietasr": ("baseline", "ours"),
}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clip:
    """One evaluation clip placed in the test recording."""

    path: str
    reference: str
    offset_s: float
    duration_s: float


@dataclass(frozen=True)
class Result:
    """What one configuration's subprocess measured."""

    config: str
    audio_s: float
    load_s: float
    wall_s: float
    cpu_s: float
    peak_mb: float
    hypothesis: str

    @property
    def rtf(self) -> float:
        return self.wall_s / self.audio_s if self.audio_s else 0.0


# -- the test recording --------------------------------------------------------------------------


def build_recording(
    manifest: Path,
    out: Path,
    *,
    minutes: float = 3.0,
    seed: int = 0,
    pause_s: tuple[float, float] = (0.4, 1.2),
) -> list[Clip]:
    """Join randomly drawn clips, with pauses drawn from `pause_s`, into a 16 kHz mono WAV of about `minutes`."""
    with manifest.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    rng = random.Random(seed)
    rng.shuffle(rows)
    target = int(minutes * 60 * SAMPLE_RATE)
    clips: list[Clip] = []
    written = 0
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        for row in rows:
            if written >= target:
                break
            path = manifest.parent / row["audio_path"]
            audio = load_audio(path)
            pause = np.zeros(int(rng.uniform(*pause_s) * SAMPLE_RATE), dtype=np.float32)
            clips.append(Clip(str(path), row["reference_text"], written / SAMPLE_RATE, audio.size / SAMPLE_RATE))
            for part in (audio, pause):
                wav.writeframes((np.clip(part, -1.0, 1.0) * 32767).astype("<i2").tobytes())
                written += part.size
    if written < target:
        logger.warning("recording_short manifest=%s wanted_s=%.0f got_s=%.0f", manifest, target / SAMPLE_RATE, written)
    return clips


# -- the configurations (each runs in its own subprocess) ------------------------------------------


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_whisper_baseline(wav: Path, *, tuned: bool = False) -> tuple[float, float, float, str]:
    from faster_whisper import WhisperModel

    from models import resolve

    began = time.perf_counter()
    model = WhisperModel(
        str(resolve("whisper-base", engine="whisper").path),
        device="cpu",
        compute_type="int8" if tuned else "default",
        cpu_threads=(os.cpu_count() or 1) if tuned else 0,
        local_files_only=True,
    )
    load_s = time.perf_counter() - began
    began, cpu = time.perf_counter(), _cpu_s()
    segments, _ = model.transcribe(str(wav), language="vi", beam_size=5)
    text = " ".join(s.text for s in segments)
    return load_s, time.perf_counter() - began, _cpu_s() - cpu, text


def _run_vietasr_baseline(wav: Path, clips: list[Clip]) -> tuple[float, float, float, str]:
    import vietasr

    began = time.perf_counter()
    pipeline = vietasr.Pipeline.preset("transcribe")
    load_s = time.perf_counter() - began
    audio = [(np.clip(load_audio(c.path), -1.0, 1.0) * 32767).astype(np.int16) for c in clips]
    began, cpu = time.perf_counter(), _cpu_s()
    texts = [pipeline.transcribe(a).text for a in audio]
    return load_s, time.perf_counter() - began, _cpu_s() - cpu, " ".join(texts)


def _run_ours(engine_name: str, wav: Path, **engine_options: object) -> tuple[float, float, float, str]:
    from asr.engine import Engine
    from asr.factory import create_engine
    from asr.transcriber import Transcriber
    from asr.whisper_engine import WhisperEngine

    began = time.perf_counter()
    engine: Engine = WhisperEngine(**engine_options) if engine_options else create_engine(engine_name)  # type: ignore[arg-type]
    load_s = time.perf_counter() - began
    began, cpu = time.perf_counter(), _cpu_s()
    transcript = Transcriber(engine).transcribe(wav)
    return load_s, time.perf_counter() - began, _cpu_s() - cpu, transcript.text


def run_config(engine: str, config: str, wav: Path, clips: list[Clip]) -> Result:
    """Run one configuration in this process (called inside the subprocess)."""
    if config == "baseline":
        load_s, wall_s, cpu_s, text = (
            _run_whisper_baseline(wav) if engine == "whisper" else _run_vietasr_baseline(wav, clips)
        )
    elif config == "baseline-int8":
        load_s, wall_s, cpu_s, text = _run_whisper_baseline(wav, tuned=True)
    elif config == "ours":
        load_s, wall_s, cpu_s, text = _run_ours(engine, wav)
    elif config == "ours-sequential":
        load_s, wall_s, cpu_s, text = _run_ours(engine, wav, batched=False)
    else:
        raise ValueError(f"unknown configuration {config!r}")
    with wave.open(str(wav), "rb") as f:
        audio_s = f.getnframes() / f.getframerate()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    return Result(config, audio_s, load_s, wall_s, cpu_s, peak_mb, text)


def measure(engine: str, config: str, wav: Path, clips_json: Path) -> Result:
    """Run one configuration in a fresh interpreter, so peak memory and CPU time are its own."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = Path(f.name)
    try:
        cmd = [sys.executable, __file__, "--engine", engine, "--worker", config]
        cmd += ["--wav", str(wav), "--clips", str(clips_json), "--out", str(out)]
        subprocess.run(cmd, check=True)
        data = json.loads(out.read_text(encoding="utf-8"))
    finally:
        out.unlink(missing_ok=True)
    return Result(**data)


# -- scoring and report ----------------------------------------------------------------------------


def wer(references: list[str], hypothesis: str) -> float:
    """Corpus WER of the whole recording: all references joined against the whole hypothesis."""
    import jiwer

    reference = normalize_for_scoring(" ".join(references))
    return float(jiwer.wer(reference, normalize_for_scoring(hypothesis) or "<empty>"))


def report(engine: str, results: list[Result], references: list[str]) -> str:
    """The table, then one summary line."""
    lines = [
        f"{'configuration':<18} {'audio s':>8} {'load s':>7} {'wall s':>8} {'cpu s':>8} {'RTF':>7} "
        f"{'peak MB':>8} {'WER':>7}"
    ]
    scores = {}
    for r in results:
        scores[r.config] = wer(references, r.hypothesis)
        lines.append(
            f"{r.config:<18} {r.audio_s:8.1f} {r.load_s:7.1f} {r.wall_s:8.1f} {r.cpu_s:8.1f} {r.rtf:7.3f} "
            f"{r.peak_mb:8.0f} {scores[r.config]:7.3f}"
        )
    by = {r.config: r for r in results}
    base, ours = by.get("baseline"), by.get("ours")
    if base is not None and ours is not None:
        lines.append(
            f"summary: engine={engine} baseline_rtf={base.rtf:.3f} ours_rtf={ours.rtf:.3f} "
            f"speedup={base.wall_s / ours.wall_s:.2f}x cpu_speedup={base.cpu_s / ours.cpu_s:.2f}x "
            f"wer_baseline={scores['baseline']:.3f} wer_ours={scores['ours']:.3f} "
            f"peak_mb={ours.peak_mb:.0f} baseline_peak_mb={base.peak_mb:.0f} audio_s={ours.audio_s:.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=sorted(CONFIGS), default="whisper", help="engine to measure")
    parser.add_argument("--minutes", type=float, default=3.0, help="length of the test recording")
    parser.add_argument("--seed", type=int, default=0, help="which clips, in which order, with which pauses")
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST, help="evaluation MANIFEST.tsv")
    parser.add_argument("--configs", default=None, help="comma-separated configurations (default: all for the engine)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--wav", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--clips", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")

    if args.worker:  # inside the subprocess
        clips = [Clip(**c) for c in json.loads(args.clips.read_text(encoding="utf-8"))]
        result = run_config(args.engine, args.worker, args.wav, clips)
        args.out.write_text(json.dumps(asdict(result), ensure_ascii=False), encoding="utf-8")
        return 0

    configs = args.configs.split(",") if args.configs else list(CONFIGS[args.engine])
    unknown = set(configs) - set(CONFIGS[args.engine])
    if unknown:
        parser.error(f"unknown configurations for {args.engine}: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="gobang-asr-speed-") as tmp:
        wav, clips_json = Path(tmp) / "recording.wav", Path(tmp) / "clips.json"
        clips = build_recording(args.manifest, wav, minutes=args.minutes, seed=args.seed)
        clips_json.write_text(json.dumps([asdict(c) for c in clips], ensure_ascii=False), encoding="utf-8")
        print(
            f"recording: {len(clips)} clips from {args.manifest.parent.name}, "
            f"{sum(c.duration_s for c in clips):.0f} s of speech, seed {args.seed}",
            flush=True,
        )
        results = []
        for config in configs:
            results.append(measure(args.engine, config, wav, clips_json))
            print(f"  done: {config} wall {results[-1].wall_s:.1f} s", flush=True)
    print(report(args.engine, results, [c.reference for c in clips]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
