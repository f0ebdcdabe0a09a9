"""`device:register` and `device:heartbeat` payloads checked as the newer backend's pydantic 2 schemas do
(`DeviceRegisterPayload`, `DeviceHeartbeatPayload`, `RuntimeCapacityObservation`; unknown keys ignored).

Written by hand rather than as pydantic models: Debian ships pydantic 1, which coerces and words errors
differently, and the executor must see what the real backend answers ("Invalid payload: <pydantic 2 text>").
"""

from __future__ import annotations

import re
from typing import Any, Callable

DEVICE_TYPES = ("local", "app", "cloud", "remote")
BIND_SHELLS = ("claudecode", "openclaw")
MAX_RUNTIME_LIMIT = 20
MAX_ACTIVE_TASK_IDS = 20
ACTIVE_IDS_ERROR = "active_task_ids must identify every active Runtime task"
_INTEGER_TEXT = re.compile(r"\s*[+-]?\d+\s*")


class PayloadError(ValueError):
    """A payload the backend refuses; its text follows `Invalid payload: ` in the ack."""


class InvalidPayload(PayloadError):
    """The text pydantic 2 gives for a failed model: a count, then each error's location and message."""

    def __init__(self, model: str, errors: list[tuple[str, str, str, Any]]) -> None:
        self.errors = errors
        lines = [f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} for {model}"]
        for loc, message, kind, value in errors:
            lines += [loc, f"  {message} [type={kind}, input_value={_short_repr(value)}, "
                           f"input_type={type(value).__name__}]"]
        super().__init__("\n".join(lines))


def _short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else f"{text[:24]}...{text[-24:]}"


class _Fields:
    """Reads the fields of one model, collecting every error instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], errors: list[tuple[str, str, str, Any]], prefix: str = "") -> None:
        self._data = data
        self._prefix = prefix
        self.errors = errors

    def fail(self, loc: str, message: str, kind: str, value: Any) -> None:
        self.errors.append((self._prefix + loc, message, kind, value))

    def get(self, name: str, read: Callable[[str, Any], Any], required: bool = False, default: Any = None,
            nullable: bool = True) -> Any:
        """`nullable`: the field is Optional, so an explicit null is accepted as None."""
        if name not in self._data:
            if required:
                self.fail(name, "Field required", "missing", self._data)
            return default
        value = self._data[name]
        if value is None and nullable and not required:
            return None
        return read(name, value)

    def string(self, min_length: int = 0, max_length: int | None = None) -> Callable[[str, Any], Any]:
        def read(loc: str, value: Any) -> Any:
            if not isinstance(value, str):
                self.fail(loc, "Input should be a valid string", "string_type", value)
            elif len(value) < min_length:
                self.fail(loc, f"String should have at least {min_length} character{'s' if min_length > 1 else ''}",
                          "string_too_short", value)
            elif max_length is not None and len(value) > max_length:
                self.fail(loc, f"String should have at most {max_length} characters", "string_too_long", value)
            else:
                return value
            return None
        return read

    def choice(self, choices: tuple[str, ...]) -> Callable[[str, Any], Any]:
        def read(loc: str, value: Any) -> Any:
            if value in choices:
                return value
            names = [f"'{c}'" for c in choices]
            self.fail(loc, f"Input should be {', '.join(names[:-1])} or {names[-1]}", "enum", value)
            return None
        return read

    def integer(self, ge: int | None = None, le: int | None = None) -> Callable[[str, Any], Any]:
        def read(loc: str, value: Any) -> Any:
            number = self._integer(loc, value)
            if number is None:
                return None
            if ge is not None and number < ge:
                self.fail(loc, f"Input should be greater than or equal to {ge}", "greater_than_equal", value)
            elif le is not None and number > le:
                self.fail(loc, f"Input should be less than or equal to {le}", "less_than_equal", value)
            else:
                return number
            return None
        return read

    def _integer(self, loc: str, value: Any) -> int | None:
        # pydantic 2 lax mode: ints (bools too), integral floats and integer strings.
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            if value.is_integer():
                return int(value)
            self.fail(loc, "Input should be a valid integer, got a number with a fractional part",
                      "int_from_float", value)
        elif isinstance(value, str):
            if _INTEGER_TEXT.fullmatch(value):
                return int(value)
            self.fail(loc, "Input should be a valid integer, unable to parse string as an integer", "int_parsing",
                      value)
        else:
            self.fail(loc, "Input should be a valid integer", "int_type", value)
        return None

    def list_of(self, item: Callable[[str, Any], Any], max_length: int | None = None) -> Callable[[str, Any], Any]:
        def read(loc: str, value: Any) -> Any:
            if not isinstance(value, list):
                self.fail(loc, "Input should be a valid list", "list_type", value)
                return None
            count = len(self.errors)
            items = [item(f"{loc}.{index}", element) for index, element in enumerate(value)]
            if max_length is not None and len(value) > max_length:
                self.fail(loc, f"List should have at most {max_length} items after validation, not {len(value)}",
                          "too_long", value)
            return items if len(self.errors) == count else None
        return read

    def dictionary(self, loc: str, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        self.fail(loc, "Input should be a valid dictionary", "dict_type", value)
        return None


class NotAMapping(PayloadError):
    """What `Model(**data)` raises for a payload that is not a JSON object."""


def _mapping(model: str, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise NotAMapping(f"{model}() argument after ** must be a mapping, not {type(data).__name__}")
    return data


def _runtime_features(value: Any) -> dict[str, Any] | None:
    """Malformed runtime features are treated as absent (the backend's own normalisation)."""
    if not isinstance(value, dict):
        return None
    version = value.get("schemaVersion", value.get("schema_version"))
    valid = isinstance(version, int) and not isinstance(version, bool) and version >= 1
    return value if valid else None


def validate_register(data: Any) -> dict[str, Any]:
    """The register payload with defaults applied; raises a PayloadError."""
    fields = _Fields(_mapping("DeviceRegisterPayload", data), [])
    payload = {
        "device_id": fields.get("device_id", fields.string(1, 100), required=True),
        "name": fields.get("name", fields.string(1, 100), required=True),
        "device_type": fields.get("device_type", fields.choice(DEVICE_TYPES), default="local", nullable=False),
        "capabilities": fields.get("capabilities", fields.list_of(fields.string())),
        "executor_version": fields.get("executor_version", fields.string(max_length=50)),
        "client_ip": fields.get("client_ip", fields.string(max_length=50)),
        "runtime_transfer_host": fields.get("runtime_transfer_host", fields.string(max_length=255)),
        "runtime_instance_id": fields.get("runtime_instance_id", fields.string(max_length=100)),
        "app_device_id": fields.get("app_device_id", fields.string(max_length=100)),
        "runtime_features": _runtime_features(data.get("runtime_features")),
        "bind_shell": fields.get("bind_shell", fields.choice(BIND_SHELLS), default="claudecode", nullable=False),
    }
    if fields.errors:
        raise InvalidPayload("DeviceRegisterPayload", fields.errors)
    return payload


def validate_heartbeat(data: Any) -> dict[str, Any]:
    """The heartbeat payload with defaults applied; an invalid `runtime_capacity` fails the whole of it."""
    fields = _Fields(_mapping("DeviceHeartbeatPayload", data), [])
    payload = {
        "device_id": fields.get("device_id", fields.string(), required=True),
        "running_task_ids": fields.get("running_task_ids", fields.list_of(fields.integer()), default=[],
                                       nullable=False),
        "executor_version": fields.get("executor_version", fields.string(max_length=50)),
        "capabilities": fields.get("capabilities", fields.dictionary),
        "runtime_auth_files": fields.get("runtime_auth_files", fields.dictionary),
        "runtime_transfer_host": fields.get("runtime_transfer_host", fields.string(max_length=255)),
        "runtime_instance_id": fields.get("runtime_instance_id", fields.string(1, 100)),
        "runtime_capacity": fields.get("runtime_capacity", lambda loc, value: _runtime_capacity(fields, loc, value)),
        "runtime_features": _runtime_features(data.get("runtime_features")),
    }
    if fields.errors:
        raise InvalidPayload("DeviceHeartbeatPayload", fields.errors)
    return payload


def _runtime_capacity(parent: _Fields, loc: str, value: Any) -> dict[str, Any] | None:
    if not isinstance(value, dict):
        parent.fail(loc, "Input should be a valid dictionary or instance of RuntimeCapacityObservation",
                    "model_type", value)
        return None
    fields = _Fields(value, parent.errors, prefix=f"{loc}.")
    count = len(parent.errors)
    capacity = {
        "limit": fields.get("limit", fields.integer(1, MAX_RUNTIME_LIMIT), required=True),
        "active": fields.get("active", fields.integer(ge=0), required=True),
        "active_task_ids": fields.get("active_task_ids", fields.list_of(fields.string(), MAX_ACTIVE_TASK_IDS),
                                      default=[], nullable=False),
        "queued": fields.get("queued", fields.integer(ge=0), required=True),
    }
    if len(parent.errors) > count:
        return None
    ids = [task_id.strip() for task_id in capacity["active_task_ids"] or []]
    if not all(ids) or len(set(ids)) != len(ids) or len(ids) != capacity["active"]:
        parent.fail(loc, f"Value error, {ACTIVE_IDS_ERROR}", "value_error", value)
        return None
    return capacity | {"active_task_ids": ids}
