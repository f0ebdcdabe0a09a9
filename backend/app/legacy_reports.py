"""How task:progress and task:complete change a subtask, as the January backend (PROTOCOL.md) does it.

The backend streams to the user the part of `result.value` past what it already sent (an offset), so a value
that does not extend what was streamed garbles the user's view: that is recorded as `stream_mismatch`.
Anything the executor must never do is recorded as `protocol_violation`; both are bug signals for tests.
"""

from __future__ import annotations

from typing import Any

from .store import FINAL_STATUSES, Store

KNOWN_STATUSES = ("PENDING", "RUNNING", *FINAL_STATUSES)


class LegacyReportApplier:
    def __init__(self, store: Store) -> None:
        self._store = store

    def apply_progress(self, subtask: dict[str, Any], payload: dict[str, Any], sid: str) -> None:
        subtask_id = subtask["subtask_id"]
        status = payload.get("status")
        fields: dict[str, Any] = {"progress_count": subtask["progress_count"] + 1}
        if status not in KNOWN_STATUSES:
            self._violation(sid, subtask_id, f"task:progress with unknown status {status!r}")
        elif self._finished_by_executor(subtask):
            self._violation(sid, subtask_id, f"task:progress ({status}) after the subtask was finished")
        else:
            if status == "COMPLETED":
                self._violation(sid, subtask_id, "task:progress with status COMPLETED (use task:complete)")
            fields |= self._snapshot(payload)
            fields["status"] = status
            fields |= self._streamed(subtask, payload, sid)
            if status in FINAL_STATUSES:
                fields["failed_by_disconnect"] = 0
                if status != "FAILED":
                    fields["error_message"] = None
        self._store.update_subtask(subtask_id, **fields)

    def apply_complete(self, subtask: dict[str, Any], payload: dict[str, Any], sid: str) -> None:
        status = payload.get("status")
        if status not in ("COMPLETED", "FAILED"):
            self._violation(sid, subtask["subtask_id"], f"task:complete with status {status!r}")
            status = "FAILED"
        error = payload.get("error_message")
        fields = self._snapshot(payload) | self._streamed(subtask, payload, sid) | {
            "status": status, "progress": 100,
            "error_message": str(error) if status == "FAILED" and error is not None else None,
            "complete_count": subtask["complete_count"] + 1, "failed_by_disconnect": 0}
        self._store.update_subtask(subtask["subtask_id"], **fields)

    @staticmethod
    def _finished_by_executor(subtask: dict[str, Any]) -> bool:
        return subtask["status"] in FINAL_STATUSES and not subtask["failed_by_disconnect"]

    @staticmethod
    def _snapshot(payload: dict[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {"result": payload.get("result")}
        progress = payload.get("progress")
        if isinstance(progress, int) and not isinstance(progress, bool):
            fields["progress"] = progress
        if "message" in payload:
            fields["message"] = None if payload["message"] is None else str(payload["message"])
        return fields

    def _streamed(self, subtask: dict[str, Any], payload: dict[str, Any], sid: str) -> dict[str, Any]:
        result = payload.get("result")
        value = result.get("value") if isinstance(result, dict) else None
        if not isinstance(value, str):
            return {}
        offset, streamed = subtask["stream_offset"], subtask["streamed_text"]
        if not value.startswith(streamed):
            self._store.record("note", "stream_mismatch",
                               {"streamed": streamed, "value": value, "offset": offset},
                               sid=sid, subtask_id=subtask["subtask_id"])
        if len(value) <= offset:
            return {}
        return {"streamed_text": streamed + value[offset:], "stream_offset": len(value)}

    def _violation(self, sid: str, subtask_id: int, reason: str) -> None:
        self._store.record("note", "protocol_violation", {"reason": reason}, sid=sid, subtask_id=subtask_id)
