"""API keys verified recently, remembered for a few seconds so that a status poll does not ask the database who
is calling, while a revoked key is still refused at its next request on every API process.

Freshness comes from a *key generation*: a counter in Redis that every revocation increments after its commit.
A request reads the counter first (one Redis round trip, instead of a database query); an entry remembered
under another generation is stale. An entry made while a revocation was being committed carries the older
generation (it was read before the increment), so it dies at the increment; an entry that carries the new
generation was read from the database after the commit. Without Redis, or while it does not answer, nothing
is remembered and the database decides every time. The TTL bounds the one case left: a key changed without
the increment (by hand in SQL, or Redis unreachable just when the key was revoked).

Entries are keyed by the SHA-256 of the presented key (what the database stores too), never by the key.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from redis import Redis, RedisError

from core.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class _Entry(Generic[T]):
    value: T
    generation: int
    expires: float


class VerifiedKeys(Generic[T]):
    """What each recently verified key grants (`T`: the caller it names), per generation, for at most `ttl_s`."""

    def __init__(
        self,
        redis_url: str,
        prefix: str,
        ttl_s: float,
        *,
        max_entries: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.redis = Redis.from_url(redis_url, socket_timeout=1.0, socket_connect_timeout=1.0)
        self.counter = f"{prefix}:api-keys:generation"
        self.ttl_s, self.max_entries, self._clock = ttl_s, max_entries, clock
        self._entries: dict[str, _Entry[T]] = {}
        self._lock = threading.Lock()

    def generation(self) -> int | None:
        """The current key generation; None when Redis does not answer (then nothing may be remembered)."""
        try:
            value = self.redis.get(self.counter)
        except RedisError as exc:
            logger.warning("api_key_generation_read_failed error=%s", exc)
            return None
        return int(value) if value is not None else 0

    def get(self, key_hash: str, generation: int) -> T | None:
        """What the key granted when it was verified under `generation`, if that is still the current one."""
        with self._lock:
            entry = self._entries.get(key_hash)
            if entry is None:
                return None
            if entry.generation != generation or entry.expires <= self._clock():
                del self._entries[key_hash]
                return None
            return entry.value

    def put(self, key_hash: str, value: T, generation: int) -> None:
        """Remember a key the database accepted; `generation` must have been read *before* the database was."""
        with self._lock:
            self._entries.pop(key_hash, None)
            while len(self._entries) >= self.max_entries:  # the oldest go first
                del self._entries[next(iter(self._entries))]
            self._entries[key_hash] = _Entry(value, generation, self._clock() + self.ttl_s)

    def keys_changed(self) -> bool:
        """After the commit that revoked a key: every process forgets what it remembered. False when Redis did not
        answer (processes may then accept the key for up to `ttl_s`); never raises, the revocation is stored."""
        with self._lock:
            self._entries.clear()
        try:
            self.redis.incr(self.counter)
        except RedisError as exc:
            logger.error("api_key_generation_bump_failed error=%s ttl_s=%s", exc, self.ttl_s)
            return False
        return True


def verified_keys(settings: Settings) -> VerifiedKeys[Any] | None:
    """The deployment's key cache (its generation counter is per queue prefix, so per deployment); None without
    Redis, where the database decides every request."""
    if not settings.redis_url:
        return None
    return VerifiedKeys(settings.redis_url, settings.jobs.queue_prefix, settings.api_key_cache_s)
