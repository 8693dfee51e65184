"""Operations: liveness, readiness and Prometheus metrics. No authentication: probes and scrapers
run inside the deployment; nothing here reveals more than counts and whether dependencies answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.deps import SettingsDep
from api.problems import PROBLEM_JSON, problem
from api.schemas_accounts import Health, Readiness
from core.db import get_engine

logger = logging.getLogger(__name__)

router = APIRouter(tags=["Vận hành (operations)"])

CHECK_TIMEOUT_S = 3.0
"""A dependency that has not answered by then is reported as not ready (probes must answer quickly)."""


def _ping_database(url: str) -> None:
    with get_engine(url).connect() as connection:
        connection.execute(text("SELECT 1"))


def _ping_redis(url: str) -> None:
    from redis import Redis

    client = Redis.from_url(url, socket_connect_timeout=CHECK_TIMEOUT_S, socket_timeout=CHECK_TIMEOUT_S)
    try:
        client.ping()
    finally:
        client.close()


async def _check(name: str, probe: Callable[[], None]) -> str:
    try:
        await asyncio.wait_for(asyncio.to_thread(probe), timeout=CHECK_TIMEOUT_S)
    except TimeoutError:
        logger.warning("readiness_failed check=%s error=timeout", name)
        return "không trả lời (timeout)"
    except Exception as exc:  # any failure means not ready; the details go to the log, not to the probe
        logger.warning("readiness_failed check=%s error=%s", name, exc)
        return f"lỗi kết nối ({type(exc).__name__})"
    return "ok"


@router.get("/healthz", response_model=Health, summary="Tiến trình còn sống (liveness)")
def healthz() -> Health:
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    summary="Sẵn sàng phục vụ: cơ sở dữ liệu và hàng đợi trả lời (readiness)",
    responses={503: {"description": "Chưa sẵn sàng", "content": {PROBLEM_JSON: {}}}},
)
async def readyz(request: Request, settings: SettingsDep) -> Readiness | JSONResponse:
    checks = {"database": await _check("database", lambda: _ping_database(settings.resolved_database_url))}
    redis_url = settings.redis_url
    if redis_url:
        checks["queue"] = await _check("queue", lambda: _ping_redis(redis_url))
    else:
        started = getattr(request.app.state, "queue", None) is not None
        checks["queue"] = "ok" if started else "chưa khởi động (not started)"
    if all(value == "ok" for value in checks.values()):
        return Readiness(status="ready", checks=checks)
    failing = ", ".join(name for name, value in checks.items() if value != "ok")
    return problem(503, "Chưa sẵn sàng", f"chưa sẵn sàng: {failing} (not ready)", checks=checks)


@router.get(
    "/metrics",
    summary="Số liệu Prometheus (metrics)",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}},
)
def metrics(request: Request) -> Response:
    return Response(generate_latest(request.app.state.metrics), media_type=CONTENT_TYPE_LATEST)
