"""REST API for the dev UI and for tests: login, devices, tasks (dispatch, follow-up, cancel), history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel

from .auth import Authenticator, bearer_token
from .config import Settings
from .execution_request import build_execution_request
from .executor_socket import ExecutorSocket
from .store import Store
from .task_payload import DEFAULT_SCENARIO, Dispatch, build_task_payload

# Subtasks a cancel applies to (the newer backend refuses others, as its chat:cancel does).
CANCELLABLE = ("PENDING", "RUNNING", "CANCELLING")


class LoginRequest(BaseModel):
    user_name: str
    password: str


class CreateTaskRequest(BaseModel):
    prompt: str
    device_id: str | None = None
    title: str | None = None
    git_url: str | None = None
    git_repo: str | None = None
    branch_name: str | None = None
    bot: dict[str, Any] | None = None
    bots: list[dict[str, Any]] | None = None
    agent_config: dict[str, Any] | None = None
    scenario: str | None = None
    mode: str | None = None
    new_session: bool = False
    attachments: list[dict[str, Any]] | None = None
    user: dict[str, Any] | None = None
    model_base_url: str | None = None
    # Test tool: keys replaced in the dispatched task:execute dict (e.g. a wrong type), to exercise validation.
    payload_overrides: dict[str, Any] | None = None


class MessageRequest(BaseModel):
    prompt: str
    new_session: bool = False
    scenario: str | None = None


class EmitRequest(BaseModel):
    event: str
    payload: Any = None


class CallRequest(BaseModel):
    event: str
    payload: Any = None
    timeout_seconds: float = 10.0


class AckDelayRequest(BaseModel):
    delay_seconds: float


class FaultsRequest(BaseModel):
    shutting_down: bool | None = None
    auth_unavailable: bool | None = None


def build_api_router(store: Store, sockets: ExecutorSocket, auth: Authenticator, settings: Settings) -> APIRouter:
    router = APIRouter(prefix="/api")

    def current_user(request: Request) -> str:
        user = auth.user_for(bearer_token(request.headers.get("authorization")))
        if user is None:
            raise HTTPException(401, "Invalid or missing bearer token")
        return user

    def device_view(device: dict[str, Any]) -> dict[str, Any]:
        return {"device_id": device["device_id"], "name": device["name"],
                "status": "online" if sockets.is_online(device) else "offline",
                "connected": sockets.is_connected(device), "executor_version": device["executor_version"],
                "capabilities": device["capabilities"], "last_heartbeat": device["last_heartbeat"],
                "running_task_ids": device["running_task_ids"], "runtime_capacity": device["runtime_capacity"],
                "registration": device["registration"]}

    def task_view(task: dict[str, Any], with_events: bool) -> dict[str, Any]:
        subtasks = [{key: subtask[key] for key in (
            "subtask_id", "message_id", "prompt", "status", "progress", "message", "result", "error_message",
            "streamed_text", "complete_count", "progress_count", "updated_at")} for subtask in store.subtasks(task["task_id"])]
        view = {"task_id": task["task_id"], "title": task["title"], "device_id": task["device_id"],
                "status": subtasks[-1]["status"] if subtasks else None, "subtasks": subtasks}
        if with_events:
            view["events"] = store.events(task_id=task["task_id"])
        return view

    def connected_device(device_id: str | None) -> dict[str, Any]:
        if device_id is not None:
            device = store.device(device_id)
            if device is None:
                raise HTTPException(404, f"Device {device_id} not found")
            if not sockets.is_connected(device):
                raise HTTPException(409, f"Device {device_id} is not connected")
            return device
        connected = [d for d in store.devices() if sockets.is_connected(d)]
        if not connected:
            raise HTTPException(409, "No connected device")
        return connected[0]

    def existing_task(task_id: int) -> dict[str, Any]:
        task = store.task(task_id)
        if task is None:
            raise HTTPException(404, f"Task {task_id} not found")
        return task

    async def dispatch(task: dict[str, Any], prompt: str, scenario: str, new_session: bool, user: str,
                       request: Request) -> dict[str, Any]:
        spec = task["spec"]
        device = connected_device(task["device_id"])
        # The newer backend marks the subtask RUNNING before it dispatches, and numbers the messages of a task
        # (user message, then the assistant's, whose id results are reported with).
        message_id = 2 * (len(store.subtasks(task["task_id"])) + 1)
        subtask_id = store.create_subtask(task["task_id"], device["device_id"], prompt,
                                          status="RUNNING" if settings.responses else "PENDING",
                                          message_id=message_id if settings.responses else None)
        model_base = spec.get("model_base_url") or settings.model_url or str(request.base_url)
        build = build_execution_request if settings.responses else build_task_payload
        payload = build(Dispatch(
            task_id=task["task_id"], subtask_id=subtask_id, message_id=message_id, device_id=device["device_id"],
            title=task["title"], prompt=prompt, spec=spec, scenario=scenario, model_base_url=model_base,
            user_name=user, auth_token=auth.issue(user), new_session=new_session))
        payload.update(spec.get("payload_overrides") or {})
        await sockets.emit_to_device(device, "task:execute", payload)
        return {"task_id": task["task_id"], "subtask_id": subtask_id, "device_id": device["device_id"]}

    @router.post("/auth/login")
    async def login(body: LoginRequest) -> dict[str, str]:
        if not auth.check_password(body.user_name, body.password):
            raise HTTPException(401, "Invalid user name or password")
        return {"access_token": auth.issue(body.user_name), "token_type": "bearer"}

    @router.get("/devices")
    async def list_devices(_: str = Depends(current_user)) -> list[dict[str, Any]]:
        return [device_view(device) for device in store.devices()]

    @router.post("/devices/{device_id}/emit")
    async def emit_raw(device_id: str, body: EmitRequest, _: str = Depends(current_user)) -> dict[str, Any]:
        delivered = await sockets.emit_to_device(connected_device(device_id), body.event, body.payload)
        return {"success": delivered}

    @router.post("/devices/{device_id}/call")
    async def call_device(device_id: str, body: CallRequest, _: str = Depends(current_user)) -> dict[str, Any]:
        """Calls the device (an emit with an ack) as the backend does, e.g. device:execute_command."""
        device = connected_device(device_id)
        answered, answer = await sockets.call_device(device["sid"], device_id, body.event, body.payload,
                                                     body.timeout_seconds)
        return {"answered": answered, "answer": answer}

    @router.get("/dev/acks")
    async def ack_delay(_: str = Depends(current_user)) -> dict[str, Any]:
        return sockets.ack_delay.view()

    @router.put("/dev/acks")
    async def set_ack_delay(body: AckDelayRequest, _: str = Depends(current_user)) -> dict[str, Any]:
        try:
            sockets.ack_delay.set(body.delay_seconds)
        except ValueError as error:
            raise HTTPException(422, str(error)) from None
        return sockets.ack_delay.view()

    @router.get("/dev/faults")
    async def faults(_: str = Depends(current_user)) -> dict[str, Any]:
        return sockets.faults.view()

    @router.put("/dev/faults")
    async def set_faults(body: FaultsRequest, _: str = Depends(current_user)) -> dict[str, Any]:
        for name, value in body.dict(exclude_none=True).items():
            setattr(sockets.faults, name, value)
        return sockets.faults.view()

    @router.post("/tasks")
    async def create_task(body: CreateTaskRequest, request: Request,
                          user: str = Depends(current_user)) -> dict[str, Any]:
        device = connected_device(body.device_id)
        spec = body.dict(exclude={"prompt", "device_id", "title", "new_session"}, exclude_none=True)
        spec["scenario"] = body.scenario or DEFAULT_SCENARIO
        task_id = store.create_task(body.title or body.prompt[:50], device["device_id"], spec)
        return await dispatch(existing_task(task_id), body.prompt, spec["scenario"], body.new_session, user,
                              request)

    @router.post("/tasks/{task_id}/messages")
    async def follow_up(task_id: int, body: MessageRequest, request: Request,
                        user: str = Depends(current_user)) -> dict[str, Any]:
        task = existing_task(task_id)
        return await dispatch(task, body.prompt, body.scenario or task["spec"]["scenario"], body.new_session, user,
                              request)

    @router.post("/tasks/{task_id}/cancel")
    async def cancel(task_id: int, _: str = Depends(current_user)) -> dict[str, Any]:
        task = existing_task(task_id)
        subtasks = store.subtasks(task_id)
        device = connected_device(task["device_id"])
        if not settings.responses:
            payload = {"subtask_id": subtasks[-1]["subtask_id"] if subtasks else None, "task_id": task_id}
            await sockets.emit_to_device(device, "task:cancel", payload)
            return {"success": True}
        # The newer backend only marks the task CANCELLING: the executor's terminal event ends it.
        subtask = subtasks[-1]
        if subtask["status"] not in CANCELLABLE:
            raise HTTPException(409, f"Cannot cancel subtask in {subtask['status']} state")
        store.update_subtask(subtask["subtask_id"], status="CANCELLING")
        await sockets.emit_to_device(device, "task:cancel", {"task_id": task_id, "subtask_id": subtask["subtask_id"]})
        return {"success": True}

    @router.post("/tasks/{task_id}/close-session")
    async def close_session(task_id: int, _: str = Depends(current_user)) -> dict[str, Any]:
        task = existing_task(task_id)
        await sockets.emit_to_device(connected_device(task["device_id"]), "task:close-session", {"task_id": task_id})
        return {"success": True}

    @router.get("/tasks")
    async def list_tasks(_: str = Depends(current_user)) -> list[dict[str, Any]]:
        return [task_view(task, with_events=False) for task in store.tasks()]

    @router.get("/tasks/{task_id}")
    async def get_task(task_id: int, events: bool = True, _: str = Depends(current_user)) -> dict[str, Any]:
        return task_view(existing_task(task_id), with_events=events)

    @router.get("/events")
    async def list_events(since: int = 0, event: str | None = None,
                          _: str = Depends(current_user)) -> list[dict[str, Any]]:
        return store.events(since=since, event=event)

    return router
