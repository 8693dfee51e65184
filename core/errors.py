"""Domain errors, mapped once to HTTP problem details and CLI exit codes.

Every error names what went wrong in words a clerk can act on; ``path`` is kept so a
batch report can say which file failed without parsing the message.
"""

from __future__ import annotations

from pathlib import Path


class GobangError(Exception):
    """Base of all domain errors."""

    exit_code = 1
    http_status = 500
    title = "Lỗi hệ thống"

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        self.message = message
        super().__init__(f"{self.path}: {message}" if self.path else message)


class BadAudioError(GobangError):
    """The input cannot be used as audio."""

    exit_code = 3
    http_status = 422
    title = "Tệp âm thanh không hợp lệ"


class EmptyAudioError(BadAudioError):
    """The file has zero bytes or decodes to no samples."""


class NotAudioError(BadAudioError):
    """The file is not a media container, or has no audio track."""


class CorruptAudioError(BadAudioError):
    """The container or stream is damaged (truncated, bad packets)."""


class SilentAudioError(BadAudioError):
    """The recording decodes but holds no speech."""


class AudioTooLongError(BadAudioError):
    """The recording exceeds the configured duration limit."""

    http_status = 413


class ModelError(GobangError):
    """A model is missing, damaged or misconfigured."""

    exit_code = 4
    title = "Lỗi mô hình"


class NotFoundError(GobangError):
    exit_code = 5
    http_status = 404
    title = "Không tìm thấy"


class ConflictError(GobangError):
    exit_code = 6
    http_status = 409
    title = "Xung đột dữ liệu"


class ForbiddenError(GobangError):
    exit_code = 7
    http_status = 403
    title = "Không có quyền"
