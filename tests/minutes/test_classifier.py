"""The sentence classifier: trained on the development meetings only, deterministic, and right on sentences it
never saw (wordings of other kinds of meeting)."""

from __future__ import annotations

import json

from benchmarks import minutes_conclusions, minutes_tasks, minutes_votes
from benchmarks.meeting_set import names
from benchmarks.minutes_sentences import UNIT_WEIGHT, labelled, unit_rows
from benchmarks.minutes_tasks import GoldTask, TaskUnit
from core.transcript import Segment
from minutes.classifier import THRESHOLDS, TRAINING, SentenceClassifier, default_classifier, features
from minutes.sentences import is_lead_in, next_said, split


def test_trained_on_the_development_part_only_and_deterministic() -> None:
    rows = json.loads(TRAINING.read_text(encoding="utf-8"))
    assert {r["meeting"] for r in rows} <= {*names("dev"), ""}  # "": a unit set's development passage
    assert not {r["meeting"] for r in rows} & set(names("heldout"))
    texts, chairs = [r["text"] for r in rows[:40]], [r["chair"] for r in rows[:40]]
    again = SentenceClassifier().fit([r["text"] for r in rows], [r["chair"] for r in rows], [r["labels"] for r in rows])
    first = SentenceClassifier().fit([r["text"] for r in rows], [r["chair"] for r in rows], [r["labels"] for r in rows])
    assert again.probabilities(texts, chairs) == first.probabilities(texts, chairs)


def test_the_training_sentences_are_those_of_the_development_gold() -> None:
    """The committed file is what `benchmarks/minutes_sentences.py` writes now (rerun it after changing the gold,
    the sentence splitter or who is taken for the chair)."""
    rows = json.loads(TRAINING.read_text(encoding="utf-8"))
    assert rows == [row for name in names("dev") for row in labelled(name)] + unit_rows()


def test_unit_set_rows_follow_their_procedure() -> None:
    """Only development passages, each row teaching its set's class alone by the set's gold: the conclusion rows are
    the gold sentences, the vote rows every sentence of a passage with a vote, the task rows the sentences of a task
    passage that name its assignee or deadline."""
    rows = unit_rows()
    assert all(r["meeting"] == "" and len(r["known"]) == 1 and r["weight"] == UNIT_WEIGHT for r in rows)
    assert all(r["labels"] in ([], r["known"]) for r in rows)
    conclusions = [u for u in minutes_conclusions.read_units() if u.part == "dev"]
    said = [r for r in rows if r["known"] == ["conclusion"]]
    assert [bool(r["labels"]) for r in said] == [g for u in conclusions for g in u.gold]
    assert [r["chair"] for r in said] == [u.chair for u in conclusions for _ in u.sentences]
    voted = {u.text for u in minutes_votes.read_units() if u.part == "dev" and u.votes}
    assert all(bool(r["labels"]) == any(r["text"] in t for t in voted) for r in rows if r["known"] == ["vote"])
    tasks = [u.text for u in minutes_tasks.read_units() if u.part == "dev"]
    assert all(any(r["text"] in t for t in tasks) for r in rows if r["known"] == ["task"])
    unit = TaskUnit("dev", "hospital", "written", "Bệnh viện có ba ca nhiễm khuẩn. Khoa Nội báo cáo trước ngày 9/3.",
                    (GoldTask("Khoa Nội", "trước ngày 9/3", None),))  # fmt: skip
    assert [r["labels"] for r in unit_rows(tasks=[unit], votes=[], conclusions=[])] == [[], ["task"]]


def test_unseen_wordings() -> None:
    """Sentences written for this test, in wordings of boards and committees (none is in the training data)."""
    said = [
        ("Ban kiểm phiếu báo cáo: 7 phiếu thuận, 2 phiếu chống, không có phiếu trắng.", True, "vote"),
        ("Phòng Y tế rà soát danh sách hộ nghèo, báo cáo Ủy ban trước ngày 10 tháng 12.", True, "task"),
        ("Hội đồng thống nhất lùi thời điểm khởi công sang quý II năm sau.", True, "conclusion"),
    ]
    not_said = [
        ("Tôi đề nghị Ủy ban xem lại đơn giá bồi thường cho các hộ ven sông.", False, "task"),
        ("Xin mời đồng chí Trưởng phòng Tài chính trình bày tờ trình.", True, "task"),
    ]
    rows = [*said, *not_said]
    kinds = default_classifier().classify([t for t, _, _ in rows], [c for _, c, _ in rows])
    for (text, _, label), kind in zip(said, kinds[: len(said)], strict=True):
        assert label in kind, text
    for (text, _, label), kind in zip(not_said, kinds[len(said) :], strict=True):
        assert label not in kind, text
    assert set(TRAINING.read_text(encoding="utf-8").split("\n")).isdisjoint({t for t, _, _ in rows})


def test_a_conclusion_after_its_lead_in() -> None:
    """The lead-in sounds like a conclusion to the classifier; `is_lead_in` tells it says nothing itself."""
    lead = "Thay mặt chủ tọa, tôi xin kết luận mấy điểm sau."
    content = "Hội đồng nhân dân xã cơ bản tán thành báo cáo, đề nghị Ủy ban khắc phục ngay tình trạng ngập úng."
    kinds = default_classifier().classify([lead, content], [True, True], ["", lead])
    assert "conclusion" in kinds[1]
    assert is_lead_in(lead) and is_lead_in("tôi kết luận như sau") and not is_lead_in(content)
    assert is_lead_in("tôi kết luận thế này") and is_lead_in("thôi tôi chốt lại như vầy nhé")  # spoken, ASR-like
    assert not is_lead_in("chúng ta không thể để tình trạng thế này")  # "thế này" alone closes content


def test_running_the_meeting_is_procedure_never_a_task() -> None:
    """Written for this test: giving the floor now, a break, a call to vote; and two orders in other words."""
    procedure = [
        "Xin mời chị Hạnh, kế toán trưởng, trình bày luôn phần dự toán.",
        "Bây giờ chúng ta nghỉ giải lao mười lăm phút.",
        "Đề nghị các thành viên biểu quyết phương án hai.",
    ]
    orders = ["Anh Quang lập danh sách hộ chưa nộp, gửi tổ trưởng trước thứ bảy.", "Tổ bảo vệ tuần tra ban đêm."]
    kinds = default_classifier().classify([*procedure, *orders], [True] * 5)
    assert all("procedural" in k and "task" not in k for k in kinds[:3]), kinds[:3]
    assert all("task" in k and "procedural" not in k for k in kinds[3:]), kinds[3:]


def test_an_order_the_task_reader_finds_is_no_procedure() -> None:
    """Trained where "phân công" only ever asked someone to present, the words say procedure; but the task reader,
    which turns away the floor and presenting now, reads two orders: the sentence stays a task."""
    train = [
        ("Phân công: chị Hạnh trình bày tài liệu kỹ thuật, anh Thủy nói về khánh tiết và báo đài.", ["procedural"]),
        ("Phân công: chị Lan trình bày tài liệu kỹ thuật, anh Bình nói về khánh tiết.", ["procedural"]),
        ("Phân công: chị Mai phát biểu về tài liệu kỹ thuật và mời báo đài.", ["procedural"]),
        ("Mời anh Hùng trình bày.", ["procedural"]),
        ("Tổ bảo vệ thay bình chữa cháy ở dãy hàng khô.", ["task"]),  # no deadline: not every order has one
        ("Phòng Kế toán lập dự toán, trình Ban trước ngày 15/8.", ["task"]),
        ("Chợ đóng cửa lúc 19 giờ.", ["conclusion"]),
        ("Có 7 người tán thành, 1 người không tán thành.", ["vote"]),
        ("Bà con đề nghị giãn giờ đóng cửa.", []),
    ]
    model = SentenceClassifier().fit([t for t, _ in train], [True] * len(train), [ls for _, ls in train])
    order = "Phân công: chị Hạnh chuẩn bị tài liệu kỹ thuật, anh Thủy lo khánh tiết và mời báo đài."
    people = ["Vũ Thị Hạnh", "Mai Xuân Thủy"]
    row = model.probabilities([order], [True], people=[people])[0]
    assert row["procedural"] >= row["task"] >= model.thresholds["task"]  # the words lean to procedure …
    assert model.classify([order], [True], people=[people]) == [frozenset({"task"})]  # … the order stays a task


def test_each_class_is_decided_by_its_own_threshold() -> None:
    """A sentence the conclusion model finds likely is a conclusion at the default thresholds, and no longer once the
    conclusion threshold alone is raised above its probability; the other classes keep theirs."""
    train = [
        ("Thống nhất giao khoán vườn cây cho tổ sản xuất số hai.", ["conclusion"]),
        ("Thống nhất mua thêm hai máy bơm cho đội thủy lợi.", ["conclusion"]),
        ("Mời chị Ngân báo cáo tiến độ thu hoạch.", ["procedural"]),
        ("Tổ kỹ thuật kiểm tra lại đường ống trước thứ Sáu.", ["task"]),
        ("Có 9 người tán thành, 2 người không tán thành.", ["vote"]),
        ("Năm nay mưa nhiều nên năng suất giảm.", []),
    ]
    sentence = "Thống nhất giao khoán ao cá cho tổ sản xuất số ba."
    texts, chairs, labels = [t for t, _ in train], [True] * len(train), [ls for _, ls in train]
    model = SentenceClassifier().fit(texts, chairs, labels)
    probability = model.probabilities([sentence], [True])[0]["conclusion"]
    raised = {**THRESHOLDS, "conclusion": (probability + 1) / 2}
    strict = SentenceClassifier(thresholds=raised).fit(texts, chairs, labels)
    assert probability >= THRESHOLDS["conclusion"]
    assert "conclusion" in model.classify([sentence], [True])[0]
    assert "conclusion" not in strict.classify([sentence], [True])[0]


def test_features_read_the_next_sentence_and_the_turn() -> None:
    """The sentence the same speaker says next is read too (a call is followed by its counts, a lead-in by what it
    announces), with where the sentence stands in the turn, a deadline and a person present named."""
    call = "Xin biểu quyết tờ trình. Có 31 đại biểu tán thành."
    sents = split([Segment(id=0, start=0.0, end=9.0, speaker="A", text=call),
                   Segment(id=1, start=9.0, end=12.0, speaker="B", text="Tôi đồng ý.")])  # fmt: skip
    assert [next_said(sents, k) for k in range(3)] == ["Có 31 đại biểu tán thành.", "", ""]
    call = features(sents[0].text, chair=True, following=next_said(sents, 0))
    assert {"zfirstz", "zncountcuez", "nco"} <= set(call.split()) and "zlastz" not in call.split()
    assert "zlastz" in features(sents[1].text, chair=True, previous=sents[0].text).split()
    order = features("Chị Ngân gửi báo cáo trước ngày 20 tháng 8.", chair=True, people=("Lò Thị Ngân",))
    assert {"zdeadlinez", "zpersonz"} <= set(order.split())


def test_a_call_followed_by_its_counts_is_a_vote() -> None:
    """Both halves of a vote said in two sentences are the vote: the call knows what follows it."""
    call, counts = "Đề nghị các đồng chí biểu quyết phương án mở rộng chợ.", "Kết quả 27 trên 29 đồng chí nhất trí."
    kinds = default_classifier().classify([call, counts], [True, True], ["", call], following=[counts, ""])
    assert all("vote" in k for k in kinds)


def test_words_are_read_with_their_tones_too() -> None:
    """Two sentences alike once folded ("bán" sell, "bàn" discuss) are told apart by the words with their tones,
    lower case ("Bán" and "bán" alike), while the folded views still join spelling variants."""
    train = [
        ("Tổ hai bán thóc cho kho xã.", ["task"]),
        ("Tổ ba bán phân cho hợp tác xã.", ["task"]),
        ("Tổ hai bàn thóc cho kho xã.", []),
        ("Tổ ba bàn phân cho hợp tác xã.", []),
        ("Mời anh Tâm phát biểu.", ["procedural"]),
        ("Có 12 người tán thành, 1 người không tán thành.", ["vote"]),
        ("Thống nhất làm lại cầu tràn qua suối.", ["conclusion"]),
    ]
    model = SentenceClassifier().fit([t for t, _ in train], [True] * len(train), [ls for _, ls in train])
    sell, discuss = model.probabilities(["Tổ bốn BÁN gạo cho kho xã.", "Tổ bốn bàn gạo cho kho xã."], [True, True])
    assert sell["task"] > discuss["task"]
    row = features("Tổ hai BÁN 12 tấn thóc.", chair=True)
    assert {"ban", "tổ", "bán", "0"} <= set(row.split()) and "BÁN" not in row.split()
