"""Structured logs for the command line: one ``key=value`` line per event, printed by rich.

Logs go through the same stderr console as the progress bars, so a log line appears above
the bars instead of tearing them; records from worker processes arrive here too (see
`workers.batch`), so there is one configuration for the whole run. Lines are never wrapped,
so a redirected log stays one event per line.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from rich.console import Console


class KeyValueFormatter(logging.Formatter):
    """``ts=… level=… logger=… <message>``; gobang's messages are already ``event key=value …``."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        line = f"ts={ts} level={record.levelname.lower()} logger={record.name} {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class ConsoleHandler(logging.Handler):
    """Prints formatted records on a rich console, verbatim (no markup, no highlighting, no wrapping)."""

    def __init__(self, console: Console) -> None:
        super().__init__()
        self.console = console

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.console.print(self.format(record), markup=False, highlight=False, soft_wrap=True, style="dim")
        except Exception:
            self.handleError(record)


def configure_logging(level: str, console: Console) -> None:
    """Send every logger's records at `level` and above to `console`; configuring again replaces the handler."""
    handler = ConsoleHandler(console)
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.handlers = [h for h in root.handlers if not isinstance(h, ConsoleHandler)] + [handler]
    root.setLevel(level.upper())
