"""Evaluation and training manifests: tab-separated clips with their text, speaker and accent region.

Shared by the benchmarks, dialect adaptation (folds, accent ID, fine-tuning data) and the exports of
clerk-corrected segments, so every tool reads and writes the same columns.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

COLUMNS = ("audio_path", "reference_text", "speaker", "gender", "region", "duration_s")
"""Header of a MANIFEST.tsv, in order."""


@dataclass(frozen=True)
class ManifestRow:
    """One clip of a MANIFEST.tsv; `audio_path` made absolute."""

    audio_path: Path
    reference_text: str
    speaker: str = ""
    gender: str = ""
    region: str = ""
    duration_s: float = 0.0


def read_manifest(path: str | Path) -> list[ManifestRow]:
    """Rows of a tab-separated manifest (header row, no quoting; audio paths relative to its folder)."""
    path = Path(path)
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        ManifestRow(
            audio_path=path.parent / row["audio_path"],
            reference_text=row["reference_text"],
            speaker=row.get("speaker") or "",
            gender=row.get("gender") or "",
            region=(row.get("region") or "").strip(),
            duration_s=float(row.get("duration_s") or 0.0),
        )
        for row in rows
    ]


def write_manifest(path: str | Path, rows: Sequence[ManifestRow]) -> None:
    """Writes rows so that `read_manifest` gives them back (audio paths relative to the manifest's folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            audio = Path(row.audio_path)
            relative = audio.relative_to(path.parent) if audio.is_relative_to(path.parent) else audio
            text = " ".join(row.reference_text.split())
            writer.writerow([relative, text, row.speaker, row.gender, row.region, f"{row.duration_s:.3f}"])
