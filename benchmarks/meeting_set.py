"""The annotated meetings of the minutes evaluation: reading them, and which part (development or held-out) each is.

Meetings are written as `tests/data/minutes/meetings/NAME.txt` (conventions and the labelling procedure
in `tests/data/minutes/CONVENTIONS.md`): `# key: value` header lines (meta and the gold people), then
one line per transcript segment, `SPEAKER | text`, each followed by the gold it carries, written right
after the segment from its text:

    > vote: MOTION | IN_FAVOUR | AGAINST | ABSTAIN | TOTAL | PASSED     ("-" where not said; yes/no)
    > vote+                                                             (this segment belongs to the last vote)
    > task: ASSIGNEE | ACTION | DEADLINE | DUE                          (DEADLINE as spoken, DUE an ISO date)
    > conclusion                                                        (a conclusion; "conclusion+" goes on)
    > procedural                                                        (running the meeting: floor, vote call, break)

The six older meetings are the JSON triple `NAME.json`, `NAME_meta.json`, `NAME_gold.json`. Segment
times are made up from the words (0.4 s a word), as speech of that length would take.
`MANIFEST.tsv` gives each meeting its kind, style (written or ASR-like) and part: the split is by kind,
so no kind of meeting in the held-out part was seen while tuning.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.text import nfc
from core.transcript import ModelRef, Segment, SourceRef, Transcript
from minutes.model import MinutesMeta

DATASET = Path(__file__).resolve().parents[1] / "tests" / "data" / "minutes"
MANIFEST = DATASET / "MANIFEST.tsv"
PARTS = ("dev", "heldout")
SECONDS_PER_WORD = 0.4
_GAP_S = 0.8


@dataclass(frozen=True)
class Entry:
    """One row of MANIFEST.tsv."""

    name: str
    kind: str
    style: str
    """ "written" (cased, punctuated, named speakers) or "asr" (lower case, no punctuation, anonymous speakers)."""
    part: str


def manifest(dataset: Path = DATASET) -> list[Entry]:
    with (dataset / "MANIFEST.tsv").open(encoding="utf-8") as f:
        return [Entry(r["name"], r["kind"], r["style"], r["part"]) for r in csv.DictReader(f, delimiter="\t")]


def names(part: str | None = None, dataset: Path = DATASET) -> list[str]:
    """The meetings of `part` ("dev", "heldout"; None: all), in manifest order."""
    return [e.name for e in manifest(dataset) if part is None or e.part == part]


def _nullable(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-") else nfc(value)


def _count(value: str) -> int | None:
    value = value.strip()
    return None if value in ("", "-") else int(value)


def _passed(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value.strip())


def parse(text: str, stem: str) -> tuple[Transcript, MinutesMeta, dict[str, Any]]:
    """Transcript, meta and gold of one meeting written in the annotated text format."""
    header: dict[str, str] = {}
    segments: list[Segment] = []
    gold: dict[str, Any] = {"conclusions": [], "votes": [], "tasks": [], "procedural": []}
    clock = 2.0
    for number, raw in enumerate(nfc(text).splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            header[key.strip()] = value.strip()
        elif line.startswith(">"):
            if not segments:
                raise ValueError(f"{stem}:{number}: an annotation before any segment")
            _annotate(gold, line[1:].strip(), segments[-1].id, f"{stem}:{number}")
        else:
            speaker, sep, said = line.partition(" | ")
            if not sep:
                raise ValueError(f"{stem}:{number}: a segment is 'SPEAKER | text'")
            length = max(2.0, SECONDS_PER_WORD * len(said.split()))
            segments.append(Segment(id=len(segments), start=clock, end=clock + length, text=said, speaker=speaker))
            clock += length + _GAP_S
    gold["chair"] = [n.strip() for n in header["chair"].split(";") if n.strip()]
    gold["attendees"] = [n.strip() for n in header.get("attendees", "").split(";") if n.strip()]
    meta = MinutesMeta.model_validate(
        {
            "header": {"issuing_body": header.get("body", "")},
            "meeting_name": header.get("name", ""),
            "meeting_date": header["date"],
            "start_time": header.get("start", "08:00"),
        }
    )
    asr = header.get("style") == "asr"
    transcript = Transcript(
        language="vi",
        duration=round(clock, 2),
        model=ModelRef(engine="vietasr" if asr else "manual", name="vietasr-ctc" if asr else "hand-written"),
        source=SourceRef(name=f"{stem}.wav", duration=round(clock, 2)),
        segments=segments,
    )
    return transcript, meta, gold


def _annotate(gold: dict[str, Any], annotation: str, segment: int, where: str) -> None:
    kind, _, rest = annotation.partition(":")
    fields = [f.strip() for f in rest.split("|")]
    if kind == "vote":
        if len(fields) != 6:
            raise ValueError(f"{where}: vote needs MOTION | FOR | AGAINST | ABSTAIN | TOTAL | PASSED")
        motion, *counts, passed = fields
        keys = ("in_favour", "against", "abstain", "total")
        vote = {"motion": motion, **{k: _count(c) for k, c in zip(keys, counts, strict=True)}}
        gold["votes"].append(vote | {"passed": _passed(passed), "source_segments": [segment]})
    elif kind == "task":
        if len(fields) != 4:
            raise ValueError(f"{where}: task needs ASSIGNEE | ACTION | DEADLINE | DUE")
        assignee, action, deadline, due = fields
        gold["tasks"].append(
            {
                "assignee": assignee,
                "action": action,
                "deadline": _nullable(deadline),
                "due": _nullable(due),
                "source_segments": [segment],
            }
        )
    elif kind == "conclusion":
        gold["conclusions"].append({"source_segments": [segment]})
    elif kind == "procedural":
        gold["procedural"].append(segment)
    elif kind in ("vote+", "conclusion+"):
        target = gold["votes" if kind == "vote+" else "conclusions"]
        if not target:
            raise ValueError(f"{where}: {kind} with nothing before it")
        target[-1]["source_segments"].append(segment)
    else:
        raise ValueError(f"{where}: unknown annotation {kind!r}")


def load(name: str, dataset: Path = DATASET) -> tuple[Transcript, MinutesMeta, dict[str, Any]]:
    """Transcript, meta and gold of meeting `name`, from either format."""
    written = dataset / "meetings" / f"{name}.txt"
    if written.is_file():
        return parse(written.read_text(encoding="utf-8"), name)
    transcript = Transcript.model_validate_json((dataset / f"{name}.json").read_text(encoding="utf-8"))
    meta = MinutesMeta.model_validate_json((dataset / f"{name}_meta.json").read_text(encoding="utf-8"))
    gold = json.loads((dataset / f"{name}_gold.json").read_text(encoding="utf-8"))
    return transcript, meta, gold
