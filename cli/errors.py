"""How every command ends on an error: one clear line and the error's exit code, never a traceback."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from core.errors import GobangError

INTERRUPTED_EXIT = 130
"""128 + SIGINT, what shells report for a command stopped by Ctrl-C."""

err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Domain errors become one clear line and their exit code, Ctrl-C exit code 130."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except GobangError as exc:
            # soft_wrap: one line whatever the terminal's width, so logs and scripts can grep it
            err_console.print(f"[bold red]Lỗi ({exc.title}):[/] {escape(str(exc))}", soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err_console.print("[yellow]Đã dừng (interrupted).[/]")
            raise typer.Exit(INTERRUPTED_EXIT) from None

    return wrapper
