"""REST API for the dev UI and for tests: login, devices, tasks (dispatch, follow-up, cancel), history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request

from . import dependencies as deps
from .api_models import (AckDelayRequest, AckDelayView, CallAnswer, CallRequest, CreateTaskRequest, DeviceView,
                         Dispatched, EmitRequest, EventRecord, FaultsRequest, FaultsView, LoginRequest, LoginResponse,
                         MessageRequest, Success, SubtaskView, TaskView, fields_of)
from .auth import Authenticator
from .config import Settings
from .execution_request import build_execution_request
from .executor_socket import ExecutorSocket
from .store import Store
from .task_payload import DEFAULT_SCENARIO, Dispatch, build_task_payload

# Subtasks a cancel applies to (the newer backend refuses others, as its chat:cancel does).
CANCELLABLE = ("PENDING", "RUNNING", "CANCELLING")

router = APIRouter(prefix="/api")
# Every endpoint but the login needs a signed-in user.
signed_in = APIRouter(dependencies=[Depends(deps.current_user)])


def _device_view(device: dict[str, Any], sockets: ExecutorSocket) -> DeviceView:
    return DeviceView(device_id=device["device_id"], name=device["name"],
                      status="online" if sockets.is_online(device) else "offline",
                      connected=sockets.is_connected(device), executor_version=device["executor_version"],
                      capabilities=device["capabilities"], last_heartbeat=device["last_heartbeat"],
                      running_task_ids=device["running_task_ids"], runtime_capacity=device["runtime_capacity"],
                      registration=device["registration"])


def _task_view(task: dict[str, Any], store: Store, with_events: bool) -> TaskView:
    subtasks = [SubtaskView(**subtask) for subtask in store.subtasks(task["task_id"])]
    # Left unset, not null, when not asked for: the endpoint leaves unset fields out.
    events = {"events": [EventRecord(**e) for e in store.events(task_id=task["task_id"])]} if with_events else {}
    return TaskView(task_id=task["task_id"], title=task["title"], device_id=task["device_id"],
                    status=subtasks[-1].status if subtasks else None, subtasks=subtasks, **events)


def _connected_device(device_id: str | None, store: Store, sockets: ExecutorSocket) -> dict[str, Any]:
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


def existing_task(task_id: int, store: Store = Depends(deps.store)) -> dict[str, Any]:
    """The task of the path's `task_id`; 404 when there is none."""
    task = store.task(task_id)
    if task is None:
        raise HTTPException(404, f"Task {task_id} not found")
    return task


@dataclass
class Dispatcher:
    """Sends one subtask of a task to its device, in the style of the backend generation spoken."""

    base_url: str
    user: str
    store: Store
    sockets: ExecutorSocket
    auth: Authenticator
    settings: Settings

    async def dispatch(self, task: dict[str, Any], prompt: str, scenario: str, new_session: bool) -> Dispatched:
        store, settings = self.store, self.settings
        spec = task["spec"]
        device = _connected_device(task["device_id"], store, self.sockets)
        # The newer backend marks the subtask RUNNING before it dispatches, and numbers the messages of a task
        # (user message, then the assistant's, whose id results are reported with).
        message_id = 2 * (len(store.subtasks(task["task_id"])) + 1)
        subtask_id = store.create_subtask(task["task_id"], device["device_id"], prompt,
                                          status="RUNNING" if settings.responses else "PENDING",
                                          message_id=message_id if settings.responses else None)
        model_base = spec.get("model_base_url") or settings.model_url or self.base_url
        build = build_execution_request if settings.responses else build_task_payload
        payload = build(Dispatch(
            task_id=task["task_id"], subtask_id=subtask_id, message_id=message_id, device_id=device["device_id"],
            title=task["title"], prompt=prompt, spec=spec, scenario=scenario, model_base_url=model_base,
            user_name=self.user, auth_token=self.auth.issue(self.user), new_session=new_session))
        payload.update(spec.get("payload_overrides") or {})
        await self.sockets.emit_to_device(device, "task:execute", payload)
        return Dispatched(task_id=task["task_id"], subtask_id=subtask_id, device_id=device["device_id"])


def request_dispatcher(request: Request, user: str = Depends(deps.current_user),
                       store: Store = Depends(deps.store), sockets: ExecutorSocket = Depends(deps.sockets),
                       auth: Authenticator = Depends(deps.authenticator),
                       settings: Settings = Depends(deps.settings)) -> Dispatcher:
    """The dispatcher of the request's user; model requests go back to this server unless configured."""
    return Dispatcher(str(request.base_url), user, store, sockets, auth, settings)


@router.post("/auth/login")
async def login(body: LoginRequest, auth: Authenticator = Depends(deps.authenticator)) -> LoginResponse:
    if not auth.check_password(body.user_name, body.password):
        raise HTTPException(401, "Invalid user name or password")
    return LoginResponse(access_token=auth.issue(body.user_name), token_type="bearer")


@signed_in.get("/devices")
async def list_devices(store: Store = Depends(deps.store),
                       sockets: ExecutorSocket = Depends(deps.sockets)) -> list[DeviceView]:
    return [_device_view(device, sockets) for device in store.devices()]


@signed_in.post("/devices/{device_id}/emit")
async def emit_raw(device_id: str, body: EmitRequest, store: Store = Depends(deps.store),
                   sockets: ExecutorSocket = Depends(deps.sockets)) -> Success:
    delivered = await sockets.emit_to_device(_connected_device(device_id, store, sockets), body.event, body.payload)
    return Success(success=delivered)


@signed_in.post("/devices/{device_id}/call")
async def call_device(device_id: str, body: CallRequest, store: Store = Depends(deps.store),
                      sockets: ExecutorSocket = Depends(deps.sockets)) -> CallAnswer:
    """Calls the device (an emit with an ack) as the backend does, e.g. device:execute_command."""
    device = _connected_device(device_id, store, sockets)
    answered, answer = await sockets.call_device(device["sid"], device_id, body.event, body.payload,
                                                 body.timeout_seconds)
    return CallAnswer(answered=answered, answer=answer)


@signed_in.get("/dev/acks")
async def ack_delay(sockets: ExecutorSocket = Depends(deps.sockets)) -> AckDelayView:
    return AckDelayView(**sockets.ack_delay.view())


@signed_in.put("/dev/acks")
async def set_ack_delay(body: AckDelayRequest, sockets: ExecutorSocket = Depends(deps.sockets)) -> AckDelayView:
    try:
        sockets.ack_delay.set(body.delay_seconds)
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return AckDelayView(**sockets.ack_delay.view())


@signed_in.get("/dev/faults")
async def faults(sockets: ExecutorSocket = Depends(deps.sockets)) -> FaultsView:
    return FaultsView(**sockets.faults.view())


@signed_in.put("/dev/faults")
async def set_faults(body: FaultsRequest, sockets: ExecutorSocket = Depends(deps.sockets)) -> FaultsView:
    for name, value in fields_of(body, exclude_none=True).items():
        setattr(sockets.faults, name, value)
    return FaultsView(**sockets.faults.view())


@signed_in.post("/tasks")
async def create_task(body: CreateTaskRequest, dispatcher: Dispatcher = Depends(request_dispatcher),
                      store: Store = Depends(deps.store),
                      sockets: ExecutorSocket = Depends(deps.sockets)) -> Dispatched:
    device = _connected_device(body.device_id, store, sockets)
    spec = fields_of(body, exclude={"prompt", "device_id", "title", "new_session"}, exclude_none=True)
    spec["scenario"] = body.scenario or DEFAULT_SCENARIO
    task_id = store.create_task(body.title or body.prompt[:50], device["device_id"], spec)
    return await dispatcher.dispatch(existing_task(task_id, store), body.prompt, spec["scenario"], body.new_session)


@signed_in.post("/tasks/{task_id}/messages")
async def follow_up(body: MessageRequest, task: dict[str, Any] = Depends(existing_task),
                    dispatcher: Dispatcher = Depends(request_dispatcher)) -> Dispatched:
    return await dispatcher.dispatch(task, body.prompt, body.scenario or task["spec"]["scenario"], body.new_session)


@signed_in.post("/tasks/{task_id}/cancel")
async def cancel(task_id: int, task: dict[str, Any] = Depends(existing_task), store: Store = Depends(deps.store),
                 sockets: ExecutorSocket = Depends(deps.sockets),
                 settings: Settings = Depends(deps.settings)) -> Success:
    subtasks = store.subtasks(task_id)
    device = _connected_device(task["device_id"], store, sockets)
    if not settings.responses:
        payload = {"subtask_id": subtasks[-1]["subtask_id"] if subtasks else None, "task_id": task_id}
        await sockets.emit_to_device(device, "task:cancel", payload)
        return Success(success=True)
    # The newer backend only marks the task CANCELLING: the executor's terminal event ends it.
    subtask = subtasks[-1]
    if subtask["status"] not in CANCELLABLE:
        raise HTTPException(409, f"Cannot cancel subtask in {subtask['status']} state")
    store.update_subtask(subtask["subtask_id"], status="CANCELLING")
    await sockets.emit_to_device(device, "task:cancel", {"task_id": task_id, "subtask_id": subtask["subtask_id"]})
    return Success(success=True)


@signed_in.post("/tasks/{task_id}/close-session")
async def close_session(task_id: int, task: dict[str, Any] = Depends(existing_task),
                        store: Store = Depends(deps.store), sockets: ExecutorSocket = Depends(deps.sockets)) -> Success:
    device = _connected_device(task["device_id"], store, sockets)
    await sockets.emit_to_device(device, "task:close-session", {"task_id": task_id})
    return Success(success=True)


@signed_in.get("/tasks")
async def list_tasks(store: Store = Depends(deps.store)) -> list[TaskView]:
    return [_task_view(task, store, with_events=False) for task in store.tasks()]


@signed_in.get("/tasks/{task_id}", response_model_exclude_unset=True)
async def get_task(events: bool = True, task: dict[str, Any] = Depends(existing_task),
                   store: Store = Depends(deps.store)) -> TaskView:
    return _task_view(task, store, with_events=events)


@signed_in.get("/events")
async def list_events(since: int = 0, event: str | None = None,
                      store: Store = Depends(deps.store)) -> list[EventRecord]:
    return [EventRecord(**record) for record in store.events(since=since, event=event)]


router.include_router(signed_in)
