"""The `/local-executor` Socket.IO namespace: auth, device register/heartbeat, task reports, disconnects.

Every handler records the event in the history before anything else (and none awaits before that), so the
history keeps arrival order although python-socketio runs handlers concurrently.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import socketio

from .ack_delay import AckDelay
from .auth import Authenticator
from .config import Settings
from .reports import ReportApplier
from .store import Store

NAMESPACE = "/local-executor"
DISCONNECT_ERROR = "Device disconnected unexpectedly"
GENERIC_REFUSAL = "Connection refused by server"
MAX_ID_LENGTH = 100


class ExecutorSocket:
    def __init__(self, sio: socketio.AsyncServer, store: Store, auth: Authenticator, settings: Settings) -> None:
        self._sio = sio
        self._store = store
        self._auth = auth
        self._settings = settings
        self._reports = ReportApplier(store)
        self.ack_delay = AckDelay()
        self._device_by_sid: dict[str, str] = {}
        self._live_sids: set[str] = set()
        for event, handler in {
            "connect": self._on_connect, "disconnect": self._on_disconnect,
            "device:register": self._on_register, "device:heartbeat": self._on_heartbeat,
            "task:progress": self._on_progress, "task:complete": self._on_complete, "*": self._on_unknown,
        }.items():
            sio.on(event, handler, namespace=NAMESPACE)

    # --- queries used by the REST API ----------------------------------------------------------------------

    def is_connected(self, device: dict[str, Any]) -> bool:
        return device["sid"] is not None and device["sid"] in self._live_sids

    def is_online(self, device: dict[str, Any]) -> bool:
        seen = max(device["registered_at"], device["last_heartbeat"] or 0)
        return self.is_connected(device) and time.time() - seen <= self._settings.online_window

    async def emit_to_device(self, device: dict[str, Any], event: str, payload: Any) -> bool:
        """Emit to the device's socket; False when it is not connected."""
        self._store.record("out", event, payload, sid=device["sid"], device_id=device["device_id"])
        if not self.is_connected(device):
            return False
        await self._sio.emit(event, payload, to=device["sid"], namespace=NAMESPACE)
        return True

    # --- handlers ------------------------------------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        user = self._auth.user_for(token) if token else None
        self._store.record("in", "connect", {"has_token": bool(token), "user": user}, sid=sid)
        if not token:
            self._refuse("Missing authentication token")
        if user is None:
            self._refuse("Invalid or expired token")
        self._live_sids.add(sid)

    def _refuse(self, reason: str) -> None:
        style = self._settings.refusal_style
        if style == "generic":
            raise socketio.exceptions.ConnectionRefusedError(GENERIC_REFUSAL)
        if style == "silent":
            # python-socketio 5.7 never answers the namespace connect when a handler raises Python's built-in
            # exception: exactly what older real backends did.
            raise ConnectionRefusedError(reason)
        raise socketio.exceptions.ConnectionRefusedError(reason)

    async def _on_disconnect(self, sid: str) -> None:
        device_id = self._device_by_sid.pop(sid, None)
        self._store.record("in", "disconnect", None, sid=sid, device_id=device_id)
        self._live_sids.discard(sid)
        if device_id is not None and self._store.detach_device(device_id, sid):
            for subtask_id in self._store.fail_unfinished(device_id, DISCONNECT_ERROR):
                self._store.record("note", "subtask_failed_by_disconnect", None, sid=sid, device_id=device_id,
                                   subtask_id=subtask_id)

    async def _on_register(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self.ack_delay.answer("device:register", sid, self._register(sid, data))

    def _register(self, sid: str, data: Any) -> dict[str, Any]:
        self._store.record("in", "device:register", data, sid=sid, device_id=self._device_id_of(data))
        if not isinstance(data, dict):
            return {"error": "Invalid payload"}
        device_id, name = data.get("device_id"), data.get("name")
        for field, value in (("device_id", device_id), ("name", name)):
            if not isinstance(value, str) or not 1 <= len(value) <= MAX_ID_LENGTH:
                return {"error": f"Invalid {field}: must be 1..{MAX_ID_LENGTH} characters"}
        previous = self._store.device(device_id)
        if previous and previous["sid"] and previous["sid"] != sid:
            self._device_by_sid.pop(previous["sid"], None)
        self._store.upsert_device(device_id, name, data.get("executor_version"), data.get("capabilities"), sid)
        self._device_by_sid[sid] = device_id
        return {"success": True, "device_id": device_id}

    async def _on_heartbeat(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self.ack_delay.answer("device:heartbeat", sid, self._heartbeat(sid, data))

    def _heartbeat(self, sid: str, data: Any) -> dict[str, Any]:
        self._store.record("in", "device:heartbeat", data, sid=sid, device_id=self._device_id_of(data))
        device_id = self._device_id_of(data)
        if device_id is None or self._device_by_sid.get(sid) != device_id:
            return {"error": "Device ID mismatch"}
        self._store.heartbeat(device_id, data.get("running_task_ids"))
        return {"success": True}

    async def _on_progress(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self._report("task:progress", sid, data, self._reports.apply_progress)

    async def _on_complete(self, sid: str, data: Any = None) -> dict[str, Any]:
        return await self._report("task:complete", sid, data, self._reports.apply_complete)

    async def _report(self, event: str, sid: str, data: Any,
                      apply: Callable[[dict[str, Any], dict[str, Any], str], None]) -> dict[str, Any]:
        self._store.record("in", event, data, sid=sid, device_id=self._device_by_sid.get(sid))
        subtask, error = self._subtask_for_report(sid, data)
        if subtask is not None:
            apply(subtask, data, sid)
        ack = {"error": error} if subtask is None else {"success": True}
        # The reports of one subtask are one stream: a client with flow control has at most one of them unanswered.
        stream = (sid, repr(data.get("subtask_id")) if isinstance(data, dict) else None)
        return await self.ack_delay.answer(event, stream, ack)

    async def _on_unknown(self, event: str, sid: str, data: Any = None) -> None:
        self._store.record("in", event, data, sid=sid, device_id=self._device_by_sid.get(sid))

    def _subtask_for_report(self, sid: str, data: Any) -> tuple[dict[str, Any] | None, str]:
        if not isinstance(data, dict):
            return None, "Invalid payload"
        subtask_id = data.get("subtask_id")
        subtask = self._store.subtask(subtask_id) if isinstance(subtask_id, int) else None
        if subtask is None:
            return None, "Subtask not found"
        device_id = self._device_by_sid.get(sid)
        if device_id is None:
            return None, "Device not registered"
        if subtask["device_id"] != device_id:
            return None, "Subtask does not belong to this device"
        return subtask, ""

    @staticmethod
    def _device_id_of(data: Any) -> str | None:
        value = data.get("device_id") if isinstance(data, dict) else None
        return value if isinstance(value, str) else None
