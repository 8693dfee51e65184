"""Readability restoration: casing, final punctuation and proper names, without losing word timings."""

from __future__ import annotations

import unicodedata

import pytest

from asr import readable
from asr.readable import gazetteer_entries, restore
from core.transcript import Segment, Word

PROVINCES_BEFORE_2025 = [
    "An Giang",
    "Bà Rịa - Vũng Tàu",
    "Bắc Giang",
    "Bắc Kạn",
    "Bạc Liêu",
    "Bắc Ninh",
    "Bến Tre",
    "Bình Định",
    "Bình Dương",
    "Bình Phước",
    "Bình Thuận",
    "Cà Mau",
    "Cao Bằng",
    "Đắk Lắk",
    "Đắk Nông",
    "Điện Biên",
    "Đồng Nai",
    "Đồng Tháp",
    "Gia Lai",
    "Hà Giang",
    "Hà Nam",
    "Hà Tĩnh",
    "Hải Dương",
    "Hậu Giang",
    "Hòa Bình",
    "Hưng Yên",
    "Khánh Hòa",
    "Kiên Giang",
    "Kon Tum",
    "Lai Châu",
    "Lâm Đồng",
    "Lạng Sơn",
    "Lào Cai",
    "Long An",
    "Nam Định",
    "Nghệ An",
    "Ninh Bình",
    "Ninh Thuận",
    "Phú Thọ",
    "Phú Yên",
    "Quảng Bình",
    "Quảng Nam",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sóc Trăng",
    "Sơn La",
    "Tây Ninh",
    "Thái Bình",
    "Thái Nguyên",
    "Thanh Hóa",
    "Thừa Thiên Huế",
    "Tiền Giang",
    "Trà Vinh",
    "Tuyên Quang",
    "Vĩnh Long",
    "Vĩnh Phúc",
    "Yên Bái",
]
CITIES = ["Hà Nội", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Huế"]


def segment(text: str, *, start: float = 12.0, step: float = 0.4, speaker: str | None = None) -> Segment:
    """A segment as the CTC engine writes it: one word per syllable, text = the words joined."""
    words = [
        Word(text=t, start=round(start + i * step, 3), end=round(start + i * step + 0.3, 3), confidence=0.9)
        for i, t in enumerate(text.split())
    ]
    end = words[-1].end if words else start
    return Segment(id=7, start=start, end=end, text=" ".join(w.text for w in words), words=words, speaker=speaker)


def restored(text: str, glossary: tuple[str, ...] = ()) -> str:
    return restore([segment(text)], glossary)[0].text


def test_ctc_output_gets_case_punctuation_and_names() -> None:
    before = segment("hôm nay quốc hội họp tại hà nội", speaker="Người nói 1")
    [after] = restore([before])

    assert after.text == "Hôm nay Quốc hội họp tại Hà Nội."
    assert [w.text for w in after.words] == ["Hôm", "nay", "Quốc", "hội", "họp", "tại", "Hà", "Nội."]
    assert after.text == " ".join(w.text for w in after.words)
    assert [(w.start, w.end, w.confidence) for w in after.words] == [
        (w.start, w.end, w.confidence) for w in before.words
    ]
    assert (after.id, after.start, after.end, after.speaker) == (before.id, before.start, before.end, before.speaker)
    assert before.text == "hôm nay quốc hội họp tại hà nội", "the input must not be modified"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thành phố hồ chí minh", "Thành phố Hồ Chí Minh."),
        ("ủy ban nhân dân thành phố hồ chí minh họp", "Ủy ban nhân dân Thành phố Hồ Chí Minh họp."),
        ("đoàn đến thành phố hà nội và thành phố hồ chí minh", "Đoàn đến thành phố Hà Nội và Thành phố Hồ Chí Minh."),
        ("lăng chủ tịch hồ chí minh", "Lăng Chủ tịch Hồ Chí Minh."),
        ("ủy ban thường vụ quốc hội cho ý kiến", "Ủy ban Thường vụ Quốc hội cho ý kiến."),
        ("đại học quốc gia hà nội tuyển sinh", "Đại học Quốc gia Hà Nội tuyển sinh."),
        ("bộ tài chính và bộ công an phối hợp", "Bộ Tài chính và Bộ Công an phối hợp."),
        ("viện kiểm sát nhân dân tối cao kiến nghị", "Viện kiểm sát nhân dân tối cao kiến nghị."),
        ("theo đảng cộng sản việt nam", "Theo Đảng Cộng sản Việt Nam."),
        ("bộ lao động thương binh và xã hội", "Bộ Lao động Thương binh và Xã hội."),
    ],
)
def test_longest_match_with_administrative_casing(text: str, expected: str) -> None:
    assert restored(text) == expected


def test_everyday_words_that_are_also_place_names_stay_lower_case() -> None:
    assert restored("nhân dân mong muốn hòa bình") == "Nhân dân mong muốn hòa bình."
    assert restored("người dân tỉnh hòa bình mong muốn hòa bình") == "Người dân tỉnh Hòa Bình mong muốn hòa bình."
    assert restored("thật vinh dự được đến thành phố vinh") == "Thật vinh dự được đến thành phố Vinh."
    assert restored("hai anh em cao bằng nhau") == "Hai anh em cao bằng nhau."


def test_glossary_names_in_their_spelling_and_before_the_gazetteer() -> None:
    glossary = ("Nguyễn Văn An", "Luật Đất đai", "HĐND", "Hà Nội Mới")
    text = "đồng chí nguyễn văn an phó chủ tịch hđnd nói về luật đất đai và báo hà nội mới"
    assert restored(text, glossary) == (
        "Đồng chí Nguyễn Văn An phó chủ tịch HĐND nói về Luật Đất đai và báo Hà Nội Mới."
    )


def test_whole_syllables_only_and_never_across_punctuation() -> None:
    # "văn an" is a prefix of "văn anh" in characters, not in syllables.
    assert restored("chị văn anh phát biểu", ("Văn An",)) == "Chị văn anh phát biểu."
    # "hà, nội dung" is not "Hà Nội".
    assert restored("tại hà, nội dung cuộc họp") == "Tại hà, nội dung cuộc họp."


def test_either_tone_placement_matches() -> None:
    assert restored("uỷ ban nhân dân tỉnh thanh hoá") == "Ủy ban nhân dân tỉnh Thanh Hóa."
    assert restored("tỉnh khánh hoà và tỉnh hoà bình") == "Tỉnh Khánh Hòa và tỉnh Hòa Bình."


def test_already_cased_text_is_left_as_it_is() -> None:
    whisper = [
        segment("Hôm nay, Quốc hội họp tại Hà Nội."),
        segment("Bộ Tài Chính đã trả lời chưa?"),  # non-standard casing is not lowered
        segment("iPhone được bán ở Thành phố Hồ Chí Minh"),  # only the full stop is missing
        segment("Sông sâu còn có kẻ dò, đố ai lấy thước mà đo lòng người,"),  # continues in the next one
        segment("HĐND tỉnh đã thông qua!"),
    ]
    after = restore(whisper, ("HĐND",))

    assert [s.text for s in after] == [
        "Hôm nay, Quốc hội họp tại Hà Nội.",
        "Bộ Tài Chính đã trả lời chưa?",
        "iPhone được bán ở Thành phố Hồ Chí Minh.",
        "Sông sâu còn có kẻ dò, đố ai lấy thước mà đo lòng người,",
        "HĐND tỉnh đã thông qua!",
    ]
    assert after[0] == whisper[0]
    assert after[1] == whisper[1]


def test_idempotent() -> None:
    segments = [
        segment("hôm nay quốc hội họp tại hà nội"),
        segment("đồng chí nguyễn văn an chủ tịch ủy ban nhân dân tỉnh hòa bình"),
        segment("Chị nghĩ rằng thà cho tên trộm lấy hết đồ đạc cũng được"),
        segment("mẹ em nghe em hỏi mà gào lên"),
        Segment(id=9, start=1.0, end=2.0, text="bộ y tế và bộ giáo dục và đào tạo"),
    ]
    once = restore(segments, ("Nguyễn Văn An",))
    assert restore(once, ("Nguyễn Văn An",)) == once


def test_nfd_input_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "đồng chí nguyễn văn an họp ở hà nội")
    words = [
        Word.model_construct(text=t, start=float(i), end=i + 0.5, confidence=1.0) for i, t in enumerate(nfd.split())
    ]
    raw = Segment.model_construct(id=0, start=0.0, end=8.0, text=nfd, words=words, speaker=None, confidence=1.0)

    [after] = restore([raw], (unicodedata.normalize("NFD", "Nguyễn Văn An"),))

    assert after.text == "Đồng chí Nguyễn Văn An họp ở Hà Nội."
    assert unicodedata.is_normalized("NFC", after.text)
    assert all(unicodedata.is_normalized("NFC", w.text) for w in after.words)


def test_segment_without_words_is_restored_on_its_text() -> None:
    before = Segment(id=3, start=5.0, end=9.5, text="bộ y tế báo cáo quốc hội")
    [after] = restore([before])
    assert after.text == "Bộ Y tế báo cáo Quốc hội."
    assert after.words == []
    assert (after.start, after.end) == (5.0, 9.5)


def test_word_texts_with_spaces_keep_them_and_the_full_stop_goes_on_the_last_word() -> None:
    # faster-whisper words carry their leading space.
    words = [Word(text=t, start=float(i), end=i + 0.5) for i, t in enumerate([" xin", " chào", " hà", " nội"])]
    [after] = restore([Segment(id=0, start=0.0, end=4.0, text="xin chào hà nội", words=words)])
    assert [w.text for w in after.words] == [" Xin", " chào", " Hà", " Nội."]
    assert after.text == "Xin chào Hà Nội."


def test_empty_segment_is_unchanged() -> None:
    empty = Segment(id=0, start=0.0, end=0.5, text="")
    assert restore([empty]) == [empty]
    assert restore([]) == []


def test_gazetteer_is_nfc_and_loaded_once() -> None:
    entries = gazetteer_entries()
    assert all(unicodedata.is_normalized("NFC", e) for e in entries)
    assert len(set(entries)) == len(entries), "duplicate entries"
    assert readable._gazetteer() is readable._gazetteer()
    for institution in ("Quốc hội", "Chính phủ", "Mặt trận Tổ quốc Việt Nam", "Kiểm toán Nhà nước", "Bộ Công an"):
        assert institution in entries


@pytest.mark.parametrize("province", PROVINCES_BEFORE_2025)
def test_every_province_before_2025(province: str) -> None:
    expected = province.replace(" - ", " ")
    assert restored(f"tỉnh {expected.lower()} báo cáo") == f"Tỉnh {expected} báo cáo."


@pytest.mark.parametrize("city", CITIES)
def test_every_centrally_run_city(city: str) -> None:
    assert restored(f"ủy ban nhân dân thành phố {city.lower()}") == f"Ủy ban nhân dân thành phố {city}."


def test_province_list_is_complete() -> None:
    assert len(PROVINCES_BEFORE_2025) == 58  # with the 5 cities and Thành phố Hồ Chí Minh: 63 (Huế counted twice)
