"""Tasks on the newer backend: the ExecutionRequest payload, Responses-API results as the real backend stores
them (PROTOCOL-RESPONSES.md §5, §6, §8), cancel, the probes, and the history notes."""

import unittest

from backend_process import HttpError
from helpers import MODEL_URL, BackendTestCase, connected_device, notes, result_event, subtask_of, wait_until
from raw_socketio import RawSocketIOClient
# Keys every ExecutionRequest dict carries (PROTOCOL-RESPONSES.md §10.1), and some that must be null.
ALWAYS_PRESENT = ("model_config", "collaboration_model", "message_id", "enable_tools", "timezone", "request_id",
                  "backend_url", "skill_names", "team_name", "user_id", "user_name", "bot_name", "workspace",
                  "system_prompt", "mcp_servers", "skill_refs", "preload_skill_refs", "attachments", "auth_token")
NULL_AT_HEAD = ("task_title", "subtask_title", "status", "progress", "type", "created_at", "updated_at")


def completed(*texts: str, **response: object) -> dict:
    content = [{"type": "output_text", "text": text, "annotations": []} for text in texts]
    return {"response": {"id": "resp_1", "object": "response", "status": "completed",
                         "output": [{"type": "message", "role": "assistant", "content": content}]} | response}


class TaskTestCase(BackendTestCase):
    async def send(self, client: RawSocketIOClient, payload: dict, event: str, **data: object) -> object:
        return await client.emit(event, result_event(payload, event, **data))

    def subtask(self, payload: dict) -> dict:
        return subtask_of(self.backend, payload["task_id"], payload["subtask_id"])

    def notes(self, payload: dict) -> list[str]:
        return notes(self.backend, payload["task_id"])


class ExecutionRequestTests(TaskTestCase):
    async def test_task_execute_is_an_execution_request_with_every_key(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id, scenario="chunks:3", git_url="https://github.com/o/r.git",
                                      branch_name="main")
        for key in ALWAYS_PRESENT:
            self.assertIn(key, payload)
        for key in NULL_AT_HEAD:
            self.assertIsNone(payload[key], key)
        self.assertGreaterEqual(len(payload), 80)
        self.assertEqual((payload["message_id"], payload["user_message_id"]), (2, 1))
        scripted = f"{MODEL_URL}/scripted/chunks:3"
        self.assertEqual(payload["bot"][0]["agent_config"]["env"]["ANTHROPIC_BASE_URL"], scripted)
        self.assertEqual({k: payload["model_config"][k] for k in ("base_url", "api_key", "model_id")},
                         {"base_url": scripted, "api_key": "scripted-key", "model_id": "scripted-model"})
        self.assertEqual((payload["bot"][0]["mcp_servers"], payload["mcp_servers"], payload["skill_refs"]),
                         ([], [], {}))
        self.assertEqual(payload["workspace"]["repository"],
                         {"gitUrl": "https://github.com/o/r.git", "gitRepo": "o/r", "gitRepoId": None,
                          "gitDomain": "github.com", "branchName": "main"})
        self.assertEqual((payload["git_repo"], payload["branch_name"]), ("o/r", "main"))
        self.assertNotIn("user_name", payload["user"])
        self.assertEqual((payload["user_name"], payload["executor_name"]), ("admin", f"device-{device_id}"))
        self.assertEqual(self.subtask(payload)["status"], "RUNNING")

    async def test_rest_options_keep_shaping_the_payload(self) -> None:
        client, device_id = await self.device()
        attachment = {"id": 5, "original_filename": "a.png", "file_extension": ".png", "file_size": 3,
                      "mime_type": "image/png"}
        payload = await self.dispatch(
            client, device_id, agent_config={"env": {"model": "claude", "model_id": "m1", "api_key": "k"}},
            bot={"system_prompt": "be brief", "skills": ["s1"],
                 "mcp_servers": {"fs": {"type": "http", "url": "http://127.0.0.1:1", "headers": {"A": "b"}}}},
            user={"git_token": "tok"}, attachments=[attachment], payload_overrides={"prompt": [
                {"type": "input_text", "text": "look"}]})
        bot = payload["bot"][0]
        self.assertEqual(bot["mcp_servers"], [{"name": "fs", "type": "http", "url": "http://127.0.0.1:1",
                                               "headers": {"A": "b"}}])
        self.assertEqual(payload["mcp_servers"], [{"name": "fs", "type": "http", "url": "http://127.0.0.1:1",
                                                   "auth": {"A": "b"}}])
        self.assertEqual((payload["system_prompt"], payload["skill_names"]), ("be brief", ["s1"]))
        self.assertEqual({k: payload["model_config"][k] for k in ("model", "model_id", "api_key")},
                         {"model": "claude", "model_id": "m1", "api_key": "k"})
        self.assertEqual(payload["user"]["git_token"], "tok")
        self.assertEqual(payload["attachments"], [{"id": 5, "original_filename": "a.png", "mime_type": "image/png",
                                                   "file_size": 3, "subtask_id": payload["subtask_id"]}])
        self.assertEqual(payload["prompt"], [{"type": "input_text", "text": "look"}])

    async def test_a_follow_up_gets_the_next_message_id(self) -> None:
        client, device_id = await self.device()
        first = await self.dispatch(client, device_id)
        self.backend.request("POST", f"/api/tasks/{first['task_id']}/messages", {"prompt": "again"})
        _, second = await client.next_event()
        self.assertEqual((second["task_id"], second["message_id"]), (first["task_id"], 4))


class ResultTests(TaskTestCase):
    async def test_a_streamed_turn_stores_the_output_text(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        self.assertEqual(await self.send(client, payload, "response.created"), {"success": True})
        for delta, offset in (("Hello, ", 0), ("wörld 🌍.", 7)):
            self.assertEqual(await self.send(client, payload, "response.output_text.delta", delta=delta,
                                             offset=offset), {"success": True})
        self.assertEqual(self.subtask(payload)["streamed_text"], "Hello, wörld 🌍.")
        self.assertIsNone(self.subtask(payload)["result"])
        await self.send(client, payload, "response.completed",
                        **completed("Hello, wörld 🌍.", usage={"output_tokens": 5}, stop_reason="end_turn",
                                    file_changes=[{"path": "hello.py"}]))
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["progress_count"], subtask["complete_count"]), ("COMPLETED", 3, 1))
        result = subtask["result"]
        self.assertEqual((result["value"], result["usage"], result["stop_reason"], result["file_changes"]),
                         ("Hello, wörld 🌍.", {"output_tokens": 5}, "end_turn", [{"path": "hello.py"}]))
        self.assertEqual([(b["type"], b["content"], b["status"]) for b in result["blocks"]],
                         [("text", "Hello, wörld 🌍.", "done")])
        self.assertEqual(self.notes(payload), [])

    async def test_a_blank_output_stores_the_accumulated_deltas(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.output_text.delta", delta="streamed only", offset=0)
        await self.send(client, payload, "response.completed", **completed("  \n"))
        self.assertEqual(self.subtask(payload)["result"]["value"], "streamed only")

    async def test_a_resent_delta_is_appended_again_and_noted(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        for delta, offset in (("abc", 0), ("abc", 0), ("xyz", 9)):
            await self.send(client, payload, "response.output_text.delta", delta=delta, offset=offset)
        await self.send(client, payload, "response.completed", **completed())
        self.assertEqual(self.subtask(payload)["result"]["value"], "abcabcxyz")
        self.assertEqual(self.notes(payload), ["delta_offset_seen", "delta_offset_gap"])

    async def test_error_fails_the_task_keeping_the_partial_text(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.output_text.delta", delta="half", offset=0)
        await self.send(client, payload, "error", code="runtime_error", message="Error code: 429 - rate limited")
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["error_message"]), ("FAILED", "Error code: 429 - rate limited"))
        self.assertEqual({k: subtask["result"][k] for k in ("value", "error_type", "error_code")},
                         {"value": "half", "error_type": "runtime_error", "error_code": 429})

    async def test_incomplete_always_means_cancelled(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.output_text.delta", delta="so far", offset=0)
        await self.send(client, payload, "response.incomplete",
                        response={"status": "completed", "incomplete_details": {"reason": "max_output_tokens"}})
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["result"]["value"]), ("CANCELLED", "so far"))

    async def test_response_failed_and_unknown_events_are_acked_and_ignored(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        for event in ("response.failed", "response.made_up", "response.in_progress", "image_generation.partial"):
            self.assertEqual(await self.send(client, payload, event), {"success": True}, event)
        # Routed by its shape (a data dict and a task id), whatever its name.
        self.assertEqual(await client.emit("custom:event", result_event(payload, "custom")), {"success": True})
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["progress_count"]), ("RUNNING", 5))
        self.assertEqual(self.notes(payload), ["protocol_violation", "unknown_event", "unknown_event",
                                               "unknown_event"])

    async def test_a_second_terminal_rewrites_the_result_and_an_empty_one_wipes_it(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.output_text.delta", delta="All done.", offset=0)
        await self.send(client, payload, "response.completed", **completed("All done."))
        await self.send(client, payload, "response.completed", **completed())
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["result"]["value"], subtask["complete_count"]),
                         ("COMPLETED", "", 2))
        await self.send(client, payload, "error", code="runtime_error", message="late")
        self.assertEqual(self.subtask(payload)["status"], "FAILED")
        self.assertEqual(self.notes(payload), ["terminal_after_terminal", "terminal_after_terminal"])

    async def test_a_delta_after_a_terminal_is_noted_and_kept_for_the_next_one(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.completed", **completed("first"))
        await self.send(client, payload, "response.output_text.delta", delta="late", offset=0)
        self.assertEqual(self.subtask(payload)["result"]["value"], "first")
        await self.send(client, payload, "response.completed", **completed())
        self.assertEqual(self.subtask(payload)["result"]["value"], "late")
        self.assertEqual(self.notes(payload), ["delta_after_terminal", "terminal_after_terminal"])

    async def test_thinking_and_tool_steps_are_stored_as_blocks(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        tool = {"id": "toolu_01", "type": "tool", "tool_use_id": "toolu_01", "tool_name": "Write",
                "tool_input": {"file_path": "hello.py"}, "status": "pending", "timestamp": 1}
        await self.send(client, payload, "response.reasoning_summary_text.delta", delta="Let me think.")
        await self.send(client, payload, "response.output_text.delta", delta="I'll write it.", offset=0)
        await self.send(client, payload, "response.block.created", block=tool)
        await self.send(client, payload, "response.block.updated", block_id="toolu_01",
                        updates={"tool_output": "File created", "status": "done"})
        await self.send(client, payload, "response.output_text.delta", delta=" Done.", offset=14)
        await self.send(client, payload, "response.output_item.added",
                        item={"type": "function_call", "call_id": "call_2", "name": "Bash", "arguments": '{"c": 1}'})
        await self.send(client, payload, "response.completed", **completed(" Done."))
        blocks = self.subtask(payload)["result"]["blocks"]
        self.assertEqual([(b["type"], b.get("content") or b.get("tool_name"), b["status"]) for b in blocks],
                         [("thinking", "Let me think.", "done"), ("text", "I'll write it.", "done"),
                          ("tool", "Write", "done"), ("text", " Done.", "done"), ("tool", "Bash", "done")])
        self.assertEqual((blocks[2]["tool_output"], blocks[4]["tool_input"]), ("File created", {"c": 1}))
        self.assertEqual(self.subtask(payload)["result"]["value"], " Done.")

    async def test_a_tool_still_running_when_the_task_is_cancelled_is_closed_as_an_error(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.block.created",
                        block={"id": "t1", "type": "tool", "tool_name": "Bash", "status": "pending"})
        await self.send(client, payload, "response.incomplete")
        self.assertEqual(self.subtask(payload)["result"]["blocks"][0]["status"], "error")

    async def test_events_the_parser_rejects_are_answered_with_its_error(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        self.assertEqual(await self.send(client, payload, "response.output_item.added",
                                         item={"type": "function_call", "name": "Bash"}),
                         {"error": "response.output_item.added(function_call): missing non-empty tool_use_id"})
        self.assertEqual(await client.emit("response.output_text.delta", result_event(payload, "x") | {"data": "s"}),
                         {"error": "'str' object has no attribute 'get'"})
        self.assertEqual(self.subtask(payload)["progress_count"], 0)

    async def test_the_acks_of_malformed_or_unregistered_reports(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        self.assertEqual(await client.emit("response.created"), {"error": "Missing event data"})
        self.assertEqual(await client.emit("response.created", [1]), {"error": "Invalid event data format"})
        for ids in ({"task_id": payload["task_id"]}, {"task_id": 0, "subtask_id": payload["subtask_id"]}):
            self.assertEqual(await client.emit("response.created", ids | {"data": {}}),
                             {"error": "Missing task_id or subtask_id"})
        fresh = RawSocketIOClient()
        self.addAsyncCleanup(fresh.close)
        await fresh.connect(self.backend.port, {"token": "test-token"})
        self.assertEqual(await fresh.emit("response.completed", result_event(payload, "response.completed")),
                         {"error": "Not authenticated or not registered"})

    async def test_any_registered_device_can_report_for_any_subtask(self) -> None:
        owner, owner_id = await self.device()
        stranger, _ = await self.device()
        payload = await self.dispatch(owner, owner_id)
        self.assertEqual(await self.send(stranger, payload, "response.completed", **completed("not mine")),
                         {"success": True})
        self.assertEqual(self.subtask(payload)["result"]["value"], "not mine")
        before = self.backend.request("GET", "/api/events")[-1]["id"]
        unknown = result_event(payload, "response.completed") | {"subtask_id": 10**9}
        self.assertEqual(await stranger.emit("response.completed", unknown), {"success": True})
        names = [e["event"] for e in self.backend.request("GET", f"/api/events?since={before}&event=unknown_subtask")]
        self.assertEqual(names, ["unknown_subtask"])

    async def test_a_wrong_message_id_is_a_protocol_violation(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("response.created", result_event(payload, "response.created") | {"message_id": 99})
        self.assertEqual(self.notes(payload), ["protocol_violation"])

    async def test_the_generation_probes_and_empty_acks(self) -> None:
        client, device_id = await self.device()
        self.assertEqual(await client.emit("response.created", {}, raw=True),
                         [{"error": "Missing task_id or subtask_id"}])
        payload = await self.dispatch(client, device_id)
        # task:progress and task:complete have no handler here: an ack without arguments.
        self.assertEqual(await client.emit("task:progress", {"subtask_id": 0}, raw=True), [])
        self.assertEqual(await client.emit("task:complete", {"task_id": payload["task_id"], "status": "COMPLETED",
                                                             "subtask_id": payload["subtask_id"]}, raw=True), [])
        self.assertEqual(self.subtask(payload)["status"], "RUNNING")
        self.assertEqual(self.notes(payload), ["unknown_event"])

    async def test_cancel_waits_for_the_executor(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        self.backend.request("POST", f"/api/tasks/{payload['task_id']}/cancel")
        self.assertEqual(await client.next_event(),
                         ("task:cancel", {"task_id": payload["task_id"], "subtask_id": payload["subtask_id"]}))
        await self.send(client, payload, "response.output_text.delta", delta="stopping", offset=0)
        self.assertEqual(self.backend.request("GET", f"/api/tasks/{payload['task_id']}")["status"], "CANCELLING")
        await self.send(client, payload, "response.incomplete")
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["result"]["value"]), ("CANCELLED", "stopping"))
        with self.assertRaises(HttpError) as refused:
            self.backend.request("POST", f"/api/tasks/{payload['task_id']}/cancel")
        self.assertEqual((refused.exception.status, "Cannot cancel subtask in CANCELLED state" in
                          refused.exception.body), (409, True))
        self.backend.request("POST", f"/api/tasks/{payload['task_id']}/close-session")
        self.assertEqual(await client.next_event(), ("task:close-session", {"task_id": payload["task_id"]}))


class DisconnectTests(TaskTestCase):

    def grace_over(self, device_id: str) -> list[dict]:
        return [e["payload"] for e in self.backend.request("GET", "/api/events?event=disconnect_grace_over")
                if e["device_id"] == device_id]

    async def test_a_disconnect_fails_running_work_after_the_grace_and_a_late_final_completes_it(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await self.send(client, payload, "response.output_text.delta", delta="half", offset=0)
        await client.close()
        over = await wait_until(lambda: self.grace_over(device_id), what="the grace ending")
        self.assertEqual(over, [{"reregistered": False, "failed": [payload["subtask_id"]]}])
        failed = self.subtask(payload)
        self.assertEqual((failed["status"], failed["error_message"]), ("FAILED", "Device disconnected unexpectedly"))

        again = await connected_device(self.backend, device_id)
        self.addAsyncCleanup(again.close)
        self.assertEqual(await self.send(again, payload, "response.completed", **completed()), {"success": True})
        subtask = self.subtask(payload)
        self.assertEqual((subtask["status"], subtask["result"]["value"], subtask["error_message"]),
                         ("COMPLETED", "half", "Device disconnected unexpectedly"))
        self.assertNotIn("terminal_after_terminal", self.notes(payload))

    async def test_a_reconnect_within_the_grace_keeps_the_work_running(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.close()
        again = await connected_device(self.backend, device_id)
        self.addAsyncCleanup(again.close)
        over = await wait_until(lambda: self.grace_over(device_id), what="the grace ending")
        self.assertEqual(over, [{"reregistered": True, "failed": []}])
        self.assertEqual(self.subtask(payload)["status"], "RUNNING")


if __name__ == "__main__":
    unittest.main()
