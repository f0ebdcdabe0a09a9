"""The newer backend's register, heartbeat and backend-to-device calls (PROTOCOL-RESPONSES.md §3, §4, §9)."""

import asyncio
import unittest

from helpers import BackendTestCase, capacity, connected_device, wait_until
from raw_socketio import RawSocketIOClient
NEW_EXECUTOR = {"device_type": "local", "bind_shell": "claudecode", "executor_version": "1.4.0",
                "runtime_instance_id": "rt-5be1c0a4d2f9", "client_ip": "127.0.0.1",
                "runtime_transfer_host": "127.0.0.1", "runtime_features": {"schemaVersion": 1}}
SYNC_ANSWER = {"success": True, "skills": [], "plugins": [], "mcps": [], "errors": []}


class ResponsesDeviceTests(BackendTestCase):
    async def fresh_socket(self) -> RawSocketIOClient:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        await client.connect(self.backend.port, {"token": "test-token"})
        return client

    def device_view(self, device_id: str) -> dict:
        return next(d for d in self.backend.request("GET", "/api/devices") if d["device_id"] == device_id)

    def history(self, device_id: str) -> list[tuple[str, str]]:
        return [(e["direction"], e["event"]) for e in self.backend.request("GET", "/api/events")
                if e["device_id"] == device_id]

    # --- register ------------------------------------------------------------------------------------------

    async def test_register_takes_what_a_new_executor_sends(self) -> None:
        _, device_id = await self.device(**NEW_EXECUTOR, unknown_key="ignored")
        registration = self.device_view(device_id)["registration"]
        self.assertEqual((registration["device_type"], registration["bind_shell"], registration["runtime_instance_id"]),
                         ("local", "claudecode", "rt-5be1c0a4d2f9"))
        self.assertNotIn("unknown_key", registration)

    async def test_register_is_checked_like_the_real_schema(self) -> None:
        client = await self.fresh_socket()
        base = {"device_id": "hw-checked", "name": "Linux - box"}
        for bad, words in ((base | {"executor_version": "v" * 51}, "at most 50 characters"),
                           (base | {"device_type": "laptop"}, "device_type"),
                           (base | {"bind_shell": "bash"}, "bind_shell"),
                           (base | {"capabilities": "claude_code"}, "capabilities"),
                           ({"device_id": "hw-checked"}, "name\n  Field required"),
                           (base | {"device_id": "x" * 101}, "at most 100 characters")):
            ack = await client.emit("device:register", bad)
            self.assertTrue(ack["error"].startswith("Invalid payload: 1 validation error for DeviceRegisterPayload"),
                            ack)
            self.assertIn(words, ack["error"])
        self.assertEqual(await client.emit("device:register", "hw-checked"),
                         {"error": "Invalid payload: DeviceRegisterPayload() argument after ** must be a mapping, "
                                   "not str"})
        self.assertEqual(await client.emit("device:register", base | {"executor_version": "v" * 50,
                                                                      "runtime_features": {"bad": True}}),
                         {"success": True, "device_id": "hw-checked"})

    async def test_every_register_is_followed_by_a_capability_sync_whose_answer_is_recorded(self) -> None:
        client = RawSocketIOClient()
        self.addAsyncCleanup(client.close)
        client.answers["device:sync_capabilities"] = SYNC_ANSWER
        await client.connect(self.backend.port, {"token": "test-token"})
        register = {"device_id": "hw-synced", "name": "Linux - synced"}
        for _ in range(2):
            await client.emit("device:register", register)
            self.assertEqual(await client.next_call(),
                             ("device:sync_capabilities", {"mode": "replace", "skills": [], "plugins": [], "mcps": []}))
        await wait_until(lambda: self.history("hw-synced").count(("ack", "device:sync_capabilities")) == 2,
                         what="both answers recorded")
        answers = self.backend.request("GET", "/api/events?event=device:sync_capabilities")
        self.assertIn(SYNC_ANSWER, [e["payload"] for e in answers if e["direction"] == "ack"])

    async def test_a_backend_call_is_answered_or_noted_as_unanswered(self) -> None:
        client, device_id = await self.device()
        client.answers["device:execute_command"] = {"success": False, "error": "not supported"}
        # In a thread: the device answers on this test's event loop while the REST call waits.
        answered = await asyncio.to_thread(self.backend.request, "POST", f"/api/devices/{device_id}/call",
                                           {"event": "device:execute_command", "payload": {"command": "ls"}})
        self.assertEqual(answered, {"answered": True, "answer": {"success": False, "error": "not supported"}})
        unanswered = self.backend.request("POST", f"/api/devices/{device_id}/call",
                                          {"event": "runtime:rpc", "payload": {}, "timeout_seconds": 0.2})
        self.assertEqual(unanswered, {"answered": False, "answer": None})
        self.assertIn(("note", "call_unanswered"), self.history(device_id))

    # --- heartbeat -----------------------------------------------------------------------------------------

    async def test_heartbeat_stores_the_runtime_capacity_and_coerces_task_ids(self) -> None:
        client, device_id = await self.device(runtime_instance_id="rt-1")
        ack = await client.emit("device:heartbeat", {"device_id": device_id, "running_task_ids": ["731", 8],
                                                     "runtime_instance_id": "rt-1",
                                                     "runtime_capacity": capacity(" 731 ", "8", limit=20)})
        self.assertEqual(ack, {"success": True})
        device = self.device_view(device_id)
        self.assertEqual(device["running_task_ids"], [731, 8])
        self.assertEqual(device["runtime_capacity"],
                         {"limit": 20, "active": 2, "active_task_ids": ["731", "8"], "queued": 0})
        self.assertEqual(device["status"], "online")

    async def test_an_invalid_runtime_capacity_fails_the_whole_heartbeat(self) -> None:
        client, device_id = await self.device()
        for valid in (capacity(limit=1), capacity(*[str(i) for i in range(20)], limit=20), capacity("7", queued=3)):
            self.assertEqual(await client.emit("device:heartbeat", {"device_id": device_id, "runtime_capacity": valid}),
                             {"success": True}, valid)
        before = self.device_view(device_id)["last_heartbeat"]
        identity = "active_task_ids must identify every active Runtime task"
        for invalid, words in ((capacity(limit=0), "greater than or equal to 1"),
                               (capacity(limit=21), "less than or equal to 20"),
                               (capacity("1") | {"active": 2}, identity),
                               (capacity("1", "1"), identity),
                               (capacity(" "), identity),
                               (capacity() | {"active_task_ids": [7], "active": 1}, "valid string"),
                               (capacity(*[str(i) for i in range(21)]), "at most 20 items"),
                               (capacity() | {"active": -1}, "greater than or equal to 0"),
                               ({"limit": 4, "active": 0, "active_task_ids": []}, "queued\n  Field required"),
                               ([], "valid dictionary")):
            ack = await client.emit("device:heartbeat", {"device_id": device_id, "runtime_capacity": invalid})
            self.assertTrue(ack.get("error", "").startswith("Invalid payload: 1 validation error for "
                                                            "DeviceHeartbeatPayload\nruntime_capacity"), (invalid, ack))
            self.assertIn(words, ack["error"])
        self.assertEqual(self.device_view(device_id)["last_heartbeat"], before)

    async def test_other_heartbeat_fields_are_checked_too(self) -> None:
        client, device_id = await self.device()
        for bad in ({"running_task_ids": ["abc"]}, {"capabilities": ["claude_code"]}, {"runtime_instance_id": ""},
                    {"executor_version": "v" * 51}, {"running_task_ids": None}):
            ack = await client.emit("device:heartbeat", {"device_id": device_id} | bad)
            self.assertTrue(ack.get("error", "").startswith("Invalid payload: "), (bad, ack))

    async def test_a_heartbeat_must_repeat_the_registered_runtime_instance_id(self) -> None:
        client, device_id = await self.device(runtime_instance_id="rt-1")
        for sent in ("rt-2", None):
            heartbeat = {"device_id": device_id} | ({"runtime_instance_id": sent} if sent else {})
            self.assertEqual(await client.emit("device:heartbeat", heartbeat),
                             {"error": "Runtime instance ID mismatch"})
        self.assertEqual(await client.emit("device:heartbeat", {"device_id": device_id, "runtime_instance_id": "rt-1"}),
                         {"success": True})

    async def test_the_older_socket_of_a_device_is_stale(self) -> None:
        older, device_id = await self.device()
        newer = await connected_device(self.backend, device_id)
        self.addAsyncCleanup(newer.close)
        self.assertEqual(await older.emit("device:heartbeat", {"device_id": device_id}),
                         {"error": "Stale device connection"})
        self.assertEqual(await newer.emit("device:heartbeat", {"device_id": device_id}), {"success": True})

    async def test_a_heartbeat_for_an_unregistered_id_is_a_mismatch(self) -> None:
        client, _ = await self.device()
        self.assertEqual(await client.emit("device:heartbeat", {"device_id": "hw-someone-else"}),
                         {"error": "Device ID mismatch"})
        fresh = await self.fresh_socket()
        self.assertEqual(await fresh.emit("device:heartbeat", {"device_id": "hw-unregistered"}),
                         {"error": "Device ID mismatch"})

    async def test_status_and_upgrade_status_are_answered(self) -> None:
        client, device_id = await self.device()
        self.assertEqual(await client.emit("device:status", {"device_id": device_id, "status": "busy"}),
                         {"success": True})
        upgrade_status = {"device_id": device_id, "status": "skipped",
                          "message": "Updates come from dotnet tool update"}
        self.assertEqual(await client.emit("device:upgrade_status", upgrade_status), {"success": True})
        self.assertEqual(await client.emit("device:status", {"device_id": "hw-other", "status": "busy"}),
                         {"error": "Device ID mismatch"})
        self.assertIn("error", await client.emit("device:status", {"device_id": device_id, "status": "asleep"}))


if __name__ == "__main__":
    unittest.main()
