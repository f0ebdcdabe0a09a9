"""The `task:execute` dict of the January backend (PROTOCOL.md section 4), and what both generations share."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlparse

DEFAULT_SCENARIO = "write-file"


@dataclass(frozen=True)
class Dispatch:
    """One subtask to dispatch. `spec` is the create-task request body (bot/bots/agent_config/user/git/mode...
    overrides); `message_id` is the assistant message's position in the task (the newer backend sends it)."""

    task_id: int
    subtask_id: int
    message_id: int
    device_id: str
    title: str
    prompt: str
    spec: dict[str, Any]
    scenario: str
    model_base_url: str
    user_name: str
    auth_token: str
    new_session: bool


def scripted_model_env(model_base_url: str, scenario: str) -> dict[str, str]:
    """A YAML-model env (no `model` key) pointing the agent at the scripted model."""
    return {
        "ANTHROPIC_BASE_URL": f"{model_base_url.rstrip('/')}/scripted/{quote(scenario, safe=':')}",
        "ANTHROPIC_AUTH_TOKEN": "scripted-key",
        "ANTHROPIC_MODEL": "scripted-model",
    }


def git_fields(git_url: str | None, git_repo: str | None) -> dict[str, Any]:
    domain = urlparse(git_url).hostname if git_url and "://" in git_url else None
    if git_url and not git_repo:
        path = urlparse(git_url).path if "://" in git_url else git_url.rpartition(":")[2]
        git_repo = path.strip("/").removesuffix(".git") or None
    return {"git_domain": domain, "git_repo": git_repo, "git_repo_id": None, "git_url": git_url}


def task_user(user_name: str, spec: dict[str, Any]) -> dict[str, Any]:
    user = {"id": 1, "name": user_name, "git_domain": None, "git_token": None, "git_id": None,
            "git_login": user_name, "git_email": f"{user_name}@example.com", "user_name": user_name}
    return user | (spec.get("user") or {})


def task_bots(spec: dict[str, Any], scenario: str, model_base_url: str) -> list[dict[str, Any]]:
    """bot[0] runs the agent against the scripted model unless the request brings its own bots or agent_config."""
    bots = copy.deepcopy(spec.get("bots")) or [_default_bot(scripted_model_env(model_base_url, scenario))]
    if spec.get("bot"):
        bots[0] = bots[0] | spec["bot"]
    if spec.get("agent_config") is not None:
        bots[0]["agent_config"] = spec["agent_config"]
    return bots


def traceparent() -> dict[str, str]:
    return {"traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"}


def build_task_payload(d: Dispatch) -> dict[str, Any]:
    """The January backend's dict."""
    now = datetime.now(timezone.utc).isoformat()
    return {
        "task_id": d.task_id,
        "subtask_id": d.subtask_id,
        "subtask_next_id": None,
        "type": "online",
        "executor_name": f"device-{d.device_id}",
        "executor_namespace": "default",
        "task_title": d.title,
        "subtask_title": d.prompt[:50],
        "user": task_user(d.user_name, d.spec),
        "bot": task_bots(d.spec, d.scenario, d.model_base_url),
        "team_id": 1,
        "team_namespace": "default",
        "mode": d.spec.get("mode") or "pipeline",
        **git_fields(d.spec.get("git_url"), d.spec.get("git_repo")),
        "branch_name": d.spec.get("branch_name"),
        "prompt": d.prompt,
        "auth_token": d.auth_token,
        "attachments": d.spec.get("attachments") or [],
        "status": "PENDING",
        "progress": 0,
        "created_at": now,
        "updated_at": now,
        "new_session": d.new_session,
        "trace_context": traceparent(),
    }


def _default_bot(env: dict[str, str]) -> dict[str, Any]:
    return {"id": 1, "name": "dev-bot", "shell_type": "ClaudeCode", "agent_config": {"env": env},
            "system_prompt": None, "mcp_servers": None, "skills": [], "role": None, "base_image": None}
