#!/usr/bin/env python3
"""A stand-in for the Claude Code CLI that streams text deltas at a controlled rate, so the bench measures the executor
and not the CLI. The prompt (stdin) says what to do: "deltas=N bytes=B seconds=S". Each delta starts with its index and
the wall-clock time it was printed ("#00042@1732480000123|"), padded to B bytes, so arrival delays can be computed."""
import json
import re
import sys
import time

prompt = sys.stdin.read()
settings = {key: float(value) for key, value in re.findall(r"(\w+)=([0-9.]+)", prompt)}
deltas = int(settings.get("deltas", 0))
size = int(settings.get("bytes", 100))
seconds = settings.get("seconds", 0)


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")


session = "bench-session"
emit({"type": "system", "subtype": "init", "cwd": ".", "session_id": session, "model": "bench", "permissionMode": "default"})
emit({"type": "stream_event", "event": {"type": "message_start", "message": {"id": "msg_bench"}}, "session_id": session})
emit({"type": "stream_event", "event": {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}, "session_id": session})
sys.stdout.flush()

parts = []
start = time.monotonic()
sent = 0
while sent < deltas:
    due = deltas if seconds <= 0 else min(deltas, int(deltas * (time.monotonic() - start) / seconds) + 1)
    now_ms = int(time.time() * 1000)
    while sent < due:
        text = f"#{sent:05d}@{now_ms:013d}|".ljust(size, ".")
        parts.append(text)
        emit({"type": "stream_event", "event": {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}}, "session_id": session})
        sent += 1
    sys.stdout.flush()
    if sent < deltas:
        time.sleep(0.005)

full = "".join(parts) or "done"
emit({"type": "assistant", "message": {"id": "msg_bench", "role": "assistant", "content": [{"type": "text", "text": full}]}, "session_id": session})
emit({"type": "result", "subtype": "success", "is_error": False, "num_turns": 1, "duration_ms": int((time.monotonic() - start) * 1000),
      "result": full, "session_id": session, "total_cost_usd": 0, "usage": {}, "permission_denials": []})
sys.stdout.flush()
