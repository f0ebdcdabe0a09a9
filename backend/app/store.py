"""SQLite persistence: devices, tasks, subtasks and the history of every socket event.

All calls happen on the event loop thread (handlers and endpoints are async), so one connection suffices.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

FINAL_STATUSES = ("COMPLETED", "FAILED", "CANCELLED")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS devices (
    device_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    executor_version TEXT,
    capabilities TEXT NOT NULL DEFAULT '[]',
    sid TEXT,
    registered_at REAL NOT NULL,
    last_heartbeat REAL,
    running_task_ids TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS tasks (
    task_id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    device_id TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS subtasks (
    subtask_id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL REFERENCES tasks(task_id),
    device_id TEXT NOT NULL,
    prompt TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'PENDING',
    progress INTEGER NOT NULL DEFAULT 0,
    message TEXT,
    result TEXT,
    error_message TEXT,
    streamed_text TEXT NOT NULL DEFAULT '',
    stream_offset INTEGER NOT NULL DEFAULT 0,
    complete_count INTEGER NOT NULL DEFAULT 0,
    progress_count INTEGER NOT NULL DEFAULT 0,
    failed_by_disconnect INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    direction TEXT NOT NULL,
    event TEXT NOT NULL,
    payload TEXT,
    sid TEXT,
    device_id TEXT,
    task_id INTEGER,
    subtask_id INTEGER,
    received_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS events_task ON events(task_id);
"""

# Columns added after the first release, so databases written by an older dev backend keep working.
_ADDED_COLUMNS = {
    "devices": {"registration": "TEXT", "runtime_capacity": "TEXT"},
    # message_id: what the newer backend dispatched; live_*: its streaming state (the real one keeps it in Redis:
    # deltas appended, blocks; cleared by a terminal event, kept across disconnects).
    "subtasks": {"message_id": "INTEGER", "live_text": "TEXT NOT NULL DEFAULT ''",
                 "live_blocks": "TEXT NOT NULL DEFAULT '[]'"},
}
_JSON_COLUMNS = ("result", "live_blocks", "registration", "runtime_capacity")
UNFINISHED_STATUSES = ("PENDING", "RUNNING")


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(_SCHEMA)
        for table, columns in _ADDED_COLUMNS.items():
            present = {row["name"] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for column, declaration in columns.items():
                if column not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")
        # No socket survives a restart.
        self._db.execute("UPDATE devices SET sid = NULL")

    def close(self) -> None:
        self._db.close()

    # --- history -------------------------------------------------------------------------------------------

    def record(self, direction: str, event: str, payload: Any, sid: str | None = None,
               device_id: str | None = None, task_id: int | None = None, subtask_id: int | None = None) -> int:
        if isinstance(payload, dict):
            subtask_id = subtask_id or _int_or_none(payload.get("subtask_id"))
            task_id = task_id or _int_or_none(payload.get("task_id"))
        if task_id is None and subtask_id is not None:
            row = self._db.execute("SELECT task_id FROM subtasks WHERE subtask_id = ?", (subtask_id,)).fetchone()
            task_id = row["task_id"] if row else None
        cursor = self._db.execute(
            "INSERT INTO events (direction, event, payload, sid, device_id, task_id, subtask_id, received_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (direction, event, json.dumps(payload, default=repr), sid, device_id, task_id, subtask_id,
             int(time.time() * 1000)))
        return int(cursor.lastrowid)

    def events(self, since: int = 0, task_id: int | None = None, event: str | None = None) -> list[dict[str, Any]]:
        query, params = "SELECT * FROM events WHERE id > ?", [since]
        for column, value in (("task_id", task_id), ("event", event)):
            if value is not None:
                query += f" AND {column} = ?"
                params.append(value)
        rows = self._db.execute(query + " ORDER BY id", params)
        return [dict(row) | {"payload": _loads(row["payload"])} for row in rows]

    # --- devices -------------------------------------------------------------------------------------------

    def upsert_device(self, device_id: str, name: str, executor_version: Any, capabilities: Any, sid: str,
                      registration: dict[str, Any]) -> None:
        """`registration`: the whole register payload, as the device sent it (or as validated)."""
        now = time.time()
        self._db.execute(
            "INSERT INTO devices (device_id, name, executor_version, capabilities, sid, registered_at, registration)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(device_id) DO UPDATE SET name = excluded.name,"
            " executor_version = excluded.executor_version, capabilities = excluded.capabilities,"
            " sid = excluded.sid, registered_at = excluded.registered_at, registration = excluded.registration",
            (device_id, name, None if executor_version is None else str(executor_version),
             json.dumps(capabilities if isinstance(capabilities, list) else []), sid, now,
             json.dumps(registration, default=repr)))

    def heartbeat(self, device_id: str, running_task_ids: Any, runtime_capacity: dict[str, Any] | None = None) -> None:
        ids = [i for i in running_task_ids if _int_or_none(i) is not None] if isinstance(running_task_ids, list) else []
        self._db.execute(
            "UPDATE devices SET last_heartbeat = ?, running_task_ids = ?, runtime_capacity = ? WHERE device_id = ?",
            (time.time(), json.dumps(ids), json.dumps(runtime_capacity), device_id))

    def device(self, device_id: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM devices WHERE device_id = ?", (device_id,)).fetchone()
        return self._device_dict(row) if row else None

    def devices(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT * FROM devices ORDER BY registered_at DESC")
        return [self._device_dict(row) for row in rows]

    def detach_device(self, device_id: str, sid: str) -> bool:
        """Forget the socket of a device if it is still this one; True when it was."""
        cursor = self._db.execute("UPDATE devices SET sid = NULL WHERE device_id = ? AND sid = ?", (device_id, sid))
        return cursor.rowcount > 0

    @staticmethod
    def _device_dict(row: sqlite3.Row) -> dict[str, Any]:
        return dict(row) | {"capabilities": _loads(row["capabilities"]),
                            "running_task_ids": _loads(row["running_task_ids"]),
                            "registration": _loads(row["registration"]),
                            "runtime_capacity": _loads(row["runtime_capacity"])}

    # --- tasks and subtasks --------------------------------------------------------------------------------

    def create_task(self, title: str, device_id: str, spec: dict[str, Any]) -> int:
        cursor = self._db.execute("INSERT INTO tasks (title, device_id, spec, created_at) VALUES (?, ?, ?, ?)",
                                  (title, device_id, json.dumps(spec), time.time()))
        return int(cursor.lastrowid)

    def create_subtask(self, task_id: int, device_id: str, prompt: str, status: str = "PENDING",
                       message_id: int | None = None) -> int:
        now = time.time()
        cursor = self._db.execute(
            "INSERT INTO subtasks (task_id, device_id, prompt, status, message_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)", (task_id, device_id, prompt, status, message_id, now, now))
        return int(cursor.lastrowid)

    def task(self, task_id: int) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
        return dict(row) | {"spec": _loads(row["spec"])} if row else None

    def tasks(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT task_id FROM tasks ORDER BY task_id DESC").fetchall()
        return [self.task(row["task_id"]) for row in rows]

    def subtask(self, subtask_id: int) -> dict[str, Any] | None:
        row = self._db.execute("SELECT * FROM subtasks WHERE subtask_id = ?", (subtask_id,)).fetchone()
        return self._subtask_dict(row) if row else None

    def subtasks(self, task_id: int) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT * FROM subtasks WHERE task_id = ? ORDER BY subtask_id", (task_id,))
        return [self._subtask_dict(row) for row in rows]

    def update_subtask(self, subtask_id: int, **fields: Any) -> None:
        fields["updated_at"] = time.time()
        for column in _JSON_COLUMNS:
            if column in fields:
                fields[column] = json.dumps(fields[column])
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self._db.execute(f"UPDATE subtasks SET {assignments} WHERE subtask_id = ?", (*fields.values(), subtask_id))

    def fail_unfinished(self, device_id: str, error: str,
                        statuses: tuple[str, ...] = UNFINISHED_STATUSES) -> list[int]:
        """Fail the subtasks of a device that are in one of `statuses`; returns their ids."""
        marks = ", ".join("?" for _ in statuses)
        rows = self._db.execute(
            f"SELECT subtask_id FROM subtasks WHERE device_id = ? AND status IN ({marks})",
            (device_id, *statuses)).fetchall()
        ids = [row["subtask_id"] for row in rows]
        for subtask_id in ids:
            self.update_subtask(subtask_id, status="FAILED", error_message=error, failed_by_disconnect=1)
        return ids

    @staticmethod
    def _subtask_dict(row: sqlite3.Row) -> dict[str, Any]:
        return dict(row) | {"result": _loads(row["result"]), "live_blocks": _loads(row["live_blocks"])}
