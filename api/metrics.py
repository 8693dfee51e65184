"""Prometheus metrics, computed from the database and the queue at scrape time.

Jobs run in RQ worker processes (often on other machines), where in-process counters would never
reach the server's `/metrics`; the `jobs` table is the one place every worker writes to. So each
scrape counts jobs by status and rebuilds the duration and real-time-factor histograms from the
finished jobs (`started_at`, `finished_at`, `audio_seconds`). They behave like ordinary
cumulative histograms as long as jobs are not deleted; a scrape reads one row per succeeded job,
which stays cheap for the tens of thousands of meetings a council records.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Iterator, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from core.db import session_scope
from core.tables import AuditEvent, Job, JobStatus

logger = logging.getLogger(__name__)

DURATION_BUCKETS_S = (10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0)
"""Wall time of a job: seconds for a short clip up to 8 hours for a day-long session on a slow CPU."""
RTF_BUCKETS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 5.0)
"""Real-time factor = processing seconds / audio seconds; below 1 is faster than real time."""


def _histogram(name: str, doc: str, bounds: Sequence[float], values: Sequence[float]) -> HistogramMetricFamily:
    ordered = sorted(values)
    buckets = [(f"{bound:g}", float(bisect.bisect_right(ordered, bound))) for bound in bounds]
    buckets.append(("+Inf", float(len(ordered))))
    return HistogramMetricFamily(name, doc, buckets=buckets, sum_value=float(sum(ordered)))


class ServiceCollector(Collector):
    """Reads `state.settings` and `state.queue` (the FastAPI app state) at every scrape."""

    def __init__(self, state: Any) -> None:
        self.state = state

    def collect(self) -> Iterator[Metric]:
        yield from self._queue()
        yield from self._jobs()

    def _queue(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("gobang_queue_up", "1 when the job queue answered this scrape.")
        queue = getattr(self.state, "queue", None)
        try:
            depth = float(queue.depth()) if queue is not None else None
        except Exception:
            logger.warning("metrics_queue_unavailable", exc_info=True)
            depth = None
        up.add_metric([], 0.0 if depth is None else 1.0)
        yield up
        if depth is not None:
            yield GaugeMetricFamily("gobang_queue_depth", "Jobs waiting in the queue.", value=depth)

    def _jobs(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("gobang_database_up", "1 when the database answered this scrape.")
        try:
            with session_scope(self.state.settings.resolved_database_url) as db:
                counts = {status: n for status, n in db.execute(select(Job.status, func.count()).group_by(Job.status))}
                audited = db.execute(select(AuditEvent.action, func.count()).group_by(AuditEvent.action)).all()
                finished = db.execute(
                    select(Job.started_at, Job.finished_at, Job.audio_seconds).where(
                        Job.status == JobStatus.succeeded, Job.started_at.is_not(None), Job.finished_at.is_not(None)
                    )
                ).all()
        except Exception:
            logger.warning("metrics_database_unavailable", exc_info=True)
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up

        by_status = GaugeMetricFamily("gobang_jobs", "Jobs in the database by status.", labels=["status"])
        for status in JobStatus:
            by_status.add_metric([status.value], float(counts.get(status, 0)))
        yield by_status
        events = CounterMetricFamily(
            "gobang_audit_events",
            "Audit log entries by action (logins, refusals, voiceprint changes and reads, downloads), CLI's included.",
            labels=["action"],
        )
        for action, n in audited:
            events.add_metric([action], float(n))
        yield events
        yield CounterMetricFamily(
            "gobang_job_failures",
            "Jobs that failed for good (after their retries).",
            value=counts.get(JobStatus.failed, 0),
        )

        durations, factors, audio_total = [], [], 0.0
        for started, ended, audio_s in finished:
            if started is None or ended is None:
                continue
            wall = max((ended - started).total_seconds(), 0.0)
            durations.append(wall)
            if audio_s:
                factors.append(wall / audio_s)
                audio_total += audio_s
        yield _histogram(
            "gobang_job_duration_seconds", "Wall time of succeeded jobs (last attempt).", DURATION_BUCKETS_S, durations
        )
        yield _histogram(
            "gobang_job_realtime_factor", "Processing time / audio duration of succeeded jobs.", RTF_BUCKETS, factors
        )
        yield CounterMetricFamily("gobang_audio_processed_seconds", "Audio transcribed by succeeded jobs.", audio_total)


def build_registry(state: Any) -> CollectorRegistry:
    """One registry per app (not prometheus_client's global one), so several apps in a process do not clash."""
    registry = CollectorRegistry()
    registry.register(ServiceCollector(state))
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry
