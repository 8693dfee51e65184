"""The task unit set's format and split, and how the benchmark scores it (synthetic rows, not the real set)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from benchmarks.minutes_tasks import GoldTask, TaskUnit, read_units, score
from benchmarks.unit_sets import part_of_line
from minutes.model import SegmentRef, Task

HEADER = "kind\tstyle\tassignee\tdeadline\tdue\ttext\n"
REF = [SegmentRef(id=0, start=0.0, end=1.0)]


def _task(assignee: str, deadline: str | None = None, due: date | None = None) -> Task:
    return Task(assignee=assignee, action="làm", deadline=deadline, due=due, source_segments=REF)


def test_rows_give_one_task_per_joined_value_and_none_gives_no_task(tmp_path: Path) -> None:
    path = tmp_path / "tasks.tsv"
    two = "Giao Phòng Tài chính lập dự toán trước ngày 20 tháng 3, còn Văn phòng rà soát hồ sơ."
    path.write_text(
        HEADER
        + f"ubnd\twritten\tPhòng Tài chính | Văn phòng\ttrước ngày 20 tháng 3 | -\t2025-03-20 | -\t{two}\n"
        + "ubnd\tasr\tnone\tnone\tnone\tmời anh hải trình bày\n",
        encoding="utf-8",
    )
    first, second = read_units(path)
    assert first.tasks == (
        GoldTask("Phòng Tài chính", "trước ngày 20 tháng 3", date(2025, 3, 20)),
        GoldTask("Văn phòng", None, None),
    )
    assert first.part == part_of_line(two) and second.tasks == () and second.style == "asr"


def test_a_row_whose_columns_differ_in_number_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tasks.tsv"
    path.write_text(HEADER + "ubnd\twritten\tA | B\t-\t-\tGiao A và B.\n", encoding="utf-8")
    with pytest.raises(ValueError):
        read_units(path)


def test_a_task_is_exact_only_with_its_assignee_and_deadline_and_one_without_gold_is_false() -> None:
    gold = TaskUnit("dev", "ubnd", "written", "…", (GoldTask("Phòng Tài chính", "trước ngày 20", date(2025, 3, 20)),))
    empty = TaskUnit("dev", "ubnd", "written", "…", ())
    late = _task("Phòng Tài chính", "trước ngày 25", date(2025, 3, 25))
    scored = score([gold, empty], [[late], [_task("Văn phòng")]])
    assert (scored["exact"], scored["predicted"], scored["false on no-task"]) == (0, 2, 1)
    assert (scored["matched"], scored["assignee acc"], scored["deadline acc"]) == (1, 1.0, 0.0)
    same_day = _task("phòng tài chính", "hạn 20/3", date(2025, 3, 20))  # the date the gold names, said otherwise
    assert score([gold], [[same_day]])["F1"] == 1.0
    assert score([gold], [[]])["recall"] == 0.0 and score([gold], [[]])["matched"] == 0
