"""The clerk's real flow in Chromium: log in, upload, wait for the job, play, click-to-seek, edit,
rename a speaker, reload, export DOCX; all against the real service and a real transcription."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from playwright.sync_api import expect

from tests.api.services import clip
from tests.browser.conftest import LiveServer, shot, wait_until

CLIP = "VIVOSDEV01_R012.wav"


def open_editor(page: Any, recording_id: str) -> None:
    page.goto(f"/ui/editor/{recording_id}")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("#save-status")).to_contain_text("Đã lưu")


def wait_saved(page: Any) -> None:
    expect(page.locator("#save-status")).to_have_text(re.compile(r"^Đã lưu · phiên bản \d+$"), timeout=15_000)


def test_upload_edit_reload_export(page: Any, live_server: LiveServer) -> None:
    # upload through the form, with metadata; the list shows the job live until it is done
    page.get_by_role("link", name="Tải lên bản ghi mới").click()
    page.get_by_label("Tệp ghi âm hoặc video").set_input_files(str(clip(CLIP)))
    page.get_by_label("Tiêu đề cuộc họp").fill("Họp Hội đồng nhân dân xã")
    page.get_by_label("Cơ quan họp").fill("HĐND xã A")
    page.get_by_label("Người dự (mỗi dòng một người)").fill("Nguyễn Văn An\nTrần Thị Bình")
    page.get_by_role("button", name="Tải lên và gỡ băng").click()
    page.wait_for_url(re.compile(r"/ui/$"))
    row = page.locator("tbody tr", has_text="Họp Hội đồng nhân dân xã")
    expect(row).to_contain_text("HĐND xã A")
    shot(page, "flow-1-list-after-upload")
    expect(row.get_by_role("link", name="Mở trình sửa")).to_be_visible(timeout=120_000)
    expect(row).to_contain_text("Xong")
    expect(row.get_by_role("link", name="Biên bản")).to_be_visible()  # the minutes too, once there is a transcript
    row.get_by_role("link", name="Mở trình sửa").click()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    recording_id = page.url.rsplit("/", 1)[1]
    words = page.locator(".seg .w")
    expect(words.first).to_be_visible()
    assert words.count() >= 3
    shot(page, "flow-2-editor")

    # play: the audio advances and the current word is highlighted
    page.get_by_role("button", name="Phát", exact=True).click()
    wait_until(page, "document.getElementById('audio').currentTime > 0.5")
    expect(page.locator(".w.current")).to_have_count(1)
    page.keyboard.press("Escape")  # the play/pause shortcut
    wait_until(page, "document.getElementById('audio').paused")

    # a click on a word moves the audio there
    target = words.nth(words.count() - 2)
    start = float(target.get_attribute("data-start") or "nan")
    target.click()
    position = page.evaluate("document.getElementById('audio').currentTime")
    assert abs(position - start) < 0.05, (position, start)
    expect(target).to_have_class(re.compile(r"\bcurrent\b"))

    # edit a word: replace the first word's text by typing
    first = page.locator(".seg .text").first
    first_word = words.first
    old_word = first_word.inner_text()
    first_word.dblclick()
    page.keyboard.type("Kính thưa")
    page.locator("#audio").focus()  # leaving the text re-times the words
    expect(first).to_contain_text("Kính thưa")
    wait_saved(page)

    # rename the speaker everywhere from the speaker panel
    speaker = page.locator("#speaker-list .name").first.inner_text()
    page.get_by_role("button", name=f"Đổi tên {speaker}").click()
    page.get_by_label(re.compile("^Tên mới")).fill("Chủ tọa Lê Văn Cường")
    page.get_by_role("button", name="Đồng ý").click()
    expect(page.locator(".seg select.spk").first).to_have_value("Chủ tọa Lê Văn Cường")
    wait_saved(page)
    shot(page, "flow-3-edited")

    # reload: the saved version comes back with the edit, its timing, and the new name
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator(".seg .text").first).to_contain_text("Kính thưa")
    assert old_word not in page.locator(".seg .text").first.inner_text().split()[:1]
    expect(page.locator("#speaker-list")).to_contain_text("Chủ tọa Lê Văn Cường")
    with live_server.api() as client:
        doc = client.get(f"/recordings/{recording_id}/transcript").json()["transcript"]
    seg = doc["segments"][0]
    assert seg["text"].startswith("Kính thưa")
    assert seg["speaker"] == "Chủ tọa Lê Văn Cường"
    times = [(w["start"], w["end"]) for w in seg["words"]]
    assert all(seg["start"] <= s <= e <= seg["end"] + 1e-6 for s, e in times), times
    assert times == sorted(times)

    # export DOCX: the file holds the edited text and the speaker's name
    with page.expect_download() as download:
        page.get_by_role("button", name="DOCX").click()
    data = download.value.path().read_bytes()
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Kính thưa" in text
    assert "Chủ tọa Lê Văn Cường" in text
