"""Credentials: argon2 password hashes, API keys hashed at rest, signed session tokens, CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.sealed import app_secret
from core.settings import Settings

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


@dataclass(frozen=True)
class TokenClaims:
    """What a valid session token says: whose it is, how they logged in, when, and its own id (for logout)."""

    user_id: int
    method: str
    issued_at: float
    """Unix time with sub-second precision, compared with `users.tokens_valid_after`."""
    token_id: str | None
    """Random id; a logout puts it in `revoked_tokens` until the token would have expired anyway."""


class SessionTokens:
    """Signed, expiring tokens carrying a user id: the web session cookie and bearer tokens for other services.

    Tokens are stateless (no lookup to validate the signature); revocation is a per-user "not before"
    instant and a list of logged-out token ids, both checked in `api.deps`.
    """

    def __init__(self, settings: Settings) -> None:
        secret = app_secret(settings)
        self._serializer = URLSafeTimedSerializer(secret, salt="gobang-session")
        self._csrf_key = hashlib.sha256(f"gobang-csrf:{secret}".encode()).digest()
        self.max_age_s = int(settings.session_hours * 3600)

    def issue(self, user_id: int, *, method: str = "password") -> str:
        return self._serializer.dumps({"uid": user_id, "m": method, "iat": time.time(), "jti": secrets.token_hex(16)})

    def claims(self, token: str) -> TokenClaims | None:
        """The claims of a valid, unexpired token, else None."""
        try:
            data = self._serializer.loads(token, max_age=self.max_age_s)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
            return None
        iat, jti = data.get("iat"), data.get("jti")
        return TokenClaims(
            user_id=data["uid"],
            method=str(data.get("m", "password")),
            issued_at=float(iat) if isinstance(iat, int | float) else 0.0,
            token_id=jti if isinstance(jti, str) else None,
        )

    def read(self, token: str) -> tuple[int, str] | None:
        """(user id, login method) of a valid token, else None."""
        claims = self.claims(token)
        return None if claims is None else (claims.user_id, claims.method)

    def csrf_token(self, session_token: str) -> str:
        """The CSRF token belonging to one session: an HMAC of it, so a cookie planted by another site
        (or a sibling subdomain) cannot be paired with a header it chose — the server recomputes it."""
        return hmac.new(self._csrf_key, session_token.encode(), hashlib.sha256).hexdigest()
