"""The `task:execute` dict (PROTOCOL.md section 4), shaped like the one the real backend sends."""

from __future__ import annotations

import copy
import secrets
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote, urlparse

DEFAULT_SCENARIO = "write-file"


def scripted_model_env(model_base_url: str, scenario: str) -> dict[str, str]:
    """A YAML-model env (no `model` key) pointing the agent at the scripted model."""
    return {
        "ANTHROPIC_BASE_URL": f"{model_base_url.rstrip('/')}/scripted/{quote(scenario, safe=':')}",
        "ANTHROPIC_AUTH_TOKEN": "scripted-key",
        "ANTHROPIC_MODEL": "scripted-model",
    }


def _git_fields(git_url: str | None, git_repo: str | None) -> dict[str, Any]:
    domain = urlparse(git_url).hostname if git_url and "://" in git_url else None
    if git_url and not git_repo:
        path = urlparse(git_url).path if "://" in git_url else git_url.rpartition(":")[2]
        git_repo = path.strip("/").removesuffix(".git") or None
    return {"git_domain": domain, "git_repo": git_repo, "git_repo_id": None, "git_url": git_url}


def build_task_payload(*, task_id: int, subtask_id: int, device_id: str, title: str, prompt: str,
                       spec: dict[str, Any], scenario: str, model_base_url: str, user_name: str,
                       auth_token: str, new_session: bool) -> dict[str, Any]:
    """`spec` is the create-task request body (bot/bots/agent_config/user/git/mode overrides)."""
    user = {"id": 1, "name": user_name, "git_domain": None, "git_token": None, "git_id": None,
            "git_login": user_name, "git_email": f"{user_name}@example.com", "user_name": user_name}
    user |= spec.get("user") or {}
    bots = copy.deepcopy(spec.get("bots")) or [_default_bot(scripted_model_env(model_base_url, scenario))]
    if spec.get("bot"):
        bots[0] = bots[0] | spec["bot"]
    if spec.get("agent_config") is not None:
        bots[0]["agent_config"] = spec["agent_config"]
    now = datetime.now(timezone.utc).isoformat()
    return {
        "task_id": task_id,
        "subtask_id": subtask_id,
        "subtask_next_id": None,
        "type": "online",
        "executor_name": f"device-{device_id}",
        "executor_namespace": "default",
        "task_title": title,
        "subtask_title": prompt[:50],
        "user": user,
        "bot": bots,
        "team_id": 1,
        "team_namespace": "default",
        "mode": spec.get("mode") or "pipeline",
        **_git_fields(spec.get("git_url"), spec.get("git_repo")),
        "branch_name": spec.get("branch_name"),
        "prompt": prompt,
        "auth_token": auth_token,
        "attachments": spec.get("attachments") or [],
        "status": "PENDING",
        "progress": 0,
        "created_at": now,
        "updated_at": now,
        "new_session": new_session,
        "trace_context": {"traceparent": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-01"},
    }


def _default_bot(env: dict[str, str]) -> dict[str, Any]:
    return {"id": 1, "name": "dev-bot", "shell_type": "ClaudeCode", "agent_config": {"env": env},
            "system_prompt": None, "mcp_servers": None, "skills": [], "role": None, "base_image": None}
