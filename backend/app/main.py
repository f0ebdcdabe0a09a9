"""The dev backend's ASGI app: Socket.IO (`/socket.io`, namespace `/local-executor`) around FastAPI."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

import socketio
from fastapi import APIRouter, Depends, FastAPI

from . import __version__
from . import dependencies as deps
from .api import router as api_router
from .api_models import Health, ServiceInfo
from .auth import Authenticator
from .config import Settings
from .downloads import router as downloads_router
from .executor_socket import ExecutorSocket
from .legacy_device_protocol import LegacyDeviceProtocol
from .message_size_guard import MessageSizeGuard
from .responses_device_protocol import ResponsesDeviceProtocol
from .scripted_model import router as scripted_model_router
from .store import Store
from .task_view import router as task_view_router
from .uploads import Uploads

MAX_MESSAGE_BYTES = 1_000_000
NAME = "wegent-dev-backend"


service_router = APIRouter()


@service_router.get("/")
async def root(settings: Settings = Depends(deps.settings)) -> ServiceInfo:
    return ServiceInfo(name=NAME, version=__version__, protocol=settings.protocol)


@service_router.get("/health")
async def health() -> Health:
    return Health(status="ok")


@asynccontextmanager
async def lifespan(api: FastAPI) -> AsyncIterator[None]:
    """Closes the database when the server stops (Socket.IO's ASGI app passes the lifespan events on to FastAPI)."""
    yield
    api.state.store.close()


def create_app(settings: Settings) -> MessageSizeGuard:
    store = Store(settings.db_path)
    auth = Authenticator(settings)
    sio = socketio.AsyncServer(async_mode="asgi", ping_interval=settings.ping_interval,
                               ping_timeout=settings.ping_timeout, max_http_buffer_size=MAX_MESSAGE_BYTES,
                               cors_allowed_origins=[])
    protocol = ResponsesDeviceProtocol if settings.responses else LegacyDeviceProtocol
    sockets = ExecutorSocket(sio, store, auth, settings, protocol)

    api = FastAPI(title=NAME, version=__version__)
    # Not FastAPI(lifespan=...): that arrived in FastAPI 0.93, and Debian bookworm ships 0.92.
    api.router.lifespan_context = lifespan
    # The objects the endpoints share (see dependencies.py); the Socket.IO handlers hold the same store and sockets.
    api.state.settings = settings
    api.state.store = store
    api.state.authenticator = auth
    api.state.sockets = sockets
    api.state.uploads = Uploads()

    api.include_router(service_router)
    api.include_router(api_router)
    api.include_router(downloads_router)
    api.include_router(scripted_model_router)
    api.include_router(task_view_router)
    return MessageSizeGuard(socketio.ASGIApp(sio, other_asgi_app=api), MAX_MESSAGE_BYTES)


app = create_app(Settings.from_env())
