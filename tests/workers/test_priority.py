"""Job work runs below the API's CPU priority, and only job work does."""

from __future__ import annotations

import os
import threading

from workers.queue import lower_priority


def _nice_of_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_worker_thread_and_the_threads_it_starts_run_at_lower_priority_the_rest_do_not() -> None:
    before = _nice_of_thread()
    seen: dict[str, int] = {}

    def worker() -> None:
        lower_priority(before + 5)
        seen["worker"] = _nice_of_thread()
        child = threading.Thread(target=lambda: seen.__setitem__("model_pool", _nice_of_thread()))
        child.start()
        child.join()
        lower_priority(0)  # zero asks for nothing: never raises a thread back or further down
        seen["after_zero"] = _nice_of_thread()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()

    assert seen == {"worker": before + 5, "model_pool": before + 5, "after_zero": before + 5}
    assert _nice_of_thread() == before  # the server's own threads keep answering at full priority
