"""Every role against every endpoint of recordings, uploads, jobs, transcripts, webhooks and the OpenAI route.

admin: everything; clerk: upload, run jobs, edit transcripts in their unit; viewer: read their
unit; service (API key): upload, run jobs, read, OpenAI endpoint; anonymous: 401. Rows of
another unit answer 404 (their ids tell nothing); a role that may not act answers 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.db import session_scope
from core.transcript import ModelRef, Segment, Transcript
from core.transcript_store import TRANSCRIPTS
from tests.api.services import Databases, Service, clip, make_settings, start_service

ALL = {"admin", "clerk", "viewer", "service", "clerk_b", "viewer_b", "service_b", "clerk_user"}
READ = ALL
UPLOAD = {"admin", "clerk", "service", "clerk_b", "service_b", "clerk_user"}
EDIT = {"admin", "clerk", "clerk_b", "clerk_user"}
OPENAI = {"admin", "service", "service_b"}
ADMIN = {"admin"}
UNIT_B = {"clerk_b", "viewer_b", "service_b"}


@dataclass(frozen=True)
class Rule:
    method: str
    path: str
    allowed: set[str]
    scoped: bool
    """The path names a row of unit A: callers of unit B get 404."""
    request: Callable[[Service], dict[str, Any]] = lambda _: {}


def _multipart(_: Service) -> dict[str, Any]:
    return {"files": {"file": ("hop.wav", clip().read_bytes(), "audio/wav")}, "data": {"start_job": "false"}}


_TRANSCRIPT = Transcript(
    duration=4.2,
    model=ModelRef(engine="vietasr", name="vietasr-ctc"),
    segments=[Segment(id=0, start=0.5, end=1.5, text="Khai mạc kỳ họp.")],
)


RULES = [
    Rule("GET", "/recordings", READ, scoped=False),
    Rule("GET", "/recordings/{rid}", READ, scoped=True),
    Rule("PATCH", "/recordings/{rid}", EDIT, scoped=True, request=lambda _: {"json": {"place": "Hội trường"}}),
    Rule("GET", "/recordings/{rid}/audio", READ, scoped=True),
    Rule("POST", "/recordings", UPLOAD, scoped=False, request=_multipart),
    Rule("POST", "/recordings/{rid}/jobs", UPLOAD, scoped=True, request=lambda _: {"json": {}}),
    Rule("GET", "/recordings/{rid}/jobs", READ, scoped=True),
    Rule("GET", "/jobs/{jid}", READ, scoped=True),
    Rule("POST", "/jobs/{jid}/cancel", UPLOAD, scoped=True),
    Rule("GET", "/recordings/{rid}/transcript", READ, scoped=True),
    Rule(
        "PUT",
        "/recordings/{rid}/transcript",
        EDIT,
        scoped=True,
        request=lambda s: {"json": {"transcript": _TRANSCRIPT.model_dump(mode="json")}, "headers": {"If-Match": "*"}},
    ),
    Rule("GET", "/recordings/{rid}/transcript/versions", READ, scoped=True),
    Rule("GET", "/recordings/{rid}/transcript/diff?from=1", READ, scoped=True),
    Rule("POST", "/recordings/{rid}/transcript/versions/1/restore", EDIT, scoped=True),
    Rule("GET", "/recordings/{rid}/transcript/export?format=srt", READ, scoped=True),
    Rule("POST", "/uploads", UPLOAD, scoped=False, request=lambda _: {"json": {"filename": "a.wav", "size": 10}}),
    Rule("GET", "/uploads/{uid}", READ, scoped=True),
    Rule("POST", "/v1/audio/transcriptions", OPENAI, scoped=False, request=lambda _: {"data": {"model": "whisper-1"}}),
    Rule("POST", "/webhooks", ADMIN, scoped=False, request=lambda _: {"json": {"url": "http://127.0.0.1:9/h"}}),
    Rule("GET", "/webhooks", ADMIN, scoped=False),
]


@pytest.fixture(scope="module")
def unit_a(gobang_home: Path, new_database: Databases) -> Iterator[tuple[Service, dict[str, str]]]:
    """A recording of unit A with a transcript, a (queued) job and an upload; no worker runs."""
    settings = make_settings(gobang_home, new_database("sqlite"), jobs={"inprocess_workers": 0})
    with start_service(settings) as service:
        rid = service.upload(clip(), start_job="false").json()["recording"]["id"]
        with session_scope(settings.resolved_database_url) as db:
            TRANSCRIPTS.save(db, rid, _TRANSCRIPT, author="gobang")
        jid = service.client.post(f"/recordings/{rid}/jobs", json={}, headers=service.auth()).json()["id"]
        uid = service.client.post("/uploads", json={"filename": "b.wav", "size": 9}, headers=service.auth()).json()[
            "id"
        ]
        yield service, {"rid": rid, "jid": jid, "uid": uid}


@pytest.mark.parametrize("who", sorted(ALL | {"nobody"}))
def test_each_role_gets_what_its_role_and_unit_allow(unit_a: tuple[Service, dict[str, str]], who: str) -> None:
    service, ids = unit_a
    unexpected = []
    for rule in RULES:
        request = rule.request(service)
        headers = {**service.auth(who), **request.pop("headers", {})}
        response = service.client.request(rule.method, rule.path.format(**ids), headers=headers, **request)
        if who == "nobody":
            expected: set[int] | None = {401}
        elif who not in rule.allowed:
            expected = {403}
        elif rule.scoped and who in UNIT_B:
            expected = {404}
        else:
            expected = None  # allowed: anything but an authorisation refusal
        refused = response.status_code in (401, 403, 404)
        if (expected is None and refused) or (expected is not None and response.status_code not in expected):
            unexpected.append(f"{rule.method} {rule.path}: {response.status_code} {response.text[:120]}")
        assert response.status_code < 500, response.text
    assert not unexpected, f"{who}:\n" + "\n".join(unexpected)
