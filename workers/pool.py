"""A process pool that survives its workers: numbered items run on spawned processes, one result each.

Each process gets the handler once (pickled; it may create a model on first use) and ignores SIGINT:
on Ctrl-C the parent cancels what has not started, terminates the workers (which unwind, so a file being
written atomically is removed, not left as a temporary; killed if they do not stop) and re-raises. Progress
events and log records come back through one queue. A worker that dies (a native crash on a damaged
file) breaks the whole pool, so every item then running is suspect: a lone suspect is the culprit and
gets the `crashed` result; several are run again one at a time, so only the culprit fails. The rest
goes on in a new pool.
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
import os
import queue
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar


class Numbered(Protocol):
    @property
    def index(self) -> int:
        """Unique among the items of one run, and small (it indexes a shared array)."""
        ...


T = TypeVar("T", bound=Numbered)
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
Emit = Callable[[T, str, float], None]
"""(item, stage, fraction of the item done)."""


class Handler(Protocol[T, R_co]):
    def handle(self, item: T, emit: Emit[T]) -> R_co: ...


_handler: Any = None
_events: Any = None
_begun: Any = None


def _init_process(handler: Any, events: Any, begun: Any, log_level: int) -> None:
    """Pool initializer: leave Ctrl-C to the parent, send logs and progress back through `events`."""
    global _handler, _events, _begun
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _unwind)
    root = logging.getLogger()
    root.handlers = [logging.handlers.QueueHandler(events)]
    root.setLevel(log_level)
    _handler, _events, _begun = handler, events, begun


def _unwind(signum: int, frame: object) -> None:
    """SIGTERM from `_terminate`: exit through Python, so `finally` and cleanup handlers run."""
    raise SystemExit(128 + signum)


def _handle_in_worker(item: Any) -> Any:
    assert _handler is not None
    _begun[item.index] = 1  # shared memory, written at once: survives a crash that loses queued events
    try:
        return _handler.handle(item, lambda i, stage, fraction: _events.put((i.index, stage, fraction)))
    except SystemExit as stop:  # terminated mid-item (`_unwind`): its cleanup has run; the pool would catch this
        os._exit(stop.code if isinstance(stop.code, int) else 1)


def run_pool(
    items: Sequence[T],
    handler: Handler[T, R],
    workers: int,
    finish: Callable[[T, R], None],
    emit: Emit[T],
    crashed: Callable[[T, bool], R],
) -> None:
    """Run `handler.handle` over `items` on up to `workers` spawned processes, calling `finish` with each result.

    `crashed(item, started)`: the result of an item whose worker died while handling it (`started`), or of
    every item left when no worker could start at all.
    """
    context = multiprocessing.get_context("spawn")
    remaining = list(items)
    solo: set[int] = set()
    while remaining:
        todo = [i for i in remaining if i.index in solo] or remaining
        finished, suspects = _pool_round(context, todo, 1 if solo else workers, handler, finish, emit)
        remaining = [i for i in remaining if i.index not in finished]
        solo -= finished
        if suspects is None:
            continue
        if not suspects:  # no item was begun: the workers cannot start at all
            for item in remaining:
                finish(item, crashed(item, False))
            return
        if len(suspects) > 1:
            solo |= {i.index for i in suspects}
            continue
        finish(suspects[0], crashed(suspects[0], True))
        remaining.remove(suspects[0])
        solo.discard(suspects[0].index)


def _pool_round(
    context: Any,
    items: list[T],
    workers: int,
    handler: Handler[T, R],
    finish: Callable[[T, R], None],
    emit: Emit[T],
) -> tuple[set[int], list[T] | None]:
    """One pool over `items`: the indices finished, and None, or if a worker died, the unfinished items begun."""
    by_index = {i.index: i for i in items}
    events = context.Queue()  # a fresh one per pool: a killed worker may have died holding the old one's lock
    begun = context.Array("b", max(by_index) + 1, lock=False)
    finished: set[int] = set()
    broken = False
    executor = ProcessPoolExecutor(
        max_workers=min(workers, len(items)),
        mp_context=context,
        initializer=_init_process,
        initargs=(handler, events, begun, logging.getLogger().getEffectiveLevel()),
    )
    try:
        futures = {executor.submit(_handle_in_worker, item): item for item in items}
        pending: set[Future[R]] = set(futures)
        while pending and not broken:
            done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
            _drain(events, by_index, emit, finished)
            for future in done:
                if isinstance(future.exception(), BrokenProcessPool):
                    broken = True
                else:
                    finish(futures[future], future.result())
                    finished.add(futures[future].index)
        executor.shutdown(wait=not broken, cancel_futures=broken)
    except BaseException:
        _terminate(executor)
        raise
    if not broken:
        _drain(events, by_index, emit, finished)
        return finished, None
    return finished, [i for i in items if begun[i.index] and i.index not in finished]


def _drain(events: Any, by_index: dict[int, T], emit: Emit[T], finished: set[int]) -> None:
    """Forward what workers sent: progress to `emit`, log records to this process's handlers.

    Progress travels apart from results, so it can arrive after its item finished; that is dropped.
    """
    while True:
        try:
            event = events.get_nowait()
        except queue.Empty:
            return
        if isinstance(event, logging.LogRecord):
            logging.getLogger(event.name).handle(event)
        else:
            index, stage, fraction = event
            if index not in finished:
                emit(by_index[index], stage, fraction)


def _terminate(executor: ProcessPoolExecutor) -> None:
    """Stop running tasks now: cancel what has not started and terminate the worker processes."""
    processes = list(executor._processes.values())  # no public API stops running tasks (Python 3.11)
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=10)
        if process.is_alive():  # still inside a native call that does not return
            process.kill()
            process.join()
