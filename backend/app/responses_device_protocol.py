"""The newer backend (PROTOCOL-RESPONSES.md, every Wegent backend since February 2026) on `/local-executor`.

- `device:register` / `device:heartbeat` checked like its pydantic schemas; heartbeats refused with
  `Device ID mismatch`, `Stale device connection` (another socket registered the device later) or
  `Runtime instance ID mismatch`; a `device:sync_capabilities` call to the device after every register.
- Result events routed as the real namespace does (names starting `response.`, `error`, `image_generation.`,
  or any event whose first argument carries a `data` dict and a task id), applied by `ResponsesReportApplier`,
  from any registered device (no ownership check).
- `task:progress` / `task:complete` and other unknown events have no handler: an empty ack.
- A disconnect fails the device's running subtasks only if no newer socket registered it within the grace.
"""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, Callable

from .device_payloads import PayloadError, validate_heartbeat, validate_register
from .executor_socket import DISCONNECT_ERROR, ExecutorSocket, SocketSession
from .responses_reports import ResponsesReportApplier

RESULT_EVENT_PREFIXES = ("response.", "error", "image_generation.")
TASK_KEYS = ("task_id", "subtask_id", "local_task_id")
DEVICE_STATUSES = ("online", "offline", "busy")
# What the backend sends a device with no capabilities installed for its user.
EMPTY_CAPABILITIES = {"mode": "replace", "skills": [], "plugins": [], "mcps": []}
RUNNING_STATUSES = ("RUNNING", "CANCELLING")


def is_result_event(event: str, args: tuple[Any, ...]) -> bool:
    if event.startswith(RESULT_EVENT_PREFIXES):
        return True
    first = args[0] if args else None
    return isinstance(first, dict) and isinstance(first.get("data"), dict) and any(k in first for k in TASK_KEYS)


def _invalid(error: PayloadError) -> dict[str, Any]:
    return {"error": f"Invalid payload: {error}"}


class ResponsesDeviceProtocol:
    def __init__(self, sockets: ExecutorSocket) -> None:
        self._sockets = sockets
        self._store = sockets.store
        self._reports = ResponsesReportApplier(sockets.store, self._note)
        self._handlers: dict[str, Callable[[str, Any], Awaitable[Any]]] = {
            "device:register": self._register, "device:heartbeat": self._heartbeat,
            "device:status": self._device_status, "device:upgrade_status": self._upgrade_status,
        }

    def _note(self, name: str, payload: Any, sid: str, subtask_id: int | None) -> None:
        self._sockets.note(name, payload, sid=sid, subtask_id=subtask_id)

    async def handle(self, event: str, sid: str, args: tuple[Any, ...]) -> Any:
        data = args[0] if args else None
        self._sockets.record_in(event, sid, data)
        handler = self._handlers.get(event)
        if handler is not None:
            return await handler(sid, data)
        if is_result_event(event, args):
            return await self._result_event(event, sid, args)
        subtask_id = data.get("subtask_id") if isinstance(data, dict) else None
        self._note("unknown_event", {"event": event}, sid, subtask_id if isinstance(subtask_id, int) else None)
        return None

    # --- register, heartbeat, status -----------------------------------------------------------------------

    async def _register(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._sockets.ack_delay.answer("device:register", sid, self._registered(sid, data))

    def _registered(self, sid: str, data: Any) -> dict[str, Any]:
        try:
            payload = validate_register(data)
        except PayloadError as error:
            return _invalid(error)
        session = self._sockets.session(sid)
        if session is None:
            return {"error": "Client disconnected during device registration"}
        device_id = payload["device_id"]
        session.device_id = device_id
        session.runtime_instance_id = payload["runtime_instance_id"]
        self._store.upsert_device(device_id, payload["name"], payload["executor_version"], payload["capabilities"],
                                  sid, registration=payload)
        self._sockets.in_background(self._sockets.call_device(
            sid, device_id, "device:sync_capabilities", EMPTY_CAPABILITIES, self._sockets.settings.call_timeout))
        return {"success": True, "device_id": device_id}

    async def _heartbeat(self, sid: str, data: Any) -> dict[str, Any]:
        return await self._sockets.ack_delay.answer("device:heartbeat", sid, self._heartbeat_ack(sid, data))

    def _heartbeat_ack(self, sid: str, data: Any) -> dict[str, Any]:
        try:
            payload = validate_heartbeat(data)
        except PayloadError as error:
            return _invalid(error)
        session, error = self._registered_session(sid, payload["device_id"])
        if session is None:
            return error
        device = self._store.device(payload["device_id"])
        if device is None or device["sid"] != sid:
            return {"error": "Stale device connection"}
        if session.runtime_instance_id is not None and payload["runtime_instance_id"] != session.runtime_instance_id:
            return {"error": "Runtime instance ID mismatch"}
        self._store.heartbeat(payload["device_id"], payload["running_task_ids"], payload["runtime_capacity"])
        return {"success": True}

    def _registered_session(self, sid: str, device_id: Any) -> tuple[SocketSession | None, dict[str, Any]]:
        session = self._sockets.session(sid)
        if session is None:
            return None, {"error": "Not authenticated"}
        if session.device_id != device_id:
            return None, {"error": "Device ID mismatch"}
        return session, {}

    async def _device_status(self, sid: str, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("device_id"), str) \
                or data.get("status") not in DEVICE_STATUSES:
            return {"error": "Invalid payload: device:status needs a device_id and a status online, offline or busy"}
        return self._registered_session(sid, data["device_id"])[1] or {"success": True}

    async def _upgrade_status(self, sid: str, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not isinstance(data.get("device_id"), str) \
                or not isinstance(data.get("status"), str):
            return {"error": "Invalid payload: device:upgrade_status needs a device_id and a status"}
        return self._registered_session(sid, data["device_id"])[1] or {"success": True}

    # --- results -------------------------------------------------------------------------------------------

    async def _result_event(self, event: str, sid: str, args: tuple[Any, ...]) -> dict[str, Any]:
        ack, subtask_id = self._result_ack(event, sid, args)
        # The events of one subtask are one stream: a client with flow control has at most one of them unanswered.
        return await self._sockets.ack_delay.answer(event, (sid, repr(subtask_id)), ack)

    def _result_ack(self, event: str, sid: str, args: tuple[Any, ...]) -> tuple[dict[str, Any], Any]:
        session = self._sockets.session(sid)
        if session is None or session.device_id is None:
            return {"error": "Not authenticated or not registered"}, None
        if not args:
            return {"error": "Missing event data"}, None
        envelope = args[0]
        if not isinstance(envelope, dict):
            return {"error": "Invalid event data format"}, None
        local_task_id = envelope.get("local_task_id")
        if isinstance(local_task_id, str) and local_task_id.strip():
            self._note("protocol_violation", {"reason": f"{event} with local_task_id (the Wework native-task path)"},
                       sid, None)
            return {"success": True}, None
        subtask_id = envelope.get("subtask_id")
        if not envelope.get("task_id") or not subtask_id:
            return {"error": "Missing task_id or subtask_id"}, subtask_id
        return self._reports.apply(event, envelope, sid), subtask_id

    # --- disconnect ----------------------------------------------------------------------------------------

    async def on_disconnect(self, sid: str, session: SocketSession | None) -> None:
        device_id = session.device_id if session else None
        device = self._store.device(device_id) if device_id else None
        if device is not None and device["sid"] == sid:
            self._sockets.in_background(self._fail_after_grace(sid, device["device_id"]))

    async def _fail_after_grace(self, sid: str, device_id: str) -> None:
        """A reconnect that registers the device again within the grace leaves its running work alone."""
        await asyncio.sleep(self._sockets.settings.disconnect_grace)
        reregistered = not self._store.detach_device(device_id, sid)
        failed = [] if reregistered else self._store.fail_unfinished(device_id, DISCONNECT_ERROR, RUNNING_STATUSES)
        for subtask_id in failed:
            self._store.record("note", "subtask_failed_by_disconnect", None, sid=sid, device_id=device_id,
                               subtask_id=subtask_id)
        # Lets a test see the grace end even when nothing was failed.
        self._store.record("note", "disconnect_grace_over", {"reregistered": reregistered, "failed": failed},
                           sid=sid, device_id=device_id)
