"""Web sessions: signed, expiring session tokens and the CSRF token paired with each."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

from core.sealed import app_secret
from core.settings import Settings


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
