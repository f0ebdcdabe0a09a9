"""The REST API's request and response bodies, typed so the OpenAPI schema (/docs) shows them.

Kept to what pydantic 1.10 (Debian bookworm's) and pydantic 2 both read the same way.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def fields_of(model: BaseModel, **options: Any) -> dict[str, Any]:
    """The model's fields as a dict: `model_dump` on pydantic 2, `dict` on 1.10."""
    dump = getattr(model, "model_dump", None) or model.dict
    return dump(**options)


# --- requests ------------------------------------------------------------------------------------------------

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


# --- responses -----------------------------------------------------------------------------------------------

class ServiceInfo(BaseModel):
    name: str
    version: str
    protocol: str


class Health(BaseModel):
    status: str


class LoginResponse(BaseModel):
    access_token: str
    token_type: str


class Success(BaseModel):
    success: bool


class CallAnswer(BaseModel):
    """Whether the device acknowledged the call, and what it answered."""
    answered: bool
    answer: Any = None


class AckDelayView(BaseModel):
    delay_seconds: float
    unanswered: int
    max_unanswered: dict[str, int]


class FaultsView(BaseModel):
    shutting_down: bool
    auth_unavailable: bool


class DeviceView(BaseModel):
    device_id: str
    name: str
    status: str
    connected: bool
    executor_version: str | None = None
    capabilities: list[Any]
    last_heartbeat: float | None = None
    running_task_ids: list[int]
    runtime_capacity: dict[str, Any] | None = None
    # The whole register payload, as the device sent it.
    registration: dict[str, Any] | None = None


class Dispatched(BaseModel):
    task_id: int
    subtask_id: int
    device_id: str


class SubtaskView(BaseModel):
    subtask_id: int
    message_id: int | None = None
    prompt: str
    status: str
    progress: int
    message: str | None = None
    result: Any = None
    error_message: str | None = None
    streamed_text: str
    complete_count: int
    progress_count: int
    updated_at: float


class EventRecord(BaseModel):
    """One socket event either way, as the history keeps it."""
    id: int
    direction: str
    event: str
    payload: Any = None
    sid: str | None = None
    device_id: str | None = None
    task_id: int | None = None
    subtask_id: int | None = None
    received_at: int


class TaskView(BaseModel):
    task_id: int
    title: str
    device_id: str
    status: str | None = None
    subtasks: list[SubtaskView]
    # Only when asked for (GET /api/tasks/{id}?events=true, the default): a task's history can be large.
    events: list[EventRecord] | None = None
