"""What changed between two versions of a transcript, segment by segment: text, speaker, timing.

Segments are aligned by their text (a clerk's edits rarely touch most of them), so a corrected
word shows as one changed segment and a split or merge as segments removed and added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from core.text import nfc
from core.transcript import Segment, Transcript

TIMING_TOLERANCE_S = 0.01
"""Moves smaller than this (rounding in an editor) are not reported as timing changes."""

Op = Literal["added", "removed", "changed"]
Field = Literal["text", "speaker", "timing"]
WordOp = Literal["equal", "delete", "insert"]


@dataclass
class SegmentChange:
    op: Op
    before: int | None
    """Index in the old version."""
    after: int | None
    """Index in the new version."""
    fields: list[Field] = field(default_factory=list)
    old: dict[str, object] | None = None
    new: dict[str, object] | None = None
    words: list[tuple[WordOp, str]] | None = None
    """Word-level diff where the text changed."""


def _key(segment: Segment) -> str:
    return " ".join(nfc(segment.text).split())


def _brief(segment: Segment) -> dict[str, object]:
    return {"start": segment.start, "end": segment.end, "speaker": segment.speaker, "text": segment.text}


def word_diff(old: str, new: str) -> list[tuple[WordOp, str]]:
    """Runs of words kept, deleted and inserted, in reading order."""
    a, b = nfc(old).split(), nfc(new).split()
    runs: list[tuple[WordOp, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("insert", " ".join(b[j1:j2])))
    return runs


def _compare(i: int, j: int, old: Segment, new: Segment) -> SegmentChange | None:
    fields: list[Field] = []
    if _key(old) != _key(new):
        fields.append("text")
    if old.speaker != new.speaker:
        fields.append("speaker")
    if abs(old.start - new.start) > TIMING_TOLERANCE_S or abs(old.end - new.end) > TIMING_TOLERANCE_S:
        fields.append("timing")
    if not fields:
        return None
    words = word_diff(old.text, new.text) if "text" in fields else None
    return SegmentChange("changed", i, j, fields, _brief(old), _brief(new), words)


def diff_transcripts(old: Transcript, new: Transcript) -> list[SegmentChange]:
    """Changes that turn `old` into `new`, in the order of the new version."""
    a, b = old.segments, new.segments
    changes: list[SegmentChange] = []
    matcher = SequenceMatcher(None, [_key(s) for s in a], [_key(s) for s in b], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = min(i2 - i1, j2 - j1) if tag in ("equal", "replace") else 0
        for k in range(paired):
            change = _compare(i1 + k, j1 + k, a[i1 + k], b[j1 + k])
            if change is not None:
                changes.append(change)
        changes += [SegmentChange("removed", i, None, old=_brief(a[i])) for i in range(i1 + paired, i2)]
        changes += [SegmentChange("added", None, j, new=_brief(b[j])) for j in range(j1 + paired, j2)]
    return changes
