"""Behaviour that needs its own backend process: restarts and the online window."""

import unittest

from backend_process import BackendProcess
from helpers import LEGACY, AsyncTestCase, connected_device, result_event, wait_until


class PersistenceTests(AsyncTestCase):
    async def test_state_survives_a_restart(self) -> None:
        backend = BackendProcess(LEGACY)
        self.addCleanup(backend.close)
        backend.start()
        client = await connected_device(backend, "hw-persist")
        ids = backend.request("POST", "/api/tasks", {"prompt": "remember me"})
        _, payload = await client.next_event()
        await client.emit("task:complete", {"task_id": payload["task_id"], "subtask_id": payload["subtask_id"],
                                            "status": "COMPLETED", "progress": 100, "result": {"value": "kept"}})
        await client.close()

        backend.stop()
        backend.start()

        task = backend.request("GET", f"/api/tasks/{ids['task_id']}")
        self.assertEqual((task["status"], task["subtasks"][0]["streamed_text"]), ("COMPLETED", "kept"))
        self.assertIn("task:complete", [e["event"] for e in task["events"]])
        device = backend.request("GET", "/api/devices")[0]
        self.assertEqual((device["device_id"], device["connected"], device["status"]),
                         ("hw-persist", False, "offline"))

        again = await connected_device(backend, "hw-persist")
        self.addAsyncCleanup(again.close)
        next_ids = backend.request("POST", "/api/tasks", {"prompt": "and me"})
        self.assertGreater(next_ids["task_id"], ids["task_id"])
        self.assertGreater(next_ids["subtask_id"], ids["subtask_id"])

    async def test_the_streaming_state_survives_a_restart(self) -> None:
        """The newer backend keeps streamed text in Redis, which outlives a backend restart: a final event with
        no output after the restart stores what was streamed before it."""
        backend = BackendProcess()
        self.addCleanup(backend.close)
        backend.start()
        client = await connected_device(backend, "hw-persist-responses")
        backend.request("POST", "/api/tasks", {"prompt": "remember me"})
        _, payload = await client.next_event()
        await client.emit("response.output_text.delta",
                          result_event(payload, "response.output_text.delta", delta="kept", offset=0))
        await client.close()

        backend.stop()
        backend.start()

        again = await connected_device(backend, "hw-persist-responses")
        self.addAsyncCleanup(again.close)
        completed = result_event(payload, "response.completed", response={"output": []})
        self.assertEqual(await again.emit("response.completed", completed), {"success": True})
        subtask = backend.request("GET", f"/api/tasks/{payload['task_id']}")["subtasks"][0]
        self.assertEqual((subtask["status"], subtask["result"]["value"], subtask["streamed_text"]),
                         ("COMPLETED", "kept", "kept"))


class OnlineWindowTests(AsyncTestCase):
    async def test_device_goes_offline_after_the_window_but_heartbeats_still_succeed(self) -> None:
        backend = BackendProcess({"WEGENT_DEV_ONLINE_WINDOW": "0.5"}).start()
        self.addCleanup(backend.close)
        client = await connected_device(backend, "hw-sleepy")
        self.addAsyncCleanup(client.close)

        def status() -> str:
            return backend.request("GET", "/api/devices")[0]["status"]
        await wait_until(lambda: status() == "offline", what="online window lapsing")
        self.assertTrue(backend.request("GET", "/api/devices")[0]["connected"])
        self.assertEqual(await client.emit("device:heartbeat", {"device_id": "hw-sleepy", "running_task_ids": []}),
                         {"success": True})
        self.assertEqual(status(), "online")


class PingSettingsTests(AsyncTestCase):
    async def test_ping_interval_and_timeout_can_be_shortened(self) -> None:
        backend = BackendProcess({"WEGENT_DEV_PING_INTERVAL": "0.3", "WEGENT_DEV_PING_TIMEOUT": "0.3"}).start()
        self.addCleanup(backend.close)
        client = await connected_device(backend, "hw-quiet")
        self.addAsyncCleanup(client.close)
        self.assertEqual((client.handshake["pingInterval"], client.handshake["pingTimeout"]), (300, 300))
        client.answer_pings = False
        await wait_until(lambda: not backend.request("GET", "/api/devices")[0]["connected"],
                         what="server dropping a client that does not answer pings")


if __name__ == "__main__":
    unittest.main()
