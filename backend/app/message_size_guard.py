"""Drops a websocket whose client sends a message over the limit, as the real backend's server stack does.

python-socketio 5.7 under uvicorn/wsproto only stops reading such a socket and leaves the TCP connection open,
which would hide an executor bug (an oversized emit) behind a silent stall.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MESSAGE_TOO_BIG = 1009


class MessageSizeGuard:
    def __init__(self, app: ASGIApp, max_message_size: int) -> None:
        self._app = app
        self._max = max_message_size

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket":
            await self._app(scope, receive, send)
            return

        async def guarded_receive() -> Message:
            message = await receive()
            if message["type"] == "websocket.receive":
                data = message.get("text") or message.get("bytes") or ""
                if len(data) > self._max:
                    await send({"type": "websocket.close", "code": MESSAGE_TOO_BIG})
                    # The app sees a client that went away, so its disconnect handling runs.
                    return {"type": "websocket.disconnect", "code": MESSAGE_TOO_BIG}
            return message

        await self._app(scope, guarded_receive, send)
