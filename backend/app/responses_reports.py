"""How Responses-API result events change a subtask, as the newer backend does it (PROTOCOL-RESPONSES.md §6).

The backend keeps a streaming state per subtask (the real one in Redis): every delta is appended to the
accumulated text and to the current text block, without looking at its offset; thinking and tool steps are
blocks. A terminal event (`response.completed`, `error`, `response.incomplete`) stores the result (§6.3) and
clears that state; nothing guards against a second one, which rewrites the result.

Notes in the history make what the real backend silently accepts visible to tests: `delta_offset_seen` (a
delta starting inside text already streamed: stored twice), `delta_offset_gap` (text missing before it),
`delta_after_terminal`, `terminal_after_terminal`, `unknown_event`, `unknown_subtask`, `protocol_violation`.
"""

from __future__ import annotations

import copy
import json
import re
import time
from typing import Any, Callable

from .store import Store

SUCCESS = {"success": True}
TERMINAL_STATUSES = {"response.completed": "COMPLETED", "error": "FAILED", "response.incomplete": "CANCELLED"}
# Lifecycle events the backend's parser skips; anything else it does not know is noted as unknown.
LIFECYCLE_EVENTS = frozenset({
    "response.created", "response.in_progress", "response.status.updated", "response.content_part.added",
    "response.content_part.done", "response.output_text.done", "response.mcp_call_arguments.delta",
    "response.mcp_call.in_progress",
})
COMPLETED_RESULT_KEYS = ("usage", "stop_reason", "file_changes", "executor_session", "silent_exit")
INTERRUPTED_TOOL = "The task ended before the tool finished"
_HTTP_STATUS = re.compile(r"Error code:\s*(\d{3})")

Note = Callable[[str, Any, str, int], None]


class EventError(Exception):
    """What the backend answers when its parser rejects an event: `{"error": "<text>"}`, nothing changed."""


def _now_ms() -> int:
    return int(time.time() * 1000)


def _no_attribute_get(value: Any) -> EventError:
    return EventError(f"'{type(value).__name__}' object has no attribute 'get'")


def _tool_use_id(value: Any, context: str) -> str:
    text = "" if value is None else str(value)
    if not text.strip():
        raise EventError(f"{context}: missing non-empty tool_use_id")
    return text


def _arguments(text: Any) -> dict[str, Any]:
    try:
        parsed = json.loads(text) if isinstance(text, str) and text else {}
    except json.JSONDecodeError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


class LiveBlocks:
    """The streaming blocks of one subtask: text and thinking runs, tool steps (upserted by id)."""

    def __init__(self, blocks: list[dict[str, Any]] | None) -> None:
        self.items = copy.deepcopy(blocks or [])

    def append(self, kind: str, text: str, block_id: Any = None) -> None:
        """Appends to the named block, else to the last block if it is of this kind, else to a new one."""
        if block_id is not None:
            block = self._find(str(block_id))
        else:
            block = self.items[-1] if self.items and self.items[-1].get("type") == kind else None
        if block is None:
            block = {"id": str(block_id) if block_id is not None else f"{kind}-{len(self.items) + 1}",
                     "type": kind, "content": "", "status": "streaming", "timestamp": _now_ms()}
            self.items.append(block)
        block["content"] = f"{block.get('content') or ''}{text}"

    def upsert(self, block: dict[str, Any]) -> None:
        existing = self._find(str(block["id"]))
        if existing is None:
            self.items.append(copy.deepcopy(block))
        else:
            existing.clear()
            existing.update(copy.deepcopy(block))

    def update(self, block_id: str, **changes: Any) -> dict[str, Any]:
        """Updates the block, creating a tool block when there is none with that id."""
        block = self._find(block_id)
        if block is None:
            block = {"id": block_id, "type": "tool", "tool_use_id": block_id, "tool_name": "", "tool_input": {},
                     "status": "pending", "timestamp": _now_ms()}
            self.items.append(block)
        block.update(changes)
        return block

    def text(self) -> str:
        return "".join(str(b.get("content") or "") for b in self.items if b.get("type") == "text")

    def closed(self, status: str) -> list[dict[str, Any]]:
        """The blocks as stored with a final result: runs done; tools still pending without output closed."""
        for block in self.items:
            if block.get("type") == "tool":
                if block.get("status") not in ("done", "error") and not block.get("tool_output"):
                    block["status"] = "done" if status == "COMPLETED" else "error"
                    if status != "COMPLETED":
                        block["error"] = INTERRUPTED_TOOL
            elif block.get("status") == "streaming":
                block["status"] = "done"
        return self.items

    def _find(self, block_id: str) -> dict[str, Any] | None:
        return next((b for b in self.items if str(b.get("id")) == block_id), None)


class ResponsesReportApplier:
    def __init__(self, store: Store, note: Note) -> None:
        self._store = store
        self._note = note
        self._progress: dict[str, Callable[[dict[str, Any], dict[str, Any], LiveBlocks, dict[str, Any], str], None]]
        self._progress = {
            "response.output_text.delta": self._text_delta,
            "response.reasoning_summary_text.delta": self._reasoning_delta,
            "response.reasoning_summary_part.added": self._reasoning_part,
            "response.block.created": self._block_created,
            "response.block.updated": self._block_updated,
            "response.output_item.added": self._item_added,
            "response.function_call_arguments.delta": self._arguments_delta,
            "response.function_call_arguments.done": self._arguments_done,
            "response.output_item.done": self._item_done,
            "response.mcp_call_arguments.done": self._mcp_arguments_done,
            "response.mcp_call.completed": self._mcp_finished,
            "response.mcp_call.failed": self._mcp_finished,
        }

    def apply(self, event: str, envelope: dict[str, Any], sid: str) -> dict[str, Any]:
        """Applies one event (its envelope already checked for task and subtask ids); returns the ack."""
        subtask_id = envelope.get("subtask_id")
        subtask = self._store.subtask(subtask_id) if isinstance(subtask_id, int) else None
        if subtask is None:
            # No ownership or existence check in the real backend: acked, nothing changes.
            self._note("unknown_subtask", {"event": event, "subtask_id": subtask_id}, sid, None)
            return SUCCESS
        try:
            fields = self._changes(event, subtask, envelope.get("data", {}), sid)
        except EventError as error:
            return {"error": str(error)}
        if subtask["message_id"] is not None and envelope.get("message_id") != subtask["message_id"]:
            self._note("protocol_violation", {"reason": f"{event} with message_id {envelope.get('message_id')!r}, "
                                                        f"dispatched as {subtask['message_id']}"}, sid, subtask_id)
        self._store.update_subtask(subtask_id, **fields)
        return SUCCESS

    def _changes(self, event: str, subtask: dict[str, Any], data: Any, sid: str) -> dict[str, Any]:
        reads_data = event in self._progress or event in ("response.completed", "error")
        if not isinstance(data, dict):
            if reads_data:
                raise _no_attribute_get(data)
            data = {}
        if event in TERMINAL_STATUSES:
            return self._terminal(event, subtask, data, sid)
        blocks = LiveBlocks(subtask["live_blocks"])
        fields: dict[str, Any] = {"progress_count": subtask["progress_count"] + 1}
        handler = self._progress.get(event)
        if handler is not None:
            handler(subtask, data, blocks, fields, sid)
            fields["live_blocks"] = blocks.items
        elif event == "response.failed":
            self._note("protocol_violation", {"reason": "response.failed is ignored for backend tasks (use error)"},
                       sid, subtask["subtask_id"])
        elif event not in LIFECYCLE_EVENTS:
            self._note("unknown_event", {"event": event}, sid, subtask["subtask_id"])
        return fields

    # --- text and thinking ---------------------------------------------------------------------------------

    def _text_delta(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                    fields: dict[str, Any], sid: str) -> None:
        delta = data.get("delta", "")
        delta = delta if isinstance(delta, str) else json.dumps(delta)
        streamed = subtask["streamed_text"]
        offset = data.get("offset", 0)
        subtask_id = subtask["subtask_id"]
        if subtask["complete_count"] > 0:
            self._note("delta_after_terminal", {"offset": offset, "delta": delta, "status": subtask["status"]}, sid,
                       subtask_id)
        if isinstance(offset, int) and not isinstance(offset, bool) and offset != len(streamed):
            name = "delta_offset_seen" if offset < len(streamed) else "delta_offset_gap"
            self._note(name, {"offset": offset, "streamed": len(streamed), "delta": delta}, sid, subtask_id)
        fields["streamed_text"] = streamed + delta
        fields["stream_offset"] = len(fields["streamed_text"])
        fields["live_text"] = subtask["live_text"] + delta
        blocks.append("text", delta, data.get("block_id"))

    def _reasoning_delta(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                         fields: dict[str, Any], sid: str) -> None:
        blocks.append("thinking", str(data.get("delta", "")))

    def _reasoning_part(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                        fields: dict[str, Any], sid: str) -> None:
        part = data.get("part", {})
        if isinstance(part, dict) and part.get("type") == "reasoning":
            blocks.append("thinking", str(part.get("text", "")))

    # --- blocks and tool steps -----------------------------------------------------------------------------

    def _block_created(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                       fields: dict[str, Any], sid: str) -> None:
        block = data.get("block")
        if not isinstance(block, dict) or not str(block.get("id") or "").strip():
            raise EventError("response.block.created: missing block id")
        blocks.upsert(block)

    def _block_updated(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                       fields: dict[str, Any], sid: str) -> None:
        block_id, updates = data.get("block_id"), data.get("updates")
        if not str(block_id or "").strip() or not isinstance(updates, dict):
            raise EventError("response.block.updated: missing block_id or updates")
        blocks.update(str(block_id), **updates)

    def _item_added(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                    fields: dict[str, Any], sid: str) -> None:
        item = data.get("item", {})
        if not isinstance(item, dict) or item.get("type") not in ("function_call", "mcp_call", "shell_call"):
            return
        call_id = _tool_use_id(item.get("call_id") or item.get("id"), f"response.output_item.added({item['type']})")
        block = {"id": call_id, "type": "tool", "tool_use_id": call_id, "tool_name": item.get("name", ""),
                 "tool_input": _arguments(item.get("arguments")), "status": "pending", "timestamp": _now_ms()}
        if data.get("display_name"):
            block["display_name"] = data["display_name"]
        blocks.upsert(block)

    def _arguments_delta(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                         fields: dict[str, Any], sid: str) -> None:
        call_id = data.get("call_id") or data.get("item_id")
        if call_id:
            blocks.update(str(call_id), status="generating_arguments")

    def _arguments_done(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                        fields: dict[str, Any], sid: str) -> None:
        call_id = _tool_use_id(data.get("call_id") or data.get("item_id"), "function_call_arguments.done")
        blocks.update(call_id, status="pending", tool_input=_arguments(data.get("arguments")))

    def _item_done(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                   fields: dict[str, Any], sid: str) -> None:
        item = data.get("item", {})
        if not isinstance(item, dict) or item.get("type") != "function_call":
            return
        call_id = _tool_use_id(item.get("call_id") or item.get("id"), "response.output_item.done(function_call)")
        failed = item.get("status") == "failed"
        changes = {"status": "error" if failed else "done", "tool_output": item.get("output")}
        if failed and item.get("error"):
            changes["error"] = item["error"]
        blocks.update(call_id, **changes)

    def _mcp_arguments_done(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                            fields: dict[str, Any], sid: str) -> None:
        item_id = _tool_use_id(data.get("item_id"), "response.mcp_call_arguments.done")
        blocks.update(item_id, status="pending", tool_input=_arguments(data.get("arguments")))

    def _mcp_finished(self, subtask: dict[str, Any], data: dict[str, Any], blocks: LiveBlocks,
                      fields: dict[str, Any], sid: str) -> None:
        item_id = _tool_use_id(data.get("item_id"), "response.mcp_call")
        failed = data.get("type") == "response.mcp_call.failed" or data.get("error") is not None
        blocks.update(item_id, status="error" if failed else "done", tool_output=data.get("output"))

    # --- terminal events (§6.3) ----------------------------------------------------------------------------

    def _terminal(self, event: str, subtask: dict[str, Any], data: dict[str, Any], sid: str) -> dict[str, Any]:
        status = TERMINAL_STATUSES[event]
        if subtask["complete_count"] > 0:
            self._note("terminal_after_terminal", {"event": event, "previous_status": subtask["status"]}, sid,
                       subtask["subtask_id"])
        blocks = LiveBlocks(subtask["live_blocks"])
        streamed = subtask["live_text"] or blocks.text()
        result: dict[str, Any]
        fields: dict[str, Any] = {}
        if status == "COMPLETED":
            response = data.get("response", {})
            if not isinstance(response, dict):
                raise _no_attribute_get(response)
            blocks.items += [b for b in response.get("blocks") or [] if isinstance(b, dict) and "id" in b
                             and not any(str(b["id"]) == str(mine.get("id")) for mine in blocks.items)]
            output = self._output_text(response)
            result = {"value": output if output.strip() else streamed,
                      "blocks": blocks.closed(status)} | {key: response.get(key) for key in COMPLETED_RESULT_KEYS}
        else:
            result = {"value": streamed, "blocks": blocks.closed(status)}
            if status == "FAILED":
                message = data.get("message", "Unknown error")
                http_status = _HTTP_STATUS.search(str(message))
                result |= {"error_type": data.get("code"), "error_code": int(http_status[1]) if http_status else None}
                fields["error_message"] = str(message)
        return fields | {"status": status, "result": result, "progress": 100,
                         "complete_count": subtask["complete_count"] + 1, "failed_by_disconnect": 0,
                         "live_text": "", "live_blocks": []}

    @staticmethod
    def _output_text(response: dict[str, Any]) -> str:
        output = response.get("output")
        parts = []
        for item in output if isinstance(output, list) else []:
            contents = item.get("content") if isinstance(item, dict) else None
            for content in contents if isinstance(contents, list) else []:
                if isinstance(content, dict) and isinstance(content.get("text"), str):
                    parts.append(content["text"])
        return "".join(parts)
