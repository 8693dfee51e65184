"""Recordings: a real clip uploaded, transcribed in-process into Vietnamese; metadata, search, Range, hostile files."""

from __future__ import annotations

import io
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jiwer
import pytest
from sqlalchemy import event

from core.db import get_engine, session_scope
from core.tables import JobKind, JobStatus
from core.text import normalize_for_scoring
from tests.api.conftest import assert_problem
from tests.api.services import Databases, Service, clip, make_settings, start_service, wait_for_job
from tests.conftest import manifest
from workers.jobs import new_job


def test_multipart_upload_is_transcribed_into_vietnamese(service: Service) -> None:
    row = next(r for r in manifest("vi_vivos_dev01_8utt") if r["audio_path"].endswith("R012.wav"))
    response = service.upload(
        Path(row["audio_path"]),
        title="Phiên họp thường kỳ tháng 11",
        body="Hội đồng nhân dân xã A",
        meeting_date="2026-11-20",
        place="Hội trường xã",
        chair="Nguyễn Văn An",
        secretary="Trần Thị Bình",
        attendees=["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"],
        glossary=["Hội đồng nhân dân"],
    )
    assert response.status_code == 201, response.text
    created = response.json()
    recording, job = created["recording"], created["job"]
    assert response.headers["location"] == f"/recordings/{recording['id']}"
    assert recording["media_type"] == "audio/wav" and recording["duration"] == pytest.approx(4.19, abs=0.05)
    assert recording["attendees"] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]
    assert recording["org_unit_id"] == service.units["a"] and recording["created_by"].startswith("key:clerk#")

    done = wait_for_job(service.client, job["id"], service.auth("viewer"))
    assert done["status"] == "succeeded" and done["progress"] == 1.0 and done["attempts"] == 1, done

    transcript = service.client.get(f"/recordings/{recording['id']}/transcript", headers=service.auth("viewer"))
    assert transcript.status_code == 200 and transcript.headers["etag"] == '"v1"'
    body = transcript.json()
    text = " ".join(s["text"] for s in body["transcript"]["segments"])
    assert jiwer.wer(normalize_for_scoring(row["reference_text"]), normalize_for_scoring(text)) < 0.35, text
    assert body["transcript"]["source"]["name"] == "VIVOSDEV01_R012.wav"
    assert all(w["end"] <= body["transcript"]["duration"] + 0.05 for w in body["transcript"]["segments"][0]["words"])

    detail = service.client.get(f"/recordings/{recording['id']}", headers=service.auth("clerk")).json()
    assert detail["transcript_version"] == 1 and detail["latest_job"]["status"] == "succeeded"

    # A later minutes job is not the recording's transcription status, in the detail or in the list.
    with session_scope(service.settings.resolved_database_url) as db:
        new_job(db, recording["id"], {}, settings=service.settings, kind=JobKind.minutes)
    listed = service.client.get("/recordings", headers=service.auth("clerk")).json()["items"]
    again = service.client.get(f"/recordings/{recording['id']}", headers=service.auth("clerk")).json()
    assert [r for r in listed if r["id"] == recording["id"]] == [again] and again == detail


def test_the_list_shows_each_recordings_newest_transcription_job_in_one_query(service_any_db: Service) -> None:
    service = service_any_db
    ids = []
    for n in range(3):
        response = service.upload(clip(), who="clerk", title=f"Phiên {n}", start_job="false")
        ids.append(str(response.json()["recording"]["id"]))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    newest: dict[str, str] = {}
    with session_scope(service.settings.resolved_database_url) as db:
        for n, recording_id in enumerate(ids[:2]):  # the third has no job at all
            for k in range(12):
                job = new_job(db, recording_id, {"diarize": bool(k % 2)}, settings=service.settings)
                job.status = JobStatus.failed  # finished: no worker takes it
                job.created_at = start + timedelta(minutes=(k * 7 + n * 5) % 12)
                newest[recording_id] = job.id if (k * 7 + n * 5) % 12 == 11 else newest.get(recording_id, "")
            later = new_job(db, recording_id, {}, settings=service.settings, kind=JobKind.minutes)
            later.status = JobStatus.succeeded
            later.created_at = start + timedelta(hours=1)  # newer, but not a transcription
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = get_engine(service.settings.resolved_database_url)
    event.listen(engine, "before_cursor_execute", count)
    try:
        listed = service.client.get("/recordings", headers=service.auth("clerk")).json()["items"]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    latest = {r["id"]: (r["latest_job"] or {}).get("id") for r in listed}
    assert latest == {ids[0]: newest[ids[0]], ids[1]: newest[ids[1]], ids[2]: None}
    # the request's job queries (the server's recovery ticker, on another thread, reads jobs too)
    assert sum("FROM jobs" in s and "recording_id IN" in s for s in statements) == 1, statements


def test_metadata_search_filters_and_edits(service: Service) -> None:
    def make(title: str, day: str, who: str = "clerk") -> str:
        response = service.upload(clip(), who=who, title=title, meeting_date=day, start_job="false")
        assert response.status_code == 201, response.text
        assert response.json()["job"] is None
        return str(response.json()["recording"]["id"])

    hanoi = make("Họp Hội đồng nhân dân Thành phố Hà Nội", "2026-10-01")
    make("Họp giao ban Ủy ban", "2026-11-15")
    other_unit = make("Hà Nội — đơn vị B", "2026-10-02", who="clerk_b")

    def titles(who: str = "viewer", **params: str) -> list[str]:
        response = service.client.get("/recordings", params=params, headers=service.auth(who))
        assert response.status_code == 200, response.text
        return [r["id"] for r in response.json()["items"]]

    assert titles(q="ha noi") == [hanoi]  # no diacritics, other case, and unit B's recording stays hidden
    assert titles(q="HÀ NỘI") == [hanoi]
    assert set(titles("admin", q="hà nội")) == {hanoi, other_unit}
    assert titles(date_from="2026-11-01") != [] and hanoi not in titles(date_from="2026-11-01")
    assert titles(q="50%_") == []  # LIKE wildcards are literal
    page = service.client.get("/recordings", params={"limit": 1}, headers=service.auth("clerk")).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["limit"] == 1

    patch = {"title": "Kỳ họp thứ 7, HĐND Hà Nội", "attendees": ["Phạm Thị Dung"], "meeting_date": None}
    response = service.client.patch(f"/recordings/{hanoi}", json=patch, headers=service.auth("clerk"))
    assert response.status_code == 200, response.text
    assert response.json()["title"] == patch["title"] and response.json()["meeting_date"] is None
    assert titles(q="dung") == [hanoi]  # attendees are searched too
    assert_problem(service.client.patch(f"/recordings/{hanoi}", json=patch, headers=service.auth("viewer")), 403)
    assert_problem(service.client.patch(f"/recordings/{hanoi}", json=patch, headers=service.auth("clerk_b")), 404)
    assert_problem(service.client.patch(f"/recordings/{hanoi}", json={"title": "a\x00b"}, headers=service.auth()), 422)


def test_audio_is_served_with_range_requests(service: Service) -> None:
    path = clip()
    data = path.read_bytes()
    rid = service.upload(path, start_job="false").json()["recording"]["id"]
    url, headers = f"/recordings/{rid}/audio", service.auth("viewer")

    whole = service.client.get(url, headers=headers)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["accept-ranges"] == "bytes" and whole.headers["content-type"] == "audio/wav"
    etag = whole.headers["etag"]

    first = service.client.get(url, headers={**headers, "Range": "bytes=0-99"})
    assert first.status_code == 206 and first.content == data[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{len(data)}"
    tail = service.client.get(url, headers={**headers, "Range": "bytes=-500"})
    assert tail.status_code == 206 and tail.content == data[-500:]
    middle = service.client.get(url, headers={**headers, "Range": "bytes=1000-", "If-Range": etag})
    assert middle.status_code == 206 and middle.content == data[1000:]
    stale = service.client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"not-it"'})
    assert stale.status_code == 200 and stale.content == data  # the file changed: the whole of it

    beyond = assert_problem(service.client.get(url, headers={**headers, "Range": f"bytes={len(data)}-"}), 416)
    assert beyond["size"] == len(data)
    assert (
        service.client.get(url, headers={**headers, "Range": f"bytes={len(data)}-"}).headers["content-range"]
        == f"bytes */{len(data)}"
    )
    assert_problem(service.client.get(url, headers={**headers, "Range": "pages=1-2"}), 416)
    head = service.client.head(url, headers=headers)
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(data) and not head.content
    assert_problem(service.client.get(url, headers=service.auth("viewer_b")), 404)


def _zip_bomb() -> bytes:
    """20 MB of zeros deflated to ~20 KB, named like a recording."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("meeting.wav", b"\0" * (20 << 20))
    return buffer.getvalue()


def _wav_claiming_hours() -> bytes:
    """A WAV header announcing 10 hours of 16 kHz audio, followed by one second of it."""
    data_size = 10 * 3600 * 16000 * 2
    header = b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 16000, 32000, 2, 16)
    return header + b"data" + struct.pack("<I", data_size) + b"\0" * 32000


@pytest.mark.parametrize(
    ("name", "content", "status"),
    [
        ("notes.wav", "Biên bản họp: đây là văn bản, không phải âm thanh.\n".encode(), 415),
        ("meeting.wav", _zip_bomb(), 415),
        ("page.mp3", b"<html><body>#EXTM3U</body></html>", 415),
        ("playlist.wav", b"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nfile:///etc/passwd\n", 415),
        ("empty.wav", b"", 422),
        ("truncated.wav", _wav_claiming_hours(), 422),
    ],
)
def test_files_that_are_not_usable_audio_are_refused(service: Service, name: str, content: bytes, status: int) -> None:
    response = service.client.post(
        "/recordings", files={"file": (name, content, "audio/wav")}, headers=service.auth("clerk")
    )
    problem = assert_problem(response, status)
    assert problem["detail"]
    assert service.client.get("/recordings", headers=service.auth("admin")).json()["total"] == 0
    assert not list((service.settings.blob_dir / "tmp").iterdir())  # nothing left behind


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("../../etc/passwd.wav", "passwd.wav"),
        ("..\\..\\Windows\\system32\\biên bản.wav", "biên bản.wav"),
        ("\u202evaw.exe", "vaw.exe"),
        ("....", "ban-ghi"),
    ],
)
def test_path_tricks_in_file_names_are_neutralised(service: Service, sent: str, stored: str) -> None:
    with clip().open("rb") as f:
        response = service.client.post(
            "/recordings", files={"file": (sent, f, "audio/wav")}, data={"start_job": "false"}, headers=service.auth()
        )
    assert response.status_code == 201, response.text
    assert response.json()["recording"]["filename"] == stored
    home = service.settings.home
    assert not (home.parent / "etc").exists() and not (home / "etc").exists()


def test_wrong_content_types_and_limits(service: Service, gobang_home: Path, new_database: Databases) -> None:
    headers = service.auth("clerk")
    assert_problem(service.client.post("/recordings", json={"title": "x"}, headers=headers), 422)
    assert_problem(service.client.post("/recordings", content=b"\x00" * 100, headers=headers), 422)
    assert_problem(
        service.client.post(
            "/recordings", data={"meeting_date": "2026-13-45"}, files={"file": ("a.wav", b"x")}, headers=headers
        ),
        422,
    )
    tight = make_settings(gobang_home, new_database("sqlite"), max_upload_mb=1, audio={"max_duration_s": 2.0})
    with start_service(tight) as small:
        too_big = small.client.post(
            "/recordings", files={"file": ("big.wav", b"RIFF" + b"\0" * (2 << 20))}, headers=small.auth("clerk")
        )
        assert_problem(too_big, 413)
        too_long = small.upload(clip())  # 4.2 s, over the 2 s limit
        assert assert_problem(too_long, 413)["title"]
