"""The grammar of Vietnamese time expressions that `cues.find_deadline` reads, on sentences of its own (written from
the deadline rule of `tests/data/minutes/CONVENTIONS.md`, not taken from any meeting): the words kept are the marker
and the time, as said; `due` is the date named, resolved against the meeting day, None for spans, periods and events.
Every sentence is said at a meeting held on Wednesday 17 September 2025."""

from __future__ import annotations

from datetime import date

import pytest

from minutes.cues import find_deadline, spoken_dates

HELD = date(2025, 9, 17)

DATES = {
    # a day and month, written with "/", "-" or "." (with its year or without: the first such day after the meeting)
    "Anh Hùng nộp báo cáo trước 20-9.": ("trước 20-9", date(2025, 9, 20)),
    "Anh Hùng nộp báo cáo trước ngày 30.9.2025.": ("trước ngày 30.9.2025", date(2025, 9, 30)),
    "Anh Hùng nộp báo cáo trước ngày 5/1 năm sau.": ("trước ngày 5/1 năm sau", date(2026, 1, 5)),
    "Chị Lan gửi tổng hợp tới ngày 25/9.": ("tới ngày 25/9", date(2025, 9, 25)),
    # spoken: punctuation after the month, tens and units said short ("hai sáu", "ba mốt"), a day of this month
    "anh bình đi đo xong trước mười lăm tháng mười.": ("trước mười lăm tháng mười", date(2025, 10, 15)),
    "anh bình nộp trước ba mốt tháng mười": ("trước ba mốt tháng mười", date(2025, 10, 31)),
    "anh bình nộp trước hai sáu tháng này": ("trước hai sáu tháng này", date(2025, 9, 26)),
    "Chị Lan làm xong ngày 30 tháng này.": ("ngày 30 tháng này", date(2025, 9, 30)),
    "chị lan gửi trước hai mươi tháng này.": ("trước hai mươi tháng này", date(2025, 9, 20)),
    # a time of day before a day said relative to today, spoken too
    "Anh Bình báo cáo trước 17 giờ chiều nay.": ("trước 17 giờ chiều nay", HELD),
    "Anh Bình báo cáo trước 10 giờ sáng mai.": ("trước 10 giờ sáng mai", date(2025, 9, 18)),
    "anh bình báo cáo chậm nhất mười giờ sáng thứ hai": ("chậm nhất mười giờ sáng thứ hai", date(2025, 9, 22)),
    "Anh Bình triển khai ngay từ bây giờ.": ("ngay từ bây giờ", HELD),
    # weekdays: "tới" is the coming one; before the verb it times, mid-sentence
    "Anh Bình báo cáo thứ Hai tới.": ("thứ Hai tới", date(2025, 9, 22)),
    "anh bình làm tờ trình thứ sáu gửi lên phòng": ("thứ sáu", date(2025, 9, 19)),
    # counted from today; the new year
    "Anh Bình nhận đơn trong vòng 30 ngày kể từ hôm nay.": ("trong vòng 30 ngày kể từ hôm nay", date(2025, 10, 17)),
    "Anh Bình báo cáo trước Tết Dương lịch.": ("trước Tết Dương lịch", date(2026, 1, 1)),
    # synonyms of the markers and days said otherwise
    "Anh Bình nộp muộn nhất là ngày 20/9.": ("muộn nhất là ngày 20/9", date(2025, 9, 20)),
    "Anh Bình gửi hết ngày 20/9.": ("hết ngày 20/9", date(2025, 9, 20)),
    "Anh Bình nộp ngày mốt.": ("ngày mốt", date(2025, 9, 19)),  # Southern: the day after tomorrow, not the first
    "Anh Bình nộp trưa mai.": ("trưa mai", date(2025, 9, 18)),
    "Anh Bình gửi trong buổi chiều nay.": ("trong buổi chiều nay", HELD),
    # a lunar month by name: the words, no solar date computed
    "Anh Bình nộp trước mùng 10 tháng Giêng.": ("trước mùng 10 tháng Giêng", None),
}

SPANS = {
    # periods and spans: the words as said, no date
    "Chị Lan hoàn thành trong năm 2025.": "trong năm 2025",
    "Phòng Kế hoạch trình cuối quý IV.": "cuối quý IV",
    "phòng kế hoạch trình trong cuối quý bốn": "trong cuối quý bốn",
    "Anh Bình báo cáo trong tháng chín này.": "trong tháng chín này",
    "Anh Bình báo cáo trong tháng 10/2025.": "trong tháng 10/2025",
    "Anh Bình báo cáo trong hai tuần.": "trong hai tuần",
    "Anh Bình báo cáo trong vòng một tháng.": "trong vòng một tháng",
    "anh bình nhận đơn trong bảy ngày làm việc kể từ ngày công bố nha": "trong bảy ngày làm việc kể từ ngày công bố",
    "Anh Bình in phát cho bà con sau Tết.": "sau Tết",
    "Anh Bình báo cáo trước tết trung thu.": "trước tết trung thu",
    "Anh Bình làm từ nay đến hết mùa mưa.": "từ nay đến hết mùa mưa",
    "Anh Bình làm từ nay đến cuối năm.": "từ nay đến cuối năm",
    "Anh Bình báo cáo tại kỳ họp thứ mười.": "tại kỳ họp thứ mười",
    "Anh Bình báo cáo tại phiên họp tháng sau.": "tại phiên họp tháng sau",
    "Anh Bình báo cáo tại cuộc họp giao ban tuần sau.": "tại cuộc họp giao ban tuần sau",
    "chị hà gửi mẫu ngay khi máy chạy xong có kết quả là báo tôi": "ngay khi máy chạy xong",
    "anh bình báo cáo trong quý ba": "trong quý ba",
    "Anh Bình làm trong 6 tháng cuối năm.": "trong 6 tháng cuối năm",
    "Anh Bình nộp trong thời hạn 15 ngày.": "trong thời hạn 15 ngày",
    "mười ngày nữa anh bình gửi lên": "mười ngày nữa",
    "Anh Bình nộp nội trong tuần này.": "nội trong tuần này",
    "Anh Bình nộp trong tuần đầu tháng 10.": "trong tuần đầu tháng 10",
    "Anh Bình làm xong ra Tết.": "ra Tết",
    "Anh Bình làm từ nay tới Tết.": "từ nay tới Tết",
}

NOT_DEADLINES = [
    "Anh Bình họp tổ vào thứ Hai hằng tuần để rà soát.",  # every week: a time inside the action
    "Hôm nay, ngày 17 tháng 9, anh Bình báo cáo tình hình.",  # the meeting's own date
    "Anh Bình báo cáo theo công văn số 15 ngày 5/9.",  # a document's date
    "Anh Bình kiểm tra các hồ sơ nộp từ ngày 1/9.",  # a start in the past
    "Anh Bình xử lý dứt điểm các vi phạm trong tháng 8.",  # the month just past
    "Anh Bình rà soát các hộ vay từ ngày 1/1/2024 đến nay.",  # a year said, in the past
    "Anh Bình chủ trì họp đầu tháng.",  # a recurring time without a marker
    "Tóm lại, trọng tâm tháng này là giải ngân vốn.",  # "trọng tâm" (the focus) folds like "trong tám"
    "cái cống nhà tui bị nghẹt từ tháng sáu tới giờ",  # "từ" is no fourth day, nor "nghẹt" a "hết"
    "Thứ ba gửi công văn là việc của văn phòng.",  # first in the sentence "thứ ba" is the third point
    "Anh Bình gửi ngay sau cuộc họp này.",  # "ngay sau" (right after), no sixth day
]


@pytest.mark.parametrize(("text", "expected"), DATES.items())
def test_dates_are_read_with_their_words(text: str, expected: tuple[str, date]) -> None:
    deadline = find_deadline(text, held=HELD)
    assert deadline is not None and (deadline.text, deadline.due) == expected


@pytest.mark.parametrize(("text", "said"), SPANS.items())
def test_spans_keep_their_words_and_name_no_date(text: str, said: str) -> None:
    deadline = find_deadline(text, held=HELD)
    assert deadline is not None and deadline.text == said


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_times_that_are_no_deadline(text: str) -> None:
    assert find_deadline(text, held=HELD) is None


def test_a_past_date_yields_to_the_deadline_after_it() -> None:
    deadline = find_deadline("Anh Bình báo cáo kết quả đợt kiểm tra ngày 10/9 trước ngày 30/9.", held=HELD)
    assert deadline is not None and (deadline.text, deadline.due) == ("trước ngày 30/9", date(2025, 9, 30))


def test_chậm_nhất_says_the_deadline_among_other_times() -> None:
    text = "chị lan soạn hợp đồng cho xã viên coi trước khi ký chậm nhất là ngày năm tháng mười"
    deadline = find_deadline(text, held=HELD)
    assert deadline is not None and (deadline.text, deadline.due) == (
        "chậm nhất là ngày năm tháng mười",
        date(2025, 10, 5),
    )


def test_spoken_dates_are_cut_at_punctuation_and_keep_ngay_tu() -> None:
    assert spoken_dates("truoc 15 thang muoi. nam nay")[0] == "truoc 15 thang 10. nam nay"
    assert spoken_dates("ngay tu bay gio")[0] == "ngay tu bay gio"  # "ngay từ bây giờ", no fourth day, no seven o'clock
    assert spoken_dates("ngay muoi tu")[0] == "ngay 14"
