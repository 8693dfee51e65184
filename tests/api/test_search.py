"""Archive search over the API, on SQLite (FTS5) and PostgreSQL (tsvector + unaccent): what a clerk saves is
found in the next request, accents ignored or respected, phrases, filters, and a unit sees only its own."""

from __future__ import annotations

from typing import Any

import pytest

from core.db import session_scope
from core.search import query
from core.text import strip_diacritics
from core.transcript import ModelRef, Segment, Transcript, Word
from minutes.model import AgendaItem, Conclusion, Minutes, SegmentRef, Stats
from minutes.store import MINUTES
from tests.api.conftest import assert_problem
from tests.api.services import Service, clip, wait_for_job

SPOKEN = [
    ("Chủ tọa Lê Thị Hoa", "Mời đại biểu phát biểu về dự án đường vành đai."),
    ("Đại biểu Nguyễn Văn An", "Tôi đề nghị tăng mức bồi thường đất nông nghiệp cho các hộ dân."),
    ("Đại biểu Trần Minh", "Đất đai là vấn đề lớn, việc thường xuyên bồi dưỡng cán bộ cũng cần thiết."),
]


def transcript(lines: list[tuple[str, str]] = SPOKEN, *, step: float = 0.5) -> Transcript:
    """Segments one after another, each word `step` seconds long (times are what the hit must point to)."""
    segments, t = [], 2.0
    for i, (speaker, text) in enumerate(lines):
        words = [
            Word(text=w, start=t + k * step, end=t + (k + 1) * step, speaker=speaker)
            for k, w in enumerate(text.split())
        ]
        segments.append(Segment(id=i, start=t, end=words[-1].end, text=text, words=words, speaker=speaker))
        t = words[-1].end + 1.0
    return Transcript(model=ModelRef(engine="test", name="hand"), duration=t, segments=segments)


def recording(service: Service, who: str = "clerk", **meta: str) -> str:
    response = service.upload(clip(), who=who, start_job="false", **meta)
    assert response.status_code == 201, response.text
    rid: str = response.json()["recording"]["id"]
    return rid


def save(service: Service, rid: str, document: Transcript, version: int, who: str = "clerk") -> None:
    """A clerk's save through the API, as the editor does it."""
    response = service.client.put(
        f"/recordings/{rid}/transcript",
        json={"transcript": document.model_dump(mode="json")},
        headers={**service.auth(who), "If-Match": f'"v{version}"'},
    )
    assert response.status_code == 200, response.text


def find(service: Service, who: str = "clerk", **params: Any) -> dict[str, Any]:
    response = service.client.get("/search", params=params, headers=service.auth(who))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def marked(hit: dict[str, Any]) -> list[str]:
    return [hit["snippet"][a:b] for a, b in hit["highlights"]]


def test_saved_words_are_found_without_accents_with_their_speaker_time_and_link(service_any_db: Service) -> None:
    service = service_any_db
    rid = recording(service, title="Kỳ họp thứ 9", meeting_date="2026-07-10")
    save(service, rid, transcript(), 0)
    page = find(service, q="boi thuong nong nghiep")
    assert page["total"] == 1
    (hit,) = page["items"]
    assert (hit["recording_id"], hit["speaker"], hit["segment_id"], hit["version"]) == (
        rid,
        "Đại biểu Nguyễn Văn An",
        1,
        1,
    )
    assert marked(hit) == ["bồi", "thường", "nông", "nghiệp"]
    bồi = transcript().segments[1].words[5]  # the first matched word: where the editor must open
    assert bồi.text == "bồi" and hit["time"] == bồi.start == 11.0
    assert hit["url"] == f"/ui/editor/{rid}#t=11.0"
    assert hit["title"] == "Kỳ họp thứ 9" and hit["meeting_date"] == "2026-07-10"


def test_exact_mode_respects_accents_and_quotes_make_a_phrase(service_any_db: Service) -> None:
    service = service_any_db
    save(service, recording(service), transcript(), 0)
    assert find(service, q="boi thuong", exact=True)["total"] == 0
    assert find(service, q='"BỒI THƯỜNG"', exact=True)["total"] == 1
    assert find(service, q='"bôi thuờng"', exact=True)["total"] == 0
    # both segments 1 and 2 hold "bồi" and "thường", only segment 1 has them side by side
    assert {h["segment_id"] for h in find(service, q="bồi thường")["items"]} == {1, 2}
    assert [h["segment_id"] for h in find(service, q='"bồi thường"')["items"]] == [1]
    assert find(service, q='"thường bồi"')["total"] == 0
    # "đất đai" without accents is "dat dai": segment 2 ("Đất đai") only, not "đường vành đai"
    assert [h["segment_id"] for h in find(service, q='"dat dai"')["items"]] == [2]


def test_a_new_version_replaces_the_old_words_in_the_next_request(service_any_db: Service) -> None:
    service = service_any_db
    rid = recording(service)
    save(service, rid, transcript(), 0)
    edited = [SPOKEN[0], ("Đại biểu Nguyễn Văn An", "Tôi đề nghị hỗ trợ tái định cư cho các hộ dân."), SPOKEN[2]]
    save(service, rid, transcript(edited), 1)
    assert find(service, q='"mức bồi thường"')["total"] == 0
    (hit,) = find(service, q="tai dinh cu")["items"]
    assert (hit["version"], hit["segment_id"]) == (2, 1)
    # a restore is a save too: the old words are back, the new ones gone
    restored = service.client.post(f"/recordings/{rid}/transcript/versions/1/restore", headers=service.auth("clerk"))
    assert restored.status_code == 200, restored.text
    assert find(service, q="tai dinh cu")["total"] == 0
    assert find(service, q='"mức bồi thường"')["items"][0]["version"] == 3


def test_a_unit_finds_only_its_own_recordings_as_in_the_recordings_list(service_any_db: Service) -> None:
    service = service_any_db
    mine = recording(service, who="clerk")
    theirs = recording(service, who="clerk_b")
    save(service, mine, transcript(), 0)
    save(service, theirs, transcript(), 0, who="clerk_b")
    for who, expected in [("clerk", {mine}), ("viewer", {mine}), ("clerk_b", {theirs}), ("admin", {mine, theirs})]:
        found = {h["recording_id"] for h in find(service, who, q="vành đai")["items"]}
        listed = {r["id"] for r in service.client.get("/recordings", headers=service.auth(who)).json()["items"]}
        assert found == expected == listed, who
    assert {
        h["recording_id"] for h in find(service, "admin", q="vành đai", org_unit_id=service.units["b"])["items"]
    } == {theirs}
    # a unit asking for another unit's recordings gets none of them
    assert find(service, "clerk", q="vành đai", org_unit_id=service.units["b"])["total"] == 0
    assert_problem(service.client.get("/search", params={"q": "vành đai"}), 401)


def test_filters_speaker_dates_body_and_minutes(service_any_db: Service) -> None:
    service = service_any_db
    july = recording(service, meeting_date="2026-07-10", body="Hội đồng nhân dân")
    august = recording(service, meeting_date="2026-08-20", body="Ủy ban nhân dân")
    save(service, july, transcript(), 0)
    save(service, august, transcript(), 0)
    assert find(service, q="dat")["total"] == 4
    assert {h["speaker"] for h in find(service, q="dat", speaker="tran minh")["items"]} == {"Đại biểu Trần Minh"}
    assert {h["recording_id"] for h in find(service, q="dat", date_from="2026-08-01")["items"]} == {august}
    assert {h["recording_id"] for h in find(service, q="dat", date_to="2026-07-31")["items"]} == {july}
    assert {h["recording_id"] for h in find(service, q="dat", body="Hội đồng nhân dân")["items"]} == {july}
    minutes = Minutes(
        items=[
            AgendaItem(
                title="Dự án đường vành đai",
                source_segments=[SegmentRef(id=0, start=2.0, end=6.5)],
                conclusions=[
                    Conclusion(
                        text="Giao Ủy ban rà soát đơn giá bồi thường",
                        source_segments=[SegmentRef(id=1, start=7.0, end=14.0)],
                    )
                ],
            )
        ],
        stats=Stats(generator="extractive"),
    )
    with session_scope(service.settings.resolved_database_url) as db:
        MINUTES.save(db, july, minutes, author="thu.ky")
    (hit,) = find(service, q="don gia boi thuong", source="minutes")["items"]
    assert (hit["recording_id"], hit["source"], hit["time"]) == (july, "minutes", 7.0)
    assert find(service, q="don gia", source="transcript")["total"] == 0


def test_the_speaker_filter_finds_a_part_of_the_name_and_follows_a_rename(service_any_db: Service) -> None:
    """The filter looks the names up in their own table (`search_speakers`), which keeps a name after its last
    passage is gone: that name must then find nothing, and the new one its passages."""
    service = service_any_db
    rid = recording(service)
    save(service, rid, transcript(), 0)
    assert [h["segment_id"] for h in find(service, q="dat", speaker="Minh")["items"]] == [2]
    assert [h["segment_id"] for h in find(service, q="dat", speaker="van an")["items"]] == [1]
    assert find(service, q="dat", speaker="100%_")["total"] == 0  # LIKE's wildcards are plain characters
    renamed = [SPOKEN[0], SPOKEN[1], ("Đại biểu Trần Minh Tuấn", SPOKEN[2][1])]
    save(service, rid, transcript(renamed), 1)
    assert [h["segment_id"] for h in find(service, q="dat", speaker="minh tuan")["items"]] == [2]
    assert find(service, q="dat", speaker="bieu tran minh")["total"] == 1  # a part of the new name
    save(service, rid, transcript([SPOKEN[0], SPOKEN[1], ("Đại biểu Lò Văn Sáng", SPOKEN[2][1])]), 2)
    assert find(service, q="dat", speaker="tran minh")["total"] == 0  # nobody of that name speaks any more
    assert find(service, q="dat", speaker="lo van")["total"] == 1


def test_pages_are_ranked_and_complete(service_any_db: Service) -> None:
    service = service_any_db
    rid = recording(service)
    lines = [("Thư ký", f"Ý kiến số {i} về ngân sách xã.") for i in range(7)]
    lines[4] = ("Thư ký", "Ngân sách, ngân sách và ngân sách: ba lần ngân sách.")
    save(service, rid, transcript(lines), 0)
    first = find(service, q="ngân sách", limit=3)
    second = find(service, q="ngân sách", limit=3, offset=3)
    third = find(service, q="ngân sách", limit=3, offset=6)
    assert first["total"] == 7 and len(third["items"]) == 1
    assert first["items"][0]["segment_id"] == 4  # the passage that says it four times ranks first
    ids = [h["segment_id"] for page in (first, second, third) for h in page["items"]]
    assert sorted(ids) == list(range(7))
    scores = [h["score"] for page in (first, second, third) for h in page["items"]]
    assert scores == sorted(scores, reverse=True)


def test_a_word_said_everywhere_is_ranked_among_its_newest_passages(
    service_any_db: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = service_any_db
    monkeypatch.setattr(query, "CANDIDATES", 3)
    older, newer = recording(service), recording(service)
    save(service, older, transcript([("Thư ký", "Ngân sách, ngân sách, ngân sách.")]), 0)
    save(service, newer, transcript([("Thư ký", f"Ngân sách lần {i}.") for i in range(3)]), 0)
    page = find(service, q="ngân sách")
    assert (page["total"], page["total_exact"]) == (3, False)
    assert {h["recording_id"] for h in page["items"]} == {newer}  # the older, denser passage is beyond the 3
    assert find(service, q="ngân sách", speaker="thư ký", limit=1)["total_exact"] is False
    monkeypatch.setattr(query, "CANDIDATES", 5000)
    assert find(service, q="ngân sách")["items"][0]["recording_id"] == older


def test_a_query_without_words_is_a_clear_problem(service_any_db: Service) -> None:
    service = service_any_db
    body = assert_problem(service.client.get("/search", params={"q": ' "" ,, '}, headers=service.auth("clerk")), 422)
    assert "không có từ nào" in body["detail"]
    assert_problem(service.client.get("/search", headers=service.auth("clerk")), 422)
    assert_problem(service.client.get("/search", params={"q": "x" * 201}, headers=service.auth("clerk")), 422)
    for odd in ("½ ǆ ⅷ ٣ 漢字", 'AND OR NOT NEAR "*" ^col : x', "a' OR 1=1 --", "(đất) <-> & | !"):
        assert find(service, q=odd)["total"] == 0, odd  # no query syntax of either engine leaks through


def test_speaker_view_lists_a_persons_turns_and_time_per_session(service_any_db: Service) -> None:
    service = service_any_db
    july = recording(service, title="Kỳ họp tháng 7", meeting_date="2026-07-10")
    august = recording(service, title="Kỳ họp tháng 8", meeting_date="2026-08-20")
    theirs = recording(service, who="clerk_b", meeting_date="2026-09-01")
    save(service, july, transcript(), 0)
    save(service, august, transcript([*SPOKEN, ("Đại biểu Nguyễn Văn An", "Tôi xin bổ sung một ý.")]), 0)
    save(service, theirs, transcript(), 0, who="clerk_b")
    response = service.client.get("/search/speakers/dai bieu nguyen van an", headers=service.auth("clerk"))
    assert response.status_code == 200, response.text
    view = response.json()
    lines = transcript([*SPOKEN, ("Đại biểu Nguyễn Văn An", "Tôi xin bổ sung một ý.")]).segments
    an = [s for s in lines if s.speaker == "Đại biểu Nguyễn Văn An"]
    assert [(s["recording_id"], s["turns"]) for s in view["sessions"]] == [(august, 2), (july, 1)]  # not unit B's
    assert view["sessions"][0]["seconds"] == round(sum(s.end - s.start for s in an), 1)
    assert view["total_turns"] == 3
    first = view["turns"][0]
    assert (first["recording_id"], first["segment_id"], first["start"]) == (august, 1, an[0].start)
    assert first["first_words"] == "Tôi đề nghị tăng mức bồi thường đất nông nghiệp cho các"  # 12 words
    assert first["duration"] == round(an[0].end - an[0].start, 2)
    # a name said by nobody (a substring is not the person): nothing, not an error
    assert view["speaker"] == "Đại biểu Nguyễn Văn An"  # as the transcripts write it
    nobody = service.client.get("/search/speakers/Nguyễn", headers=service.auth("clerk")).json()
    assert (nobody["sessions"], nobody["turns"], nobody["total_turns"]) == ([], [], 0)


def test_a_finished_transcription_is_searchable_at_its_words_times(service: Service) -> None:
    """The real path: a real clip, the default engine, the job's own save; then a word it heard, typed bare."""
    created = service.upload(clip("VIVOSDEV01_R012.wav"), meeting_date="2026-07-10")
    assert created.status_code == 201, created.text
    rid = created.json()["recording"]["id"]
    job = wait_for_job(service.client, created.json()["job"]["id"], service.auth("clerk"), timeout_s=300)
    assert job["status"] == "succeeded", job
    heard = service.client.get(f"/recordings/{rid}/transcript", headers=service.auth("clerk")).json()["transcript"]
    word = max((w for s in heard["segments"] for w in s["words"]), key=lambda w: len(w["text"]))
    bare = strip_diacritics(word["text"]).lower().strip(".,")
    hits = [h for h in find(service, q=bare)["items"] if h["recording_id"] == rid]
    assert hits, (bare, heard["segments"])
    assert any(abs(h["time"] - word["start"]) <= 0.1 for h in hits), (word, hits)
