"""The FastAPI application: `create_app()` wires settings, database, queue and routers.

On start-up the schema is migrated and every unfinished job found in the database is queued
again, so a restart of the server, a worker or Redis loses nothing; a ticker repeats that
recovery (stale heartbeats, due retries) while the server runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from accounts.ratelimit import make_login_limiter
from accounts.verified_keys import verified_keys
from api import problems
from api.limits import BodyLimit
from api.metrics import build_registry
from api.middleware import HardeningHeaders, HeaderLimits
from api.routers import (
    auth,
    dictation,
    jobs,
    live,
    minutes,
    openai_compat,
    ops,
    recordings,
    search,
    transcripts,
    uploads,
    users,
    voice_login,
    voiceprints,
    web,
    webhooks,
)
from api.security import SessionTokens
from core.blobs import open_blob_store
from core.db import migrate
from core.files import private_dir
from core.housekeeping import sweep
from core.settings import Settings, get_settings
from workers.queue import make_queue, requeue_unfinished
from workers.webhooks import run_sender, seal_stored_secrets

logger = logging.getLogger(__name__)


SWEEP_EVERY_S = 600.0
"""How often the ticker expires idle uploads and stale temporary files (`core.housekeeping`)."""


def _recovery_ticker(app: FastAPI, stop: threading.Event) -> None:
    """Requeue jobs of dead workers and due retries; now and then sweep the disk.

    Webhooks have their own thread (`workers.webhooks.run_sender`)."""
    settings: Settings = app.state.settings
    swept_at = 0.0
    while not stop.wait(settings.jobs.recovery_interval_s):
        try:
            requeue_unfinished(app.state.queue, settings)
            if time.monotonic() - swept_at >= SWEEP_EVERY_S:
                sweep(settings, app.state.blobs)
                swept_at = time.monotonic()
        except Exception:  # the database or Redis may be briefly away; try again next tick
            logger.exception("recovery_failed")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    migrate(settings.resolved_database_url, voiceprints_file=settings.voiceprints_path)
    seal_stored_secrets(settings)
    app.state.queue = make_queue(settings, app.state.blobs)
    requeue_unfinished(app.state.queue, settings)
    stop = threading.Event()
    ticker = threading.Thread(target=_recovery_ticker, args=(app, stop), name="gobang-recovery", daemon=True)
    ticker.start()
    sender = threading.Thread(target=run_sender, args=(settings, stop), name="gobang-webhooks", daemon=True)
    sender.start()
    try:
        yield
    finally:
        stop.set()
        ticker.join(timeout=5)
        sender.join(timeout=5)
        app.state.queue.close()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    private_dir(settings.home)
    app = FastAPI(
        title="gobang",
        summary="Gỡ băng các cuộc họp: bản ghi âm → bản gỡ băng, người nói, biên bản",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tokens = SessionTokens(settings)
    app.state.api_keys = verified_keys(settings)
    app.state.login_limiter = make_login_limiter(settings.redis_url, settings.login_ip_failures_per_minute)
    app.state.metrics = build_registry(app.state)
    app.state.blobs = open_blob_store(settings)
    problems.install(app)
    app.add_middleware(HeaderLimits)
    app.add_middleware(BodyLimit, settings=settings, tokens=app.state.tokens, keys=app.state.api_keys)
    app.add_middleware(HardeningHeaders)  # outermost: refusals by the guards above carry the headers too
    for module in (
        ops,
        auth,
        users,
        recordings,
        uploads,
        jobs,
        transcripts,
        minutes,
        openai_compat,
        webhooks,
        voiceprints,
        search,
        web,
    ):
        app.include_router(module.router)
    for extra in (voice_login.router, voice_login.pages, dictation.router):  # voice login and dictation (#7)
        app.include_router(extra)
    app.include_router(live.router)  # live session captions (#21)
    web.mount_static(app)
    return app
