"""The real Claude Code CLI against the scripted model mounted in the dev backend (skipped without a CLI)."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from backend_process import BackendProcess

CLAUDE = os.environ.get("WEGENT_CLAUDE_CLI") or shutil.which("claude")


@unittest.skipUnless(CLAUDE, "no Claude Code CLI: set WEGENT_CLAUDE_CLI or put `claude` on PATH")
class ClaudeCliTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.backend = BackendProcess().start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.backend.close()

    def run_cli(self, scenario: str, prompt: str) -> tuple[Path, subprocess.CompletedProcess]:
        root = Path(tempfile.mkdtemp(prefix="wegent-cli-"))
        self.addCleanup(shutil.rmtree, root, True)
        cwd, home = root / "work", root / "home"
        cwd.mkdir()
        home.mkdir()
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ANTHROPIC_", "CLAUDE_"))}
        env |= {"HOME": str(home), "CLAUDE_CONFIG_DIR": str(home / ".claude"), "TMPDIR": str(root),
                "ANTHROPIC_BASE_URL": f"{self.backend.base_url}/scripted/{scenario}",
                "ANTHROPIC_AUTH_TOKEN": "x", "ANTHROPIC_MODEL": "scripted-model",
                "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1", "CLAUDE_CODE_MAX_RETRIES": "0",
                "API_TIMEOUT_MS": "30000"}
        completed = subprocess.run(
            [CLAUDE, "-p", prompt, "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits"],
            cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        return cwd, completed

    @staticmethod
    def result_line(completed: subprocess.CompletedProcess) -> dict:
        lines = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
        return next(line for line in reversed(lines) if line.get("type") == "result")

    def test_write_file_scenario_writes_hello_py(self) -> None:
        cwd, completed = self.run_cli("write-file", "write hello")
        self.assertEqual(completed.returncode, 0, completed.stdout + completed.stderr)
        result = self.result_line(completed)
        self.assertFalse(result["is_error"], result)
        self.assertEqual(result["result"], "I created hello.py, which prints Hello, World!")
        self.assertEqual(result["num_turns"], 2)
        self.assertEqual((cwd / "hello.py").read_text(), 'print("Hello, World!")\n')

    def test_echo_scenario_repeats_the_prompt(self) -> None:
        _, completed = self.run_cli("echo", "say the magic word")
        self.assertEqual(self.result_line(completed)["result"], "Echo: say the magic word")

    def test_error_scenario_fails_the_run(self) -> None:
        _, completed = self.run_cli("error:500", "fail please")
        self.assertEqual(completed.returncode, 1)
        self.assertTrue(self.result_line(completed)["is_error"])


if __name__ == "__main__":
    unittest.main()
