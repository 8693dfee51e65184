"""What the unit sets of `benchmarks/data/` share: the split fixed before any scoring, and how a benchmark on one
reads its options, scores its parts, writes its development misses and prints them (questions, votes, chairs and
attendees, conclusions, tasks)."""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from tabulate import tabulate

from core.text import nfc
from core.transcript import Segment


class Unit(Protocol):
    @property
    def part(self) -> str: ...


U = TypeVar("U", bound=Unit)
P = TypeVar("P")


def part_of_line(text: str) -> str:
    """The rule that splits a unit set, decided before any scoring: 70% development by a hash of the NFC text."""
    return "dev" if hashlib.sha256(nfc(text).encode()).digest()[0] % 10 < 7 else "heldout"


def said(text: str) -> Segment:
    """A passage as one segment said by whoever presides, the chair unknown (as in a transcript without one): how the
    vote and task sets read theirs."""
    return Segment(id=0, start=0.0, end=10.0, text=text, speaker="Người nói 1")


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


def prf(right: float, predicted: float, gold: float) -> tuple[float, float, float]:
    """Precision, recall and F1 of `right` items among `predicted` ones and `gold` ones (0 where undefined)."""
    precision = right / predicted if predicted else 0.0
    recall = right / gold if gold else 0.0
    return precision, recall, 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def run(
    description: str,
    argv: Sequence[str] | None,
    units: Sequence[U],
    read: Callable[[U], P],
    score: Callable[[Sequence[U], Sequence[P]], Mapping[str, float]],
    missed: Callable[[U, P], Iterable[str]],
    summary: Callable[[Mapping[str, float]], str],
) -> None:
    """A unit-set benchmark's main: `options`, each part's units (`part` attribute) `read` and scored, the lines
    `missed` gives for development units written to `--misses` (never held-out ones), then `print_parts`."""
    args = options(description, argv)
    results = {}
    for part in args.part:
        chosen = [u for u in units if u.part == part]
        predicted = [read(u) for u in chosen]
        results[part] = score(chosen, predicted)
        if args.misses is not None and part == "dev":
            lines = (line for unit, got in zip(chosen, predicted, strict=True) for line in missed(unit, got))
            args.misses.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    print_parts(results, args.json, summary)
