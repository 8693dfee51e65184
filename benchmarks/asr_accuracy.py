"""ASR accuracy: WER and CER per engine, configuration and accent region on any evaluation manifest.

Two configurations per engine tell apart what the model does from what our front end does to it:
`direct` calls the engine's own library on each clip, as its authors document; `pipeline` runs our
`Transcriber` (streamed decode, VAD chunks, hallucination guard, readable text). Both are scored the
same way: `core.text.normalize_for_scoring` on both sides, then jiwer.

    .venv/bin/python benchmarks/asr_accuracy.py --configs direct --every 4
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import jiwer
import numpy as np

from core.audio import SAMPLE_RATE, load_audio
from core.errors import GobangError
from core.manifest import ManifestRow, read_manifest
from core.text import normalize_for_scoring

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MANIFEST = REPO.parent / "shared" / "evaldata" / "cv9_vi_dev" / "MANIFEST.tsv"
ENGINES = ("vietasr", "whisper")
CONFIGS = ("direct", "pipeline")
NO_REGION = "(none)"
"""Region label of clips whose manifest leaves the region empty."""

logger = logging.getLogger(__name__)

CountProgress = Callable[[int, int], None]
"""Called with (clips done, clips in all) after each clip."""
Recogniser = Callable[[Path], str]


@dataclass(frozen=True)
class Scores:
    clips: int
    wer: float
    cer: float
    audio_s: float
    wall_s: float

    @property
    def rtf(self) -> float:
        return self.wall_s / self.audio_s if self.audio_s else 0.0


@dataclass(frozen=True)
class ClipResult:
    audio_path: str
    region: str
    reference: str
    """Normalised reference."""
    hypothesis: str
    """Normalised hypothesis ("" where the engine failed on the clip)."""
    audio_s: float
    wall_s: float
    error: str | None = None


@dataclass
class Results:
    """Scores of one engine in one configuration: over all clips and per region."""

    engine: str
    config: str
    clips: list[ClipResult] = field(default_factory=list)

    @property
    def overall(self) -> Scores:
        return _score(self.clips)

    @property
    def regions(self) -> dict[str, Scores]:
        names = sorted({c.region for c in self.clips}, key=lambda r: (r == NO_REGION, r))
        return {name: _score([c for c in self.clips if c.region == name]) for name in names}

    @property
    def failures(self) -> int:
        return sum(c.error is not None for c in self.clips)

    def to_dict(self) -> dict[str, object]:
        return {
            "engine": self.engine,
            "config": self.config,
            "overall": asdict(self.overall),
            "regions": {name: asdict(s) for name, s in self.regions.items()},
            "failures": self.failures,
            "clips": [asdict(c) for c in self.clips],
        }


def _score(clips: Sequence[ClipResult]) -> Scores:
    """Corpus-level rates (errors over all reference words or characters), as jiwer computes them."""
    references = [c.reference for c in clips]
    hypotheses = [c.hypothesis for c in clips]
    return Scores(
        clips=len(clips),
        wer=float(jiwer.wer(references, hypotheses)) if clips else float("nan"),
        cer=float(jiwer.cer(references, hypotheses)) if clips else float("nan"),
        audio_s=sum(c.audio_s for c in clips),
        wall_s=sum(c.wall_s for c in clips),
    )


def _to_int16(audio: np.ndarray) -> np.ndarray:
    return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)


def direct_recogniser(engine: str) -> Recogniser:
    """The engine's own library on a 16 kHz clip, with the settings its documentation shows."""
    if engine == "vietasr":
        import vietasr

        pipeline = vietasr.Pipeline.preset("transcribe")
        return lambda path: str(pipeline.transcribe(_to_int16(load_audio(path)), float(SAMPLE_RATE)).text)
    if engine == "whisper":
        from faster_whisper import WhisperModel

        from models import resolve

        model = WhisperModel(str(resolve("whisper-base").path), device="cpu", compute_type="int8")

        def whisper(path: Path) -> str:
            segments, _ = model.transcribe(load_audio(path), language="vi", beam_size=5)
            return " ".join(s.text.strip() for s in segments)

        return whisper
    raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")


def pipeline_recogniser(engine: str) -> Recogniser:
    """Our pipeline end to end: `Transcriber(create_engine(name)).transcribe(path).text`."""
    from asr.factory import create_engine
    from asr.transcriber import Transcriber

    transcriber = Transcriber(create_engine(engine))
    return lambda path: transcriber.transcribe(path).text


def recogniser(engine: str, config: str) -> Recogniser:
    if config == "direct":
        return direct_recogniser(engine)
    if config == "pipeline":
        return pipeline_recogniser(engine)
    raise ValueError(f"unknown configuration {config!r} (choose from {', '.join(CONFIGS)})")


def evaluate(
    rows: Sequence[ManifestRow],
    engine: str,
    config: str,
    *,
    progress: CountProgress | None = None,
    recognise: Recogniser | None = None,
) -> Results:
    """Transcribe each clip in turn and score it; a clip the engine rejects counts as all deletions.

    `recognise` replaces the recogniser built from `engine` and `config` (already loaded, or a stub).
    """
    recognise = recognise or recogniser(engine, config)
    results = Results(engine=engine, config=config)
    for done, row in enumerate(rows, start=1):
        reference = normalize_for_scoring(row.reference_text)
        if not reference:
            logger.warning("skipped clip=%s reason=empty_reference", row.audio_path.name)
            continue
        error = None
        began = time.perf_counter()
        try:
            hypothesis = normalize_for_scoring(recognise(row.audio_path))
        except GobangError as exc:
            hypothesis, error = "", str(exc)
            logger.warning("failed clip=%s engine=%s config=%s error=%s", row.audio_path.name, engine, config, exc)
        wall = time.perf_counter() - began
        results.clips.append(
            ClipResult(
                audio_path=str(row.audio_path),
                region=row.region or NO_REGION,
                reference=reference,
                hypothesis=hypothesis,
                audio_s=row.duration_s,
                wall_s=wall,
                error=error,
            )
        )
        if progress is not None:
            progress(done, len(rows))
    return results


def build_waiting(engine: str, config: str, timeout_s: float, poll_s: float = 10.0) -> Recogniser:
    """`recogniser(engine, config)`, retried while its modules are missing or half-written, up to `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            importlib.invalidate_caches()
            return recogniser(engine, config)
        except (ImportError, SyntaxError):
            if time.monotonic() >= deadline:
                raise
            time.sleep(poll_s)


def summary_line(results: Sequence[Results], engines: Sequence[str]) -> str:
    """One line of figures: every engine x configuration, then the worst region of the main result."""
    by_key = {(r.engine, r.config): r for r in results}
    figures = []
    for engine in ENGINES:
        for config in ("pipeline", "direct"):
            found = by_key.get((engine, config))
            figures.append(f"{engine}_{config}_wer={found.overall.wer:.4f}" if found else f"{engine}_{config}_wer=n/a")
    main = next((by_key[(e, c)] for e in engines for c in ("pipeline", "direct") if (e, c) in by_key), None)
    worst = ""
    if main is not None and main.clips:
        region, scores = max(main.regions.items(), key=lambda item: item[1].wer)
        worst = f" (worst region {region}: {main.engine}_{main.config}_wer={scores.wer:.4f})"
    return "summary: " + " ".join(figures) + worst


def render_table(results: Sequence[Results]) -> str:
    """Plain-text table: one row per engine, configuration and region, then the total."""
    header = ("engine", "config", "region", "clips", "WER", "CER", "RTF", "failed")
    lines: list[tuple[str, ...]] = [header]
    for r in results:
        rows = [*r.regions.items(), ("all", r.overall)]
        for region, s in rows:
            failed = str(r.failures) if region == "all" else ""
            lines.append(
                (r.engine, r.config, region, str(s.clips), f"{s.wer:.2%}", f"{s.cer:.2%}", f"{s.rtf:.3f}", failed)
            )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for n, line in enumerate(lines):
        cells = [
            cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        text.append("  ".join(cells).rstrip())
        if n == 0:
            text.append("  ".join("-" * w for w in widths))
    return "\n".join(text)


def _stderr_progress(label: str) -> CountProgress:
    began = time.perf_counter()

    def hook(done: int, total: int) -> None:
        elapsed = time.perf_counter() - began
        end = "\n" if done == total else ""
        sys.stderr.write(f"\r{label}: {done}/{total} clips, {elapsed:.0f} s{end}")
        sys.stderr.flush()

    return hook


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST, help="MANIFEST.tsv of an evaldata set")
    parser.add_argument("--limit", type=int, default=None, help="at most N clips (after --every)")
    parser.add_argument("--every", type=int, default=1, help="keep every K-th clip (a quick, still balanced subset)")
    parser.add_argument("--engines", type=_csv, default=list(ENGINES), help="comma-separated: vietasr,whisper")
    parser.add_argument("--configs", type=_csv, default=list(CONFIGS), help="comma-separated: direct,pipeline")
    parser.add_argument("--json", type=Path, default=None, help="write every figure and hypothesis here")
    parser.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for missing pipeline modules to appear"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s %(message)s")
    for name in args.engines:
        if name not in ENGINES:
            parser.error(f"unknown engine {name!r}")
    for name in args.configs:
        if name not in CONFIGS:
            parser.error(f"unknown configuration {name!r}")

    rows = read_manifest(args.manifest)[:: max(1, args.every)][: args.limit]
    results: list[Results] = []
    skipped: list[str] = []
    for config in args.configs:
        for engine in args.engines:
            label = f"{engine}/{config}"
            try:
                recognise = build_waiting(engine, config, args.wait if config == "pipeline" else 0.0)
                results.append(evaluate(rows, engine, config, progress=_stderr_progress(label), recognise=recognise))
            except (ImportError, SyntaxError, GobangError) as exc:
                skipped.append(f"{label} not run: {type(exc).__name__}: {exc}")
                sys.stderr.write(skipped[-1] + "\n")

    order = {(e, c): i for i, (e, c) in enumerate((e, c) for e in args.engines for c in args.configs)}
    results.sort(key=lambda r: order[(r.engine, r.config)])
    print(f"manifest: {args.manifest} ({len(rows)} clips, every {args.every})")
    print(render_table(results))
    for line in skipped:
        print(line)
    print(summary_line(results, args.engines))
    if args.json:
        payload = {"manifest": str(args.manifest), "every": args.every, "limit": args.limit, "skipped": skipped}
        payload["results"] = [r.to_dict() for r in results]
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if results else 1


if __name__ == "__main__":
    sys.exit(main())
