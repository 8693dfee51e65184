"""Headings of the agenda items on every annotated meeting: the announced item or agenda entry, else key
phrases (several syllables, no function word, no formula of meetings), never "Nội dung 1: đi, đầu, nó"."""

from __future__ import annotations

import re

import pytest

from benchmarks.meeting_set import load, names
from core.transcript import ModelRef, Segment, Transcript
from minutes.generate import generate
from minutes.model import MinutesMeta
from minutes.segmentation import CLOSING_TITLE, OPENING_TITLE, agenda, announced
from minutes.sentences import is_key_phrase, split

KEYWORDS = re.compile(r"^Nội dung (\d+)(?:: (.+))?$")


@pytest.mark.parametrize("name", names())
def test_every_heading_says_something(name: str) -> None:
    transcript, meta, _ = load(name)
    minutes = generate(transcript, meta.model_copy(update={"chair": "", "attendees": []}))
    texts = {s.id: s.text.lower() for s in transcript.segments}
    for number, item in enumerate(minutes.items, 1):
        keywords = KEYWORDS.match(item.title)
        if item.title in (OPENING_TITLE, CLOSING_TITLE):
            continue
        if keywords is None:  # announced by the chair or on the agenda: said in the meeting
            said = " ".join(texts.values())
            assert item.title[:1].isupper() and item.title.lower()[:30] in said, item.title
            continue
        assert int(keywords.group(1)) == number
        for phrase in (keywords.group(2) or "").split(", "):
            assert len(phrase.split()) >= 2, (item.title, phrase)  # several syllables
            assert is_key_phrase(phrase.replace(" ", "_")), (item.title, phrase)
            cited = " ".join(texts[r.id] for r in item.source_segments)
            assert phrase in cited, (item.title, phrase)  # a phrase of the item itself


def test_function_words_and_formulae_are_no_key_phrase() -> None:
    assert is_key_phrase("ngân_sách") and is_key_phrase("giải_phóng_mặt_bằng")
    assert not is_key_phrase("đầu") and not is_key_phrase("chúng_tôi") and not is_key_phrase("biểu_quyết")


def _said(lines: list[tuple[str, str]]) -> Transcript:
    segments = [Segment(id=i, start=i * 8.0, end=i * 8.0 + 7, text=t, speaker=s) for i, (s, t) in enumerate(lines)]
    return Transcript(model=ModelRef(engine="test", name="test"), segments=segments, duration=len(lines) * 8.0)


def test_the_announced_agenda_names_unannounced_items() -> None:
    opening = (
        "Chủ tọa",
        "Tôi tuyên bố khai mạc. Cuộc họp có hai nội dung: thứ nhất, sửa chữa trạm bơm Đồng Cả; "
        "thứ hai, kế hoạch tiêm phòng gia súc.",
    )
    assert agenda(split(_said([opening]).segments)) == ["Sửa chữa trạm bơm Đồng Cả", "Kế hoạch tiêm phòng gia súc"]
    pump = [("Thành viên", f"Trạm bơm Đồng Cả hỏng động cơ lần thứ {k}, cần thay máy bơm mới.") for k in range(45)]
    herd = [("Thú y", f"Đợt tiêm phòng gia súc thứ {k} cần thêm vắc-xin lở mồm long móng.") for k in range(45)]
    minutes = generate(_said([opening, *pump, *herd]), MinutesMeta())
    titles = [item.title for item in minutes.items]
    assert "Kế hoạch tiêm phòng gia súc" in titles and "Sửa chữa trạm bơm Đồng Cả" in titles, titles


def test_numbered_parts_of_a_document_announce_no_item() -> None:
    said = _said(
        [
            ("Chủ tọa", "Về mục 1, 2 và phụ lục số 3 của dự thảo, đề nghị tổ soạn thảo rà lại số liệu."),
            ("Chủ tọa", "Về mục 4 - 6, các ý kiến thống nhất như dự thảo."),
            ("Chủ tọa", "Mục 2.3 và phụ lục số 4 đề nghị giữ nguyên."),
            ("Chủ tọa", "Chuyển sang nội dung thứ hai: kế hoạch kiểm tra năm 2026."),
        ]
    )
    sents = split(said.segments)
    position = {id(s): k for k, s in enumerate(said.segments)}
    assert announced(sents, position, None) == {3: "Kế hoạch kiểm tra năm 2026"}
