"""Sliding-window counters for failed logins per client address.

Two implementations behind one protocol: in-process (the embedded default; each server process
counts on its own, so with N processes a client gets up to N times the limit) and Redis (when
`GOBANG_REDIS_URL` is set; every server process shares one count). Per-account lockout does not
depend on either: it lives in the database (`login_failures`, per account and address).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)


class FailureLimiter(Protocol):
    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may try now."""
        ...

    def hit(self, key: str) -> None:
        """Count one failure for `key`."""
        ...


class MemoryLimiter:
    """At most `limit` failures per `window_s` per key, in this process."""

    def __init__(
        self,
        limit: int,
        window_s: float = 60.0,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window_s, self.max_keys, self._clock = limit, window_s, max_keys, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.window_s:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def retry_after(self, key: str) -> float:
        with self._lock:
            now = self._clock()
            hits = self._recent(key, now)
            if hits is None or len(hits) < self.limit:
                return 0.0
            return hits[-self.limit] + self.window_s - now

    def hit(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            if key not in self._hits and len(self._hits) >= self.max_keys:
                self._forget_idle(now)
            hits = self._recent(key, now) or self._hits.setdefault(key, deque())
            hits.append(now)
            while len(hits) > self.limit:  # older hits no longer change the answer
                hits.popleft()

    def _forget_idle(self, now: float) -> None:
        """Memory stays bounded however many addresses fail: expired keys go, then the oldest ones."""
        for key in list(self._hits):
            self._recent(key, now)
        while len(self._hits) >= self.max_keys:
            oldest = min(self._hits, key=lambda k: self._hits[k][-1])
            del self._hits[oldest]


class RedisLimiter:
    """The same window in a Redis sorted set per key, shared by every server process.

    If Redis is unreachable the limiter lets attempts through (and logs): logins keep working and
    the per-account lockout in the database still stops password guessing.
    """

    def __init__(self, redis_url: str, limit: int, window_s: float = 60.0, *, prefix: str = "gobang:login") -> None:
        from redis import Redis

        self.redis = Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        self.limit, self.window_s, self.prefix = limit, window_s, prefix

    def _key(self, key: str) -> str:
        return f"{self.prefix}:{key}"

    def retry_after(self, key: str) -> float:
        now = time.time()
        try:
            pipe = self.redis.pipeline()
            pipe.zremrangebyscore(self._key(key), 0, now - self.window_s)
            pipe.zrange(self._key(key), -self.limit, -self.limit, withscores=True)
            pipe.zcard(self._key(key))
            _, nth_newest, count = pipe.execute()
        except Exception:
            logger.warning("login_limiter_unavailable", exc_info=True)
            return 0.0
        if count < self.limit or not nth_newest:
            return 0.0
        return max(float(nth_newest[0][1]) + self.window_s - now, 0.0)

    def hit(self, key: str) -> None:
        now = time.time()
        try:
            pipe = self.redis.pipeline()
            pipe.zadd(self._key(key), {f"{now:.6f}:{secrets.token_hex(4)}": now})
            pipe.zremrangebyrank(self._key(key), 0, -self.limit - 1)
            pipe.expire(self._key(key), int(self.window_s) + 1)
            pipe.execute()
        except Exception:
            logger.warning("login_limiter_unavailable", exc_info=True)


def make_login_limiter(redis_url: str | None, failures_per_minute: int) -> FailureLimiter:
    if redis_url:
        return RedisLimiter(redis_url, failures_per_minute)
    return MemoryLimiter(failures_per_minute)
