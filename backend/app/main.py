"""The dev backend's ASGI app: Socket.IO (`/socket.io`, namespace `/local-executor`) around FastAPI."""

from __future__ import annotations

import socketio
from fastapi import FastAPI

from . import __version__
from .api import build_api_router
from .auth import Authenticator
from .config import Settings
from .downloads import build_downloads_router
from .executor_socket import ExecutorSocket
from .legacy_device_protocol import LegacyDeviceProtocol
from .message_size_guard import MessageSizeGuard
from .responses_device_protocol import ResponsesDeviceProtocol
from .scripted_model import router as scripted_model_router
from .store import Store
from .task_view import build_task_view_router

MAX_MESSAGE_BYTES = 1_000_000


def create_app(settings: Settings) -> MessageSizeGuard:
    store = Store(settings.db_path)
    auth = Authenticator(settings)
    sio = socketio.AsyncServer(async_mode="asgi", ping_interval=settings.ping_interval,
                               ping_timeout=settings.ping_timeout, max_http_buffer_size=MAX_MESSAGE_BYTES,
                               cors_allowed_origins=[])
    protocol = ResponsesDeviceProtocol if settings.responses else LegacyDeviceProtocol
    sockets = ExecutorSocket(sio, store, auth, settings, protocol)

    api = FastAPI(title="wegent-dev-backend", version=__version__)

    @api.get("/")
    async def root() -> dict[str, str]:
        return {"name": "wegent-dev-backend", "version": __version__, "protocol": settings.protocol}

    @api.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    api.include_router(build_api_router(store, sockets, auth, settings))
    api.include_router(build_downloads_router(auth))
    api.include_router(scripted_model_router)
    api.include_router(build_task_view_router())
    api.add_event_handler("shutdown", store.close)
    return MessageSizeGuard(socketio.ASGIApp(sio, other_asgi_app=api), MAX_MESSAGE_BYTES)


app = create_app(Settings.from_env())
