"""The `task:execute` dict of the newer backend: `ExecutionRequest.to_dict()` (PROTOCOL-RESPONSES.md §5).

Every key is always present, unset ones null/""/[]/{}: the fields of the public `ExecutionRequest` dataclass
plus the later ones the contract names. The scripted model travels as before in `bot[0].agent_config.env`
(the real backend still sends the Model CRD's env there) and, resolved, in `model_config`.
"""

from __future__ import annotations

import copy
import secrets
from typing import Any

from .task_payload import Dispatch, git_fields, task_bots, task_user, traceparent

# The backend's internal URL in the payload: deliberately unreachable, since an executor must use its own
# WEGENT_BACKEND_URL for downloads.
INTERNAL_BACKEND_URL = "http://127.0.0.1:9"
MODEL_CONFIG_DEFAULTS = {
    "api_key": None, "base_url": None, "model_id": None, "model": "claude", "default_headers": {},
    "api_format": None, "protocol": None, "context_window": None, "max_output_tokens": None, "modelType": "llm",
    "think_config": None, "temperature": None, "model_name": "dev-model", "model_namespace": "default",
}


def model_config_from_env(env: Any) -> dict[str, Any]:
    """The flat resolved model from a Model CRD env: the UI shape `{model, model_id, api_key, base_url}` or
    the YAML shape with `ANTHROPIC_*` keys."""
    env = env if isinstance(env, dict) else {}
    if "model" in env:
        resolved = {key: env[key] for key in ("model", "model_id", "api_key", "base_url") if key in env}
    else:
        resolved = {"api_key": env.get("ANTHROPIC_AUTH_TOKEN") or env.get("ANTHROPIC_API_KEY"),
                    "base_url": env.get("ANTHROPIC_BASE_URL"), "model_id": env.get("ANTHROPIC_MODEL")}
    return MODEL_CONFIG_DEFAULTS | resolved


def mcp_server_list(servers: Any) -> list[dict[str, Any]]:
    """`bot[].mcp_servers` as the newer backend sends it: a list of `{"name", ...}` (the old dict converted, its
    `mcpServers` / `mcp_servers` wrapper, as in a Claude Code config file, taken off first)."""
    if isinstance(servers, dict):
        for wrapper in ("mcpServers", "mcp_servers"):
            if len(servers) == 1 and isinstance(servers.get(wrapper), dict):
                servers = servers[wrapper]
        return [{"name": name} | config for name, config in servers.items() if isinstance(config, dict)]
    return [s for s in servers if isinstance(s, dict)] if isinstance(servers, list) else []


def _bot(bot: dict[str, Any]) -> dict[str, Any]:
    return bot | {"mcp_servers": mcp_server_list(bot.get("mcp_servers")), "skills": bot.get("skills") or [],
                  "skill_refs": bot.get("skill_refs") or {}}


def _chat_shell_servers(servers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The top-level list: the same servers with `auth` instead of `headers`."""
    converted = []
    for server in servers:
        entry = {key: value for key, value in server.items() if key != "headers"}
        converted.append(entry | {"auth": server.get("headers") or server.get("auth") or {}})
    return converted


def _attachment(attachment: dict[str, Any], subtask_id: int) -> dict[str, Any]:
    """The newer shape: no `file_extension`, the subtask the file belongs to."""
    keys = ("id", "original_filename", "mime_type", "file_size")
    return {key: attachment.get(key) for key in keys} | {"subtask_id": attachment.get("subtask_id", subtask_id)}


def _workspace(git: dict[str, Any], branch: str | None) -> dict[str, Any]:
    if not git["git_url"]:
        return {}
    repository = {"gitUrl": git["git_url"], "gitRepo": git["git_repo"], "gitRepoId": git["git_repo_id"],
                  "gitDomain": git["git_domain"], "branchName": branch}
    return {"repository": repository, "branch": branch, "path": None}


def build_execution_request(d: Dispatch) -> dict[str, Any]:
    spec = d.spec
    bots = [_bot(bot) for bot in task_bots(spec, d.scenario, d.model_base_url)]
    first = bots[0]
    user = {key: value for key, value in task_user(d.user_name, spec).items() if key != "user_name"}
    git = git_fields(spec.get("git_url"), spec.get("git_repo"))
    branch = spec.get("branch_name")
    agent_config = first.get("agent_config") if isinstance(first.get("agent_config"), dict) else {}
    return {
        # task identification
        "task_id": d.task_id, "subtask_id": d.subtask_id, "subtask_next_id": None, "team_id": 1,
        "team_name": "dev-team", "team_namespace": "default", "subtask_title": None, "task_title": None,
        # user
        "user": user, "user_id": user.get("id"), "user_name": d.user_name,
        # bots and model
        "bot": bots, "bot_name": first.get("name") or "", "bot_namespace": "default",
        "model_config": model_config_from_env(agent_config.get("env")),
        # prompt and features
        "system_prompt": first.get("system_prompt") or "", "prompt": d.prompt, "kb_meta_prompt": "",
        "enable_tools": True, "enable_web_search": False, "enable_clarification": False,
        "enable_deep_thinking": True, "search_engine": None,
        # skills and MCP
        "skill_names": list(first["skills"]), "skill_configs": [], "preload_skills": [],
        "user_selected_skills": [], "skills": [], "skill_refs": copy.deepcopy(first["skill_refs"]),
        "preload_skill_refs": {}, "mcp_servers": _chat_shell_servers(first["mcp_servers"]),
        # knowledge bases
        "knowledge_base_ids": None, "document_ids": None, "table_contexts": [], "is_user_selected_kb": True,
        "kb_tool_access_mode": "full",
        # workspace and git
        "workspace": _workspace(git, branch), **git, "branch_name": branch,
        # session
        "message_id": d.message_id, "user_message_id": d.message_id - 1, "user_subtask_id": None,
        "is_group_chat": False, "history_limit": None, "new_session": d.new_session,
        "collaboration_model": "solo", "mode": spec.get("mode") or "solo", "request_id": secrets.token_hex(8),
        "contexts": [], "history": [],
        # authentication
        "auth_token": d.auth_token, "skill_identity_token": "", "backend_url": INTERNAL_BACKEND_URL,
        "attachments": [_attachment(a, d.subtask_id) for a in spec.get("attachments") or [] if isinstance(a, dict)],
        # subscriptions, tools, task data
        "is_subscription": False, "system_mcp_config": None, "task_data": None, "extra_tools": [],
        "timezone": "UTC", "interactive_form_answer": None, "reasoning_config": None, "task_mode": "code",
        # what the builder leaves unset
        "status": None, "progress": None, "type": None,
        "executor_name": f"device-{d.device_id}", "executor_namespace": "default", "executor_image": None,
        "executor_type": None, "device_id": d.device_id, "callback_url": None, "validation_params": None,
        "sandbox_metadata": None, "project_workspace_path": None, "standalone_chat_workspace": False,
        "fork_runtime": None, "created_at": None, "updated_at": None, "trace_context": traceparent(),
    }
