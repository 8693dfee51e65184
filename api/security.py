"""Credentials: argon2 password hashes, API keys hashed at rest, signed session tokens, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.settings import Settings

_hasher = PasswordHasher()
KEY_PREFIX = "gb_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_key(key: str) -> str:
    """API keys are 32 random bytes: a plain SHA-256 is enough (no dictionary to attack)."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    key: str
    """Shown once, never stored."""
    prefix: str
    key_hash: str


def new_api_key() -> NewKey:
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(key=key, prefix=prefix, key_hash=hash_key(key))


def key_prefix(key: str) -> str | None:
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, _, rest = key.removeprefix(KEY_PREFIX).partition("_")
    return prefix if prefix and rest else None


def keys_match(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def secret_key(settings: Settings) -> str:
    """The configured secret, or one generated once and kept (0600) under `home`."""
    if settings.secret_key:
        return settings.secret_key
    path: Path = settings.home / "secret.key"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


class SessionTokens:
    """Signed, expiring tokens carrying a user id: the web session cookie and bearer tokens for other services."""

    def __init__(self, settings: Settings) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key(settings), salt="gobang-session")
        self.max_age_s = int(settings.session_hours * 3600)

    def issue(self, user_id: int, *, method: str = "password") -> str:
        return self._serializer.dumps({"uid": user_id, "m": method, "iat": int(time.time())})

    def read(self, token: str) -> tuple[int, str] | None:
        """(user id, login method) of a valid token, else None."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        return data["uid"], str(data.get("m", "password"))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)
