"""Tokens: static dev tokens or HS256 JWTs whose `sub` is a known user (as the real backend verifies)."""

from __future__ import annotations

import time

import jwt

from .config import Settings

TOKEN_LIFETIME_SECONDS = 24 * 3600
API_KEY_PREFIX = "wg-"
MISSING_TOKEN = "Missing authentication token"
INVALID_TOKEN = "Invalid or expired token"
INVALID_API_KEY = "Invalid or expired API key"
AUTH_UNAVAILABLE = "Authentication service unavailable"


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

    def socket_user(self, token: str, api_keys: bool, auth_unavailable: bool = False) -> tuple[str | None, str]:
        """The user of a socket token, or None and the refusal reason. With `api_keys` (the newer backend),
        `wg-...` tokens are personal API keys (accepted when listed in the static tokens) and a JWT carrying a
        `scope` claim is refused, as the real backend does; without, every token is checked as today."""
        if not api_keys:
            user = self.user_for(token)
            return user, "" if user else INVALID_TOKEN
        if token.startswith(API_KEY_PREFIX):
            if auth_unavailable:
                return None, AUTH_UNAVAILABLE
            user = self.user_for(token) if token in self._settings.static_tokens else None
            return user, "" if user else INVALID_API_KEY
        if token not in self._settings.static_tokens and self._scoped(token):
            return None, INVALID_TOKEN
        user = self.user_for(token)
        return user, "" if user else INVALID_TOKEN

    def _scoped(self, token: str) -> bool:
        try:
            return "scope" in jwt.decode(token, self._settings.jwt_secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False

    def check_password(self, user_name: str, password: str) -> bool:
        return user_name in self._settings.users and self._settings.users[user_name] == password
