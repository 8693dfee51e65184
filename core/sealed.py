"""Secrets gobang must read back, kept sealed in the database: a dump of it does not give them away.

Webhook signing secrets cannot be hashed (each delivery is signed with them), so they are encrypted
(Fernet: AES-128-CBC with an HMAC) under a key derived from the application secret, which lives
outside the database (`GOBANG_SECRET_KEY`, or `home/secret.key`, 0600). Every process that signs
(API servers, workers) must share that secret, as they already must for session tokens.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from core.errors import ConfigError
from core.files import private_file
from core.settings import Settings

SEALED_PREFIX = "sealed:v1:"
"""Marks a sealed value; a stored value without it was written before sealing (and is sealed at start)."""


def app_secret(settings: Settings) -> str:
    """The configured secret, or one generated once and kept (0600) under `home`."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.home / "secret.key"
    if not path.is_file() or not path.read_text().strip():
        private_file(path).write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(b"gobang-sealed-v1:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(plain: str, secret: str) -> str:
    """`plain` encrypted under `secret`, ready to store."""
    return SEALED_PREFIX + _fernet(secret).encrypt(plain.encode()).decode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(SEALED_PREFIX)


def unseal(stored: str, secret: str) -> str:
    """The plain value of a stored one (a value stored before sealing is returned as it is)."""
    if not is_sealed(stored):
        return stored
    try:
        return _fernet(secret).decrypt(stored.removeprefix(SEALED_PREFIX).encode()).decode()
    except InvalidToken:
        raise ConfigError(
            "không mở được bí mật đã niêm phong: GOBANG_SECRET_KEY (hoặc home/secret.key) khác với khi lưu "
            "(sealed secret does not open with this application secret)"
        ) from None
