"""Webhooks: a signed POST to each registered receiver when a job ends, retried with backoff until delivered.

A delivery is a row written in the same transaction as the job's final status, so a crash
between the two cannot lose or invent a notification. Senders claim a delivery with a
conditional update before posting it, so the server's ticker and a worker never send the same
attempt twice. Receivers check `X-Gobang-Signature: t=<unix time>,v1=<hex>`, an HMAC-SHA256 with
the webhook's secret over `<t>.<body>`, and refuse old timestamps (replays): see `verify`.
"""

from __future__ import annotations

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
from core.settings import Settings, WebhookSettings
from core.tables import Job, Recording, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Gobang-Signature"
EVENT_HEADER = "X-Gobang-Event"
DELIVERY_HEADER = "X-Gobang-Delivery"
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


def deliver_due(
    settings: Settings, *, ids: Sequence[int] | None = None, client: httpx.Client | None = None, limit: int = 100
) -> int:
    """Send every due delivery (or just `ids`); returns how many were delivered."""
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
    own_client = client is None
    client = client or httpx.Client(timeout=settings.webhooks.timeout_s, follow_redirects=False)
    delivered = 0
    try:
        for delivery_id, attempts in due:
            delivered += _attempt(url, settings.webhooks, client, delivery_id, attempts)
    finally:
        if own_client:
            client.close()
    return delivered


def _attempt(url: str, config: WebhookSettings, client: httpx.Client, delivery_id: int, seen_attempts: int) -> int:
    lease = _now() + timedelta(seconds=config.timeout_s + 30)
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
            return 0  # someone else is sending this attempt
        delivery = session.get_one(WebhookDelivery, delivery_id)
        hook = session.get_one(Webhook, delivery.webhook_id)
        target, secret, event, payload = hook.url, hook.secret, delivery.event, delivery.payload
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "gobang-webhooks",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        SIGNATURE_HEADER: signature_header(secret, body),
    }
    error: str | None = None
    try:
        response = client.post(target, content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            error = f"HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    attempts = seen_attempts + 1
    with session_scope(url) as session:
        if error is None:
            values: dict[str, object] = {"delivered_at": _now(), "next_attempt_at": None, "last_error": None}
        elif attempts >= config.max_attempts:
            values = {"next_attempt_at": None, "last_error": error}
        else:
            values = {"next_attempt_at": _now() + backoff(attempts, config.retry_base_s), "last_error": error}
        session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values))
    logger.info("webhook_attempt delivery=%d event=%s attempt=%d error=%s", delivery_id, event, attempts, error)
    return int(error is None)


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
