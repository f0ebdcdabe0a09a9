"""The `/local-executor` Socket.IO namespace: connect (refusals), sessions, disconnects, emits and calls to a
device. What each event means is the business of the protocol generation spoken (`WEGENT_DEV_PROTOCOL`):
`LegacyDeviceProtocol` (PROTOCOL.md) or `ResponsesDeviceProtocol` (PROTOCOL-RESPONSES.md).

Every handler records the event in the history before anything else (and none awaits before that), so the
history keeps arrival order although python-socketio runs handlers concurrently.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any, Callable, Coroutine, Protocol

import socketio

from .ack_delay import AckDelay
from .auth import MISSING_TOKEN, Authenticator
from .config import Settings
from .connect_guard import SHUTTING_DOWN, TOO_MANY_ATTEMPTS, ConnectFaults, ConnectRateLimit
from .store import Store

NAMESPACE = "/local-executor"
DISCONNECT_ERROR = "Device disconnected unexpectedly"
GENERIC_REFUSAL = "Connection refused by server"


@dataclass
class SocketSession:
    """What the backend keeps per socket (past its connect): the device registered on it."""

    device_id: str | None = None
    runtime_instance_id: str | None = None


class DeviceProtocol(Protocol):
    async def handle(self, event: str, sid: str, args: tuple[Any, ...]) -> Any:
        """The ack of an event (None: an empty ack, as for an event without a handler)."""

    async def on_disconnect(self, sid: str, session: SocketSession | None) -> None: ...


class ExecutorSocket:
    def __init__(self, sio: socketio.AsyncServer, store: Store, auth: Authenticator, settings: Settings,
                 protocol: Callable[["ExecutorSocket"], DeviceProtocol]) -> None:
        self.sio = sio
        self.store = store
        self.settings = settings
        self._auth = auth
        self.ack_delay = AckDelay()
        self.faults = ConnectFaults()
        self._rate_limit = ConnectRateLimit(settings.connect_limit, settings.connect_window)
        self._sessions: dict[str, SocketSession] = {}
        self._background: set[asyncio.Task] = set()
        self.protocol = protocol(self)
        sio.on("connect", self._on_connect, namespace=NAMESPACE)
        sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        sio.on("*", self._on_event, namespace=NAMESPACE)

    # --- used by the protocols and the REST API ------------------------------------------------------------

    def session(self, sid: str) -> SocketSession | None:
        return self._sessions.get(sid)

    def sessions(self) -> list[SocketSession]:
        return list(self._sessions.values())

    def is_connected(self, device: dict[str, Any]) -> bool:
        return device["sid"] is not None and device["sid"] in self._sessions

    def is_online(self, device: dict[str, Any]) -> bool:
        seen = max(device["registered_at"], device["last_heartbeat"] or 0)
        return self.is_connected(device) and time.time() - seen <= self.settings.online_window

    def record_in(self, event: str, sid: str, data: Any) -> None:
        """Records an incoming event under the device it names, else the one registered on its socket."""
        device_id = data.get("device_id") if isinstance(data, dict) else None
        if not isinstance(device_id, str):
            session = self._sessions.get(sid)
            device_id = session.device_id if session else None
        self.store.record("in", event, data, sid=sid, device_id=device_id)

    def note(self, name: str, payload: Any, sid: str | None = None, subtask_id: int | None = None) -> None:
        """A history note: a bug signal or a fact tests assert on."""
        self.store.record("note", name, payload, sid=sid, subtask_id=subtask_id)

    def in_background(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def emit_to_device(self, device: dict[str, Any], event: str, payload: Any) -> bool:
        """Emit to the device's socket; False when it is not connected."""
        self.store.record("out", event, payload, sid=device["sid"], device_id=device["device_id"])
        if not self.is_connected(device):
            return False
        await self.sio.emit(event, payload, to=device["sid"], namespace=NAMESPACE)
        return True

    async def call_device(self, sid: str, device_id: str, event: str, payload: Any,
                          timeout: float) -> tuple[bool, Any]:
        """Emits with an ack and waits for the device's answer, recorded in the history with direction "ack".
        Returns (answered, answer); an unanswered call is noted as `call_unanswered`."""
        self.store.record("out", event, payload, sid=sid, device_id=device_id)
        try:
            answer = await self.sio.call(event, payload, to=sid, namespace=NAMESPACE, timeout=timeout)
        except socketio.exceptions.TimeoutError:
            self.store.record("note", "call_unanswered", {"event": event, "timeout_seconds": timeout}, sid=sid,
                              device_id=device_id)
            return False, None
        self.store.record("ack", event, answer, sid=sid, device_id=device_id)
        return True, answer

    # --- connect and disconnect ----------------------------------------------------------------------------

    async def _on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        peer = self._peer(environ)
        user, refusal = self._admit(token, peer)
        self.store.record("in", "connect", {"has_token": bool(token), "user": user, "refusal": refusal or None},
                          sid=sid)
        if refusal:
            self._refuse(refusal)
        self._sessions[sid] = SocketSession()

    def _admit(self, token: Any, peer: str) -> tuple[str | None, str]:
        """The user, or the refusal reason, in the order the real backend checks."""
        if self.faults.shutting_down:
            return None, SHUTTING_DOWN
        if self.settings.responses and not self._rate_limit.allow(peer):
            return None, TOO_MANY_ATTEMPTS
        if not token:
            return None, MISSING_TOKEN
        return self._auth.socket_user(str(token), api_keys=self.settings.responses,
                                      auth_unavailable=self.faults.auth_unavailable)

    @staticmethod
    def _peer(environ: dict[str, Any]) -> str:
        client = (environ.get("asgi.scope") or {}).get("client")
        return str(client[0]) if client else str(environ.get("REMOTE_ADDR") or "unknown")

    def _refuse(self, reason: str) -> None:
        style = self.settings.refusal_style
        if style == "generic":
            raise socketio.exceptions.ConnectionRefusedError(GENERIC_REFUSAL)
        if style == "silent":
            # python-socketio 5.7 never answers the namespace connect when a handler raises Python's built-in
            # exception: exactly what older real backends did.
            raise ConnectionRefusedError(reason)
        raise socketio.exceptions.ConnectionRefusedError(reason)

    async def _on_disconnect(self, sid: str) -> None:
        session = self._sessions.pop(sid, None)
        self.store.record("in", "disconnect", None, sid=sid, device_id=session.device_id if session else None)
        await self.protocol.on_disconnect(sid, session)

    async def _on_event(self, event: str, sid: str, *args: Any) -> Any:
        return await self.protocol.handle(event, sid, args)
