import asyncio
import unittest

from backend_process import HttpError
from helpers import LEGACY_BACKEND, BackendTestCase, capacity, connected_device, event_names, subtask_of, wait_until
from raw_socketio import RawSocketIOClient


class LegacyDeviceProtocolTests(BackendTestCase):
    """The January backend (WEGENT_DEV_PROTOCOL=legacy), as the dev backend always spoke it."""

    env = LEGACY_BACKEND

    @staticmethod
    def report(payload: dict, status: str, value: str, **extra: object) -> dict:
        return {"task_id": payload["task_id"], "subtask_id": payload["subtask_id"], "task_title": "t",
                "subtask_title": "s", "progress": 60, "status": status, "message": "working",
                "result": {"value": value, "thinking": [], "workbench": {}}} | extra

    # --- register and heartbeat ----------------------------------------------------------------------------

    async def test_heartbeat_before_register_is_a_mismatch(self) -> None:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        await client.connect(self.backend.port, {"token": "test-token"})
        ack = await client.emit("device:heartbeat", {"device_id": "hw-unregistered", "running_task_ids": []})
        self.assertEqual(ack, {"error": "Device ID mismatch"})

    async def test_register_validates_id_and_name(self) -> None:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        await client.connect(self.backend.port, {"token": "test-token"})
        for bad in ({"device_id": "", "name": "n"}, {"device_id": "x" * 101, "name": "n"},
                    {"device_id": "ok", "name": None}, "not a dict"):
            self.assertIn("error", await client.emit("device:register", bad), bad)

    async def test_it_takes_what_a_new_executor_sends(self) -> None:
        """Unknown keys were ignored: a new executor's register and heartbeat (even a capacity the newer backend
        would refuse) are accepted."""
        client, device_id = await self.device()
        new_keys = {"device_type": "local", "bind_shell": "claudecode", "executor_version": "v" * 60,
                    "runtime_instance_id": "rt-1", "client_ip": "127.0.0.1", "runtime_transfer_host": "127.0.0.1",
                    "runtime_features": {"schemaVersion": 1}}
        ack = await client.emit("device:register", {"device_id": device_id, "name": "Linux - box"} | new_keys)
        self.assertEqual(ack, {"success": True, "device_id": device_id})
        for runtime_capacity in (capacity("7"), capacity("7") | {"active": 3}):
            heartbeat = {"device_id": device_id, "running_task_ids": [7], "runtime_instance_id": "rt-2",
                         "runtime_capacity": runtime_capacity}
            self.assertEqual(await client.emit("device:heartbeat", heartbeat), {"success": True})

    async def test_the_generation_probes_and_empty_acks(self) -> None:
        client, device_id = await self.device()
        self.assertEqual(await client.emit("task:progress", {"subtask_id": 0}, raw=True),
                         [{"error": "Missing subtask_id"}])
        payload = await self.dispatch(client, device_id)
        for event in ("response.created", "response.completed", "error"):
            envelope = {"task_id": payload["task_id"], "subtask_id": payload["subtask_id"], "data": {}}
            self.assertEqual(await client.emit(event, {}, raw=True), [])
            self.assertEqual(await client.emit(event, envelope, raw=True), [])
        self.assertEqual(subtask_of(self.backend, payload["task_id"], payload["subtask_id"])["status"], "PENDING")
        # Nor does the January backend call the device after it registered.
        self.assertEqual(self.backend.request("GET", "/api/events?event=device:sync_capabilities"), [])

    async def test_an_unknown_api_key_is_an_invalid_token(self) -> None:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        self.assertEqual(await client.connect(self.backend.port, {"token": "wg-unknown"}),
                         ("connect_error", {"message": "Invalid or expired token"}))

    async def test_register_then_heartbeat_shows_the_device_online(self) -> None:
        client, device_id = await self.device()
        ack = await client.emit("device:heartbeat", {"device_id": device_id, "running_task_ids": [7, 8]})
        self.assertEqual(ack, {"success": True})
        device = next(d for d in self.backend.request("GET", "/api/devices") if d["device_id"] == device_id)
        self.assertEqual((device["status"], device["connected"]), ("online", True))
        self.assertEqual(device["running_task_ids"], [7, 8])
        self.assertEqual(device["capabilities"], ["claude_code"])
        self.assertIsNotNone(device["last_heartbeat"])

    async def test_heartbeat_for_another_device_id_is_a_mismatch(self) -> None:
        client, _ = await self.device()
        ack = await client.emit("device:heartbeat", {"device_id": "hw-someone-else", "running_task_ids": []})
        self.assertEqual(ack, {"error": "Device ID mismatch"})

    def is_offline(self, device_id: str) -> bool:
        device = next(d for d in self.backend.request("GET", "/api/devices") if d["device_id"] == device_id)
        return device["status"] == "offline" and not device["connected"]

    async def test_a_closed_socket_shows_the_device_offline(self) -> None:
        client, device_id = await self.device()
        await client.close()
        await wait_until(lambda: self.is_offline(device_id), what="device offline")

    async def test_a_message_over_one_megabyte_drops_the_connection(self) -> None:
        client, device_id = await self.device()
        await client.emit("unknown:big", {"blob": "x" * 1_000_001}, ack=False)
        await asyncio.wait_for(client.closed.wait(), 10)
        await wait_until(lambda: self.is_offline(device_id), what="device offline")

    # --- dispatch ------------------------------------------------------------------------------------------

    async def test_task_execute_carries_the_full_payload(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id, scenario="chunks:3", git_url="https://github.com/o/r.git",
                                      branch_name="main", new_session=True)
        for key in ("subtask_next_id", "task_title", "subtask_title", "team_id", "team_namespace", "mode",
                    "git_repo_id", "created_at", "updated_at", "trace_context"):
            self.assertIn(key, payload)
        self.assertEqual(payload["type"], "online")
        self.assertEqual(payload["executor_name"], f"device-{device_id}")
        self.assertEqual(payload["executor_namespace"], "default")
        self.assertEqual((payload["status"], payload["progress"], payload["attachments"]), ("PENDING", 0, []))
        self.assertEqual((payload["git_domain"], payload["git_repo"], payload["branch_name"]),
                         ("github.com", "o/r", "main"))
        self.assertTrue(payload["new_session"])
        self.assertEqual(payload["prompt"], "say hello")
        self.assertEqual(payload["user"]["name"], "admin")
        bot = payload["bot"][0]
        self.assertEqual(bot["shell_type"], "ClaudeCode")
        self.assertEqual(bot["agent_config"]["env"], {
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:9/model/scripted/chunks:3",
            "ANTHROPIC_AUTH_TOKEN": "scripted-key", "ANTHROPIC_MODEL": "scripted-model"})
        self.assertEqual(self.backend.request("GET", "/api/tasks", token=payload["auth_token"])[0]["task_id"],
                         payload["task_id"])

    async def test_overrides_reach_the_payload(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id, agent_config={"env": {"model": "claude", "api_key": "k"}},
                                      bot={"system_prompt": "be brief", "skills": ["s1"]},
                                      user={"git_token": "tok"}, model_base_url="http://127.0.0.1:1")
        bot = payload["bot"][0]
        self.assertEqual(bot["agent_config"], {"env": {"model": "claude", "api_key": "k"}})
        self.assertEqual((bot["system_prompt"], bot["skills"]), ("be brief", ["s1"]))
        self.assertEqual(payload["user"]["git_token"], "tok")

    async def test_task_view_can_leave_out_the_event_history(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        view = self.backend.request("GET", f"/api/tasks/{payload['task_id']}?events=false")
        self.assertNotIn("events", view)
        self.assertEqual([s["subtask_id"] for s in view["subtasks"]], [payload["subtask_id"]])
        self.assertIn("task:execute", event_names(self.backend, payload["task_id"]))

    async def test_follow_up_message_reuses_task_and_device(self) -> None:
        client, device_id = await self.device()
        first = await self.dispatch(client, device_id, model_base_url="http://127.0.0.1:1")
        ids = self.backend.request("POST", f"/api/tasks/{first['task_id']}/messages",
                                   {"prompt": "and again", "scenario": "echo"})
        event, payload = await client.next_event()
        self.assertEqual(event, "task:execute")
        self.assertEqual((payload["task_id"], payload["subtask_id"]), (first["task_id"], ids["subtask_id"]))
        self.assertGreater(payload["subtask_id"], first["subtask_id"])
        self.assertEqual(payload["prompt"], "and again")
        self.assertFalse(payload["new_session"])
        self.assertEqual(payload["bot"][0]["agent_config"]["env"]["ANTHROPIC_BASE_URL"],
                         "http://127.0.0.1:1/scripted/echo")

    async def test_cancel_close_session_and_raw_emit_reach_the_device(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        task_id = payload["task_id"]
        self.backend.request("POST", f"/api/tasks/{task_id}/cancel")
        self.assertEqual(await client.next_event(),
                         ("task:cancel", {"subtask_id": payload["subtask_id"], "task_id": task_id}))
        self.backend.request("POST", f"/api/tasks/{task_id}/close-session")
        self.assertEqual(await client.next_event(), ("task:close-session", {"task_id": task_id}))
        self.backend.request("POST", f"/api/devices/{device_id}/emit", {"event": "task:execute", "payload": [1]})
        self.assertEqual(await client.next_event(), ("task:execute", [1]))

    # --- progress, complete, streaming ---------------------------------------------------------------------

    async def test_progress_streams_the_part_past_the_offset(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        for value in ("Hel", "Hello", "Hello", "Hello wor"):
            self.assertEqual(await client.emit("task:progress", self.report(payload, "RUNNING", value)),
                             {"success": True})
        subtask = subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
        self.assertEqual((subtask["status"], subtask["streamed_text"], subtask["progress_count"]),
                         ("RUNNING", "Hello wor", 4))
        self.assertEqual(subtask["result"]["value"], "Hello wor")
        await client.emit("task:complete", self.report(payload, "COMPLETED", "Hello world", progress=100))
        subtask = subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
        self.assertEqual((subtask["status"], subtask["progress"], subtask["streamed_text"], subtask["complete_count"]),
                         ("COMPLETED", 100, "Hello world", 1))
        self.assertNotIn("stream_mismatch", event_names(self.backend, payload["task_id"]))

    async def test_progress_without_ack_is_applied(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "RUNNING", "quiet"), ack=False)
        await wait_until(lambda: subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
                         ["streamed_text"] == "quiet", what="progress applied")

    async def test_a_value_that_does_not_extend_the_stream_is_a_mismatch(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "RUNNING", "Hello"))
        await client.emit("task:progress", self.report(payload, "RUNNING", "Goodbye!"))
        subtask = subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
        self.assertEqual(subtask["streamed_text"], "Helloye!")
        self.assertIn("stream_mismatch", event_names(self.backend, payload["task_id"]))

    async def test_duplicate_complete_is_counted(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        for _ in range(2):
            ack = await client.emit("task:complete", self.report(payload, "FAILED", "", progress=100,
                                                                 error_message="boom"))
            self.assertEqual(ack, {"success": True})
        subtask = subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
        self.assertEqual((subtask["status"], subtask["error_message"], subtask["complete_count"]),
                         ("FAILED", "boom", 2))

    async def test_complete_for_unknown_or_foreign_subtask_is_refused(self) -> None:
        owner, owner_id = await self.device()
        stranger, _ = await self.device()
        payload = await self.dispatch(owner, owner_id)
        self.assertEqual(await stranger.emit("task:complete", self.report(payload, "COMPLETED", "x")),
                         {"error": "Subtask does not belong to this device"})
        self.assertEqual(await owner.emit("task:complete", self.report(payload, "COMPLETED", "x", subtask_id=10**9)),
                         {"error": "Subtask not found"})

    async def test_completed_in_progress_is_a_protocol_violation(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "COMPLETED", "done"))
        self.assertEqual(subtask_of(self.backend, payload["task_id"], payload["subtask_id"])["status"], "COMPLETED")
        self.assertIn("protocol_violation", event_names(self.backend, payload["task_id"]))

    async def test_cancelled_progress_is_final(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "RUNNING", "partial"))
        await client.emit("task:progress", self.report(payload, "CANCELLED", "partial", progress=100))
        task = self.backend.request("GET", f"/api/tasks/{payload['task_id']}")
        self.assertEqual((task["status"], task["subtasks"][0]["progress"]), ("CANCELLED", 100))
        self.assertNotIn("protocol_violation", event_names(self.backend, payload["task_id"]))
        await client.emit("task:progress", self.report(payload, "RUNNING", "partial more"))
        self.assertEqual(self.backend.request("GET", f"/api/tasks/{payload['task_id']}")["status"], "CANCELLED")
        self.assertIn("protocol_violation", event_names(self.backend, payload["task_id"]))

    async def test_lowercase_status_is_a_protocol_violation(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "cancelled", ""))
        self.assertIn("protocol_violation", event_names(self.backend, payload["task_id"]))

    # --- disconnects ---------------------------------------------------------------------------------------

    async def test_disconnect_fails_running_work_and_a_later_complete_replaces_it(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        await client.emit("task:progress", self.report(payload, "RUNNING", "half"))
        await client.close()
        failed = await wait_until(lambda: (s := subtask_of(self.backend, payload["task_id"], payload["subtask_id"]))
                                  ["status"] == "FAILED" and s, what="subtask failed by disconnect")
        self.assertEqual(failed["error_message"], "Device disconnected unexpectedly")

        again = await connected_device(self.backend, device_id)
        self.addAsyncCleanup(again.close)
        ack = await again.emit("task:complete", self.report(payload, "COMPLETED", "half and whole", progress=100))
        self.assertEqual(ack, {"success": True})
        subtask = subtask_of(self.backend, payload["task_id"], payload["subtask_id"])
        self.assertEqual((subtask["status"], subtask["error_message"], subtask["streamed_text"]),
                         ("COMPLETED", None, "half and whole"))

    async def test_report_before_register_is_refused(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        fresh = RawSocketIOClient()
        self.addAsyncCleanup(fresh.close)
        await fresh.connect(self.backend.port, {"token": "test-token"})
        self.assertEqual(await fresh.emit("task:complete", self.report(payload, "COMPLETED", "x")),
                         {"error": "Device not registered"})

    # --- history -------------------------------------------------------------------------------------------

    async def test_history_keeps_arrival_order_of_every_event(self) -> None:
        before = self.backend.request("GET", "/api/events")[-1]["id"]
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        for value in ("a", "ab", "abc"):
            await client.emit("task:progress", self.report(payload, "RUNNING", value), ack=False)
        await client.emit("some:unknown", {"x": 1}, ack=False)
        await client.emit("task:complete", self.report(payload, "COMPLETED", "abcd"))
        events = self.backend.request("GET", f"/api/events?since={before}")
        sid = next(e["sid"] for e in events if e["event"] == "device:register" and e["device_id"] == device_id)
        mine = [(e["direction"], e["event"]) for e in events if e["device_id"] == device_id or e["sid"] == sid]
        self.assertEqual(mine, [("in", "connect"), ("in", "device:register"), ("out", "task:execute"),
                                ("in", "task:progress"), ("in", "task:progress"), ("in", "task:progress"),
                                ("in", "some:unknown"), ("in", "task:complete")])
        progress_values = [e["payload"]["result"]["value"] for e in events if e["event"] == "task:progress"]
        self.assertEqual(progress_values, ["a", "ab", "abc"])
        self.assertTrue(all(e["received_at"] > 0 for e in events))
        completes = self.backend.request("GET", f"/api/events?since={before}&event=task:complete")
        self.assertEqual([e["payload"]["result"]["value"] for e in completes], ["abcd"])

    async def test_dispatch_to_an_unknown_device_is_not_found(self) -> None:
        with self.assertRaises(HttpError) as missing:
            self.backend.request("POST", "/api/tasks", {"prompt": "x", "device_id": "hw-nobody"})
        self.assertEqual(missing.exception.status, 404)


if __name__ == "__main__":
    unittest.main()
