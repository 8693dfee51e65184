"""The caption feed of live sessions: one captioner per session in this process, any number of viewers.

The process that receives a session's audio captions it and fans the captions out to the SSE
viewers connected to it (a viewer that joins late first gets every final so far). Captions are
not shared between server processes: with several API processes behind a load balancer, the
audio socket and the viewers of one session must reach the same process (sticky routing by id).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from workers.live import LiveCaptioner

_VIEWER_BACKLOG = 1000
"""Messages a slow viewer may fall behind before it is dropped (its page reconnects and replays the finals)."""


@dataclass
class CaptionFeed:
    """One session's captioner, its finals so far, and the queues of its viewers."""

    captioner: LiveCaptioner
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while audio is stored and captioned: one message at a time, in order."""
    finals: list[dict[str, Any]] = field(default_factory=list)
    ended: dict[str, Any] | None = None
    """The `end` message (recording and job ids) once the session has ended."""
    _viewers: set[asyncio.Queue[dict[str, Any]]] = field(default_factory=set)

    def publish(self, message: dict[str, Any]) -> None:
        if message["type"] == "final":
            self.finals.append(message)
        if message["type"] == "end":
            self.ended = message
        for viewer in list(self._viewers):
            try:
                viewer.put_nowait(message)
            except asyncio.QueueFull:
                self._viewers.discard(viewer)

    def subscribe(self) -> tuple[list[dict[str, Any]], asyncio.Queue[dict[str, Any]]]:
        """(finals so far, queue of what comes next); call `unsubscribe` when the viewer leaves."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(_VIEWER_BACKLOG)
        self._viewers.add(queue)
        return list(self.finals), queue

    def unsubscribe(self, queue: asyncio.Queue[dict[str, Any]]) -> None:
        self._viewers.discard(queue)
