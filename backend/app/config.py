"""Settings read once from the environment (all optional)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parent.parent

REFUSAL_STYLES = ("message", "generic", "silent")
# The backend generation spoken on /local-executor: "responses" (every backend since February 2026,
# PROTOCOL-RESPONSES.md) or "legacy" (the January 2026 one, PROTOCOL.md).
RESPONSES = "responses"
LEGACY = "legacy"
PROTOCOLS = (RESPONSES, LEGACY)


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def _choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, "").strip().lower() or default
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def _users(raw: str) -> dict[str, str]:
    users: dict[str, str] = {}
    for entry in raw.split(","):
        name, sep, password = entry.strip().partition(":")
        if name and sep:
            users[name] = password
    return users


@dataclass(frozen=True)
class Settings:
    db_path: Path
    static_tokens: frozenset[str]
    jwt_secret: str
    users: dict[str, str]
    refusal_style: str
    ping_interval: float
    ping_timeout: float
    online_window: float
    model_url: str | None
    protocol: str
    disconnect_grace: float
    connect_limit: int
    connect_window: float
    call_timeout: float

    @property
    def responses(self) -> bool:
        return self.protocol == RESPONSES

    @staticmethod
    def from_env() -> "Settings":
        db = Path(os.environ.get("WEGENT_DEV_DB", "") or ".data/dev.db")
        if not db.is_absolute():
            db = BACKEND_DIR / db
        tokens = os.environ.get("WEGENT_DEV_TOKENS", "test-token")
        model_url = os.environ.get("WEGENT_DEV_MODEL_URL") or os.environ.get("WEGENT_DEV_PUBLIC_URL")
        return Settings(
            db_path=db,
            static_tokens=frozenset(t.strip() for t in tokens.split(",") if t.strip()),
            jwt_secret=os.environ.get("WEGENT_DEV_JWT_SECRET") or "wegent-dev-backend-secret-change-me",
            users=_users(os.environ.get("WEGENT_DEV_USERS") or "admin:admin"),
            refusal_style=_choice("WEGENT_DEV_REFUSAL_STYLE", REFUSAL_STYLES, "message"),
            ping_interval=_float("WEGENT_DEV_PING_INTERVAL", 25.0),
            ping_timeout=_float("WEGENT_DEV_PING_TIMEOUT", 20.0),
            online_window=_float("WEGENT_DEV_ONLINE_WINDOW", 90.0),
            model_url=model_url.rstrip("/") if model_url else None,
            protocol=_choice("WEGENT_DEV_PROTOCOL", PROTOCOLS, RESPONSES),
            disconnect_grace=_float("WEGENT_DEV_DISCONNECT_GRACE", 2.0),
            connect_limit=int(_float("WEGENT_DEV_CONNECT_LIMIT", 30)),
            connect_window=_float("WEGENT_DEV_CONNECT_WINDOW", 30.0),
            call_timeout=_float("WEGENT_DEV_CALL_TIMEOUT", 120.0),
        )
