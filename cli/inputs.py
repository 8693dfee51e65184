"""Text files the commands read (glossaries, transcripts, meeting details), with one clear error when they can't."""

from __future__ import annotations

from pathlib import Path

from core.errors import NotFoundError
from core.text import nfc


def read_text(path: Path, what: str) -> str:
    """The file as UTF-8 (a byte-order mark is dropped); `what` names it in the error."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise NotFoundError(f"không đọc được {what} (cannot read: {exc})", path=path) from exc


def read_glossary(path: Path | None) -> tuple[str, ...]:
    """One term per line, NFC; blank lines and lines starting with # are ignored."""
    if path is None:
        return ()
    lines = read_text(path, "bảng thuật ngữ").splitlines()
    return tuple(nfc(line.strip()) for line in lines if line.strip() and not line.lstrip().startswith("#"))
