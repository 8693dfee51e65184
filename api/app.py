"""The FastAPI application: `create_app()` wires settings, database, queue and routers.

On start-up the schema is migrated and every unfinished job found in the database is queued
again, so a restart of the server, a worker or Redis loses nothing; a ticker repeats that
recovery (stale heartbeats, due retries) while the server runs.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import problems
from api.routers import auth, jobs, openai_compat, ops, recordings, transcripts, uploads, users
from api.security import SessionTokens
from core.blobs import BlobStore
from core.db import migrate
from core.settings import Settings, get_settings
from workers.queue import InProcessQueue, JobQueue, RqQueue, requeue_unfinished

logger = logging.getLogger(__name__)

RECOVERY_INTERVAL_S = 10.0


def make_queue(settings: Settings) -> JobQueue:
    return RqQueue(settings.redis_url) if settings.redis_url else InProcessQueue()


def _recovery_ticker(app: FastAPI, stop: threading.Event) -> None:
    while not stop.wait(RECOVERY_INTERVAL_S):
        try:
            requeue_unfinished(app.state.queue, app.state.settings.resolved_database_url)
        except Exception:  # the database or Redis may be briefly away; try again next tick
            logger.exception("recovery_failed")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    migrate(settings.resolved_database_url)
    app.state.queue = make_queue(settings)
    requeue_unfinished(app.state.queue, settings.resolved_database_url)
    stop = threading.Event()
    ticker = threading.Thread(target=_recovery_ticker, args=(app, stop), name="gobang-recovery", daemon=True)
    ticker.start()
    try:
        yield
    finally:
        stop.set()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="gobang",
        summary="Gỡ băng các cuộc họp: bản ghi âm → bản gỡ băng, người nói, biên bản",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.tokens = SessionTokens(settings)
    app.state.blobs = BlobStore(settings.blob_dir)
    problems.install(app)
    for module in (ops, auth, users, recordings, uploads, jobs, transcripts, openai_compat):
        app.include_router(module.router)
    return app
