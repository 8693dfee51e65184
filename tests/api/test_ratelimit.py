"""The failed-login windows: in-process (with a fake clock) and on the real Redis."""

from __future__ import annotations

import secrets

import pytest

from accounts.ratelimit import MemoryLimiter, RedisLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_window_slides() -> None:
    clock = Clock()
    limiter = MemoryLimiter(3, 60.0, clock=clock)
    for _ in range(3):
        assert limiter.retry_after("1.2.3.4") == 0
        limiter.hit("1.2.3.4")
        clock.now += 10
    assert limiter.retry_after("1.2.3.4") == pytest.approx(30.0)  # the first hit leaves the window at 1060
    assert limiter.retry_after("5.6.7.8") == 0
    clock.now += 30
    assert limiter.retry_after("1.2.3.4") == 0


def test_memory_stays_bounded_under_many_addresses() -> None:
    clock = Clock()
    limiter = MemoryLimiter(2, 60.0, max_keys=100, clock=clock)
    for i in range(1000):
        limiter.hit(f"2001:db8::{i:x}")
        clock.now += 0.01
    assert len(limiter._hits) <= 100
    assert limiter.retry_after("2001:db8::3e7") == 0  # one hit is under the limit of two


def test_redis_window_is_shared_between_limiters() -> None:
    prefix = f"gobang-test:{secrets.token_hex(4)}"
    first = RedisLimiter("redis://127.0.0.1:6379/0", 3, 60.0, prefix=prefix)
    second = RedisLimiter("redis://127.0.0.1:6379/0", 3, 60.0, prefix=prefix)  # another server process
    try:
        first.redis.ping()
    except Exception as exc:
        pytest.fail(f"Redis not reachable on 127.0.0.1:6379 (start it, as .ci/run does): {exc}")
    try:
        for _ in range(2):
            first.hit("10.0.0.1")
        assert second.retry_after("10.0.0.1") == 0
        second.hit("10.0.0.1")
        assert 59 < first.retry_after("10.0.0.1") <= 60
        assert first.retry_after("10.0.0.2") == 0
    finally:
        first.redis.delete(f"{prefix}:10.0.0.1")


def test_redis_unreachable_lets_logins_through() -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0", 1, 60.0)
    limiter.hit("10.0.0.1")
    assert limiter.retry_after("10.0.0.1") == 0
