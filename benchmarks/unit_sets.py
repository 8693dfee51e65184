"""What the unit sets of `benchmarks/data/` share: the split fixed before any scoring, and how a benchmark on one
reads its options and prints its parts (questions, votes, chairs and attendees, conclusions)."""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tabulate import tabulate

from core.text import nfc


def part_of_line(text: str) -> str:
    """The rule that splits a unit set, decided before any scoring: 70% development by a hash of the NFC text."""
    return "dev" if hashlib.sha256(nfc(text).encode()).digest()[0] % 10 < 7 else "heldout"


def options(description: str, argv: Sequence[str] | None) -> argparse.Namespace:
    """`--part` (default both), `--misses FILE` (development passages read wrong, never held-out), `--json`."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--part", action="append", choices=("dev", "heldout"), help="parts to score (default: both)")
    parser.add_argument("--misses", type=Path, help="write the development passages read wrong here (never held-out)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    args.part = args.part or ["dev", "heldout"]
    return args


def print_parts(
    results: Mapping[str, Mapping[str, float]], as_json: bool, summary: Callable[[Mapping[str, float]], str]
) -> None:
    """Each figure by part in a table (or JSON), then `summary` of each part on one line."""
    if as_json:
        print(json.dumps(results, indent=1))
        return
    parts = list(results)
    names = list(next(iter(results.values())))
    print(tabulate([[n, *(results[p][n] for p in parts)] for n in names], headers=["", *parts], floatfmt=".3f"))
    print(" ".join(f"{p}: {summary(results[p])}" for p in parts))
