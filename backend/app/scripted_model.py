"""A scripted, offline Anthropic Messages API: enough for the Claude Code CLI to run real tool loops.

Mounted by the dev backend at `/scripted/{scenario}/v1/messages`; also runnable alone
(`python3 -m uvicorn app.scripted_model:app --port N`) so a test can keep the model up while the backend restarts.
The reply depends only on the scenario and the conversation, so tests can compare exact text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, AsyncIterator

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

WRITE_FILE_CONTENT = 'print("Hello, World!")\n'
WRITE_FILE_FINAL_TEXT = "I created hello.py, which prints Hello, World!"
# Not a bare `sleep`: Claude Code 2.1.332 refuses a standalone sleep as a Bash command ("Blocked: standalone sleep").
BASH_DEFAULT_COMMAND = "echo started; sleep 600"
BASH_FINAL_TEXT = "The command finished."
ECHO_PREFIX = "Echo: "
HISTORY_PREFIX = "History: "
CHUNK_DELAY_SECONDS = 0.01
SLOW_DELAY_SECONDS = 0.1
DEFAULT_SCENARIO = "write-file"

_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 529: "overloaded_error"}
# 2.1.x writes " - Primary working directory: <path>", older versions "Working directory: <path>".
_WORKING_DIRECTORY = re.compile(r"^[\s-]*(?:Primary )?[Ww]orking directory:\s*(\S.*?)\s*$", re.MULTILINE)
_ids = itertools.count(1)


@dataclass
class TextBlock:
    pieces: list[str]


@dataclass
class ToolUseBlock:
    name: str
    input: dict[str, Any]
    id: str = field(default_factory=lambda: f"toolu_scripted_{next(_ids):06d}")


@dataclass
class Reply:
    block: TextBlock | ToolUseBlock
    delay: float = 0.0

    @property
    def stop_reason(self) -> str:
        return "tool_use" if isinstance(self.block, ToolUseBlock) else "end_turn"


class ScriptedError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


# --- reading the conversation ------------------------------------------------------------------------------

def system_text(body: dict[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, list):
        return "\n".join(b.get("text", "") for b in system if isinstance(b, dict))
    return system if isinstance(system, str) else ""


def working_directory(system: str) -> str | None:
    """The cwd the CLI states in its system prompt."""
    match = _WORKING_DIRECTORY.search(system)
    return match.group(1) if match else None


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _last_user_message(body: dict[str, Any]) -> dict[str, Any]:
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict) and m.get("role") != "system"]
    users = [m for m in messages if m.get("role") == "user"]
    return users[-1] if users else {}


def holds_tool_result(body: dict[str, Any]) -> bool:
    return any(b.get("type") == "tool_result" for b in _blocks(_last_user_message(body)))


def _prompt_text(message: dict[str, Any]) -> str:
    """The user's words of a turn, without the reminders the CLI adds as extra text blocks."""
    texts = [b.get("text", "") for b in _blocks(message) if b.get("type") == "text"]
    return "\n".join(t for t in texts if not t.lstrip().startswith("<system-reminder>")).strip()


def last_prompt_text(body: dict[str, Any]) -> str:
    return _prompt_text(_last_user_message(body))


def user_prompts(body: dict[str, Any]) -> list[str]:
    """Every user prompt of the conversation, oldest first: a resumed session re-sends the earlier ones."""
    messages = [m for m in body.get("messages") or [] if isinstance(m, dict) and m.get("role") == "user"]
    return [text for text in map(_prompt_text, messages) if text]


# --- scenarios ---------------------------------------------------------------------------------------------

def _split(text: str, size: int) -> list[str]:
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


def _int_arg(arg: str, default: int) -> int:
    return int(arg) if arg.strip() else default


def chunks_pieces(count: int) -> list[str]:
    return [f"chunk-{i:04d}-abcdefgh " for i in range(1, count + 1)]


def slow_pieces(seconds: float, width: int = 0) -> list[str]:
    """One piece per delay; `width` pads each piece with dots to that many characters (a faster-growing answer)."""
    pieces = [f"slow-{i:04d}" for i in range(1, max(1, round(seconds / SLOW_DELAY_SECONDS)) + 1)]
    return [piece.ljust(width - 1, ".") + " " for piece in pieces]


def choose_reply(scenario: str, body: dict[str, Any]) -> Reply:
    name, _, arg = scenario.partition(":")
    finishing = holds_tool_result(body)
    if name == "write-file":
        if finishing:
            return Reply(TextBlock(_split(WRITE_FILE_FINAL_TEXT, 16)))
        cwd = working_directory(system_text(body))
        path = f"{cwd.rstrip('/')}/hello.py" if cwd else "hello.py"
        return Reply(ToolUseBlock("Write", {"file_path": path, "content": WRITE_FILE_CONTENT}))
    if name == "bash":
        if finishing:
            return Reply(TextBlock([BASH_FINAL_TEXT]))
        command = arg or BASH_DEFAULT_COMMAND
        return Reply(ToolUseBlock("Bash", {"command": command, "description": "Run the scripted command"}))
    if name == "chunks":
        return Reply(TextBlock(chunks_pieces(_int_arg(arg, 50))), CHUNK_DELAY_SECONDS)
    if name == "slow":
        seconds, _, width = arg.partition(":")
        return Reply(TextBlock(slow_pieces(float(seconds) if seconds.strip() else 20.0, _int_arg(width, 0))),
                     SLOW_DELAY_SECONDS)
    if name == "echo":
        return Reply(TextBlock(_split(ECHO_PREFIX + last_prompt_text(body), 16)))
    if name == "history":
        return Reply(TextBlock(_split(HISTORY_PREFIX + " | ".join(user_prompts(body)), 16)))
    if name == "error":
        raise ScriptedError(_int_arg(arg, 500))
    raise ScriptedError(404)


# --- wire format -------------------------------------------------------------------------------------------

def _usage(output_tokens: int) -> dict[str, int]:
    return {"input_tokens": 10, "output_tokens": output_tokens, "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0}


def _message(model: str, content: list[dict[str, Any]], stop_reason: str | None, output_tokens: int) -> dict:
    return {"id": f"msg_scripted_{next(_ids):06d}", "type": "message", "role": "assistant", "model": model,
            "content": content, "stop_reason": stop_reason, "stop_sequence": None, "usage": _usage(output_tokens)}


def _sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


async def stream_events(reply: Reply, model: str) -> AsyncIterator[bytes]:
    """Named SSE events; without the `event:` lines the CLI silently falls back to a non-streaming request."""
    yield _sse("message_start", {"type": "message_start", "message": _message(model, [], None, 1)})
    block = reply.block
    if isinstance(block, TextBlock):
        start = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": piece} for piece in block.pieces]
    else:
        start = {"type": "tool_use", "id": block.id, "name": block.name, "input": {}}
        deltas = [{"type": "input_json_delta", "partial_json": part} for part in _split(json.dumps(block.input), 24)]
    yield _sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": start})
    for delta in deltas:
        if reply.delay:
            await asyncio.sleep(reply.delay)
        yield _sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
    yield _sse("content_block_stop", {"type": "content_block_stop", "index": 0})
    yield _sse("message_delta", {"type": "message_delta",
                                 "delta": {"stop_reason": reply.stop_reason, "stop_sequence": None},
                                 "usage": {"output_tokens": len(deltas)}})
    yield _sse("message_stop", {"type": "message_stop"})


def whole_message(reply: Reply, model: str) -> dict[str, Any]:
    block = reply.block
    if isinstance(block, TextBlock):
        content = {"type": "text", "text": "".join(block.pieces)}
    else:
        content = {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return _message(model, [content], reply.stop_reason, 1)


def error_response(status: int) -> JSONResponse:
    error = {"type": _ERROR_TYPES.get(status, "api_error"), "message": f"Scripted {status} error"}
    return JSONResponse({"type": "error", "error": error}, status_code=status)


# --- routes ------------------------------------------------------------------------------------------------

router = APIRouter()


async def _answer(scenario: str, request: Request) -> Response:
    try:
        body = await request.json()
    except ValueError:
        return error_response(400)
    if not isinstance(body, dict):
        return error_response(400)
    try:
        reply = choose_reply(scenario, body)
    except (ScriptedError, ValueError) as error:
        return error_response(error.status if isinstance(error, ScriptedError) else 400)
    model = str(body.get("model") or "scripted-model")
    if body.get("stream"):
        return StreamingResponse(stream_events(reply, model), media_type="text/event-stream",
                                 headers={"cache-control": "no-cache"})
    return JSONResponse(whole_message(reply, model))


@router.post("/scripted/{scenario:path}/v1/messages")
async def scripted_messages(scenario: str, request: Request) -> Response:
    return await _answer(scenario, request)


@router.post("/v1/messages")
async def default_messages(request: Request) -> Response:
    return await _answer(DEFAULT_SCENARIO, request)


@router.head("/")
@router.head("/scripted/{scenario:path}")
async def reachable() -> Response:
    """The CLI probes its base URL with HEAD before the first request."""
    return Response(status_code=200)


app = FastAPI(title="scripted Anthropic Messages API")
app.include_router(router)


@app.get("/health")
async def health() -> dict[str, str]:
    """Readiness probe when the model runs on its own (the main app has its own /health)."""
    return {"status": "ok"}
