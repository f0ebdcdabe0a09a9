"""A python-socketio server for the Socket.IO client's integration tests.

Usage: socketio_test_server.py [--ping-interval S] [--ping-timeout S]
Binds a free port on 127.0.0.1 and prints "READY <port>" once it accepts connections.
Namespace /local-executor; auth {"token": "good-token"} is accepted, {"token": "silent"} is refused with Python's
built-in ConnectionRefusedError (python-socketio 5.7 then never answers), anything else is refused with
"Invalid or expired token".
"""

import argparse
import asyncio
import builtins
import socket
import sys
import time

import socketio
import uvicorn

NAMESPACE = "/local-executor"
GOOD_TOKEN = "good-token"


def build_server(ping_interval, ping_timeout):
    sio = socketio.AsyncServer(
        async_mode="asgi",
        ping_interval=ping_interval,
        ping_timeout=ping_timeout,
        max_http_buffer_size=1_000_000,
    )

    @sio.on("connect", namespace=NAMESPACE)
    async def connect(sid, environ, auth):
        token = (auth or {}).get("token")
        if token == "silent":
            raise builtins.ConnectionRefusedError("silent refusal")
        if token != GOOD_TOKEN:
            raise socketio.exceptions.ConnectionRefusedError("Invalid or expired token")

    @sio.on("echo", namespace=NAMESPACE)
    async def echo(sid, data):
        return data

    @sio.on("slow_ack", namespace=NAMESPACE)
    async def slow_ack(sid, data):
        await asyncio.sleep(data["seconds"])
        return data

    @sio.on("emit_back", namespace=NAMESPACE)
    async def emit_back(sid, data):
        for index in range(data["count"]):
            await sio.emit("tick", {"index": index}, to=sid, namespace=NAMESPACE)
        return {"sent": data["count"]}

    @sio.on("ask_back", namespace=NAMESPACE)
    async def ask_back(sid, data):
        # Calls the client `count` times at once and returns what each call got back (None for an empty ack).
        async def ask(index):
            try:
                return await sio.call("question", {"index": index}, to=sid, namespace=NAMESPACE, timeout=data["timeout"])
            except socketio.exceptions.TimeoutError:
                return "timeout"

        return {"answers": list(await asyncio.gather(*(ask(index) for index in range(data["count"]))))}

    @sio.on("disconnect_me", namespace=NAMESPACE)
    async def disconnect_me(sid, data):
        await sio.disconnect(sid, namespace=NAMESPACE)

    @sio.on("freeze", namespace=NAMESPACE)
    async def freeze(sid, data):
        # Blocks the event loop: no pings, no answers, like a hung server.
        time.sleep(data["seconds"])

    return sio


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ping-interval", type=float, default=25)
    parser.add_argument("--ping-timeout", type=float, default=20)
    args = parser.parse_args()

    app = socketio.ASGIApp(build_server(args.ping_interval, args.ping_timeout))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    # Connections made before uvicorn starts accepting wait in the listen backlog.
    print(f"READY {port}", flush=True)
    server.run(sockets=[listener])
    return 0


if __name__ == "__main__":
    sys.exit(main())
