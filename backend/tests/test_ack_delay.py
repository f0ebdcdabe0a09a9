import asyncio
import unittest

from backend_process import HttpError
from helpers import LEGACY_BACKEND, BackendTestCase, result_event, subtask_of, wait_until

HELD = 300.0


class AckDelayTests(BackendTestCase):
    """The dev-only slow-ack fault: events apply at once, their acks wait; held acks are counted per stream."""

    env = LEGACY_BACKEND

    def set_delay(self, seconds: float) -> dict:
        return self.backend.request("PUT", "/api/dev/acks", {"delay_seconds": seconds})

    def acks(self) -> dict:
        return self.backend.request("GET", "/api/dev/acks")

    async def asyncSetUp(self) -> None:
        await super().asyncSetUp()
        self.addCleanup(self.set_delay, 0)

    async def test_no_delay_by_default(self) -> None:
        self.assertEqual((self.acks()["delay_seconds"], self.acks()["unanswered"]), (0.0, 0))

    async def test_a_held_ack_is_released_when_the_delay_is_lowered(self) -> None:
        client, device_id = await self.device()
        self.assertEqual(self.set_delay(HELD)["delay_seconds"], HELD)
        beat = {"device_id": device_id, "running_task_ids": []}
        heartbeat = asyncio.ensure_future(client.emit("device:heartbeat", beat, timeout=HELD))
        await wait_until(lambda: self.acks()["unanswered"] == 1, what="the heartbeat ack held")
        self.assertFalse(heartbeat.done())
        # Applied before it is answered: the device is online already.
        device = next(d for d in self.backend.request("GET", "/api/devices") if d["device_id"] == device_id)
        self.assertIsNotNone(device["last_heartbeat"])
        self.set_delay(0)
        self.assertEqual(await asyncio.wait_for(heartbeat, 10), {"success": True})
        self.assertEqual(self.acks()["unanswered"], 0)

    async def test_unanswered_reports_are_counted_per_subtask(self) -> None:
        client, device_id = await self.device()
        ids = self.backend.request("POST", "/api/tasks", {"prompt": "hi", "device_id": device_id})
        await client.next_event()
        other = self.backend.request("POST", "/api/tasks", {"prompt": "hi", "device_id": device_id})
        await client.next_event()
        self.set_delay(HELD)

        def progress(task: dict, value: str) -> asyncio.Future:
            report = {"task_id": task["task_id"], "subtask_id": task["subtask_id"], "status": "RUNNING",
                      "progress": 60, "result": {"value": value}}
            return asyncio.ensure_future(client.emit("task:progress", report, timeout=HELD))

        # Two unanswered reports of one subtask (no flow control), one of another.
        pending = [progress(ids, "a"), progress(ids, "ab"), progress(other, "x")]
        await wait_until(lambda: self.acks()["unanswered"] == 3, what="three acks held")
        self.assertEqual(subtask_of(self.backend, ids["task_id"], ids["subtask_id"])["streamed_text"], "ab")
        self.assertEqual(self.acks()["max_unanswered"], {"task:progress": 2})
        self.set_delay(0)
        self.assertEqual(await asyncio.wait_for(asyncio.gather(*pending), 10), [{"success": True}] * 3)

    async def test_setting_the_delay_starts_counting_afresh(self) -> None:
        client, device_id = await self.device()
        self.set_delay(0)
        await client.emit("device:heartbeat", {"device_id": device_id, "running_task_ids": []})
        self.assertEqual(self.acks()["max_unanswered"], {"device:heartbeat": 1})
        self.assertEqual(self.set_delay(1.5), {"delay_seconds": 1.5, "unanswered": 0, "max_unanswered": {}})

    async def test_a_negative_or_huge_delay_is_refused(self) -> None:
        for seconds in (-1, 601):
            with self.assertRaises(HttpError) as refused:
                self.set_delay(seconds)
            self.assertEqual(refused.exception.status, 422)

    async def test_the_controls_need_a_token(self) -> None:
        with self.assertRaises(HttpError) as refused:
            self.backend.request("GET", "/api/dev/acks", token=None)
        self.assertEqual(refused.exception.status, 401)


class ResponsesAckDelayTests(BackendTestCase):
    """The same fault on the newer backend: result events are one stream per subtask."""

    async def test_result_event_acks_are_held_and_counted_per_subtask(self) -> None:
        client, device_id = await self.device()
        payload = await self.dispatch(client, device_id)
        self.backend.request("PUT", "/api/dev/acks", {"delay_seconds": HELD})
        self.addCleanup(self.backend.request, "PUT", "/api/dev/acks", {"delay_seconds": 0})

        def delta(text: str, offset: int) -> asyncio.Future:
            event = result_event(payload, "response.output_text.delta", delta=text, offset=offset)
            return asyncio.ensure_future(client.emit("response.output_text.delta", event, timeout=HELD))

        pending = [delta("a", 0), delta("b", 1)]
        await wait_until(lambda: self.backend.request("GET", "/api/dev/acks")["unanswered"] == 2,
                         what="two acks held")
        self.assertEqual(subtask_of(self.backend, payload["task_id"], payload["subtask_id"])["streamed_text"], "ab")
        self.assertEqual(self.backend.request("GET", "/api/dev/acks")["max_unanswered"],
                         {"response.output_text.delta": 2})
        self.backend.request("PUT", "/api/dev/acks", {"delay_seconds": 0})
        self.assertEqual(await asyncio.wait_for(asyncio.gather(*pending), 10), [{"success": True}] * 2)


if __name__ == "__main__":
    unittest.main()
