"""Issue 13, F5 and F7: webhook attempts end by their deadline, are sent once each, on their own thread, and
only to public addresses (or those the operator allows), without following redirects."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

import api.app
from core.db import session_scope
from core.errors import ConfigError
from core.sealed import app_secret, is_sealed, unseal
from core.settings import Settings
from core.tables import Webhook, WebhookDelivery
from tests.api.conftest import assert_problem
from tests.api.services import Databases, make_settings, start_service
from workers import webhooks

TRICKLE = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


@dataclass
class Receiver:
    """A loopback HTTP receiver: records each request's headers, then answers with `reply`, one byte every
    `byte_every_s` (a trickle that never trips a per-read timeout), for at most `hold_s`."""

    reply: bytes = b"HTTP/1.1 204 No Content\r\n\r\n"
    byte_every_s: float = 0.0
    hold_s: float = 15.0
    requests: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def serve(self, listener: socket.socket, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=self._answer, args=(conn, stop), daemon=True).start()

    def _answer(self, conn: socket.socket, stop: threading.Event) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, _ = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")[1:]
            self.requests.append({k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)})
            started = time.monotonic()
            for i in range(len(self.reply)):
                if stop.is_set() or time.monotonic() - started > self.hold_s:
                    return
                try:
                    conn.sendall(self.reply[i : i + 1] if self.byte_every_s else self.reply[i:])
                except OSError:
                    return  # the sender gave up: what the deadline is for
                if not self.byte_every_s:
                    return
                time.sleep(self.byte_every_s)


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    receiver.port = listener.getsockname()[1]
    stop = threading.Event()
    thread = threading.Thread(target=receiver.serve, args=(listener, stop), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _due_delivery(settings: Settings, url: str) -> int:
    """A webhook (stored as a pre-fix registration could have stored it) with one delivery due now."""
    with session_scope(settings.resolved_database_url) as db:
        hook = Webhook(url=url, secret="s" * 32, org_unit_id=None)
        db.add(hook)
        db.flush()
        delivery = WebhookDelivery(
            webhook_id=hook.id,
            event="job.succeeded",
            payload={"event": "job.succeeded"},
            attempts=0,
            next_attempt_at=datetime.now(UTC),
        )
        db.add(delivery)
        db.flush()
        return delivery.id


def _delivery(settings: Settings, delivery_id: int) -> WebhookDelivery:
    with session_scope(settings.resolved_database_url) as db:
        row = db.get_one(WebhookDelivery, delivery_id)
        db.expunge(row)
        return row


HOSTILE_URLS = [
    "http://127.0.0.1:8000/h",
    "http://localhost/h",
    "http://0x7f000001/h",
    "http://2130706433/h",
    "http://127.1/h",
    "http://0177.0.0.1/h",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/h",
    "http://172.16.0.1/h",
    "http://192.168.1.1/h",
    "http://100.64.0.1/h",
    "http://0.0.0.0/h",
    "http://[::1]/h",
    "http://[::ffff:127.0.0.1]/h",
    "http://[fe80::1]/h",
    "https://LOCALHOST./h",
]


def test_f7_private_addresses_are_refused_at_registration(gobang_home: Path, new_database: Databases) -> None:
    settings = make_settings(gobang_home, new_database("sqlite"), webhooks={"allow_hosts": []})
    with start_service(settings) as service:
        admin = service.auth("admin")
        for url in HOSTILE_URLS:
            refused = assert_problem(service.client.post("/webhooks", json={"url": url}, headers=admin), 422)
            assert "webhook" in refused["detail"], url
        public = service.client.post("/webhooks", json={"url": "https://93.184.216.34/hooks"}, headers=admin)
        assert public.status_code == 201, public.text
    allowed = make_settings(gobang_home, new_database("sqlite"), webhooks={"allow_hosts": ["127.0.0.0/8", "localhost"]})
    with start_service(allowed) as service:
        for url in ("http://127.0.0.1:8000/h", "http://localhost/h", "http://0x7f000001/h"):
            assert service.client.post("/webhooks", json={"url": url}, headers=service.auth("admin")).status_code == 201
        still = service.client.post("/webhooks", json={"url": "http://169.254.169.254/"}, headers=service.auth("admin"))
        assert_problem(still, 422)


def test_f7_send_time_check_and_no_redirects(gobang_home: Path, new_database: Databases) -> None:
    """A stored URL to loopback is not contacted once the allow-list no longer names it; an allowed receiver's
    redirect to another loopback port is not followed."""
    url = new_database("sqlite")
    with receiving(Receiver()) as target:
        closed = make_settings(gobang_home, url, webhooks={"allow_hosts": []})
        with start_service(closed):  # migrates the database
            pass
        delivery_id = _due_delivery(closed, target.url)
        assert webhooks.deliver_due(closed) == 0
        assert target.requests == []
        assert "nội bộ" in (_delivery(closed, delivery_id).last_error or "")

    with receiving(Receiver()) as elsewhere:
        redirect = f"HTTP/1.1 302 Found\r\nLocation: {elsewhere.url}\r\nContent-Length: 0\r\n\r\n".encode()
        with receiving(Receiver(reply=redirect)) as redirector:
            opened = make_settings(gobang_home, url, webhooks={"allow_hosts": ["127.0.0.1"]})
            delivery_id = _due_delivery(opened, redirector.url)
            assert webhooks.deliver_due(opened, ids=[delivery_id]) == 0
            assert len(redirector.requests) == 1 and elsewhere.requests == []
            assert _delivery(opened, delivery_id).last_error == "HTTP 302"


def test_f5_a_trickling_receiver_cannot_hold_an_attempt_past_its_deadline(
    gobang_home: Path, new_database: Databases
) -> None:
    """Before: per-read timeouts only, so a byte every 0.3 s held the attempt until the receiver let go (15 s),
    past the lease, and a second sender posted the same attempt again. Now: one request per attempt, ended
    by the 1.5 s deadline, whoever else tries meanwhile."""
    url = new_database("sqlite")
    hooks = {"allow_hosts": ["127.0.0.1"], "timeout_s": 1.0, "deadline_s": 1.5, "retry_base_s": 0.01}
    settings = make_settings(gobang_home, url, webhooks=hooks)
    with start_service(settings):
        pass
    with receiving(Receiver(reply=TRICKLE, byte_every_s=0.3)) as slow:
        delivery_id = _due_delivery(settings, slow.url)
        started = time.monotonic()
        senders = [threading.Thread(target=webhooks.deliver_due, args=(settings,)) for _ in range(3)]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=30)
        elapsed = time.monotonic() - started
        assert elapsed < 1.5 + 2.0, elapsed
        row = _delivery(settings, delivery_id)
        assert row.attempts == 1 and row.delivered_at is None and "thời hạn" in (row.last_error or "")
        assert [r[webhooks.ATTEMPT_HEADER.lower()] for r in slow.requests] == ["1"]
        with session_scope(url) as db:  # the retry is due: the next attempt is sent once, too
            db.execute(update(WebhookDelivery).values(next_attempt_at=datetime.now(UTC)))
        webhooks.deliver_due(settings)
        assert [r[webhooks.ATTEMPT_HEADER.lower()] for r in slow.requests] == ["1", "2"]


def test_f5_sending_does_not_delay_job_recovery(
    gobang_home: Path, new_database: Databases, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the server's sender is held by a slow receiver, the recovery ticker keeps its 0.3 s rhythm
    (before: they shared one thread, and recovery waited for the webhook)."""
    ticks: list[float] = []
    requeue = api.app.requeue_unfinished

    def counted(*args: Any) -> Any:
        ticks.append(time.monotonic())
        return requeue(*args)

    monkeypatch.setattr(api.app, "requeue_unfinished", counted)
    hooks = {"allow_hosts": ["127.0.0.1"], "timeout_s": 1.0, "deadline_s": 3.0}
    settings = make_settings(gobang_home, new_database("sqlite"), webhooks=hooks)
    with receiving(Receiver(reply=TRICKLE, byte_every_s=0.3)) as slow, start_service(settings):
        _due_delivery(settings, slow.url)
        deadline = time.monotonic() + 10
        while not slow.requests:
            assert time.monotonic() < deadline, "the sender never sent the delivery"
            time.sleep(0.05)
        held_from = time.monotonic()
        time.sleep(2.0)
        during = [t for t in ticks if t > held_from]
        assert len(during) >= 3, f"recovery ticked {len(during)} times while a webhook was being sent"


def test_f11_signing_secrets_are_sealed_in_the_database(gobang_home: Path, new_database: Databases) -> None:
    """A database dump gives no signing secret away: registered secrets are stored sealed, secrets stored in clear
    by an older version are sealed at the server's start, and deliveries are still signed with the real secret."""
    url = new_database("sqlite")
    settings = make_settings(gobang_home, url, webhooks={"allow_hosts": ["127.0.0.1"]})
    with receiving(Receiver()) as target:
        with start_service(settings):  # migrates the database
            pass
        legacy = _due_delivery(settings, target.url)  # stored in clear, as before sealing
        with start_service(settings) as service:
            created = service.client.post("/webhooks", json={"url": target.url}, headers=service.auth("admin")).json()
        with session_scope(url) as db:
            stored = {h.id: h.secret for h in db.query(Webhook).all()}
        assert all(is_sealed(s) for s in stored.values())
        assert created["secret"] not in stored[created["id"]] and "s" * 32 not in "".join(stored.values())
        assert unseal(stored[created["id"]], app_secret(settings)) == created["secret"]

        sent = len(target.requests)  # the service's own sender may have sent it already (a slow machine): once
        assert webhooks.deliver_due(settings, ids=[legacy]) == 1 - sent
        assert len(target.requests) == 1
        body = json.dumps({"event": "job.succeeded"}, ensure_ascii=False, separators=(",", ":")).encode()
        signature = target.requests[0][webhooks.SIGNATURE_HEADER.lower()]
        assert webhooks.verify("s" * 32, signature, body)
    with pytest.raises(ConfigError, match="GOBANG_SECRET_KEY"):
        unseal(stored[created["id"]], "another application secret")
