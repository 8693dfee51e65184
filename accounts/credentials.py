"""Credentials at rest: argon2 password hashes and API keys stored as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_dummy: tuple[PasswordHasher, str] | None = None
KEY_PREFIX = "gb_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _dummy_hash() -> str:
    """A hash of nothing anyone knows, made with the current parameters (tests swap in a cheaper hasher)."""
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches. Without a hash it still spends an argon2 verification, so an unknown
    user answers as slowly as a known one and the timing does not tell which usernames exist."""
    try:
        ok = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError, UnicodeError):
        return False
    return ok and bool(password_hash)


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: rehash it at the next successful login."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


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
