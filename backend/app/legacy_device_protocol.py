"""The January 2026 backend (PROTOCOL.md): register and heartbeat as it checked them (unknown keys ignored),
results as `task:progress` / `task:complete` from the device the subtask was dispatched to, and a disconnect
failing the device's unfinished subtasks at once. Any other event (`response.*` included) has no handler: it
gets an empty ack.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from .executor_socket import DISCONNECT_ERROR, ExecutorSocket, SocketSession
from .legacy_reports import LegacyReportApplier

MAX_ID_LENGTH = 100


class LegacyDeviceProtocol:
    def __init__(self, sockets: ExecutorSocket) -> None:
        self._sockets = sockets
        self._store = sockets.store
        self._reports = LegacyReportApplier(sockets.store)
        self._handlers: dict[str, Callable[[str, Any], Awaitable[Any]]] = {
            "device:register": self._register, "device:heartbeat": self._heartbeat,
            "task:progress": self._progress, "task:complete": self._complete,
        }

    async def handle(self, event: str, sid: str, args: tuple[Any, ...]) -> Any:
        data = args[0] if args else None
        self._sockets.record_in(event, sid, data)
        handler = self._handlers.get(event)
        return None if handler is None else await handler(sid, data)

    async def on_disconnect(self, sid: str, session: SocketSession | None) -> None:
        device_id = session.device_id if session else None
        if device_id is not None and self._store.detach_device(device_id, sid):
            for subtask_id in self._store.fail_unfinished(device_id, DISCONNECT_ERROR):
                self._store.record("note", "subtask_failed_by_disconnect", None, sid=sid, device_id=device_id,
                                   subtask_id=subtask_id)

    async def _register(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._sockets.ack_delay.answer("device:register", sid, self._registered(sid, data))

    def _registered(self, sid: str, data: Any) -> dict[str, Any]:
        session = self._sockets.session(sid)
        if not isinstance(data, dict) or session is None:
            return {"error": "Invalid payload"}
        device_id, name = data.get("device_id"), data.get("name")
        for field, value in (("device_id", device_id), ("name", name)):
            if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
                return {"error": f"Invalid {field}: must be 1..{MAX_ID_LENGTH} characters"}
        # A device registering on a new socket takes it over: the old socket no longer speaks for it.
        for other in self._sockets.sessions():
            if other.device_id == device_id:
                other.device_id = None
        self._store.upsert_device(device_id, name, data.get("executor_version"), data.get("capabilities"), sid,
                                  registration=data)
        session.device_id = device_id
        return {"success": True, "device_id": device_id}

    async def _heartbeat(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._sockets.ack_delay.answer("device:heartbeat", sid, self._heartbeat_ack(sid, data))

    def _heartbeat_ack(self, sid: str, data: Any) -> dict[str, Any]:
        session = self._sockets.session(sid)
        device_id = data.get("device_id") if isinstance(data, dict) else None
        if not isinstance(device_id, str) or session is None or session.device_id != device_id:
            return {"error": "Device ID mismatch"}
        self._store.heartbeat(device_id, data.get("running_task_ids"))
        return {"success": True}

    async def _progress(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._report("task:progress", sid, data, self._reports.apply_progress)

    async def _complete(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._report("task:complete", sid, data, self._reports.apply_complete)

    async def _report(self, event: str, sid: str, data: Any,
                      apply: Callable[[dict[str, Any], dict[str, Any], str], None]) -> dict[str, Any]:
        subtask, error = self._subtask_for_report(sid, data)
        if subtask is not None:
            apply(subtask, data, sid)
        ack = {"error": error} if subtask is None else {"success": True}
        # The reports of one subtask are one stream: a client with flow control has at most one of them unanswered.
        stream = (sid, repr(data.get("subtask_id")) if isinstance(data, dict) else None)
        return await self._sockets.ack_delay.answer(event, stream, ack)

    def _subtask_for_report(self, sid: str, data: Any) -> tuple[dict[str, Any] | None, str]:
        if not isinstance(data, dict):
            return None, "Invalid payload"
        subtask_id = data.get("subtask_id")
        if not subtask_id:
            # The January backend's own answer, which also makes `task:progress {"subtask_id": 0}` a probe.
            return None, "Missing subtask_id"
        subtask = self._store.subtask(subtask_id) if isinstance(subtask_id, int) else None
        if subtask is None:
            return None, "Subtask not found"
        session = self._sockets.session(sid)
        device_id = session.device_id if session else None
        if device_id is None:
            return None, "Device not registered"
        if subtask["device_id"] != device_id:
            return None, "Subtask does not belong to this device"
        return subtask, ""
