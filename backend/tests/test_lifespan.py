"""The server's lifespan: uvicorn's startup and shutdown reach FastAPI's lifespan handler through Socket.IO's ASGI app,
which closes the database at shutdown (and not before)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import unittest
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock


class LifespanTests(unittest.TestCase):
    def test_the_database_is_closed_at_shutdown(self) -> None:
        with tempfile.TemporaryDirectory(prefix="wegent-dev-backend-") as directory:
            # Importing app.main creates the module's own app: its database goes to the temporary directory too.
            with mock.patch.dict(os.environ, {"WEGENT_DEV_DB": str(Path(directory) / "imported.db")}):
                from app.config import Settings
                from app.main import create_app
                from app.store import Store
                app = create_app(replace(Settings.from_env(), db_path=Path(directory) / "dev.db"))

            with mock.patch.object(Store, "close", autospec=True) as close:
                closed_before_shutdown: list[int] = []
                events = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
                sent: list[dict[str, Any]] = []

                async def receive() -> dict[str, Any]:
                    event = next(events)
                    if event["type"] == "lifespan.shutdown":
                        closed_before_shutdown.append(close.call_count)
                    return event

                async def send(message: dict[str, Any]) -> None:
                    sent.append(message)

                asyncio.run(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))

            self.assertEqual([m["type"] for m in sent], ["lifespan.startup.complete", "lifespan.shutdown.complete"])
            self.assertEqual(closed_before_shutdown, [0])
            close.assert_called_once()


if __name__ == "__main__":
    unittest.main()
