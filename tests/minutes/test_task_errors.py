"""The decomposition of task errors (benchmarks/minutes_task_errors.py): each missed or false task gets the one
cause that explains it, and the counts add up to the evaluation's false negatives and positives."""

from __future__ import annotations

from typing import Any

from benchmarks.minutes_eval import field_scores, load_meeting
from benchmarks.minutes_task_errors import FALSE, MISSED, PAIRED, causes, meeting_errors
from minutes.generate import generate
from minutes.model import SegmentRef, Task


def _task(assignee: str, segment: int, deadline: str | None = None) -> Task:
    return Task(
        assignee=assignee, action="làm", deadline=deadline, source_segments=[SegmentRef(id=segment, start=0, end=1)]
    )


def _gold(assignee: str, segment: int, deadline: str | None = None) -> dict[str, Any]:
    return {"assignee": assignee, "action": "làm", "deadline": deadline, "due": None, "source_segments": [segment]}


def test_each_error_gets_its_cause() -> None:
    gold = [
        _gold("Phòng Y tế", 1),  # found right
        _gold("Phòng Tư pháp", 2),  # read there to someone else
        _gold("Đội Kiểm soát", 3, "trong tuần"),  # the assignee right, the deadline not
        _gold("Lê Thị Mỹ", 4),  # two in one segment, one read: the other merged
        _gold("Quàng Văn Dũng", 4),
        _gold("Văn phòng", 5),  # read at another segment only
        _gold("Tổ Tổng hợp", 6),  # the classifier called the sentence a task, no task read
        _gold("Ban quản lý", 7),  # the reader finds an order there, the classifier missed it
        _gold("Tổ Kế toán", 10),  # neither finds an order there
    ]
    predicted = [
        _task("Phòng Y tế", 1),
        _task("Vụ chưa rõ", 2),
        _task("Đội Kiểm soát", 3),
        _task("Lê Thị Mỹ", 4),
        _task("Văn phòng", 9),
        _task("Phòng Y tế", 1),  # a second task where the gold is found: split
        _task("Ông Sính", 8),  # no gold task there: the classifier's false positive
    ]
    found = sorted(cause for cause, _ in causes(predicted, gold, task_segments={1, 2, 3, 4, 6, 8}, readable={1, 7}))
    assert found == sorted(["assignee", "deadline", "merged", "citation", "no party read", "classifier missed",
                            "nothing read", "split", "classifier false"])  # fmt: skip
    assert set(found) <= set(MISSED) | set(FALSE)


def test_a_meeting_counts_as_the_evaluation_does() -> None:
    """ "toa_an_huyen" (development): the errors add up to its task fn and fp."""
    transcript, meta, gold = load_meeting("toa_an_huyen")
    score = field_scores(generate(transcript, meta), gold)["tasks"]
    errors = [cause for cause, _ in meeting_errors("toa_an_huyen")]
    assert sum(c in MISSED for c in errors) == score.fn
    assert sum(c in FALSE or c in PAIRED for c in errors) == score.fp
