"""Editor features in Chromium on a real transcription: keyboard-only editing (split, merge, review,
shortcuts while typing, custom shortcuts), Vietnamese find/replace, history with diff and restore,
a conflicting save from a second session, voiceprint enrolment, and re-timing of edited words."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.api.services import clip
from tests.browser.conftest import LiveServer, shot


@pytest.fixture(scope="module")
def recording(live_server: LiveServer) -> str:
    body = live_server.upload(clip("VIVOSDEV01_R027.wav"), title="Phiên họp thử", diarize="true")
    return str(body["recording"]["id"])


@pytest.fixture
def fresh(live_server: LiveServer, recording: str) -> Iterator[str]:
    """The recording with its first (machine) version restored, so each test starts from the same text."""
    yield recording
    with live_server.api() as client:
        current = client.get(f"/recordings/{recording}/transcript").json()["version"]
        if current > 1:
            client.post(f"/recordings/{recording}/transcript/versions/1/restore")


def open_editor(page: Any, recording_id: str) -> None:
    page.goto(f"/ui/editor/{recording_id}")
    expect(page.locator("body[data-ready=true]")).to_be_attached()


def saved(page: Any) -> None:
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Đã lưu · phiên bản \d+$"), timeout=15_000)


def transcript(live_server: LiveServer, recording_id: str) -> dict[str, Any]:
    with live_server.api() as client:
        return dict(client.get(f"/recordings/{recording_id}/transcript").json())


def caret_after_word(page: Any, n: int) -> None:
    """Put the caret just after the n-th word of the first segment, with the keyboard only."""
    page.locator(".seg .text").first.focus()
    page.keyboard.press("Home")
    for _ in range(n):
        page.keyboard.press("Control+ArrowRight")


def test_keyboard_split_merge_review_and_shortcuts(page: Any, live_server: LiveServer, fresh: str) -> None:
    open_editor(page, fresh)
    words_before = transcript(live_server, fresh)["transcript"]["segments"][0]["words"]
    assert len(words_before) >= 4
    caret_after_word(page, 2)
    page.keyboard.press("Enter")  # split at the caret
    expect(page.locator(".seg")).to_have_count(2)
    saved(page)
    doc = transcript(live_server, fresh)["transcript"]
    first, second = doc["segments"]
    assert len(first["words"]) == 2 and second["words"][0] == words_before[2]
    assert second["start"] == words_before[2]["start"]

    # shortcuts work while the caret is in the text: forward, slower, review
    page.keyboard.press("Alt+l")
    assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(3.0, abs=0.05)
    page.keyboard.press("Alt+Comma")
    assert page.evaluate("document.getElementById('audio').playbackRate") == pytest.approx(0.9)
    page.keyboard.press("Alt+r")
    expect(page.locator("#review-text")).to_contain_text("Đã duyệt 1/2")

    # Backspace at the start of the second segment merges it back
    page.keyboard.press("Alt+ArrowDown")
    page.keyboard.press("Home")
    page.keyboard.press("Backspace")
    expect(page.locator(".seg")).to_have_count(1)
    saved(page)
    merged = transcript(live_server, fresh)["transcript"]["segments"]
    assert [w["start"] for w in merged[0]["words"]] == [w["start"] for w in words_before]

    # a custom shortcut, kept in localStorage across a reload
    page.get_by_role("button", name="Phím tắt").click()
    page.get_by_role("button", name="Đổi phím cho: Tiến tới vài giây").click()
    page.keyboard.press("Alt+k")
    expect(page.locator('kbd[data-action="forward"]')).to_have_text("Alt+K")
    page.get_by_role("button", name="Đóng").click()
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    page.locator(".seg .text").first.focus()
    page.keyboard.press("Alt+k")
    assert page.evaluate("document.getElementById('audio').currentTime") == pytest.approx(3.0, abs=0.05)
    shot(page, "features-keyboard")


def test_find_replace_vietnamese(page: Any, live_server: LiveServer, fresh: str) -> None:
    open_editor(page, fresh)
    text = page.locator(".seg .text").first.inner_text()
    word = next(w for w in text.split() if re.search(r"[^\x00-\x7f]", w) and w.isalpha())
    bare = re.sub(r"[^\x00-\x7f]", "?", word)
    from core.text import strip_diacritics

    page.keyboard.press("Control+f")
    page.get_by_label("Tìm", exact=True).fill(strip_diacritics(word).upper())  # no marks, other case
    expect(page.locator("#find-count")).to_have_text(re.compile(r"^[1-9]\d* kết quả$"))
    page.get_by_label("Phân biệt dấu").check()
    expect(page.locator("#find-count")).to_have_text("0 kết quả")
    page.get_by_label("Phân biệt dấu").uncheck()
    page.get_by_label("Thay bằng").fill("Đồng chí")
    page.get_by_role("button", name="Thay tất cả").click()
    expect(page.locator("#find-count")).to_contain_text("Đã thay")
    expect(page.locator(".seg .text").first).to_contain_text("Đồng chí")
    saved(page)
    assert "Đồng chí" in transcript(live_server, fresh)["transcript"]["segments"][0]["text"], bare


def test_history_diff_and_restore(page: Any, live_server: LiveServer, fresh: str) -> None:
    open_editor(page, fresh)
    before = transcript(live_server, fresh)["version"]
    original = page.locator(".seg .text").first.inner_text()
    page.locator(".seg .text").first.focus()
    page.keyboard.press("End")
    page.keyboard.type(" Hết phiên")
    page.locator("#audio").focus()
    saved(page)
    page.get_by_role("button", name="Lịch sử").click()
    dialog = page.locator("#history-dialog")
    expect(dialog.locator("tbody tr").first).to_contain_text(f"{before + 1} (hiện tại)")
    row = dialog.locator("tbody tr").nth(1)
    expect(row).to_contain_text(str(before))
    row.get_by_role("button", name="Xem khác biệt").click()
    expect(dialog.locator("#history-diff ins").first).to_be_visible()
    expect(dialog.locator("#history-diff")).to_contain_text("Hết phiên")
    shot(page, "features-history")
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Khôi phục").click()
    expect(page.locator(".seg .text").first).to_have_text(original)
    saved(page)
    out = transcript(live_server, fresh)
    assert out["version"] == before + 2 and "Hết phiên" not in out["transcript"]["segments"][0]["text"]


def test_conflicting_edit_from_second_session(new_page: Any, live_server: LiveServer, fresh: str) -> None:
    mine, theirs = new_page(), new_page(live_server.admin)
    open_editor(mine, fresh)
    open_editor(theirs, fresh)
    # they change the speaker and save first
    theirs.locator(".seg select.spk").first.select_option("__new__")
    theirs.get_by_label("Họ tên người nói").fill("Phó Chủ tịch Hà")
    theirs.get_by_role("button", name="Đồng ý").click()
    saved(theirs)
    # I edit the text on my stale copy: the save is refused and I am asked what to do
    mine.locator(".seg .text").first.focus()
    mine.keyboard.press("End")
    mine.keyboard.type(" Xin cảm ơn")
    dialog = mine.locator("#conflict-dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("Thay đổi của bạn chưa được lưu")
    dialog.get_by_role("button", name="Xem họ đã sửa gì").click()
    expect(dialog.locator("#conflict-diff")).to_contain_text("Phó Chủ tịch Hà")
    shot(mine, "features-conflict")
    dialog.get_by_role("button", name=re.compile("^Giữ bản của tôi")).click()
    saved(mine)
    seg = transcript(live_server, fresh)["transcript"]["segments"][0]
    assert seg["text"].endswith("Xin cảm ơn")  # my edit, re-applied on their version
    # the segment was mine to re-apply whole, so their speaker on it gives way; nothing was overwritten silently
    versions = [v["author"] for v in _versions(live_server, fresh)]
    assert live_server.admin.username in versions and live_server.clerk.username in versions


def test_another_clerks_save_is_loaded_while_nothing_here_is_unsaved(
    new_page: Any, live_server: LiveServer, fresh: str
) -> None:
    mine, theirs = new_page(), new_page(live_server.admin)
    open_editor(mine, fresh)
    open_editor(theirs, fresh)
    theirs.locator(".seg select.spk").first.select_option("__new__")
    theirs.get_by_label("Họ tên người nói").fill("Phó Chủ tịch Hà")
    theirs.get_by_role("button", name="Đồng ý").click()
    saved(theirs)
    version = transcript(live_server, fresh)["version"]
    mine.evaluate("window.dispatchEvent(new Event('focus'))")  # the clerk comes back to the tab (or 20 s pass)
    notice = f"{live_server.admin.username} vừa lưu phiên bản {version}; trang đã tải bản mới"
    expect(mine.locator("#toast")).to_contain_text(notice, timeout=15_000)
    expect(mine.locator(".seg select.spk").first.locator("option:checked")).to_have_text("Phó Chủ tịch Hà")
    expect(mine.locator("#save-status")).to_have_text(f"Đã lưu · phiên bản {version}")
    shot(mine, "features-newer-version-loaded")


def _versions(live_server: LiveServer, recording_id: str) -> list[dict[str, Any]]:
    with live_server.api() as client:
        return list(client.get(f"/recordings/{recording_id}/transcript/versions").json())


def test_enrol_voiceprint_from_editor(page: Any, live_server: LiveServer, fresh: str) -> None:
    open_editor(page, fresh)
    speaker = page.locator("#speaker-list .name").first.inner_text()
    page.get_by_role("button", name=f"Đổi tên {speaker}").click()
    page.get_by_label(re.compile("^Tên mới")).fill("Đại biểu Nguyễn Thị Hoa")
    page.get_by_role("button", name="Đồng ý").click()
    page.get_by_role("button", name="Ghi danh giọng của Đại biểu Nguyễn Thị Hoa").click()
    expect(page.locator("#toast")).to_contain_text("Đã ghi danh giọng của Đại biểu Nguyễn Thị Hoa", timeout=60_000)
    page.goto("/ui/voiceprints")
    row = page.locator("tbody tr", has_text="Đại biểu Nguyễn Thị Hoa")
    expect(row).to_be_visible()
    shot(page, "features-voiceprints")
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Xóa giọng của Đại biểu Nguyễn Thị Hoa").click()
    expect(page.locator("#empty")).to_be_visible()


RETIME_CASES = """
async () => {
  const { retimeWords } = await import('/ui/static/js/editor/retime.js');
  const old = [
    {text: 'kính', start: 1.0, end: 1.3, confidence: 0.9, speaker: 'A'},
    {text: 'thưa', start: 1.3, end: 1.6, confidence: 0.4, speaker: 'A'},
    {text: 'các', start: 1.7, end: 1.9, confidence: 0.8, speaker: 'A'},
    {text: 'đại', start: 2.0, end: 2.2, confidence: 0.7, speaker: 'A'},
    {text: 'biểu', start: 2.2, end: 2.5, confidence: 0.7, speaker: 'A'},
  ];
  return {
    same: retimeWords(old, 'Kính thưa các đại biểu.', 1.0, 2.5, 'A'),
    replaced: retimeWords(old, 'kính thưa quý vị đại biểu', 1.0, 2.5, 'A'),
    inserted: retimeWords(old, 'xin kính thưa các đại biểu', 0.8, 2.5, 'A'),
    nfd: retimeWords(old, 'kính thưa các đại biểu'.normalize('NFD'), 1.0, 2.5, 'A'),
  };
}
"""


def test_retime_edited_words_within_segment(page: Any) -> None:
    page.goto("/ui/login")
    got = page.evaluate(RETIME_CASES)
    # case and punctuation changes keep every timing and confidence
    assert [(w["start"], w["end"], w["confidence"]) for w in got["same"]] == [
        (1.0, 1.3, 0.9), (1.3, 1.6, 0.4), (1.7, 1.9, 0.8), (2.0, 2.2, 0.7), (2.2, 2.5, 0.7)
    ]  # fmt: skip
    assert got["same"][0]["text"] == "Kính" and got["same"][-1]["text"] == "biểu."
    # "các" -> "quý vị": the new words share the time between "thưa" and "đại", typed words are certain
    quy, vi = got["replaced"][2], got["replaced"][3]
    assert 1.6 <= quy["start"] < quy["end"] <= vi["start"] < vi["end"] <= 2.0
    assert quy["confidence"] == vi["confidence"] == 1
    assert (got["replaced"][4]["start"], got["replaced"][5]["start"]) == (2.0, 2.2)
    # a word typed before the first one takes the time before it, inside the segment
    xin = got["inserted"][0]
    assert 0.8 <= xin["start"] < xin["end"] <= 1.0
    # decomposed input is NFC and still matches
    assert [w["start"] for w in got["nfd"]] == [1.0, 1.3, 1.7, 2.0, 2.2]
    assert got["nfd"][3]["text"] == "đại"


WRITTEN_FORM_CASES = """
async () => {
  const { shownWords } = await import('/ui/static/js/editor/retime.js');
  const { TranscriptModel } = await import('/ui/static/js/editor/model.js');
  const said = ['nghỉ', 'bốn', 'mươi', 'chín', 'ngày', 'rồi'];
  const seg = {
    id: 0, start: 0.0, end: 2.4, speaker: null, text: 'Nghỉ 49 ngày, rồi.',
    words: said.map((text, i) => ({ text, start: i * 0.4, end: i * 0.4 + 0.3, confidence: 0.9, speaker: null })),
  };
  const shown = shownWords(seg);
  const model = new TranscriptModel({ segments: [structuredClone(seg)], duration: 2.4 }, 1);
  const playing = model.at(0.9);
  model.split(0, 2);
  return { shown, playing, texts: model.segments.map((s) => s.text), spoken: seg.words.map((w) => w.text) };
}
"""


def test_written_form_is_shown_with_the_spoken_words_timings(page: Any) -> None:
    """Segments carry the written form and spoken words: the editor shows and splits the written form."""
    page.goto("/ui/login")
    got = page.evaluate(WRITTEN_FORM_CASES)
    assert [w["text"] for w in got["shown"]] == ["Nghỉ", "49", "ngày,", "rồi."]
    nghi, number, ngay, _ = got["shown"]
    assert (nghi["start"], nghi["end"]) == pytest.approx((0.0, 0.3))
    assert (ngay["start"], ngay["end"]) == pytest.approx((1.6, 1.9))
    assert 0.3 <= number["start"] < number["end"] <= 1.6  # "49" takes the time of "bốn mươi chín"
    assert got["playing"] == [0, 1]  # at 0.9 s "chín" is said: the written "49" is the current word
    assert got["texts"] == ["Nghỉ 49", "ngày, rồi."]


def test_three_hour_transcript_renders_only_what_is_on_screen(page: Any, live_server: LiveServer) -> None:
    from benchmarks.editor_perf import synthetic_transcript

    big = synthetic_transcript(30_000)
    with live_server.api() as client, clip("VIVOSDEV01_R003.wav").open("rb") as f:
        rid = client.post("/recordings", files={"file": ("x.wav", f, "audio/wav")}, data={"start_job": "false"}).json()[
            "recording"
        ]["id"]
        body = {"transcript": big.model_dump(mode="json")}
        assert client.put(f"/recordings/{rid}/transcript", json=body, headers={"If-Match": '"v0"'}).status_code == 200
    open_editor(page, rid)
    assert page.locator(".seg").count() < 60  # of 1 995 segments
    expect(page.locator(".w.low").first).to_be_visible()  # low-confidence words are marked
    # jump to the last segment with the keyboard: it is drawn on demand and a click on its word seeks
    last = len(big.segments) - 1
    page.evaluate("document.getElementById('scroller').scrollTop = 1e9")
    row = page.locator(f'.seg[data-id="{last}"]')
    expect(row).to_be_visible()
    word = row.locator(".w").last
    word.click()
    position, duration = page.evaluate("[document.getElementById('audio').currentTime, audio.duration]")
    assert position == pytest.approx(min(big.segments[-1].words[-1].start, duration), abs=0.05)  # the clip is short
    assert page.locator(".seg").count() < 60
