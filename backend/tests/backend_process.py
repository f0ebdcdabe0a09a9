"""Runs the dev backend (or the scripted model alone) with uvicorn in a subprocess on a free 127.0.0.1 port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

BACKEND_DIR = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 20.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class HttpError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class BackendProcess:
    def __init__(self, env: dict[str, str] | None = None, app: str = "app.main:app") -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="wegent-dev-backend-")
        self.env = {"WEGENT_DEV_DB": str(Path(self._dir.name) / "dev.db")} | (env or {})
        self._app = app
        self.port = free_port()
        self._process: subprocess.Popen | None = None
        self._log = Path(self._dir.name) / "server.log"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "BackendProcess":
        log = open(self._log, "ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", self._app, "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=BACKEND_DIR, env=os.environ | self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"backend exited early:\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"backend did not start:\n{self.log_text()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def log_text(self) -> str:
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def request(self, method: str, path: str, body: Any = None, token: str | None = "test-token",
                raw: bool = False) -> Any:
        headers = {"content-type": "application/json"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        req = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as response:
                payload = response.read()
                return (response.status, dict(response.headers), payload) if raw else json.loads(payload or b"null")
        except urllib.error.HTTPError as error:
            raise HttpError(error.code, error.read().decode(errors="replace")) from None
