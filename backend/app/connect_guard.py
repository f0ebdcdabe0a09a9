"""What a connect attempt is refused for before its token is looked at: the newer backend's per-IP rate limit,
and the dev-only faults a test switches on to see the other temporary refusals."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

SHUTTING_DOWN = "Server is shutting down"
TOO_MANY_ATTEMPTS = "Too many device connection attempts"


class ConnectRateLimit:
    """More than `limit` attempts from one peer within `window` seconds are refused. Every attempt counts,
    successful ones too; a refused one does not (as the real backend keeps it)."""

    def __init__(self, limit: int, window: float) -> None:
        self._limit = limit
        self._window = window
        self._attempts: dict[str, list[float]] = {}

    def allow(self, peer: str) -> bool:
        if self._limit <= 0:
            return True
        now = time.monotonic()
        attempts = [t for t in self._attempts.get(peer, []) if t > now - self._window]
        allowed = len(attempts) < self._limit
        if allowed:
            attempts.append(now)
        self._attempts[peer] = attempts
        return allowed


@dataclass
class ConnectFaults:
    """Dev-only switches (`PUT /api/dev/faults`): refuse every new connect as a backend shutting down does, or
    answer API keys as a backend whose database is down."""

    shutting_down: bool = False
    auth_unavailable: bool = False

    def view(self) -> dict[str, bool]:
        return asdict(self)
