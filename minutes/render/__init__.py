"""Minutes to files: DOCX (Mẫu 1.9 of Nghị định 30/2020/NĐ-CP), Markdown and HTML, from one wording."""

from __future__ import annotations

from collections.abc import Callable

from core.text import nfc
from minutes.model import Minutes
from minutes.render.to_docx import render_docx
from minutes.render.to_html import render_html
from minutes.render.to_markdown import render_markdown

FORMATS: tuple[str, ...] = ("docx", "md", "html")
MEDIA_TYPES: dict[str, str] = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

_RENDERERS: dict[str, Callable[[Minutes], bytes]] = {
    "docx": render_docx,
    "md": lambda minutes: nfc(render_markdown(minutes)).encode("utf-8"),
    "html": lambda minutes: nfc(render_html(minutes)).encode("utf-8"),
}


def render(minutes: Minutes, fmt: str) -> bytes:
    """The minutes in `fmt` (one of `FORMATS`), as bytes."""
    renderer = _RENDERERS.get(fmt.lower().lstrip("."))
    if renderer is None:
        raise ValueError(f"unknown minutes format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return renderer(minutes)
