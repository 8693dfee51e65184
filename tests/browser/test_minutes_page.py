"""The minutes page in Chromium against the real service: generate, edit a field and an item, reload,
follow a citation into the transcript editor at its time, regenerate one item with the language model
(a job on the worker, followed live; the model is the stand-in OpenAI-compatible server), restore a
version, export DOCX and read it back."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from playwright.sync_api import expect

from core.db import session_scope
from core.settings import MinutesSettings
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.services import clip
from tests.browser.conftest import LiveServer, shot, wait_until
from tests.minutes.llm_standin import *  # noqa: F403
from tests.minutes.llm_standin import StandIn

MEETING = Path(__file__).parents[1] / "data" / "minutes" / "council_meeting.json"
SAVED = re.compile(r"^Đã lưu · phiên bản \d+$")


@pytest.fixture(scope="module")
def live_overrides(llm_server: StandIn) -> dict[str, Any]:
    return {"minutes": MinutesSettings(llm_url=llm_server.url, llm_model="qwen-test", llm_chunk_chars=1500)}


def _seed(live_server: LiveServer) -> str:
    """A recording of the council meeting (a real clip stands in for its audio) with its transcript."""
    created = live_server.upload(
        clip("VIVOSDEV01_R027.wav"),
        wait=False,
        start_job="false",
        title="Kỳ họp thứ mười hai HĐND huyện Tân Phú",
        body="Hội đồng nhân dân huyện Tân Phú",
        meeting_date="2025-07-08",
        chair="Nguyễn Văn An",
        secretary="Trần Thị Bình",
    )
    rid: str = created["recording"]["id"]
    transcript = Transcript.model_validate_json(MEETING.read_text(encoding="utf-8"))
    with session_scope(live_server.settings.resolved_database_url) as db:
        TRANSCRIPTS.save(db, rid, transcript, author="gobang")
    return rid


def _saved(page: Any, version: int | None = None) -> None:
    text = SAVED if version is None else f"Đã lưu · phiên bản {version}"
    expect(page.locator("#save-status")).to_have_text(text, timeout=20_000)


def test_generate_edit_cite_regenerate_export(page: Any, live_server: LiveServer, standin: StandIn) -> None:
    rid = _seed(live_server)
    page.goto("/ui/")  # from the recordings list
    page.locator(f"tr[data-id='{rid}']").get_by_role("link", name="Biên bản").click()
    page.wait_for_url(f"**/ui/minutes/{rid}")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.locator("#empty")).to_be_visible()
    generator = page.get_by_label("Bộ tạo")
    expect(generator).to_be_visible()  # the server has a language model, so the choice is offered
    generator.select_option("extractive")
    page.get_by_role("button", name="Tạo biên bản").click()
    _saved(page, 1)
    expect(page.get_by_label("Tên mục 1", exact=True)).to_have_value("Khai mạc")
    expect(page.get_by_label("Tán thành").first).to_have_value("29")
    shot(page, "minutes-1-generated")

    # edit a header field, an item's title and an intervention's summary; autosave with If-Match
    page.get_by_label("Số, ký hiệu").fill("12/BB-HĐND")
    page.get_by_label("Tên mục 2", exact=True).fill("Điều chỉnh kế hoạch đầu tư công năm 2025")
    summary = page.get_by_label("Tóm tắt ý kiến 1 của mục 2")
    summary.fill("Ủy ban nhân dân huyện trình điều chỉnh kế hoạch đầu tư công, tổng vốn 186 tỷ đồng.")
    expect(page.locator("#save-status")).to_have_text("Chưa lưu…")
    _saved(page)
    page.reload()
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    expect(page.get_by_label("Số, ký hiệu")).to_have_value("12/BB-HĐND")
    expect(page.get_by_label("Tên mục 2", exact=True)).to_have_value("Điều chỉnh kế hoạch đầu tư công năm 2025")
    expect(page.get_by_label("Tóm tắt ý kiến 1 của mục 2")).to_have_value(re.compile("tổng vốn 186 tỷ đồng"))
    edited_version = int(page.locator("#save-status").inner_text().rsplit(" ", 1)[1])
    assert edited_version >= 2

    # a citation opens the transcript editor at its time, with its segment ready to be corrected
    cite = page.locator(".item[data-index='1'] .part .cite").first
    segment, start = cite.get_attribute("data-segment"), float(cite.get_attribute("data-start") or "nan")
    with page.context.expect_page() as opened:
        cite.click()
    editor = opened.value
    expect(editor.locator("body[data-ready=true]")).to_be_attached()
    assert editor.url.endswith(f"/ui/editor/{rid}#t={cite.get_attribute('data-start')}")
    assert float(wait_until(editor, "document.body.dataset.seeked")) == start
    focused = wait_until(editor, "document.activeElement?.closest('.seg')?.dataset.id")
    assert focused == segment
    expect(editor.locator(f".seg[data-id='{segment}']")).to_be_in_viewport()
    shot(editor, "minutes-2-citation-in-editor")
    expect(editor.get_by_role("link", name="Biên bản", exact=True)).to_have_attribute("href", f"/ui/minutes/{rid}")
    editor.close()

    # regenerate item 1 with the language model: a job followed live; the clerk's other edits stay
    standin.delay_s = 0.5
    generator.select_option("llm")
    page.get_by_role("button", name="Tạo lại mục 1 từ bản gỡ băng").click()
    expect(page.locator("#job")).to_be_visible()
    expect(page.locator("#job-text")).to_contain_text("%")
    shot(page, "minutes-3-llm-job-running")
    expect(page.locator("#job")).to_be_hidden(timeout=30_000)
    _saved(page, edited_version + 1)
    assert standin.requests, "the language model was never asked"
    expect(page.get_by_label("Tên mục 1", exact=True)).to_have_value("Khai mạc")  # the title is kept
    expect(page.get_by_label("Tên mục 2", exact=True)).to_have_value("Điều chỉnh kế hoạch đầu tư công năm 2025")
    expect(page.get_by_label("Người phát biểu (mục 1, ý kiến 1)")).to_be_visible()
    shot(page, "minutes-4-item-regenerated")

    # history: restore the first version (a new version; nothing is lost)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Lịch sử").click()
    expect(page.locator("#history-rows tr")).to_have_count(edited_version + 1)
    page.get_by_role("button", name="Khôi phục phiên bản 1").click()
    _saved(page, edited_version + 2)
    expect(page.get_by_label("Số, ký hiệu")).to_have_value("")
    page.get_by_role("button", name="Lịch sử").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=f"Khôi phục phiên bản {edited_version}").click()
    _saved(page, edited_version + 3)

    # export DOCX and read it back
    with page.expect_download() as download_info:
        page.get_by_role("button", name="DOCX").click()
    data = Path(download_info.value.path()).read_bytes()
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Điều chỉnh kế hoạch đầu tư công năm 2025" in text
    assert "Số: 12/BB-HĐND" in [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    shot(page, "minutes-5-exported")


def _current(live_server: LiveServer, rid: str) -> dict[str, Any]:
    with live_server.api() as client:
        return dict(client.get(f"/recordings/{rid}/minutes").json())


def test_conflict_with_a_second_session(new_page: Any, live_server: LiveServer) -> None:
    """A 412 opens the conflict dialog, whether an autosave or another request (a regeneration) ran into it;
    "theirs" loads their version, "mine" saves mine on top of it as a new version."""
    rid = _seed(live_server)
    with live_server.api() as client:
        created = client.post(f"/recordings/{rid}/minutes/generate", json={"generator": "extractive"})
        assert created.status_code == 201, created.text
    mine, theirs = new_page(), new_page(live_server.admin)
    for page in (mine, theirs):
        page.goto(f"/ui/minutes/{rid}")
        expect(page.locator("body[data-ready=true]")).to_be_attached()
    number = {p: p.get_by_label("Số, ký hiệu") for p in (mine, theirs)}

    # they save first; my autosave is refused and I take their version
    number[theirs].fill("15/BB-HĐND")
    _saved(theirs, 2)
    number[mine].fill("16/BB-HĐND")
    dialog = mine.locator("#conflict-dialog")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text(f"{live_server.admin.username} đã lưu phiên bản 2")
    expect(dialog).to_contain_text("Thay đổi của bạn chưa được lưu và chưa mất.")
    mine.keyboard.press("Escape")  # no answer: the choice must be made
    expect(dialog).to_be_visible()
    shot(mine, "minutes-conflict")
    dialog.get_by_role("button", name=re.compile("^Tải bản của họ")).click()
    _saved(mine, 2)
    expect(number[mine]).to_have_value("15/BB-HĐND")

    # they save again; my regeneration (nothing unsaved on my side) is refused; I keep mine, as a new version
    number[theirs].fill("17/BB-HĐND")
    _saved(theirs, 3)
    mine.get_by_role("button", name="Tạo lại mục 1 từ bản gỡ băng").click()
    expect(dialog).to_be_visible(timeout=15_000)
    dialog.get_by_role("button", name=re.compile("^Giữ bản của tôi")).click()
    _saved(mine, 4)
    current = _current(live_server, rid)
    assert current["version"] == 4 and current["author"] == live_server.clerk.username
    assert current["minutes"]["header"]["number"] == "15/BB-HĐND"


def test_generating_over_minutes_made_meanwhile_shows_theirs(new_page: Any, live_server: LiveServer) -> None:
    """A page opened before anyone made the minutes sends no If-Match: the server refuses (428) to replace
    minutes it has not seen, and the page loads them instead of failing or overwriting."""
    rid = _seed(live_server)
    page = new_page()
    page.goto(f"/ui/minutes/{rid}")
    expect(page.locator("body[data-ready=true]")).to_be_attached()
    with live_server.api(live_server.admin) as client:
        made = client.post(f"/recordings/{rid}/minutes/generate", json={"generator": "extractive"})
        assert made.status_code == 201, made.text
        client.put(
            f"/recordings/{rid}/minutes",
            json={"minutes": made.json()["minutes"] | {"place": "Phòng họp số 2"}},
            headers={"If-Match": '"v1"'},
        ).raise_for_status()
    page.get_by_role("button", name="Tạo biên bản", exact=True).click()
    expect(page.locator("#toast")).to_contain_text("vừa tạo biên bản (phiên bản 2)", timeout=15_000)
    expect(page.get_by_label("Địa điểm")).to_have_value("Phòng họp số 2")
    current = _current(live_server, rid)
    assert current["version"] == 2 and current["minutes"]["place"] == "Phòng họp số 2"  # nothing replaced
