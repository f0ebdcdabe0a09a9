"""A dev-only fault: answer every ack late, and count the acks a client is waiting for.

The event itself is applied at once; only its ack is held. A client with flow control never has more than one
unanswered event per stream (e.g. `task:progress` of one subtask), which `max_unanswered` makes observable.
Changing the delay re-times acks already held, so a test can release them without waiting.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import Any, Hashable

MAX_DELAY_SECONDS = 600.0


class AckDelay:
    def __init__(self) -> None:
        self._seconds = 0.0
        self._changed = asyncio.Event()
        self._unanswered: Counter[Hashable] = Counter()
        self._max_by_event: dict[str, int] = {}

    @property
    def seconds(self) -> float:
        return self._seconds

    def set(self, seconds: float) -> None:
        """Sets the delay and starts counting afresh."""
        if not 0 <= seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"the ack delay must be 0..{MAX_DELAY_SECONDS:g} seconds")
        self._seconds = seconds
        self._max_by_event = {}
        self._changed.set()
        self._changed = asyncio.Event()

    def view(self) -> dict[str, Any]:
        return {"delay_seconds": self._seconds, "unanswered": sum(self._unanswered.values()),
                "max_unanswered": dict(self._max_by_event)}

    async def answer(self, event: str, stream: Hashable, ack: Any) -> Any:
        """Returns `ack` once the delay has passed since the event arrived. `stream` names what the client must
        send in order (the socket and, for reports, the subtask)."""
        key = (event, stream)
        self._unanswered[key] += 1
        self._max_by_event[event] = max(self._max_by_event.get(event, 0), self._unanswered[key])
        arrived = time.monotonic()
        try:
            while (remaining := self._seconds - (time.monotonic() - arrived)) > 0:
                changed = self._changed
                try:
                    await asyncio.wait_for(changed.wait(), remaining)
                except asyncio.TimeoutError:
                    pass
            return ack
        finally:
            self._unanswered[key] -= 1
            if self._unanswered[key] == 0:
                del self._unanswered[key]
