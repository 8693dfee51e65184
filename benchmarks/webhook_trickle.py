"""How long can a webhook receiver that trickles its answer hold one attempt? (issue 13, F5)

    .venv/bin/python benchmarks/webhook_trickle.py --byte-every 0.5

A loopback receiver reads the POST, then answers `HTTP/1.1 200 OK …` one byte every `--byte-every` seconds, so
no single read ever waits past the 1 s per-read timeout. Three senders start on the same due delivery at once.
Baseline: no overall deadline (as before the fix, `deadline_s` out of reach); then the configured 2 s deadline.
Prints, for each, how long the attempt was held and how many requests the receiver got for it (1 = sent once).
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from core.db import migrate, session_scope  # noqa: E402
from core.settings import Settings, WebhookSettings  # noqa: E402
from core.tables import Webhook, WebhookDelivery  # noqa: E402
from workers import webhooks  # noqa: E402

REPLY = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


class TrickleReceiver:
    def __init__(self, byte_every_s: float) -> None:
        self.byte_every_s = byte_every_s
        self.requests = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/hooks"

    def _serve(self) -> None:
        while True:
            conn, _ = self.listener.accept()
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            self.requests += 1
            for i in range(len(REPLY)):
                try:
                    conn.sendall(REPLY[i : i + 1])
                except OSError:
                    return
                time.sleep(self.byte_every_s)


def held_for(deadline_s: float, byte_every_s: float) -> tuple[float, int]:
    """(seconds the attempt was held, requests the receiver got) with three concurrent senders."""
    receiver = TrickleReceiver(byte_every_s)
    home = Path(tempfile.mkdtemp())
    hooks = WebhookSettings(timeout_s=1.0, deadline_s=deadline_s, allow_hosts=["127.0.0.1"])
    settings = Settings(home=home, secret_key="benchmark", webhooks=hooks)
    migrate(settings.resolved_database_url)
    with session_scope(settings.resolved_database_url) as db:
        hook = Webhook(url=receiver.url, secret="s" * 32)
        db.add(hook)
        db.flush()
        db.add(
            WebhookDelivery(
                webhook_id=hook.id, event="job.succeeded", payload={}, attempts=0, next_attempt_at=datetime.now(UTC)
            )
        )
    started = time.monotonic()
    senders = [threading.Thread(target=webhooks.deliver_due, args=(settings,)) for _ in range(3)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    return time.monotonic() - started, receiver.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--byte-every", type=float, default=0.5, help="seconds between the receiver's bytes")
    parser.add_argument("--deadline", type=float, default=2.0, help="the overall deadline to measure")
    args = parser.parse_args()
    rows = [
        ("no deadline (before)", *held_for(1e6, args.byte_every)),
        (f"deadline {args.deadline:g} s", *held_for(args.deadline, args.byte_every)),
    ]
    print(f"{'configuration':<22} {'held s':>7} {'requests':>8}")
    for name, held, requests in rows:
        print(f"{name:<22} {held:>7.1f} {requests:>8}")
    (_, before, _), (_, after, sent) = rows
    print(
        f"SUMMARY trickling receiver held an attempt {before:.1f} s without a deadline, {after:.1f} s with "
        f"{args.deadline:g} s ({before / after:.1f}x shorter); requests per attempt: {sent}"
    )


if __name__ == "__main__":
    main()
