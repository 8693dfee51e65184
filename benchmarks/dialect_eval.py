"""Dialect adaptation: WER per accent region for every configuration, on speaker-disjoint folds.

Baseline (`default`) is the speech core's default, the vietasr pipeline. Each other configuration
changes one thing after the acoustic model (beam search with a language model, dialect-aware
correction, routing by identified accent); everything that learns is fitted on the other folds.
Posteriors and embeddings come from the feature cache (computed on first use), so a sweep costs
seconds. Also prints accent-identification accuracy per region (speakers of held-out folds).

    .venv/bin/python benchmarks/dialect_eval.py --folds 5
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

from benchmarks.asr_accuracy import DEFAULT_MANIFEST, ClipResult, Results, render_table  # noqa: E402
from core.manifest import read_manifest  # noqa: E402
from core.text import normalize_for_scoring  # noqa: E402
from dialect_adapt.accent import AccentReport, cross_validate  # noqa: E402
from dialect_adapt.evaluation import CONFIGS, run_folds  # noqa: E402
from dialect_adapt.features import FeatureStore  # noqa: E402
from dialect_adapt.folds import NO_REGION, assign_folds, region_of  # noqa: E402

TARGET_WORST_REDUCTION = 0.30
TARGET_RATIO = 1.3


def accent_table(report: AccentReport) -> str:
    """Speaker-level accuracy per region and the confusion matrix (rows: true region)."""
    width = max(len(label) for label in [*report.labels, "region"]) + 2
    lines = ["accent ID (speakers of held-out folds)", "region".ljust(width) + "speakers  accuracy  predicted as"]
    for i, label in enumerate(report.labels):
        counts = ", ".join(f"{report.labels[j]}={int(n)}" for j, n in enumerate(report.confusion[i]) if n)
        lines.append(
            f"{label.ljust(width)}{int(report.confusion[i].sum()):8d}  {report.accuracy(label):8.1%}  {counts}"
        )
    lines.append(f"{'all'.ljust(width)}{int(report.confusion.sum()):8d}  {report.accuracy():8.1%}")
    return "\n".join(lines)


def targets(baseline: Results, best: Results) -> str:
    """Whether `best` meets the issue's targets against `baseline`."""
    base = {r: s.wer for r, s in baseline.regions.items() if r != NO_REGION}
    new = {r: s.wer for r, s in best.regions.items() if r != NO_REGION}
    worst_base, worst_new = max(base.values()), max(new.values())
    reduction = 1 - worst_new / worst_base if worst_base else 0.0
    ratio = worst_new / min(new.values()) if min(new.values()) else float("inf")
    overall_ok = best.overall.wer < baseline.overall.wer
    ok = reduction >= TARGET_WORST_REDUCTION and ratio <= TARGET_RATIO and overall_ok
    return (
        f"targets ({best.config}): worst-region WER {worst_base:.2%} -> {worst_new:.2%} "
        f"({reduction:+.1%} reduction, target >= {TARGET_WORST_REDUCTION:.0%}); worst/best ratio {ratio:.2f} "
        f"(target <= {TARGET_RATIO}); overall {baseline.overall.wer:.2%} -> {best.overall.wer:.2%}: "
        + ("MET" if ok else "NOT MET")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST)
    parser.add_argument("--folds", type=int, default=5, help="number of speaker-disjoint folds")
    parser.add_argument("--configs", default="", help="comma-separated configuration names (default: all)")
    parser.add_argument("--json", type=Path, default=None, help="write hypotheses and figures here")
    args = parser.parse_args(argv)

    chosen = [c for c in CONFIGS if not args.configs or c.name in args.configs.split(",")]
    if not chosen:
        parser.error(f"no such configuration; choose from {', '.join(c.name for c in CONFIGS)}")
    rows = [r for r in read_manifest(args.manifest) if normalize_for_scoring(r.reference_text)]
    folds = assign_folds(rows, args.folds)

    def hook(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            sys.stderr.write(f"features: {done}/{total}\n")

    features = FeatureStore().get_all(rows, progress=hook)
    run = run_folds(rows, features, folds, chosen)
    results = []
    for config in chosen:
        result = Results(engine="vietasr", config=config.name)
        for row, hypothesis, wall in zip(rows, run.hypotheses[config.name], run.wall_s[config.name], strict=True):
            result.clips.append(
                ClipResult(
                    audio_path=str(row.audio_path),
                    region=region_of(row),
                    reference=normalize_for_scoring(row.reference_text),
                    hypothesis=hypothesis,
                    audio_s=row.duration_s,
                    wall_s=wall,
                )
            )
        results.append(result)

    speakers = sorted({r.speaker for r in rows})
    regions = {r.speaker: region_of(r) for r in rows}
    embeddings = np.stack([f.embedding for f in features])
    report = cross_validate(embeddings, [region_of(r) for r in rows], [r.speaker for r in rows], folds)
    print(f"manifest: {args.manifest} ({len(rows)} clips, {len(speakers)} speakers, {args.folds} folds)")
    print(render_table(results))
    print("(RTF: time after the acoustic model, shared by every configuration, over audio duration)")
    print()
    print(accent_table(report))
    baseline = results[0]
    best = min(results[1:], key=lambda r: r.overall.wer, default=baseline)
    print(targets(baseline, best))
    figures = " ".join(f"{r.config}={r.overall.wer:.4f}" for r in results)
    print(f"summary: {figures} accent_acc={report.accuracy():.3f} speakers={len(regions)}")
    if args.json:
        payload = {"results": [r.to_dict() for r in results], "accent_confusion": report.confusion.tolist()}
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
