"""Validates device:register and device:heartbeat payloads the way both Wegent backend generations do.

Usage: backend_device_schemas.py < payloads.json
Input: {"register": [payload, ...], "heartbeat": [payload, ...]}. Output: the same shape, each payload replaced by
{"january": null | "<error>", "current": null | "<error>"}.

The models restate, field by field, what the backends declare with pydantic (unknown keys ignored, as pydantic does
by default): "january" the January 2026 backend (PROTOCOL.md), "current" the backend of PROTOCOL-RESPONSES.md
sections 3 and 4. Strict strings, because the current backend's pydantic 2 does not turn numbers into strings.
"""

import json
import sys
from typing import Any, Dict, List, Literal, Optional

try:
    from pydantic import v1 as pydantic  # pydantic 2 ships the v1 API under this name
except ImportError:
    import pydantic

BaseModel, StrictStr = pydantic.BaseModel, pydantic.StrictStr
conint, conlist, constr = pydantic.conint, pydantic.conlist, pydantic.constr


class JanuaryRegister(BaseModel):
    device_id: constr(strict=True, min_length=1, max_length=100)
    name: constr(strict=True, min_length=1, max_length=100)
    executor_version: Optional[StrictStr] = None
    capabilities: Optional[List[StrictStr]] = None


class JanuaryHeartbeat(BaseModel):
    device_id: StrictStr
    running_task_ids: List[int] = []


class CurrentRegister(BaseModel):
    device_id: constr(strict=True, min_length=1, max_length=100)
    name: constr(strict=True, min_length=1, max_length=100)
    device_type: Literal["local", "app", "cloud", "remote"] = "local"
    capabilities: Optional[List[StrictStr]] = None
    executor_version: Optional[constr(strict=True, max_length=50)] = None
    client_ip: Optional[constr(strict=True, max_length=50)] = None
    runtime_transfer_host: Optional[constr(strict=True, max_length=255)] = None
    runtime_instance_id: Optional[constr(strict=True, max_length=100)] = None
    app_device_id: Optional[constr(strict=True, max_length=100)] = None
    bind_shell: Literal["claudecode", "openclaw"] = "claudecode"


class CurrentCapacity(BaseModel):
    limit: conint(ge=1, le=20)
    active: conint(ge=0)
    active_task_ids: conlist(StrictStr, max_items=20) = []
    queued: conint(ge=0)

    @pydantic.root_validator(skip_on_failure=True)
    def every_active_task_is_named_once(cls, values):
        ids = [task_id.strip() for task_id in values["active_task_ids"]]
        if any(not task_id for task_id in ids) or len(set(ids)) != len(ids) or len(ids) != values["active"]:
            raise ValueError("active_task_ids must identify every active Runtime task")
        return values


class CurrentHeartbeat(BaseModel):
    device_id: StrictStr
    running_task_ids: List[int] = []
    executor_version: Optional[constr(strict=True, max_length=50)] = None
    capabilities: Optional[Dict[str, Any]] = None
    runtime_instance_id: Optional[constr(strict=True, min_length=1, max_length=100)] = None
    runtime_capacity: Optional[CurrentCapacity] = None


MODELS = {
    "register": {"january": JanuaryRegister, "current": CurrentRegister},
    "heartbeat": {"january": JanuaryHeartbeat, "current": CurrentHeartbeat},
}


def verdict(model, payload):
    try:
        model.parse_obj(payload)
        return None
    except pydantic.ValidationError as error:
        return str(error)


def main():
    payloads = json.load(sys.stdin)
    json.dump({kind: [{generation: verdict(model, payload) for generation, model in MODELS[kind].items()}
                      for payload in payloads.get(kind, [])]
               for kind in MODELS}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
