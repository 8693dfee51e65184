"""A one-request upload (`POST /recordings`) sent again with its `Idempotency-Key`, as a client does when the
connection dropped before the answer came: stored once, answered with what the first request made, never a
second recording or job, also when both copies arrive at once; the same key with another file is refused."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from core.db import session_scope
from core.settings import Settings
from core.tables import Job, Recording
from tests.api.conftest import assert_problem
from tests.api.services import Service, clip, start_service


def _send(api: Service, path: Path, key: str, who: str = "service") -> Any:
    with path.open("rb") as f:
        return api.client.post(
            "/recordings",
            files={"file": (path.name, f, "audio/wav")},
            data={"title": "Phiên họp"},
            headers={**api.auth(who), "Idempotency-Key": key},
        )


def _counts(settings: Settings) -> tuple[int, int]:
    with session_scope(settings.resolved_database_url) as db:
        return db.scalar(select(func.count(Recording.id))) or 0, db.scalar(select(func.count(Job.id))) or 0


def test_a_repeated_upload_is_stored_once_and_answered_with_the_first(redis_settings: Settings) -> None:
    with start_service(redis_settings) as api:  # no worker: the job stays queued
        first = _send(api, clip(), "ghi-am-17")
        assert first.status_code == 201, first.text
        again = _send(api, clip(), "ghi-am-17")
        assert again.status_code == 200, again.text
        assert again.json()["recording"]["id"] == first.json()["recording"]["id"]
        assert again.json()["job"]["id"] == first.json()["job"]["id"]
        assert again.headers["location"] == f"/recordings/{first.json()['recording']['id']}"
        assert _counts(redis_settings) == (1, 1)

        assert_problem(_send(api, clip("VIVOSDEV01_R027.wav"), "ghi-am-17"), 409)  # the key names another file
        other_caller = _send(api, clip(), "ghi-am-17", who="clerk")  # keys are per caller
        assert other_caller.status_code == 201
        assert other_caller.json()["recording"]["id"] != first.json()["recording"]["id"]
        plain = _send(api, clip(), "ghi-am-18")  # another key: another upload, even of the same file
        assert plain.status_code == 201
        assert _counts(redis_settings) == (3, 3)


def test_copies_that_arrive_together_make_one_recording(redis_settings: Settings) -> None:
    with start_service(redis_settings) as api:
        copies = 4
        start = threading.Barrier(copies)
        answers: list[Any] = []

        def send() -> None:
            start.wait()
            answers.append(_send(api, clip("VIVOSDEV01_R043.wav"), "cung-luc"))

        threads = [threading.Thread(target=send) for _ in range(copies)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(a.status_code for a in answers) == [200] * (copies - 1) + [201], [a.text for a in answers]
        assert len({a.json()["recording"]["id"] for a in answers}) == 1
        assert len({a.json()["job"]["id"] for a in answers}) == 1
        assert _counts(redis_settings) == (1, 1)
