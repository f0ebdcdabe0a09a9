import json
import sys
import time
import unittest
from pathlib import Path
from urllib.parse import quote

from backend_process import BACKEND_DIR, BackendProcess, HttpError

sys.path.insert(0, str(BACKEND_DIR))
from app import scripted_model  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> dict:
    """Requests captured from Claude Code CLI 2.1.197 (tools removed, paths replaced by /home/dev)."""
    return json.loads((FIXTURES / f"claude_cli_2.1.197_{name}.json").read_text())


def parse_sse(raw: bytes) -> list[tuple[str, dict]]:
    events = []
    for frame in raw.decode().split("\n\n"):
        if not frame.strip():
            continue
        lines = dict(line.split(": ", 1) for line in frame.split("\n"))
        events.append((lines["event"], json.loads(lines["data"])))
    return events


class ConversationReadingTests(unittest.TestCase):
    def test_working_directory_is_found_in_a_real_system_prompt(self) -> None:
        system = scripted_model.system_text(fixture("first_turn"))
        self.assertEqual(scripted_model.working_directory(system), "/home/dev/project")

    def test_working_directory_of_older_cli_versions(self) -> None:
        self.assertEqual(scripted_model.working_directory("x\nWorking directory: /srv/a b\nIs git: no"), "/srv/a b")

    def test_prompt_text_skips_system_reminders_and_system_entries(self) -> None:
        self.assertEqual(scripted_model.last_prompt_text(fixture("first_turn")), "write hello")
        self.assertFalse(scripted_model.holds_tool_result(fixture("first_turn")))
        self.assertTrue(scripted_model.holds_tool_result(fixture("after_tool_result")))


class ScriptedModelServerTests(unittest.TestCase):
    """Against the model running alone, as E2E tests run it while the backend restarts."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.model = BackendProcess(app="app.scripted_model:app").start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.model.close()

    def stream(self, scenario: str, body: dict) -> list[tuple[str, dict]]:
        path = f"/scripted/{quote(scenario, safe=':')}/v1/messages?beta=true"
        status, headers, raw = self.model.request("POST", path, body | {"stream": True}, token="x", raw=True)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/event-stream"))
        events = parse_sse(raw)
        for name, data in events:
            self.assertEqual(name, data["type"])
        self.assertEqual([e[0] for e in events[:2]], ["message_start", "content_block_start"])
        self.assertEqual([e[0] for e in events[-3:]], ["content_block_stop", "message_delta", "message_stop"])
        self.assertEqual(events[0][1]["message"]["role"], "assistant")
        return events

    @staticmethod
    def text_of(events: list[tuple[str, dict]]) -> str:
        return "".join(d["delta"]["text"] for n, d in events if n == "content_block_delta")

    @staticmethod
    def tool_input_of(events: list[tuple[str, dict]]) -> dict:
        return json.loads("".join(d["delta"]["partial_json"] for n, d in events if n == "content_block_delta"))

    def test_write_file_first_writes_hello_py_into_the_cwd(self) -> None:
        events = self.stream("write-file", fixture("first_turn"))
        self.assertEqual(events[1][1]["content_block"]["name"], "Write")
        self.assertEqual(self.tool_input_of(events), {"file_path": "/home/dev/project/hello.py",
                                                      "content": 'print("Hello, World!")\n'})
        self.assertEqual(events[-2][1]["delta"]["stop_reason"], "tool_use")

    def test_write_file_answers_a_tool_result_with_the_final_text(self) -> None:
        events = self.stream("write-file", fixture("after_tool_result"))
        self.assertEqual(self.text_of(events), "I created hello.py, which prints Hello, World!")
        self.assertEqual(events[-2][1]["delta"]["stop_reason"], "end_turn")

    def test_default_route_is_write_file(self) -> None:
        status, _, raw = self.model.request("POST", "/v1/messages", fixture("first_turn") | {"stream": True},
                                            token="x", raw=True)
        self.assertEqual(parse_sse(raw)[1][1]["content_block"]["name"], "Write")

    def test_chunks_streams_n_deltas(self) -> None:
        events = self.stream("chunks:5", fixture("first_turn"))
        deltas = [d["delta"]["text"] for n, d in events if n == "content_block_delta"]
        self.assertEqual(deltas, [f"chunk-{i:04d}-abcdefgh " for i in range(1, 6)])

    def test_slow_spreads_the_answer_over_the_given_seconds(self) -> None:
        started = time.monotonic()
        events = self.stream("slow:0.5", fixture("first_turn"))
        self.assertGreaterEqual(time.monotonic() - started, 0.45)
        self.assertEqual(self.text_of(events), "".join(f"slow-{i:04d} " for i in range(1, 6)))

    def test_slow_pads_each_piece_to_the_given_width(self) -> None:
        events = self.stream("slow:0.2:16", fixture("first_turn"))
        self.assertEqual(self.text_of(events), "slow-0001...... slow-0002...... ")

    def test_bash_runs_the_command_then_finishes(self) -> None:
        events = self.stream("bash:echo hi", fixture("first_turn"))
        self.assertEqual(events[1][1]["content_block"]["name"], "Bash")
        self.assertEqual(self.tool_input_of(events)["command"], "echo hi")
        self.assertEqual(self.tool_input_of(self.stream("bash:ls /tmp", fixture("first_turn")))["command"], "ls /tmp")
        self.assertEqual(self.tool_input_of(self.stream("bash", fixture("first_turn")))["command"],
                         "echo started; sleep 600")
        self.assertEqual(self.text_of(self.stream("bash", fixture("after_tool_result"))), "The command finished.")

    def test_echo_repeats_the_prompt(self) -> None:
        self.assertEqual(self.text_of(self.stream("echo", fixture("first_turn"))), "Echo: write hello")

    def test_history_lists_every_user_prompt_of_the_conversation(self) -> None:
        first = fixture("first_turn")
        resumed = first | {"messages": first["messages"] + [
            {"role": "assistant", "content": [{"type": "text", "text": "History: write hello"}]},
            {"role": "user", "content": [{"type": "text", "text": "<system-reminder>x</system-reminder>"},
                                         {"type": "text", "text": "and again"}]}]}
        self.assertEqual(self.text_of(self.stream("history", first)), "History: write hello")
        self.assertEqual(self.text_of(self.stream("history", resumed)), "History: write hello | and again")

    def test_error_answers_the_status_with_an_anthropic_error_body(self) -> None:
        for scenario, status, kind in (("error", 500, "api_error"), ("error:529", 529, "overloaded_error"),
                                       ("error:401", 401, "authentication_error")):
            with self.assertRaises(HttpError) as failed:
                self.model.request("POST", f"/scripted/{scenario}/v1/messages", {"stream": True}, token="x")
            self.assertEqual(failed.exception.status, status)
            self.assertEqual(json.loads(failed.exception.body),
                             {"type": "error", "error": {"type": kind, "message": f"Scripted {status} error"}})

    def test_non_streaming_request_gets_a_whole_message(self) -> None:
        message = self.model.request("POST", "/scripted/echo/v1/messages", fixture("first_turn") | {"stream": False},
                                     token="x")
        self.assertEqual((message["type"], message["stop_reason"]), ("message", "end_turn"))
        self.assertEqual(message["content"], [{"type": "text", "text": "Echo: write hello"}])

    def test_head_probes_are_answered(self) -> None:
        for path in ("/", "/scripted/write-file", "/scripted/slow:3"):
            self.assertEqual(self.model.request("HEAD", path, token=None, raw=True)[0], 200, path)


if __name__ == "__main__":
    unittest.main()
