import sqlite3
import sys
import tempfile
import unittest
from pathlib import Path

from backend_process import BACKEND_DIR

sys.path.insert(0, str(BACKEND_DIR))
from app.store import Store  # noqa: E402

# The tables as the first dev backend wrote them, before the columns of the newer backend generation.
FIRST_SCHEMA = """
CREATE TABLE devices (device_id TEXT PRIMARY KEY, name TEXT NOT NULL, executor_version TEXT,
    capabilities TEXT NOT NULL DEFAULT '[]', sid TEXT, registered_at REAL NOT NULL, last_heartbeat REAL,
    running_task_ids TEXT NOT NULL DEFAULT '[]');
CREATE TABLE subtasks (subtask_id INTEGER PRIMARY KEY AUTOINCREMENT, task_id INTEGER NOT NULL,
    device_id TEXT NOT NULL, prompt TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'PENDING',
    progress INTEGER NOT NULL DEFAULT 0, message TEXT, result TEXT, error_message TEXT,
    streamed_text TEXT NOT NULL DEFAULT '', stream_offset INTEGER NOT NULL DEFAULT 0,
    complete_count INTEGER NOT NULL DEFAULT 0, progress_count INTEGER NOT NULL DEFAULT 0,
    failed_by_disconnect INTEGER NOT NULL DEFAULT 0, created_at REAL NOT NULL, updated_at REAL NOT NULL);
INSERT INTO devices (device_id, name, registered_at) VALUES ('hw-old', 'Linux - old', 1);
INSERT INTO subtasks (task_id, device_id, prompt, status, created_at, updated_at)
    VALUES (1, 'hw-old', 'old work', 'COMPLETED', 1, 1);
"""


class StoreTests(unittest.TestCase):
    def test_a_database_of_the_first_dev_backend_gains_the_new_columns(self) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "dev.db"
            with sqlite3.connect(path) as db:
                db.executescript(FIRST_SCHEMA)
            store = Store(path)
            self.addCleanup(store.close)
            old = store.subtask(1)
            self.assertEqual((old["status"], old["message_id"], old["live_text"], old["live_blocks"]),
                             ("COMPLETED", None, "", []))
            self.assertIsNone(store.device("hw-old")["runtime_capacity"])
            store.update_subtask(1, live_blocks=[{"id": "b"}])
            self.assertEqual(store.subtask(1)["live_blocks"], [{"id": "b"}])


if __name__ == "__main__":
    unittest.main()
