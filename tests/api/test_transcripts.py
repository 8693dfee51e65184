"""Versioned transcripts: ETag/If-Match, two clerks saving at once, history, diff, restore, every export format."""

from __future__ import annotations

import io
import json
import threading
import time
from functools import cache
from typing import Any

import docx
import pysubs2
import pytest
import webvtt

from core.db import session_scope
from core.errors import ConflictError
from core.rttm import read_rttm
from core.transcript import Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.conftest import assert_problem
from tests.api.services import Service, clip
from workers.options import PipelineOptions
from workers.pipeline import run_pipeline


@cache
def _machine_transcript() -> Transcript:
    """What the pipeline makes of a real clip (computed once; the engine loads once per process)."""
    return run_pipeline(clip("VIVOSDEV01_R027.wav"), PipelineOptions())


def _seed(service: Service, title: str = "Kỳ họp thứ 7") -> str:
    """A recording whose transcript is at version 1, as a finished job leaves it."""
    response = service.upload(clip("VIVOSDEV01_R027.wav"), title=title, start_job="false")
    assert response.status_code == 201, response.text
    rid: str = response.json()["recording"]["id"]
    with session_scope(service.settings.resolved_database_url) as db:
        TRANSCRIPTS.save(db, rid, _machine_transcript(), author="gobang", comment="bản nhận dạng tự động")
    return rid


def _edited(document: dict[str, Any], text: str, speaker: str | None = None) -> dict[str, Any]:
    """The document with its first segment's text (and speaker) changed, as the editor sends it."""
    changed = json.loads(json.dumps(document))
    changed["segments"][0]["text"] = text
    if speaker is not None:
        changed["segments"][0]["speaker"] = speaker
    return changed


def test_two_conflicting_edits_one_wins_the_other_gets_412_and_nothing_is_lost(service_any_db: Service) -> None:
    service = service_any_db
    rid = _seed(service)
    url = f"/recordings/{rid}/transcript"
    loaded = service.client.get(url, headers=service.auth("clerk"))
    assert loaded.headers["etag"] == '"v1"'
    document = loaded.json()["transcript"]
    edits = {"clerk": "Di tích có bảy phỗng ông.", "clerk_user": "Di tích có hai phỗng bà."}
    start = threading.Barrier(len(edits))
    results: dict[str, Any] = {}

    def save(who: str) -> None:
        start.wait()
        results[who] = service.client.put(
            url,
            json={"transcript": _edited(document, edits[who]), "comment": f"sửa bởi {who}"},
            headers={**service.auth(who), "If-Match": '"v1"'},
        )

    threads = [threading.Thread(target=save, args=(who,)) for who in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 412], {who: r.text for who, r in results.items()}
    winner = next(who for who, r in results.items() if r.status_code == 200)
    loser = next(who for who in edits if who != winner)
    assert results[winner].headers["etag"] == '"v2"'
    refused = assert_problem(results[loser], 412)
    assert refused["current_version"] == 2 and results[loser].headers["etag"] == '"v2"'

    # The loser reloads, keeps the winner's change and adds their own: both survive, in order.
    fresh = service.client.get(url, headers=service.auth(loser))
    merged = _edited(fresh.json()["transcript"], fresh.json()["transcript"]["segments"][0]["text"] + " " + edits[loser])
    again = service.client.put(url, json={"transcript": merged}, headers={**service.auth(loser), "If-Match": '"v2"'})
    assert again.status_code == 200 and again.headers["etag"] == '"v3"'
    history = service.client.get(f"{url}/versions", headers=service.auth("viewer")).json()
    assert [v["version"] for v in history] == [3, 2, 1]
    v2 = service.client.get(f"{url}/versions/2", headers=service.auth("viewer")).json()
    assert v2["transcript"]["segments"][0]["text"] == edits[winner]
    assert edits[winner] in again.json()["transcript"]["segments"][0]["text"]


def _interleaved_saves(url: str, rid: str, base: int) -> list[BaseException | int]:
    """Two writers saving on version `base`, the second while the first's transaction is still open.

    The first must get `base + 1`; what the second got is returned (a version number or the error).
    """
    outcome: list[BaseException | int] = []
    first_written = threading.Event()

    def second_writer() -> None:
        first_written.wait()
        try:
            with session_scope(url) as db:
                outcome.append(TRANSCRIPTS.save(db, rid, _machine_transcript(), author="b", expected_version=base))
        except ConflictError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=second_writer)
    thread.start()
    with session_scope(url) as db:
        assert TRANSCRIPTS.save(db, rid, _machine_transcript(), author="a", expected_version=base) == base + 1
        first_written.set()
        time.sleep(0.3)  # the second writer now waits on our uncommitted rows
    thread.join(timeout=40)
    return outcome


def test_a_stale_writer_loses_inside_the_store_while_another_commits(service_any_db: Service) -> None:
    """The conditional update itself, with the two transactions interleaved (not just the If-Match check)."""
    rid, url = _seed(service_any_db), service_any_db.settings.resolved_database_url
    outcome = _interleaved_saves(url, rid, base=1)
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
    with session_scope(url) as db:
        assert TRANSCRIPTS.current(db, rid)[0] == 2


def test_two_first_saves_at_once_one_wins_the_other_is_told(service_any_db: Service) -> None:
    """No version yet, two writers: the second finds the first's new document (not a database error)."""
    response = service_any_db.upload(clip("VIVOSDEV01_R027.wav"), start_job="false")
    rid, url = response.json()["recording"]["id"], service_any_db.settings.resolved_database_url
    outcome = _interleaved_saves(url, rid, base=0)
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
    with session_scope(url) as db:
        assert TRANSCRIPTS.current(db, rid)[0] == 1


def test_if_match_rules(service: Service) -> None:
    rid = _seed(service)
    url, headers = f"/recordings/{rid}/transcript", service.auth("clerk")
    document = service.client.get(url, headers=headers).json()["transcript"]
    body = {"transcript": _edited(document, "Sửa lần một.")}
    assert assert_problem(service.client.put(url, json=body, headers=headers), 428)["current_version"] == 1
    assert_problem(service.client.put(url, json=body, headers={**headers, "If-Match": '"v7"'}), 412)
    assert_problem(service.client.put(url, json=body, headers={**headers, "If-Match": 'W/"v1"'}), 412)  # weak: never
    assert_problem(service.client.put(url, json=body, headers={**headers, "If-Match": '"v1", ' * 3000}), 422)
    assert service.client.put(url, json=body, headers={**headers, "If-Match": '"v0", "v1"'}).status_code == 200
    assert service.client.put(url, json=body, headers={**headers, "If-Match": "*"}).status_code == 200
    assert service.client.get(url, headers={**headers, "If-None-Match": '"v3"'}).status_code == 304
    assert service.client.get(url, headers={**headers, "If-None-Match": '"v2"'}).status_code == 200
    assert_problem(service.client.put(url, json=body, headers={**service.auth("viewer"), "If-Match": "*"}), 403)
    assert_problem(service.client.put(url, json=body, headers={**service.auth("service"), "If-Match": "*"}), 403)
    bad = _edited(document, "x")
    bad["segments"][0]["end"] = -1
    assert_problem(service.client.put(url, json={"transcript": bad}, headers={**headers, "If-Match": "*"}), 422)
    infinite = json.dumps({"transcript": _edited(document, "x")}).replace('"duration": ', '"duration": 1e999, "x": ')
    response = service.client.put(
        url, content=infinite, headers={**headers, "If-Match": "*", "Content-Type": "application/json"}
    )
    assert_problem(response, 422)


def test_history_diff_and_restore(service: Service) -> None:
    rid = _seed(service)
    url, headers = f"/recordings/{rid}/transcript", service.auth("clerk")
    original = service.client.get(url, headers=headers).json()["transcript"]
    edited = _edited(original, "Di tích có bảy phỗng ông và hai phỗng bà được làm bằng gỗ mít.", "Chủ tọa")
    edited["segments"][0]["end"] = round(edited["segments"][0]["end"] + 0.5, 3)
    saved = service.client.put(
        url, json={"transcript": edited, "comment": "sửa chính tả"}, headers={**headers, "If-Match": '"v1"'}
    )
    assert saved.status_code == 200 and saved.json()["author"].startswith("key:clerk#")

    diff = service.client.get(f"{url}/diff", params={"from": 1, "to": 2}, headers=service.auth("viewer")).json()
    assert diff["summary"] == {"added": 0, "removed": 0, "changed": 1}
    change = diff["changes"][0]
    assert change["op"] == "changed" and change["before"] == change["after"] == 0
    assert set(change["fields"]) == {"text", "speaker", "timing"}
    assert change["new"]["speaker"] == "Chủ tọa" and change["old"]["text"] == original["segments"][0]["text"]
    assert any(op == "insert" for op, _ in change["words"])

    restored = service.client.post(f"{url}/versions/1/restore", headers=headers)
    assert restored.status_code == 200 and restored.headers["etag"] == '"v3"'
    assert restored.json()["transcript"]["segments"] == original["segments"]
    assert service.client.get(f"{url}/diff", params={"from": 1}, headers=headers).json()["changes"] == []
    history = service.client.get(f"{url}/versions", headers=headers).json()
    assert [(v["version"], v["current"]) for v in history] == [(3, True), (2, False), (1, False)]
    assert history[0]["comment"] == "khôi phục phiên bản 1" and history[1]["comment"] == "sửa chính tả"
    stale_restore = service.client.post(f"{url}/versions/2/restore", headers={**headers, "If-Match": '"v2"'})
    assert_problem(stale_restore, 412)
    assert_problem(service.client.get(f"{url}/versions/9", headers=headers), 404)
    assert_problem(service.client.get(f"{url}/diff", params={"from": 0}, headers=headers), 422)
    assert_problem(service.client.post(f"{url}/versions/1/restore", headers=service.auth("viewer")), 403)


def test_every_export_format_parses(service: Service) -> None:
    rid = _seed(service, title="Kỳ họp thứ 7 — HĐND xã")
    url, headers = f"/recordings/{rid}/transcript/export", service.auth("viewer")
    text = _machine_transcript().text
    first_word = _machine_transcript().segments[0].text.split()[0]  # written form: words keep the spoken one

    def get(fmt: str) -> Any:
        response = service.client.get(url, params={"format": fmt}, headers=headers)
        assert response.status_code == 200, response.text
        assert "attachment" in response.headers["content-disposition"]
        assert f".{fmt}" in response.headers["content-disposition"]
        return response

    assert text.split("\n")[0] in get("txt").text
    subtitles = pysubs2.SSAFile.from_string(get("srt").text)
    assert subtitles and first_word in subtitles[0].text
    captions = webvtt.from_buffer(io.StringIO(get("vtt").text))
    assert captions.captions and first_word in captions.captions[0].text
    assert Transcript.model_validate_json(get("json").content).text == text
    document = docx.Document(io.BytesIO(get("docx").content))
    assert first_word in "\n".join(p.text for p in document.paragraphs)
    assert "K%E1%BB%B3%20h%E1%BB%8Dp" in get("txt").headers["content-disposition"]  # the Vietnamese name, encoded
    assert_problem(service.client.get(url, params={"format": "exe"}, headers=headers), 422)
    no_speakers = assert_problem(service.client.get(url, params={"format": "rttm"}, headers=headers), 422)
    assert "diarization" in no_speakers["detail"]


def test_rttm_export_of_a_speaker_attributed_version(service: Service) -> None:
    rid = _seed(service)
    url, clerk = f"/recordings/{rid}/transcript", service.auth("clerk")
    current = service.client.get(url, headers=clerk)
    edited = _edited(current.json()["transcript"], "Xin chào các đại biểu.", speaker="Chủ tọa Trần Văn B")
    saved = service.client.put(url, json={"transcript": edited}, headers={**clerk, "If-Match": current.headers["etag"]})
    assert saved.status_code == 200, saved.text

    rttm = service.client.get(f"{url}/export", params={"format": "rttm"}, headers=service.auth("viewer"))
    assert rttm.status_code == 200 and rttm.headers["content-type"].startswith("text/plain")
    (annotation,) = read_rttm(rttm.text).values()
    assert annotation.labels() == ["Chủ_tọa_Trần_Văn_B"]


def test_rttm_export_writes_the_diarization_turns_overlap_included(service: Service) -> None:
    """A diarized version's turns, not its segments, are the RTTM: a voice with no words is still there."""
    rid = _seed(service)
    url, clerk = f"/recordings/{rid}/transcript", service.auth("clerk")
    current = service.client.get(url, headers=clerk)
    document = current.json()["transcript"]
    document["turns"] = [
        {"start": 0.2, "end": 1.6, "speaker": "Chủ tọa Trần Văn B"},
        {"start": 1.2, "end": 2.0, "speaker": "Người nói 2"},
    ]
    saved = service.client.put(
        url, json={"transcript": document}, headers={**clerk, "If-Match": current.headers["etag"]}
    )
    assert saved.status_code == 200, saved.text

    rttm = service.client.get(f"{url}/export", params={"format": "rttm"}, headers=service.auth("viewer"))
    assert rttm.status_code == 200, rttm.text
    (annotation,) = read_rttm(rttm.text).values()
    assert annotation.labels() == ["Chủ_tọa_Trần_Văn_B", "Người_nói_2"]
    assert annotation.get_overlap().duration() == pytest.approx(0.4)


@pytest.mark.parametrize("who", ["viewer_b", "clerk_b", "nobody"])
def test_other_units_and_strangers_see_nothing(service: Service, who: str) -> None:
    rid = _seed(service)
    response = service.client.get(f"/recordings/{rid}/transcript", headers=service.auth(who))
    assert_problem(response, 401 if who == "nobody" else 404)
