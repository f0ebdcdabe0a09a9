"""The objects the endpoints share, created once by `create_app` and kept on the app's state, handed to endpoints
with `Depends`; and the signed-in user every protected endpoint asks for."""

from __future__ import annotations

from fastapi import Depends, Header, HTTPException, Request

from .auth import Authenticator, bearer_token
from .config import Settings
from .uploads import Uploads
from .executor_socket import ExecutorSocket
from .store import Store


def settings(request: Request) -> Settings:
    return request.app.state.settings


def store(request: Request) -> Store:
    return request.app.state.store


def authenticator(request: Request) -> Authenticator:
    return request.app.state.authenticator


def sockets(request: Request) -> ExecutorSocket:
    return request.app.state.sockets


def uploads(request: Request) -> Uploads:
    return request.app.state.uploads


def current_user(authorization: str | None = Header(None),
                 auth: Authenticator = Depends(authenticator)) -> str:
    """The user of the request's bearer token; 401 without an accepted one."""
    user = auth.user_for(bearer_token(authorization))
    if user is None:
        raise HTTPException(401, "Invalid or missing bearer token")
    return user
