"""Domain errors, mapped once to HTTP problem details and CLI exit codes.

Every error names what went wrong in words a clerk can act on; ``path`` is kept so a
batch report can say which file failed without parsing the message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path


class GobangError(Exception):
    """Base of all domain errors."""

    exit_code = 1
    http_status = 500
    title = "Lỗi hệ thống"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        extra: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`extra`: machine-readable members of the problem (an expected offset); `headers`: sent with it."""
        self.path = str(path) if path is not None else None
        self.message = message
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})
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


class UnsupportedMediaError(NotAudioError):
    """The content is not in any audio or video format we accept (whatever its name or declared type)."""

    http_status = 415
    title = "Định dạng không được hỗ trợ"


class FileTooLargeError(BadAudioError):
    """The file exceeds the configured size limit."""

    http_status = 413
    title = "Tệp quá lớn"


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


class ModelNotAllowedError(ModelError):
    """The operator allows only models of verified provenance, and this one is not."""

    http_status = 403
    title = "Mô hình không được phép"


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


class InvalidInputError(GobangError):
    """Input breaks a rule the caller can fix (a too-short password, an unknown role, a bad name)."""

    exit_code = 2
    http_status = 422
    title = "Dữ liệu không hợp lệ"


class UnauthenticatedError(GobangError):
    """No valid credentials: not logged in, wrong password, expired token, revoked key."""

    exit_code = 8
    http_status = 401
    title = "Chưa đăng nhập"


class TooManyAttemptsError(GobangError):
    """Too many attempts in a short time; `retry_after_s` tells when to try again (HTTP `Retry-After`)."""

    exit_code = 9
    http_status = 429
    title = "Quá nhiều lần thử"

    def __init__(self, message: str, *, retry_after_s: float) -> None:
        self.retry_after_s = max(retry_after_s, 0.0)
        super().__init__(message, headers={"Retry-After": str(max(math.ceil(self.retry_after_s), 1))})


class AccountLockedError(TooManyAttemptsError):
    """The account is locked for a while after repeated wrong passwords."""

    http_status = 423
    title = "Tài khoản tạm khóa"


class InsufficientStorageError(GobangError):
    """Not enough free disk space for what was sent or announced; nothing already stored is lost."""

    exit_code = 11
    http_status = 507
    title = "Không đủ dung lượng lưu trữ"


class ConfigError(GobangError):
    """The configuration does not allow what was asked (for example a worker without Redis)."""

    exit_code = 10
    title = "Cấu hình chưa đúng"
