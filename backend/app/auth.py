"""Tokens: static dev tokens or HS256 JWTs whose `sub` is a known user (as the real backend verifies)."""

from __future__ import annotations

import time

import jwt

from .config import Settings

TOKEN_LIFETIME_SECONDS = 24 * 3600


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    def issue(self, user_name: str) -> str:
        now = int(time.time())
        claims = {"sub": user_name, "iat": now, "exp": now + TOKEN_LIFETIME_SECONDS}
        return jwt.encode(claims, self._settings.jwt_secret, algorithm="HS256")

    def user_for(self, token: str | None) -> str | None:
        """The user a token stands for, or None when it is not accepted (taken verbatim, as the real backend does)."""
        if not token:
            return None
        if token in self._settings.static_tokens:
            return next(iter(self._settings.users), "dev")
        try:
            claims = jwt.decode(token, self._settings.jwt_secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return None
        sub = claims.get("sub")
        return sub if sub in self._settings.users else None

    def check_password(self, user_name: str, password: str) -> bool:
        return user_name in self._settings.users and self._settings.users[user_name] == password
