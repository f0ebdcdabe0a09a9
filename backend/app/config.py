"""Settings read once from the environment (all optional)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BACKEND_DIR = Path(__file__).resolve().parent.parent

REFUSAL_STYLES = ("message", "generic", "silent")


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


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

    @staticmethod
    def from_env() -> "Settings":
        db = Path(os.environ.get("WEGENT_DEV_DB", "") or ".data/dev.db")
        if not db.is_absolute():
            db = BACKEND_DIR / db
        style = os.environ.get("WEGENT_DEV_REFUSAL_STYLE", "").strip().lower() or "message"
        if style not in REFUSAL_STYLES:
            raise ValueError(f"WEGENT_DEV_REFUSAL_STYLE must be one of {', '.join(REFUSAL_STYLES)}, not {style!r}")
        tokens = os.environ.get("WEGENT_DEV_TOKENS", "test-token")
        model_url = os.environ.get("WEGENT_DEV_MODEL_URL") or os.environ.get("WEGENT_DEV_PUBLIC_URL")
        return Settings(
            db_path=db,
            static_tokens=frozenset(t.strip() for t in tokens.split(",") if t.strip()),
            jwt_secret=os.environ.get("WEGENT_DEV_JWT_SECRET") or "wegent-dev-backend-secret-change-me",
            users=_users(os.environ.get("WEGENT_DEV_USERS") or "admin:admin"),
            refusal_style=style,
            ping_interval=_float("WEGENT_DEV_PING_INTERVAL", 25.0),
            ping_timeout=_float("WEGENT_DEV_PING_TIMEOUT", 20.0),
            online_window=_float("WEGENT_DEV_ONLINE_WINDOW", 90.0),
            model_url=model_url.rstrip("/") if model_url else None,
        )
