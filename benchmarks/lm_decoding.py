"""Decoding with a language model: greedy, beam + the old dictionary LM, beam + the legal-corpus LM.

WER per accent region (normalised as for scoring) on cv9_vi_dev, split by `dialect_adapt.folds`:
folds 1-4 are DEVELOPMENT (the LM weight alpha and word bonus beta are chosen there, on every
`--every`-th clip), fold 0 is HELD-OUT (only measured, at the settings chosen on development).
Posteriors come from the feature cache, so each clip goes through the network once; decode RTF is
the decoder's time over the audio's duration. `--rtf-clips N` also times the whole pipeline (audio
in, text out) greedy and with the beam decoder on N held-out clips, in the same run.

    .venv/bin/python benchmarks/lm_decoding.py --every 3 --rtf-clips 20
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import jiwer

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from asr.vietasr_engine import VietAsrEngine  # noqa: E402
from benchmarks.asr_accuracy import DEFAULT_MANIFEST  # noqa: E402
from core.manifest import ManifestRow, read_manifest  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402
from dialect_adapt.beam import BeamSettings, CtcBeamDecoder  # noqa: E402
from dialect_adapt.cached_decode import transcribe_cached  # noqa: E402
from dialect_adapt.corpus import train_lm  # noqa: E402
from dialect_adapt.engine_decoder import read_lm, shipped_lm  # noqa: E402
from dialect_adapt.features import ClipFeatures, FeatureStore  # noqa: E402
from dialect_adapt.folds import assign_folds, region_of  # noqa: E402
from dialect_adapt.lm import LanguageModel  # noqa: E402

HELD_OUT_FOLD = 0
ALPHAS = (0.1, 0.2, 0.3, 0.5, 0.8)
BETAS = (0.0, 0.5, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class Part:
    """Region -> WER, plus the decoder's seconds over the audio's."""

    wer: dict[str, float]
    decode_rtf: float


def score(rows: Sequence[ManifestRow], hypotheses: Sequence[str]) -> dict[str, float]:
    references = [normalize_for_scoring(r.reference_text) for r in rows]
    out: dict[str, float] = {}
    for region in sorted({region_of(r) for r in rows}):
        idx = [i for i, r in enumerate(rows) if region_of(r) == region]
        out[region] = float(jiwer.wer([references[i] for i in idx], [hypotheses[i] for i in idx]))
    out["all"] = float(jiwer.wer(references, list(hypotheses)))
    return out


def decode(
    engine: VietAsrEngine,
    rows: Sequence[ManifestRow],
    features: Sequence[ClipFeatures],
    lm: LanguageModel | None,
    beam: BeamSettings | None,
) -> Part:
    """Every clip decoded from its cached posteriors (greedy: the cached baseline text)."""
    if beam is None:
        return Part(score(rows, [normalize_for_scoring(f.baseline_text) for f in features]), 0.0)
    decoder = CtcBeamDecoder(engine.tokens, lm=lm, settings=beam)
    began = time.process_time()
    hypotheses = [normalize_for_scoring(transcribe_cached(engine, f, decoder)) for f in features]
    seconds = time.process_time() - began
    return Part(score(rows, hypotheses), seconds / sum(r.duration_s for r in rows))


def sweep(
    engine: VietAsrEngine, rows: Sequence[ManifestRow], features: Sequence[ClipFeatures], lm: LanguageModel
) -> tuple[BeamSettings, dict[str, BeamSettings], list[str]]:
    """Best (alpha, beta) over all development clips and per region, and the sweep's lines."""
    best: dict[str, tuple[float, BeamSettings]] = {}
    lines = []
    for alpha, beta in itertools.product(ALPHAS, BETAS):
        beam = BeamSettings(alpha=alpha, beta=beta)
        part = decode(engine, rows, features, lm, beam)
        lines.append(f"  alpha={alpha:<4} beta={beta:<4} " + " ".join(f"{k}={v:.2%}" for k, v in part.wer.items()))
        for region, wer in part.wer.items():
            if region not in best or wer < best[region][0]:
                best[region] = (wer, beam)
    overall = best.pop("all")[1]
    return overall, {region: beam for region, (_, beam) in best.items()}, lines


def pipeline_rtf(
    engine: VietAsrEngine, rows: Sequence[ManifestRow], decoder: CtcBeamDecoder
) -> dict[str, tuple[float, float]]:
    """RTF of the whole pipeline on `rows`, greedy and with `decoder` (same engine, same run): wall-clock, and
    CPU seconds of this process over the audio's (steadier than wall-clock on a shared machine)."""
    from asr.ctc import greedy_decode
    from asr.transcriber import Transcriber

    audio = sum(r.duration_s for r in rows)
    figures = {}
    for name, chosen in (("greedy", greedy_decode), ("beam", decoder)):
        engine.decoder = chosen
        transcriber = Transcriber(engine)
        transcriber.transcribe(rows[0].audio_path)  # warm-up: sessions, caches
        wall, cpu = time.perf_counter(), time.process_time()
        for row in rows:
            transcriber.transcribe(row.audio_path)
        figures[name] = ((time.perf_counter() - wall) / audio, (time.process_time() - cpu) / audio)
    return figures


def table(results: dict[tuple[str, str], Part]) -> str:
    regions = sorted({r for part in results.values() for r in part.wer}, key=lambda r: (r == "all", r))
    header = f"{'configuration':34} {'part':9} " + " ".join(f"{r:>8}" for r in regions) + "  decode RTF"
    lines = [header, "-" * len(header)]
    for (config, part_name), part in results.items():
        cells = " ".join(f"{part.wer[r]:8.2%}" if r in part.wer else f"{'-':>8}" for r in regions)
        lines.append(f"{config:34} {part_name:9} {cells}  {part.decode_rtf:10.4f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--every", type=int, default=3, help="sweep on every K-th development clip")
    parser.add_argument("--lm", type=Path, default=None, help="an ARPA LM to try instead of the shipped one")
    parser.add_argument("--rtf-clips", type=int, default=0, help="time the whole pipeline on N held-out clips")
    args = parser.parse_args(argv)

    rows = [r for r in read_manifest(args.manifest) if normalize_for_scoring(r.reference_text)]
    folds = assign_folds(rows, 5)
    features = FeatureStore().get_all(rows)
    dev = [i for i, r in enumerate(rows) if folds[r.speaker] != HELD_OUT_FOLD]
    held = [i for i, r in enumerate(rows) if folds[r.speaker] == HELD_OUT_FOLD]
    engine = VietAsrEngine()
    lms: dict[str, LanguageModel] = {"dict": train_lm(), "legal": read_lm(args.lm) if args.lm else shipped_lm()}

    sample = dev[:: max(1, args.every)]
    chosen: dict[str, tuple[BeamSettings, dict[str, BeamSettings]]] = {}
    for name, lm in lms.items():
        overall, per_region, lines = sweep(engine, [rows[i] for i in sample], [features[i] for i in sample], lm)
        chosen[name] = (overall, per_region)
        print(f"sweep, lm={name}, {len(sample)} development clips:")
        print("\n".join(lines))
        print(
            f"  chosen: alpha={overall.alpha} beta={overall.beta}; per region: "
            + ", ".join(f"{r} alpha={b.alpha} beta={b.beta}" for r, b in per_region.items())
        )

    results: dict[tuple[str, str], Part] = {}
    for part_name, idx in (("dev", dev), ("held-out", held)):
        part_rows, part_features = [rows[i] for i in idx], [features[i] for i in idx]
        results[("greedy", part_name)] = decode(engine, part_rows, part_features, None, None)
        for name, (overall, _) in chosen.items():
            label = f"beam+lm({name}) a={overall.alpha} b={overall.beta}"
            results[(label, part_name)] = decode(engine, part_rows, part_features, lms[name], overall)
    print(f"manifest: {args.manifest} ({len(dev)} development clips, {len(held)} held-out clips)")
    print(table(results))
    if args.rtf_clips:
        overall = chosen["legal"][0]
        decoder = CtcBeamDecoder(engine.tokens, lm=lms["legal"], settings=overall)
        figures = pipeline_rtf(engine, [rows[i] for i in held[: args.rtf_clips]], decoder)
        print(
            f"pipeline RTF on {args.rtf_clips} held-out clips (wall / CPU): "
            + ", ".join(f"{name} {wall:.4f} / {cpu:.4f}" for name, (wall, cpu) in figures.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
