"""A tiny Socket.IO v5 / Engine.IO v4 websocket client on asyncio streams (no aiohttp/websockets needed).

It speaks the wire packets directly, so tests also see what a server does NOT answer (a silent refusal).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import struct
from typing import Any

NAMESPACE = "/local-executor"
NO_ANSWER = object()
NO_DATA = object()


class RawSocketIOClient:
    def __init__(self) -> None:
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reader_task: asyncio.Task | None = None
        self._next_ack_id = 0
        self._acks: dict[int, asyncio.Future] = {}
        self._events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._calls: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        # Answers to the server's calls (events sent with an ack id), by event name; a call without one here
        # is left unanswered.
        self.answers: dict[str, Any] = {}
        self._connect_result: asyncio.Future | None = None
        self.closed = asyncio.Event()
        self.answer_pings = True

    async def connect(self, port: int, auth: Any, namespace: str = NAMESPACE, timeout: float = 5.0) -> tuple:
        """Returns ("connect", data), ("connect_error", data) or ("timeout", NO_ANSWER)."""
        self._namespace = namespace
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        self._writer.write((
            "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        status = await self._reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in status.split(b"\r\n", 1)[0]:
            raise ConnectionError(status.decode(errors="replace"))
        opened = await self._read_text()
        if not opened.startswith("0"):
            raise ConnectionError(f"expected an Engine.IO open packet, got {opened!r}")
        self.handshake = json.loads(opened[1:])
        self._connect_result = asyncio.get_running_loop().create_future()
        self._reader_task = asyncio.create_task(self._read_loop())
        await self.send_text(f"40{namespace}," + json.dumps(auth))
        try:
            return await asyncio.wait_for(asyncio.shield(self._connect_result), timeout)
        except asyncio.TimeoutError:
            return ("timeout", NO_ANSWER)

    async def emit(self, event: str, data: Any = NO_DATA, ack: bool = True, timeout: float = 5.0,
                   raw: bool = False) -> Any:
        """Sends an event (with no argument when `data` is left out) and returns the first argument of its ack,
        or with `raw` the ack's whole argument list (an empty ack is `[]`)."""
        packet = [event] if data is NO_DATA else [event, data]
        if not ack:
            await self.send_text(f"42{self._namespace}," + json.dumps(packet))
            return None
        ack_id = self._next_ack_id
        self._next_ack_id += 1
        future = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.send_text(f"42{self._namespace},{ack_id}" + json.dumps(packet))
        args = await asyncio.wait_for(future, timeout)
        return args if raw else (args[0] if args else None)

    async def next_event(self, timeout: float = 5.0) -> tuple[str, Any]:
        """The next event the server emitted without asking for an ack."""
        return await asyncio.wait_for(self._events.get(), timeout)

    async def next_call(self, timeout: float = 5.0) -> tuple[str, Any]:
        """The next event the server sent with an ack id (answered from `answers` if it names the event)."""
        return await asyncio.wait_for(self._calls.get(), timeout)

    async def close(self) -> None:
        if self._writer is not None and not self._writer.is_closing():
            try:
                await self._send_frame(0x8, b"")
            except ConnectionError:
                pass
            self._writer.close()
        if self._reader_task is not None:
            self._reader_task.cancel()
            try:
                await self._reader_task
            except (asyncio.CancelledError, ConnectionError):
                pass

    async def send_text(self, text: str) -> None:
        await self._send_frame(0x1, text.encode())

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        assert self._writer is not None
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self._writer.write(header + mask + masked)
        await self._writer.drain()

    async def _read_text(self) -> str:
        """The next complete text message; answers websocket pings, raises on close."""
        assert self._reader is not None
        parts: list[bytes] = []
        while True:
            first, second = await self._reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self._reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self._reader.readexactly(8))
            payload = await self._reader.readexactly(length)
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("websocket closed by the server")
            if opcode == 0x9:
                await self._send_frame(0xA, payload)
                continue
            if opcode in (0x1, 0x0):
                parts.append(payload)
                if first & 0x80:
                    return b"".join(parts).decode()

    async def _read_loop(self) -> None:
        try:
            while True:
                self._dispatch(await self._read_text())
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.closed.set()

    def _dispatch(self, text: str) -> None:
        if text == "2":
            if self.answer_pings:
                asyncio.ensure_future(self.send_text("3"))
            return
        if text.startswith("1"):
            self.closed.set()
            return
        if not text.startswith("4"):
            return
        kind, rest = text[1], text[2:]
        if rest.startswith(self._namespace):
            rest = rest[len(self._namespace):].lstrip(",")
        if kind in "04" and self._connect_result is not None and not self._connect_result.done():
            data = json.loads(rest) if rest else None
            self._connect_result.set_result(("connect" if kind == "0" else "connect_error", data))
        elif kind == "2":
            bracket = rest.index("[")
            event, *args = json.loads(rest[bracket:])
            data = args[0] if args else None
            if not rest[:bracket]:
                self._events.put_nowait((event, data))
                return
            self._calls.put_nowait((event, data))
            if event in self.answers:
                answer = json.dumps([self.answers[event]])
                asyncio.ensure_future(self.send_text(f"43{self._namespace},{rest[:bracket]}{answer}"))
        elif kind == "3":
            bracket = rest.index("[")
            future = self._acks.pop(int(rest[:bracket]), None)
            if future is not None and not future.done():
                future.set_result(json.loads(rest[bracket:]))
        elif kind == "1":
            self.closed.set()
