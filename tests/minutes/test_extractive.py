"""The extractive generator on a hand-written council meeting: agenda, interventions, votes, tasks, faithfulness."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import date, datetime

import pytest

from core.errors import InvalidInputError
from core.transcript import Transcript
from minutes.classifier import SentenceClassifier
from minutes.extractive import ExtractiveGenerator
from minutes.generate import generate, regenerate
from minutes.model import Header, Minutes, MinutesMeta
from tests.minutes.conftest import said, turns_of


@pytest.fixture(scope="module")
def minutes(meeting: Transcript, meeting_meta: MinutesMeta) -> Minutes:
    return generate(meeting, meeting_meta)


def test_agenda_follows_the_chairs_announcements(minutes: Minutes) -> None:
    assert [item.title for item in minutes.items] == [
        "Khai mạc",
        "Xem xét Tờ trình của Ủy ban nhân dân huyện về điều chỉnh kế hoạch đầu tư công năm 2025",
        "Cho ý kiến về Đề án sắp xếp, xây dựng mạng lưới trường học giai đoạn 2025 - 2030",
        "Bế mạc",
    ]
    spans = [[r.id for r in item.source_segments] for item in minutes.items]
    assert spans == [list(range(0, 2)), list(range(2, 22)), list(range(22, 32)), [32]]


def test_votes_tasks_and_conclusions(minutes: Minutes) -> None:
    first = minutes.items[1]
    assert len(first.votes) == 1
    vote = first.votes[0]
    assert vote.motion == "Thông qua Nghị quyết về điều chỉnh kế hoạch đầu tư công năm 2025"
    assert (vote.in_favour, vote.against, vote.abstain, vote.total, vote.passed) == (29, 1, 0, 30, True)
    assert [r.id for r in vote.source_segments] == [20, 21]
    assert [t.assignee for t in first.tasks] == ["Ủy ban nhân dân huyện"]
    assert first.tasks[0].due == date(2025, 10, 15)
    assert any("thống nhất với tờ trình" in c.text for c in first.conclusions)
    second = minutes.items[2]
    assert [(t.assignee, t.deadline, t.due) for t in second.tasks] == [
        ("Phòng Giáo dục và Đào tạo", "trong tháng 9", date(2025, 9, 30)),
        ("Ban Kinh tế - Xã hội", "tại kỳ họp cuối năm", None),
    ]
    assert second.conclusions[0].text.startswith("Tóm lại")


def test_interventions_are_verbatim_sentences_of_their_speaker(minutes: Minutes, meeting: Transcript) -> None:
    by_id = {s.id: s for s in meeting.segments}
    speakers = {x.speaker for item in minutes.items for x in item.interventions}
    assert {"Phạm Minh Tuấn", "Lê Thị Hoa", "Hoàng Văn Dũng", "Võ Thị Lan", "Trần Quốc Khánh"} <= speakers
    for item in minutes.items:
        for x in item.interventions:
            cited = " ".join(by_id[r.id].text for r in x.source_segments)
            assert all(by_id[r.id].speaker == x.speaker for r in x.source_segments)
            for sentence in x.summary.split(". "):
                assert sentence.rstrip(".") in cited  # extractive: nothing that was not said
    procedural = [x.summary for item in minutes.items for x in item.interventions if x.summary.startswith("Xin mời")]
    assert procedural == []  # the chair giving the floor is not an intervention


def test_every_statement_cites_existing_segments_with_their_times(minutes: Minutes, meeting: Transcript) -> None:
    assert minutes.uncited_refs(meeting) == set()
    by_id = {s.id: s for s in meeting.segments}
    for item in minutes.items:
        for cited in [item, *item.interventions, *item.conclusions, *item.votes, *item.tasks]:
            assert cited.source_segments
            for ref in cited.source_segments:
                assert (ref.start, ref.end) == (by_id[ref.id].start, by_id[ref.id].end)
    text = minutes.model_dump_json()
    assert text == unicodedata.normalize("NFC", text)


def test_frame_from_metadata(minutes: Minutes, meeting: Transcript) -> None:
    assert minutes.header.number == "12/BB-HĐND"
    assert minutes.start == datetime(2025, 7, 8, 8, 0, 3)
    assert minutes.end is not None and minutes.end.strftime("%H:%M") == "08:10"
    assert minutes.closing == "Cuộc họp kết thúc vào 8 giờ 10 phút, ngày 8 tháng 7 năm 2025."
    assert minutes.stats.generator == "extractive" and minutes.stats.segments == len(meeting.segments)


def test_without_metadata_the_chair_is_found_and_times_stay_blank(meeting: Transcript) -> None:
    anonymous = meeting.model_copy(deep=True)
    names = {name: f"Người nói {i}" for i, name in enumerate(anonymous.speakers, 1)}
    for segment in anonymous.segments:
        segment.speaker = names[segment.speaker or ""]
    minutes = generate(anonymous)
    assert len(minutes.items) == 4
    assert minutes.items[1].votes[0].in_favour == 29
    assert minutes.start is None and "… giờ … phút" in minutes.closing


def test_regenerating_an_item_reads_the_corrected_transcript(minutes: Minutes, meeting: Transcript) -> None:
    corrected = meeting.model_copy(deep=True)
    corrected.segments[21].text = corrected.segments[21].text.replace("29/30", "28/30")
    edited = minutes.model_copy(deep=True)
    edited.items[2].title = "Đề án trường học (thư ký sửa)"
    again = regenerate(corrected, edited, 1)
    assert again.items[1].votes[0].in_favour == 28
    assert again.items[2].title == "Đề án trường học (thư ký sửa)"  # other items keep the clerk's edits
    with pytest.raises(InvalidInputError):
        regenerate(corrected, edited, 9)


def test_empty_transcript_is_refused(meeting: Transcript) -> None:
    with pytest.raises(InvalidInputError, match="không có nội dung"):
        generate(meeting.model_copy(update={"segments": []}))


def test_a_restated_result_is_the_same_vote_and_a_new_call_another() -> None:
    turns = [
        ("Chủ tọa", "Đề nghị các vị đại biểu biểu quyết chủ trương đầu tư chợ. Đại biểu nào tán thành xin giơ tay."),
        ("Thư ký", "Kết quả: 17 đại biểu tán thành, 2 đại biểu không tán thành, trên tổng số 21 đại biểu có mặt."),
        ("Chủ tọa", "Như vậy, với 17 trên 21 đại biểu tán thành, Hội đồng đã thông qua chủ trương đầu tư chợ."),
        ("Chủ tọa", "Đề nghị các vị đại biểu biểu quyết bổ sung chương trình giám sát năm nay."),
        ("Chủ tọa", "Xin cảm ơn các vị đại biểu đã biểu quyết thống nhất."),
    ]
    transcript = said(turns)
    votes = [v for item in generate(transcript, MinutesMeta(chair="Chủ tọa")).items for v in item.votes]
    assert [(v.in_favour, v.against, v.total, v.passed) for v in votes] == [(17, 2, 21, True), (None, None, None, True)]
    assert [[r.id for r in v.source_segments] for v in votes] == [[0, 1, 2], [3, 4]]


def test_a_vote_result_is_no_conclusion() -> None:
    """The chair announcing the result is the vote's (it cites it); what the chair decides after it is a conclusion."""
    turns = [
        ("Chủ tọa", "Đề nghị các đồng chí biểu quyết kết nạp ba thanh niên. Ai đồng ý xin giơ tay."),
        ("Thư ký", "Có mặt 7, tán thành 7."),
        ("Chủ tọa", "Như vậy việc kết nạp đã được thông qua."),
        ("Chủ tọa", "Hội đồng thống nhất tổ chức lễ kết nạp tại buổi ra quân công trình."),
    ]
    transcript = said(turns)
    items = generate(transcript, MinutesMeta(chair="Chủ tọa")).items
    assert [[r.id for r in v.source_segments] for item in items for v in item.votes] == [[0, 1, 2]]
    assert [[r.id for r in c.source_segments] for item in items for c in item.conclusions] == [[3]]


def test_closing_the_meeting_after_the_conclusions_is_none_of_them() -> None:
    """What the chair says after "tôi kết luận …" is a conclusion, but closing the meeting concludes nothing."""
    turns = [  # after the chair's first turn: the chair has heard a report (`_first_turns`)
        ("Chủ tọa", "Mời đồng chí Hoa báo cáo kết quả cuộc vận động."),
        ("Đại biểu", "Đến nay đã vận động được 120 triệu đồng, đạt 80 phần trăm kế hoạch."),
        ("Chủ tọa", "Thay mặt Ban Thường trực, tôi kết luận chung mấy ý."),
        ("Chủ tọa", "Cuộc vận động đạt kết quả tốt, phấn đấu hoàn thành kế hoạch trong tháng 10."),
        ("Chủ tọa", "Hội nghị kết thúc tại đây."),
    ]
    transcript = said(turns)
    items = generate(transcript, MinutesMeta(chair="Chủ tọa")).items
    assert [[r.id for r in c.source_segments] for item in items for c in item.conclusions] == [[3]]


def test_an_order_to_you_is_to_whom_the_chair_answers() -> None:
    """ "… thì anh lập dự toán" right after Lê Quang Vinh spoke: the task is his, not "anh"'s."""
    turns = [
        ("Tôn Thất Minh", "Tôi xin khai mạc cuộc họp Ban Quản lý chợ."),
        ("Lê Quang Vinh", "Tôi Lê Quang Vinh, phụ trách kỹ thuật. Mái tôn khu hàng cá bị dột nhiều chỗ."),
        ("Tôn Thất Minh", "Mái khu hàng cá thì anh lập dự toán sửa chữa, trình Ban trước ngày 15/8."),
    ]
    items = generate(said(turns), MinutesMeta(chair="Tôn Thất Minh", meeting_date=date(2025, 7, 14))).items
    assert [(t.assignee, t.due) for item in items for t in item.tasks] == [("Lê Quang Vinh", date(2025, 8, 15))]


def test_what_the_meetings_own_body_will_do_is_no_task_given_to_it() -> None:
    """At the farmers' union, "Hội xã sẽ làm việc …" is the union's own plan (CONVENTIONS: no promises of the
    meeting's own body), while the order to one of its members and to another body ("Chi hội") stay tasks."""
    turns = [
        ("Đinh Văn Lực", "Tôi xin khai mạc hội nghị Ban Chấp hành Hội Nông dân xã."),
        ("Đinh Văn Lực", "Giao chị Phạm Thị Hiền lập danh sách các hộ bị thiệt hại trước ngày 20 tháng 11."),
        ("Đinh Văn Lực", "Hội xã sẽ làm việc với Ủy ban để xin xác nhận cho các hộ."),
        ("Đinh Văn Lực", "Chi hội thôn Đông rà soát lại diện tích lúa trong tuần này."),
    ]
    meta = MinutesMeta(
        header=Header(issuing_body="HỘI NÔNG DÂN XÃ YÊN THÀNH"), chair="Đinh Văn Lực", meeting_date=date(2025, 11, 10)
    )
    tasks = [t.assignee for item in generate(said(turns), meta).items for t in item.tasks]
    assert tasks == ["Phạm Thị Hiền", "Chi hội thôn Đông"]


def test_the_chairs_word_after_the_counts_is_their_result_not_another_vote() -> None:
    """A member reads the counts with those present first; the chair's "vậy thông qua nhé" is that vote's result."""
    turns = [
        ("Chủ tọa", "giờ mình biểu quyết việc sửa lại cổng trường ai đồng ý giơ tay"),
        ("Thư ký", "dạ mười một bạn có mặt mười một bạn đồng ý"),
        ("Chủ tọa", "vậy thông qua nhé"),
    ]
    transcript = said(turns)
    votes = [v for item in generate(transcript, MinutesMeta(chair="Chủ tọa")).items for v in item.votes]
    assert [(v.in_favour, v.total, v.passed) for v in votes] == [(11, 11, True)]
    assert [[r.id for r in v.source_segments] for v in votes] == [[0, 1, 2]]


def test_the_chairs_vote_sentence_after_the_counts_begins_no_other_vote() -> None:
    """The chair's sentence after the counts, with no call and no result read in it, is that vote's, not a new one."""
    turns = [
        ("Chủ tọa", "mức đóng góp giữ như năm ngoái năm mươi ngàn một hộ bà con ai đồng ý giơ tay"),
        ("Thư ký", "dạ ba mươi hộ có mặt ba mươi hộ đồng ý hết"),
        ("Chủ tọa", "vậy là thống nhất giữ mức thu như năm ngoái"),
    ]
    votes = [v for item in generate(said(turns), MinutesMeta(chair="Chủ tọa")).items for v in item.votes]
    assert [(v.in_favour, v.total, [r.id for r in v.source_segments]) for v in votes] == [(30, 30, [0, 1, 2])]


def test_a_result_said_as_the_bodys_decision_after_the_counts() -> None:
    """After the counts, the chair saying what the body agreed is the vote's result, though no "thông qua" is said;
    the same words with no vote counted before them begin none (agreement asked, not voted)."""
    turns = [
        ("Chủ tọa", "Về việc kết nạp quần chúng Hà Văn Tú vào Đảng, xin các đồng chí biểu quyết bằng giơ tay."),
        ("Chủ tọa", "12 trên 12 đồng chí có mặt tán thành. Chi bộ nhất trí đề nghị kết nạp."),
        ("Chủ tọa", "Đồng chí nào có ý kiến khác về chương trình buổi chiều không? Hội nghị thống nhất chương trình."),
    ]
    votes = [v for item in generate(said(turns), MinutesMeta(chair="Chủ tọa")).items for v in item.votes]
    assert [(v.in_favour, v.total, v.passed, [r.id for r in v.source_segments]) for v in votes] == [
        (12, 12, True, [0, 1])
    ]


def test_a_result_said_of_both_motions_and_a_whole_cut_off_by_a_semicolon() -> None:
    """ "Cả hai nghị quyết đã được thông qua" is each vote's result; "… không có ý kiến 0; trên tổng số 16 thành viên
    có mặt." gives the whole of the counts before it, though the sentence is cut at the semicolon."""
    turns = [
        ("Chủ tọa", "Thứ nhất, nghị quyết về kinh tế - xã hội: 23 đại biểu tán thành."),
        ("Chủ tọa", "Thứ hai, nghị quyết dự toán: tán thành 21, không tán thành 2."),
        ("Chủ tọa", "Cả hai nghị quyết đã được Hội đồng thông qua."),
        ("Chủ tọa", "Tiếp theo, đề nghị các thành viên biểu quyết kế hoạch chuyển đổi số."),
        ("Chủ tọa", "Kết quả biểu quyết: tán thành 15; không tán thành 1; trên tổng số 16 thành viên có mặt."),
    ]
    votes = [v for item in generate(said(turns), MinutesMeta(chair="Chủ tọa")).items for v in item.votes]
    assert [(v.in_favour, v.against, v.total, v.passed) for v in votes] == [
        (23, None, None, True),
        (21, 2, None, True),
        (15, 1, 16, None),
    ]


class _VotesEverywhere(SentenceClassifier):
    """Calls every sentence a vote (`labels`): what the generator keeps is then what its readers find."""

    labels = frozenset({"vote"})

    def classify(
        self,
        texts: Sequence[str],
        chairs: Sequence[bool],
        previous: Sequence[str] | None = None,
        people: Sequence[Sequence[str]] | None = None,
        following: Sequence[str] | None = None,
    ) -> list[frozenset[str]]:
        return [self.labels for _ in texts]


def test_a_vote_only_the_classifier_sees_records_nothing_unless_voting_is_spoken_of() -> None:
    """A chair's sentence the classifier alone calls a vote, with no call, count, result or word of voting read in it
    ("Tôi xin phép vắng mặt …"), is no vote; a call in words no call reader knows ("đề nghị Quốc hội biểu quyết …")
    is one (in an item made alone: over a meeting, a call nothing counts or decides is no vote taken)."""
    generator = ExtractiveGenerator(classifier=_VotesEverywhere())
    nothing = [("Chủ tọa", "Tôi xin phép vắng mặt để dự họp Huyện ủy."), ("Chủ tọa", "Phiên chất vấn kết thúc.")]
    assert [v for item in generator.items(said(nothing), chair="Chủ tọa", held=None) for v in item.votes] == []
    call = [("Chủ tọa", "Tôi đề nghị Quốc hội biểu quyết về việc đưa dự án Luật này vào chương trình năm 2027.")]
    item = generator.item(turns_of(call), title="Biểu quyết", number=1, chair="Chủ tọa", held=None)
    assert [(v.in_favour, v.passed, [r.id for r in v.source_segments]) for v in item.votes] == [(None, None, [0])]


class _TasksEverywhere(_VotesEverywhere):
    labels = frozenset({"task"})


class _ConclusionsAndTasksEverywhere(_VotesEverywhere):
    labels = frozenset({"conclusion", "task"})


def _concluded(turns: list[tuple[str, str]]) -> list[int]:
    """The segments the conclusions cite when the classifier calls every sentence a conclusion and a task."""
    generator = ExtractiveGenerator(classifier=_ConclusionsAndTasksEverywhere())
    items = generator.items(said(turns), chair="Chủ tọa", held=None)
    return [r.id for item in items for c in item.conclusions for r in c.source_segments]


def test_an_order_on_its_own_is_a_task_only_but_inside_the_conclusions_both() -> None:
    """An order alone is no conclusion, whatever the classifier says; right after the chair's conclusion, after a
    lead-in, with a word of concluding of its own, or read in the passive (a decision), it is one."""
    turns = [
        ("Đại biểu", "Tôi đề nghị bàn trước việc tổ chức lễ hội."),  # the opening over: orders may be given
        ("Chủ tọa", "Văn phòng chuẩn bị kinh phí hỗ trợ mỗi khu dân cư 1 triệu đồng, trình trước ngày 5 tháng 10."),
        ("Đại biểu", "Hội Cựu chiến binh sẽ vận động hội viên tham gia đầy đủ."),
        ("Chủ tọa", "Hội đồng thống nhất tổ chức lễ kết nạp tại buổi ra quân công trình."),
        ("Chủ tọa", "Giao đồng chí Lan lập dự toán, trình Chi ủy trước ngày 20 tháng 9."),
        ("Đại biểu", "Năm ngoái lễ hội có hai vụ mất xe máy."),
        ("Chủ tọa", "Tôi xin kết luận như sau."),
        ("Chủ tọa", "Anh Sáng bố trí lực lượng trông giữ xe suốt hai ngày lễ hội."),
        ("Đại biểu", "Khoa Cấp cứu đang thiếu người trực đêm."),
        ("Chủ tọa", "Khoa Cấp cứu sẽ được bổ sung 3 điều dưỡng từ đầu tháng sau."),
    ]
    assert _concluded(turns) == [3, 4, 7, 9]
    mid_deadline = [  # the action read with its deadline taken out: "làm việc thẳng với chủ trọ phải xong"
        ("Người nói 3", "em là lục thị nga phụ trách hộ khẩu còn bảy hồ sơ tạm trú chưa làm xong"),
        ("Chủ tọa", "bảy hồ sơ đó nga làm việc thẳng với chủ trọ trong tuần này phải xong"),
    ]
    assert _concluded(mid_deadline) == []


def test_a_sentence_saying_nothing_of_its_own_is_no_conclusion_but_inside_one_is() -> None:
    """ "Tốt.", "Đồng ý." (too few content words) conclude nothing; short content after a lead-in still does."""
    turns = [
        ("Đại biểu", "Tôi đề nghị trạm làm video ngắn hướng dẫn bà con."),
        ("Chủ tọa", "Tốt."),
        ("Đại biểu", "Tôi đề nghị mua thêm hai máy bơm cho trạm."),
        ("Chủ tọa", "Đồng ý."),
        ("Chủ tọa", "Tôi xin kết luận như sau."),
        ("Chủ tọa", "Năm nay xã không tổ chức đua ghe mà dồn kinh phí sửa đường ra bến đò."),
        ("Chủ tọa", "Mỗi hộ góp hai ngày công."),
    ]
    assert _concluded(turns) == [5, 6]


def test_handing_over_the_chair_is_no_task() -> None:
    """ "… tôi nhờ đồng chí X, Phó Trưởng đoàn, chủ trì tiếp" is procedure, whatever the classifier says; an order
    with its deadline stays a task."""
    turns = [
        (
            "Ninh Thị Loan",
            "Tôi có việc đột xuất, phần kết luận tôi nhờ đồng chí Âu Văn Phước, Phó Trưởng đoàn, chủ trì tiếp.",
        ),
        ("Ninh Thị Loan", "Giao đồng chí Khổng Thị Diễm dự thảo báo cáo trước ngày 20 tháng 10."),
    ]
    items = ExtractiveGenerator(classifier=_TasksEverywhere()).items(said(turns), chair="Ninh Thị Loan", held=None)
    assert [(t.assignee, [r.id for r in t.source_segments]) for item in items for t in item.tasks] == [
        ("Khổng Thị Diễm", [1])
    ]


def test_the_agenda_and_the_roll_read_on_after_a_semicolon_give_no_task() -> None:
    """A roll or an agenda cut at ";" goes on in the next piece of the same turn ("phần hai, Đoàn trao đổi …"), whatever
    the classifier says of it; an order in the chair's next turn stays a task."""
    turns = [
        (
            "Ninh Thị Loan",
            "Buổi làm việc gồm hai phần: phần một, Phòng Nội vụ báo cáo; phần hai, Đoàn trao đổi và kết luận.",
        ),
        ("Ninh Thị Loan", "Về phía Đoàn có tôi, Trưởng đoàn; và đồng chí Khổng Thị Diễm, đại biểu HĐND huyện."),
        ("Ninh Thị Loan", "Giao đồng chí Khổng Thị Diễm dự thảo báo cáo trước ngày 20 tháng 10."),
    ]
    items = ExtractiveGenerator(classifier=_TasksEverywhere()).items(said(turns), chair="Ninh Thị Loan", held=None)
    assert [(t.assignee, [r.id for r in t.source_segments]) for item in items for t in item.tasks] == [
        ("Khổng Thị Diễm", [2])
    ]


def test_the_opening_before_anyone_else_speaks_gives_no_task() -> None:
    """The chair's first turn, before a second speaker, opens the meeting (who is absent and why, the floor): no order
    is given there, whatever the classifier and the reader say; the orders after the debate are tasks. A meeting said
    by one speaker alone has no opening told apart."""
    turns = [
        ("Hà Văn Tuệ", "Đồng chí Lý Thị Sen đi tập huấn ở tỉnh nên xin vắng."),
        ("Hà Văn Tuệ", "Đề nghị đồng chí Đào Văn Kiên báo cáo tình hình thu hoạch."),
        ("Đào Văn Kiên", "Vụ này năng suất đạt 58 tạ một héc-ta, còn 12 hộ chưa thu hoạch xong."),
        ("Hà Văn Tuệ", "Giao đồng chí Đào Văn Kiên lập danh sách 12 hộ đó trước ngày 20 tháng 6."),
    ]
    items = ExtractiveGenerator(classifier=_TasksEverywhere()).items(said(turns), chair="Hà Văn Tuệ", held=None)
    assert [(t.assignee, [r.id for r in t.source_segments]) for item in items for t in item.tasks] == [
        ("Đào Văn Kiên", [3])
    ]
    alone = ExtractiveGenerator(classifier=_TasksEverywhere()).items(said(turns[3:]), chair="Hà Văn Tuệ", held=None)
    assert [t.assignee for item in alone for t in item.tasks] == ["Đào Văn Kiên"]


def test_a_chair_who_handed_one_part_over_still_gives_orders() -> None:
    """The chair hands the part on the budget to her deputy, then gives orders again without taking the chair back
    in words: hers are tasks, and so are the deputy's, who chairs with her; a member's own words are not."""
    turns = [
        ("Lâm Thị Hạnh", "Tôi xin khai mạc cuộc họp Ban Giám đốc công ty."),
        ("Lâm Thị Hạnh", "Dự họp có anh Đỗ Văn Quan, chị Trịnh Thị Mai và anh Hồ Văn Bốn."),
        ("Lâm Thị Hạnh", "Sang phần thứ hai, tôi xin mời anh Quan điều hành phần ngân sách."),
        ("Đỗ Văn Quan", "Chị Mai rà soát lại các khoản chi tiếp khách, gửi phòng Tài vụ trước ngày 12 tháng 6."),
        ("Trịnh Thị Mai", "Dạ, phòng Kế toán thống nhất số liệu với phòng Tài vụ trước ngày 15 tháng 6."),
        ("Lâm Thị Hạnh", "Anh Bốn liên hệ nhà cung cấp sửa máy phát điện, xong trước ngày 20 tháng 6."),
    ]
    items = ExtractiveGenerator(classifier=_TasksEverywhere()).items(said(turns), chair="Lâm Thị Hạnh", held=None)
    assert [t.assignee for item in items for t in item.tasks] == ["Trịnh Thị Mai", "Hồ Văn Bốn"]
