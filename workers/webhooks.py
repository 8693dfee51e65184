"""Webhooks: a signed POST to each registered receiver when a job ends, retried with backoff until delivered.

A delivery is a row written in the same transaction as the job's final status, so a crash
between the two cannot lose or invent a notification. Senders claim a delivery with a
conditional update before posting it, so the server's sender and a worker never send the same
attempt twice: an attempt has an overall deadline (`webhooks.deadline_s`, however slowly the
receiver answers) shorter than its lease. Receivers must be public addresses unless allow-listed
(`workers.webhook_targets`); redirects are not followed. Receivers check `X-Gobang-Signature:
t=<unix time>,v1=<hex>`, an HMAC-SHA256 with the webhook's secret over `<t>.<body>`, and refuse
old timestamps (replays): see `verify`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.db import session_scope
from core.sealed import app_secret, is_sealed, seal, unseal
from core.settings import Settings, WebhookSettings
from core.tables import Job, Recording, Webhook, WebhookDelivery
from workers.webhook_targets import WebhookTargetError, check_target

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gobang-Signature"
EVENT_HEADER = "X-Gobang-Event"
DELIVERY_HEADER = "X-Gobang-Delivery"
ATTEMPT_HEADER = "X-Gobang-Attempt"
"""Attempt number of the delivery: each (delivery, attempt) is sent at most once."""
MAX_BACKOFF_S = 6 * 3600


def _now() -> datetime:
    return datetime.now(UTC)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 over `<timestamp>.<body>`: the timestamp is signed so a replay cannot refresh it."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, tolerance_s: float = 300, now: float | None = None) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(parts.get("v1", ""), sign(secret, timestamp, body))


def backoff(attempts: int, base_s: float) -> timedelta:
    return timedelta(seconds=min(base_s * 4 ** max(attempts - 1, 0), MAX_BACKOFF_S))


def enqueue_job_event(session: Session, job: Job, **extra: object) -> list[int]:
    """Deliveries of `job.<status>` to every webhook of the recording's unit (and the global ones)."""
    org_unit_id = session.scalar(select(Recording.org_unit_id).where(Recording.id == job.recording_id))
    hooks = session.scalars(
        select(Webhook).where(or_(Webhook.org_unit_id.is_(None), Webhook.org_unit_id == org_unit_id))
    ).all()
    if not hooks:
        return []
    event = f"job.{job.status.value}"
    payload: dict[str, Any] = {
        "event": event,
        "job": {
            "id": job.id,
            "recording_id": job.recording_id,
            "status": job.status.value,
            "stage": job.stage,
            "progress": job.progress,
            "attempts": job.attempts,
            "error": job.error,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        },
        **extra,
    }
    deliveries = [
        WebhookDelivery(webhook_id=hook.id, event=event, payload=payload, attempts=0, next_attempt_at=_now())
        for hook in hooks
    ]
    session.add_all(deliveries)
    session.flush()
    return [d.id for d in deliveries]


LEASE_MARGIN_S = 30.0
"""A claimed attempt is leased for its deadline plus this: it is over (sent or abandoned) before anyone else may
take the delivery again, so no attempt is ever sent twice."""


def deliver_due(settings: Settings, *, ids: Sequence[int] | None = None, limit: int = 100) -> int:
    """Send every due delivery (or just `ids`); returns how many were delivered. Blocks the calling thread for at
    most `webhooks.deadline_s` per delivery."""
    url = settings.resolved_database_url
    now = _now()
    query = (
        select(WebhookDelivery.id, WebhookDelivery.attempts)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.next_attempt_at.is_not(None),
            WebhookDelivery.next_attempt_at <= now,
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(WebhookDelivery.id.in_(list(ids)))
    with session_scope(url) as session:
        due = session.execute(query).all()
    if not due:
        return 0
    return asyncio.run(_send_all(url, settings.webhooks, app_secret(settings), [(d, a) for d, a in due]))


def seal_stored_secrets(settings: Settings) -> int:
    """Seal the signing secrets stored in clear before sealing existed; returns how many."""
    key = app_secret(settings)
    with session_scope(settings.resolved_database_url) as session:
        hooks = [h for h in session.scalars(select(Webhook)).all() if not is_sealed(h.secret)]
        for hook in hooks:
            hook.secret = seal(hook.secret, key)
    if hooks:
        logger.info("webhook_secrets_sealed count=%d", len(hooks))
    return len(hooks)


async def _send_all(url: str, config: WebhookSettings, key: str, due: Sequence[tuple[int, int]]) -> int:
    """`key`: the application secret the signing secrets are sealed under."""
    # trust_env off: a proxy from the environment would connect on our behalf, past the address check.
    async with httpx.AsyncClient(timeout=config.timeout_s, follow_redirects=False, trust_env=False) as client:
        delivered = 0
        for delivery_id, attempts in due:
            delivered += await _attempt(url, config, key, client, delivery_id, attempts)
        return delivered


def _claim(url: str, config: WebhookSettings, delivery_id: int, seen_attempts: int) -> tuple[str, str, str, Any] | None:
    """Take attempt `seen_attempts + 1` of a delivery (None: another sender took it): (url, secret, event, payload)."""
    lease = _now() + timedelta(seconds=config.deadline_s + LEASE_MARGIN_S)
    with session_scope(url) as session:
        claimed = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.attempts == seen_attempts,
                WebhookDelivery.delivered_at.is_(None),
            )
            .values(attempts=seen_attempts + 1, next_attempt_at=lease)
        )
        if getattr(claimed, "rowcount", 0) != 1:
            return None
        delivery = session.get_one(WebhookDelivery, delivery_id)
        hook = session.get_one(Webhook, delivery.webhook_id)
        return hook.url, hook.secret, delivery.event, delivery.payload


async def _post(
    client: httpx.AsyncClient, config: WebhookSettings, target_url: str, body: bytes, headers: dict[str, str]
) -> str | None:
    """POST to a checked address within the attempt's deadline; the error, or None when answered 2xx."""
    try:
        target = check_target(target_url, config.allow_hosts)
    except WebhookTargetError as exc:
        return exc.message
    pinned = httpx.URL(target_url).copy_with(host=target.address)
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    headers = headers | {"Host": httpx.URL(target_url).netloc.decode("ascii")}
    try:
        async with asyncio.timeout(config.deadline_s):
            response = await client.post(pinned, content=body, headers=headers, extensions=extensions)
    except TimeoutError:
        return f"quá thời hạn {config.deadline_s:g} s (attempt deadline exceeded)"
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"


async def _attempt(
    url: str, config: WebhookSettings, key: str, client: httpx.AsyncClient, delivery_id: int, seen_attempts: int
) -> int:
    claimed = _claim(url, config, delivery_id, seen_attempts)
    if claimed is None:
        return 0  # someone else is sending this attempt
    target_url, sealed, event, payload = claimed
    secret = unseal(sealed, key)
    attempt = seen_attempts + 1
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "gobang-webhooks",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        ATTEMPT_HEADER: str(attempt),
        SIGNATURE_HEADER: signature_header(secret, body),
    }
    error = await _post(client, config, target_url, body, headers)
    with session_scope(url) as session:
        if error is None:
            values: dict[str, object] = {"delivered_at": _now(), "next_attempt_at": None, "last_error": None}
        elif attempt >= config.max_attempts:
            values = {"next_attempt_at": None, "last_error": error}
        else:
            values = {"next_attempt_at": _now() + backoff(attempt, config.retry_base_s), "last_error": error}
        mine = (WebhookDelivery.id == delivery_id, WebhookDelivery.attempts == attempt)
        session.execute(update(WebhookDelivery).where(*mine).values(**values))
    logger.info("webhook_attempt delivery=%d event=%s attempt=%d error=%s", delivery_id, event, attempt, error)
    return int(error is None)


def run_sender(settings: Settings, stop: threading.Event) -> None:
    """The server's webhook thread: due deliveries and retries, apart from job recovery, so a slow receiver
    never delays the requeueing of jobs."""
    while not stop.wait(settings.jobs.recovery_interval_s):
        try:
            deliver_due(settings)
        except Exception:  # the database may be briefly away; try again next tick
            logger.exception("webhook_sender_failed")


def deliver_soon(settings: Settings, ids: Sequence[int]) -> None:
    """Try these deliveries now on a background thread; whatever fails is retried by `deliver_due` later."""
    if not ids:
        return

    def run() -> None:
        try:
            deliver_due(settings, ids=ids)
        except Exception:  # the periodic sender retries
            logger.exception("webhook_delivery_failed ids=%s", list(ids))

    threading.Thread(target=run, name="gobang-webhooks", daemon=True).start()
