"""The search page in Chromium: a query typed without accents finds the saved words, marked in the snippet, and
the hit opens the editor at that word with the audio positioned there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from core.transcript import ModelRef, Segment, Transcript, Word
from tests.api.services import clip
from tests.browser.conftest import LiveServer, shot, wait_until

SPOKEN = "những cơn gió mạnh và mưa đóng băng gây trơn trợt"
"""What VIVOSDEV01_R012 says (its MANIFEST reference), as the clerk saved it."""
SPEAKER = "Đại biểu Nguyễn Văn An"


@pytest.fixture(scope="module")
def recording(live_server: LiveServer) -> str:
    """The real clip, uploaded without a job, and its transcript saved by the clerk through the API."""
    rid: str = live_server.upload(clip(), start_job="false", title="Phiên họp về thời tiết")["recording"]["id"]
    words = [Word(text=w, start=0.3 + 0.35 * i, end=0.3 + 0.35 * (i + 1)) for i, w in enumerate(SPOKEN.split())]
    segment = Segment(id=0, start=0.3, end=words[-1].end, text=SPOKEN.capitalize() + ".", words=words, speaker=SPEAKER)
    document = Transcript(model=ModelRef(engine="clerk", name="hand"), duration=4.188, segments=[segment])
    with live_server.api() as client:
        saved = client.put(
            f"/recordings/{rid}/transcript",
            json={"transcript": document.model_dump(mode="json")},
            headers={"If-Match": '"v0"'},
        )
        assert saved.status_code == 200, saved.text
    return rid


def test_a_hit_opens_the_editor_at_the_matched_word(page: Any, recording: str) -> None:
    page.goto("/ui/search")
    page.get_by_label("Từ cần tìm").fill("mua dong bang")
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.locator("#summary")).to_have_text("1 đoạn khớp; đang xem 1–1.")
    hit = page.locator(".hit")
    expect(hit.locator("mark")).to_have_text(["mưa", "đóng", "băng"])
    expect(hit.locator(".speaker")).to_have_text(SPEAKER)
    assert page.url.endswith("?limit=20&offset=0&q=mua+dong+bang")  # a search can be bookmarked and shared
    shot(page, "search-hit")

    mua = 0.3 + 0.35 * 5  # the sixth word, where the editor must open
    hit.get_by_role("link", name="Phiên họp về thời tiết — 00:02").click()
    page.wait_for_url(re.compile(rf"/ui/editor/{recording}#t=2\.1$"))
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    position = wait_until(page, "document.body.dataset.seeked && document.getElementById('audio').currentTime")
    assert mua <= position < mua + 0.35
    expect(page.locator(".seg .w.current")).to_have_text("mưa")
    focused = wait_until(page, "document.activeElement?.closest('.seg')?.dataset.id")
    assert focused == "0"  # the segment's text has the focus, ready to be corrected
    shot(page, "search-opens-editor")


def test_exact_mode_and_no_hits_are_said_plainly(page: Any, recording: str) -> None:
    page.goto("/ui/search?q=mua+dong+bang&exact=true")
    expect(page.locator("#summary")).to_have_text("Không tìm thấy đoạn nào.")
    expect(page.get_by_label("Phân biệt dấu")).to_be_checked()
    page.get_by_label("Từ cần tìm").fill('"mưa đóng băng"')
    page.get_by_role("button", name="Tìm", exact=True).click()
    expect(page.locator(".hit mark")).to_have_text(["mưa", "đóng", "băng"])


def test_the_search_is_one_click_from_the_recordings_list(page: Any, recording: str) -> None:
    page.goto("/ui/")
    page.get_by_label("Tìm", exact=True).fill("thoi tiet")  # the list's own filter, on titles (same pager)
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#rows tr")).to_have_count(1)
    expect(page.locator("#summary")).to_have_text("1 bản ghi; đang xem 1–1.")
    page.get_by_role("link", name="Tìm lời nói").click()
    page.wait_for_url(re.compile(r"/ui/search$"))
    expect(page.get_by_label("Từ cần tìm")).to_be_visible()


def test_a_hits_speaker_opens_their_turns_and_speaking_time(page: Any, recording: str) -> None:
    page.goto("/ui/search?q=gio+manh")
    page.locator(".hit .speaker").get_by_role("link", name=SPEAKER).click()
    page.wait_for_url(re.compile(r"/ui/speaker\?name="))
    expect(page.locator("h1")).to_have_text(SPEAKER)
    expect(page.locator("#summary")).to_have_text("1 lượt nói trong 1 phiên họp.")
    spoken = int(0.35 * len(SPOKEN.split()))  # 11 words of 0.35 s, shown in whole seconds (3.85 -> 00:03)
    expect(page.locator("#sessions tr")).to_have_text([re.compile(rf"Phiên họp về thời tiết.*1.*00:0{spoken}")])
    turn = page.locator("#turns tr")
    expect(turn).to_contain_text(SPOKEN.capitalize() + ".")  # the first words: all 11 here
    expect(turn.get_by_role("link")).to_have_attribute("href", f"/ui/editor/{recording}#t=0.3")
    shot(page, "speaker-view")
