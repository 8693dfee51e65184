"""The assignee tagger (minutes.assignees): its training rows come from the development gold by a fixed alignment
and are what the rebuild command writes; it reads assignees the hand-written rules miss, and one task per
assignee with the deadline said in its own part of the sentence."""

from __future__ import annotations

import json
from datetime import date

import pytest

from benchmarks.meeting_set import names
from benchmarks.minutes_sentences import align, labelled
from minutes.assignees import AssigneeTagger, bio, default_tagger, training_rows
from minutes.classifier import TRAINING
from minutes.slots import read_tasks

PEOPLE = ["Lường Văn Khánh", "Vàng Thị Dung", "Đinh Công Hưng"]


def test_gold_assignees_are_aligned_to_the_words_that_say_them() -> None:
    text = "Giao Phòng Tài chính – Kế hoạch tham mưu phương án điều chuyển, trình Ủy ban trước ngày 15/9."
    start, end = align(text, "Phòng Tài chính – Kế hoạch huyện")  # type: ignore[misc]
    assert text[start:end] == "Phòng Tài chính – Kế hoạch"  # the place qualifier is not said
    spoken = "còn hậu thì làm danh sách chia ca theo khoa"
    assert align(spoken, "Ninh Thị Hậu") == (4, 7)  # a person by given name alone
    assert align("ubnd xã lập hồ sơ cầu tràn", "Ủy ban nhân dân xã") == (0, 7)  # an abbreviation
    assert align("đồng chí kế toán trưởng chủ trì đối chiếu", "Hà Thị Lan") is None  # by title: no row
    assert align("khoa dược làm nhãn cảnh báo", "Nguyễn Văn Dược Sĩ") is None  # a given name must end the name
    assert bio("Anh Khánh làm thủ tục.", [(4, 9)]) == ["O", "B", "O", "O", "O", "O"]


def test_the_shipped_training_rows_are_what_the_rebuild_command_writes() -> None:
    shipped = json.loads(TRAINING.read_text(encoding="utf-8"))
    rebuilt = [row for name in names("dev") for row in labelled(name)]
    assert rebuilt == shipped
    assert {r["meeting"] for r in shipped} == set(names("dev"))  # never a held-out meeting
    rows = training_rows(shipped)
    assert sum(bool(spans) for _, _, spans in rows) >= 80  # task sentences with their assignees


def test_the_tagger_finds_an_assignee_the_rules_miss() -> None:
    sentence = "trạm y tế xã rà soát lại danh sách tiêm chủng trong tuần này"  # "trạm" heads no body the rules know
    assert read_tasks(sentence, people=PEOPLE) == []
    (task,) = default_tagger().read(sentence, held=date(2025, 12, 1), people=PEOPLE)
    assert (task.assignee, task.deadline and task.deadline.text) == ("trạm y tế xã", "trong tuần này")
    assert task.action == "rà soát lại danh sách tiêm chủng"


def test_one_task_per_assignee_with_its_own_deadline_and_full_name() -> None:
    sentence = "Anh Khánh làm thủ tục chi trước ngày 5 tháng 12, chị Dung liên hệ nhà xe trong tuần này."
    first, second = default_tagger().read(sentence, held=date(2025, 12, 1), people=PEOPLE)
    assert (first.assignee, first.deadline and first.deadline.due) == ("Lường Văn Khánh", date(2025, 12, 5))
    assert (second.assignee, second.deadline and second.deadline.text) == ("Vàng Thị Dung", "trong tuần này")
    assert first.action == "làm thủ tục chi"


def test_an_untrained_tagger_refuses_to_read() -> None:
    with pytest.raises(RuntimeError):
        AssigneeTagger().spans("Anh Khánh làm thủ tục.")
