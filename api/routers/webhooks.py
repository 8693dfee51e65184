"""Webhooks: receivers told when a job ends (`job.succeeded`, `job.failed`, `job.cancelled`). Admins only.

Each delivery is signed (`X-Gobang-Signature: t=<time>,v1=<HMAC-SHA256 of "<t>.<body>">`) with the
webhook's secret, shown once when it is created, and retried with backoff until it is answered 2xx.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.deps import Admin, DbSession, SettingsDep
from api.schemas import MAX_INT, DeliveryOut, WebhookCreate, WebhookCreated, WebhookOut
from core.audit import record
from core.errors import NotFoundError
from core.sealed import app_secret, seal
from core.tables import OrgUnit, Webhook, WebhookDelivery
from workers.webhook_targets import check_target

router = APIRouter(tags=["webhooks"])

WebhookId = Annotated[int, Path(ge=1, le=MAX_INT)]


def _webhook(db: Session, webhook_id: int) -> Webhook:
    hook = db.get(Webhook, webhook_id)
    if hook is None:
        raise NotFoundError(f"không có webhook {webhook_id} (no such webhook)")
    return hook


@router.post("/webhooks", status_code=201, response_model=WebhookCreated)
def create_webhook(body: WebhookCreate, db: DbSession, principal: Admin, settings: SettingsDep) -> WebhookCreated:
    """Register a receiver; the answer carries its signing secret, which is never shown again. Loopback,
    link-local and private addresses are refused (422) unless `webhooks.allow_hosts` names them."""
    if body.org_unit_id is not None and db.get(OrgUnit, body.org_unit_id) is None:
        raise NotFoundError(f"không có đơn vị {body.org_unit_id} (no such unit)")
    check_target(body.url, settings.webhooks.allow_hosts)
    secret = body.secret or secrets.token_urlsafe(32)
    hook = Webhook(url=body.url, org_unit_id=body.org_unit_id, secret=seal(secret, app_secret(settings)))
    db.add(hook)
    db.flush()
    record(db, principal.name, "webhook.create", f"webhook:{hook.id}", url=hook.url)
    db.commit()
    return WebhookCreated(
        id=hook.id, url=hook.url, org_unit_id=hook.org_unit_id, created_at=hook.created_at, secret=secret
    )


@router.get("/webhooks", response_model=list[WebhookOut])
def list_webhooks(db: DbSession, principal: Admin) -> list[WebhookOut]:
    return [WebhookOut.model_validate(h) for h in db.scalars(select(Webhook).order_by(Webhook.id)).all()]


@router.delete("/webhooks/{webhook_id}", status_code=204, response_class=Response)
def delete_webhook(webhook_id: WebhookId, db: DbSession, principal: Admin) -> Response:
    """Stop notifying a receiver; its pending deliveries are dropped."""
    hook = _webhook(db, webhook_id)
    db.execute(delete(WebhookDelivery).where(WebhookDelivery.webhook_id == hook.id))
    db.delete(hook)
    record(db, principal.name, "webhook.delete", f"webhook:{webhook_id}")
    db.commit()
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(
    webhook_id: WebhookId, db: DbSession, principal: Admin, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[DeliveryOut]:
    """Recent deliveries, newest first: attempts, last error, when the next try is due."""
    hook = _webhook(db, webhook_id)
    rows = db.scalars(
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == hook.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    ).all()
    return [DeliveryOut.model_validate(d) for d in rows]
