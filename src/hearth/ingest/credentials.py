"""A connector's ``credentials_model`` as a form, and credentials sealed at rest.

The form is generated from the pydantic model, so a new connector needs no template. Secrets
(``SecretStr`` fields) are password inputs that are never prefilled: left blank on an edit, the
stored value is kept. Fields a connector fills in itself (session tokens) are optional, default
to None and carry neither a description nor a constraint; they are not shown. A connector can
also say so explicitly with ``Field(json_schema_extra={"hearth_form": "hidden"})``.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, SecretStr, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python

from hearth.kit.crypto import SecretBox
from hearth.kit.errors import ValidationFailedError

MAX_LINES = 500


class CredentialsInvalidError(ValidationFailedError):
    """Some fields are not valid."""

    def __init__(self, fields: dict[str, str]) -> None:
        message = "; ".join(f"{_label(name)}: {why}" for name, why in fields.items())
        super().__init__(message, fields=fields)
        self.fields = fields


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    kind: str  # text, password, number, checkbox, select, lines
    required: bool
    help: str
    default: Any
    choices: tuple[str, ...] = ()

    @property
    def secret(self) -> bool:
        return self.kind == "password"


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def _kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    inner = _unwrap_optional(annotation)
    if inner is SecretStr:
        return "password", ()
    if inner is bool:
        return "checkbox", ()
    if inner in (int, float):
        return "number", ()
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return "select", tuple(str(m.value) for m in inner)
    if typing.get_origin(inner) in (list, tuple, set, frozenset):
        return "lines", ()
    return "text", ()


def _managed_by_connector(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    if isinstance(extra, dict) and extra.get("hearth_form") == "hidden":
        return True
    return (not info.is_required() and info.default is None and not info.description
            and not info.metadata)


def _default(info: FieldInfo) -> Any:
    if info.is_required():
        return None
    value = info.get_default(call_default_factory=True)
    if value is PydanticUndefined or isinstance(value, SecretStr):
        return None
    if isinstance(value, enum.Enum):
        return value.value
    return value


def form_fields(model: type[BaseModel]) -> list[FormField]:
    fields = []
    for name, info in model.model_fields.items():
        if _managed_by_connector(info):
            continue
        kind, choices = _kind(info.annotation)
        fields.append(FormField(name=name, label=info.title or _label(name), kind=kind,
                                required=info.is_required(), help=info.description or "",
                                default=_default(info), choices=choices))
    return fields


# --- form values → credentials --------------------------------------------------------------


def _field_value(field: FormField, form: Mapping[str, Any]) -> tuple[bool, Any]:
    """(present, value) for one field; absent means "keep what is stored, or the default"."""
    key = f"cred_{field.name}"
    raw = form.get(key)
    if field.kind == "checkbox":
        return True, raw not in (None, "", "0", "false", "off")
    text = raw.strip() if isinstance(raw, str) else ""
    if field.kind == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return True, lines[:MAX_LINES + 1]
    if not text:
        # A blank secret keeps its stored value; a blank optional field falls back to its default.
        return False, None
    return True, text


def credentials_from_form(model: type[BaseModel], form: Mapping[str, Any],
                          stored: Mapping[str, Any] | None = None) -> BaseModel:
    """Validate what the form says over what is stored; raise ``CredentialsInvalidError``."""
    values: dict[str, Any] = dict(stored or {})
    for field in form_fields(model):
        present, value = _field_value(field, form)
        if present:
            values[field.name] = value
        elif not field.secret:
            values.pop(field.name, None)
    return validate_credentials(model, values)


def validate_credentials(model: type[BaseModel], values: Mapping[str, Any]) -> BaseModel:
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        raise CredentialsInvalidError(_field_errors(exc)) from None


def _field_errors(exc: ValidationError) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "credentials"
        message = str(error["msg"]).removeprefix("Value error, ")
        found.setdefault(name, message)
    return found


# --- sealing ----------------------------------------------------------------------------------


def plain_values(credentials: BaseModel) -> dict[str, Any]:
    """JSON-ready values with secrets revealed: only ever handed to ``SecretBox.seal``."""

    def reveal(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, dict):
            return {k: reveal(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [reveal(v) for v in value]
        return value

    dumped = {name: reveal(getattr(credentials, name)) for name in type(credentials).model_fields}
    return to_jsonable_python(dumped)


def seal(box: SecretBox, credentials: BaseModel) -> str:
    return box.seal(plain_values(credentials))


def open_credentials(box: SecretBox, model: type[BaseModel], sealed: str) -> BaseModel:
    return validate_credentials(model, box.open(sealed))


def public_values(model: type[BaseModel], stored: Mapping[str, Any]) -> dict[str, Any]:
    """What an edit form may show again: every non-secret field, never a secret."""
    shown = {}
    for field in form_fields(model):
        if field.secret:
            continue
        value = stored.get(field.name, field.default)
        shown[field.name] = "\n".join(value) if isinstance(value, list) else value
    return shown
