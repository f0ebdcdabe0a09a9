"""Shared test helpers: condition waits and a registered raw device."""

from __future__ import annotations

import asyncio
import atexit
import itertools
import time
import unittest
from typing import Any, Callable

from backend_process import BackendProcess
from raw_socketio import RawSocketIOClient

WAIT_TIMEOUT_SECONDS = 10.0
LEGACY = {"WEGENT_DEV_PROTOCOL": "legacy"}
MODEL_URL = "http://127.0.0.1:9/model"
# The backends test classes share: the newer generation with a short disconnect grace and no connect limit (the
# tests connect far more than 30 times in 30 s), and the January one with a connect limit of 1, which it must ignore.
RESPONSES_BACKEND = {"WEGENT_DEV_MODEL_URL": MODEL_URL, "WEGENT_DEV_DISCONNECT_GRACE": "1",
                     "WEGENT_DEV_CONNECT_LIMIT": "0"}
LEGACY_BACKEND = {"WEGENT_DEV_MODEL_URL": MODEL_URL, "WEGENT_DEV_CONNECT_LIMIT": "1"} | LEGACY
_device_numbers = itertools.count(1)
_shared_backends: dict[frozenset, BackendProcess] = {}


async def wait_until(condition: Callable[[], Any], timeout: float = WAIT_TIMEOUT_SECONDS, what: str = "") -> Any:
    """Polls `condition` until it returns a truthy value (returned), failing after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


async def connected_device(backend: BackendProcess, device_id: str, token: str = "test-token",
                           **register: Any) -> RawSocketIOClient:
    """A connected, registered device; `register` adds keys to the register payload."""
    client = RawSocketIOClient()
    kind, data = await client.connect(backend.port, {"token": token})
    assert kind == "connect", (kind, data)
    ack = await client.emit("device:register", {"device_id": device_id, "name": f"Linux - {device_id}",
                                                "executor_version": "0.1.0", "capabilities": ["claude_code"]}
                            | register)
    assert ack == {"success": True, "device_id": device_id}, ack
    return client


def capacity(*task_ids: str, limit: int = 4, queued: int = 0) -> dict[str, Any]:
    """A valid `runtime_capacity` for a heartbeat with these tasks running."""
    return {"limit": limit, "active": len(task_ids), "active_task_ids": list(task_ids), "queued": queued}


def result_event(payload: dict[str, Any], event: str, **data: Any) -> dict[str, Any]:
    """A Responses-API result event for a dispatched task:execute payload."""
    return {"task_id": payload["task_id"], "subtask_id": payload["subtask_id"], "message_id": payload["message_id"],
            "data": {"type": event} | data}


def notes(backend: BackendProcess, task_id: int) -> list[str]:
    return [e["event"] for e in backend.request("GET", f"/api/tasks/{task_id}")["events"] if e["direction"] == "note"]


def subtask_of(backend: BackendProcess, task_id: int, subtask_id: int) -> dict[str, Any]:
    task = backend.request("GET", f"/api/tasks/{task_id}")
    return next(s for s in task["subtasks"] if s["subtask_id"] == subtask_id)


def event_names(backend: BackendProcess, task_id: int) -> list[str]:
    return [e["event"] for e in backend.request("GET", f"/api/tasks/{task_id}")["events"]]


class AsyncTestCase(unittest.IsolatedAsyncioTestCase):
    """Tests call the backend's REST API synchronously on purpose; that is not a slow callback worth a warning."""

    async def asyncSetUp(self) -> None:
        asyncio.get_running_loop().slow_callback_duration = 30.0


class BackendTestCase(AsyncTestCase):
    """Test classes with the same `env` share one backend process (started once, closed when the run ends), so
    their tests use devices of their own and leave no setting changed."""

    env: dict[str, str] = RESPONSES_BACKEND
    backend: BackendProcess

    @classmethod
    def setUpClass(cls) -> None:
        key = frozenset(cls.env.items())
        if key not in _shared_backends:
            _shared_backends[key] = BackendProcess(cls.env).start()
            atexit.register(_shared_backends[key].close)
        cls.backend = _shared_backends[key]

    async def device(self, **register: Any) -> tuple[RawSocketIOClient, str]:
        """A registered device of its own, closed after the test."""
        device_id = f"hw-test{next(_device_numbers):06d}"
        client = await connected_device(self.backend, device_id, **register)
        self.addAsyncCleanup(client.close)
        return client, device_id

    async def dispatch(self, client: RawSocketIOClient, device_id: str, **body: Any) -> dict[str, Any]:
        """Creates a task on the device; returns the task:execute payload it received."""
        ids = self.backend.request("POST", "/api/tasks", {"prompt": "say hello", "device_id": device_id} | body)
        event, payload = await client.next_event()
        assert event == "task:execute", event
        assert (payload["task_id"], payload["subtask_id"]) == (ids["task_id"], ids["subtask_id"]), payload
        return payload
