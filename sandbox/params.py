"""Bot API parameters from a query string, JSON body, urlencoded or multipart form.

Form fields are strings (PTB JSON-encodes objects, numbers and booleans into them), while a
JSON body carries native values, so each parameter is read with the type the method expects.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from sandbox.errors import bad_request

T = TypeVar("T")
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")


@dataclass(frozen=True)
class Upload:
    """A file sent in a multipart request."""

    data: bytes
    filename: str | None
    content_type: str | None

    def describe(self) -> dict[str, Any]:
        return {"filename": self.filename, "size": len(self.data), "content_type": self.content_type}


class Params:
    """Typed access to one call's parameters; remembers what was read, for the call log."""

    def __init__(self, values: dict[str, Any], uploads: dict[str, Upload] | None = None) -> None:
        self.values = values
        self.uploads = uploads or {}
        self._typed: dict[str, Any] = {}

    @classmethod
    async def from_request(cls, request: web.Request) -> Params:
        values: dict[str, Any] = dict(request.query)
        uploads: dict[str, Upload] = {}
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON encoded request body") from None
                if isinstance(body, dict):
                    values.update(body)
            elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for name, value in form.items():
                    if isinstance(value, web.FileField):
                        uploads[name] = Upload(value.file.read(), value.filename, value.content_type)
                    else:
                        values[name] = value
        return cls(values, uploads)

    def has(self, name: str) -> bool:
        return self.values.get(name) not in (None, "") or name in self.uploads

    def _remember(self, name: str, value: T) -> T:
        if value is not None:
            self._typed[name] = value
        return value

    def string(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            return self._remember(name, "true" if value else "false")
        if isinstance(value, (dict, list)):
            return self._remember(name, json.dumps(value))
        return self._remember(name, str(value))

    def integer(self, name: str, *, error: str | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return self._remember(name, int(value))
        if isinstance(value, int):
            return self._remember(name, value)
        if isinstance(value, float) and value.is_integer():
            return self._remember(name, int(value))
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return self._remember(name, int(value))
        raise bad_request(error or f'field "{name}" must be of type Integer')

    def number(self, name: str) -> float | None:
        value = self.values.get(name)
        if value is None or value == "":
            return None
        try:
            return self._remember(name, float(value))
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be of type Number') from None

    def boolean(self, name: str) -> bool:
        value = self.values.get(name)
        result = value.strip().lower() in ("true", "1") if isinstance(value, str) else bool(value)
        if value is not None:
            self._typed[name] = result
        return result

    def json(self, name: str, *, what: str | None = None) -> Any:
        """An object or array: native in a JSON body, JSON-encoded in a form."""
        value = self.values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return self._remember(name, value)

    def chat_id(self, name: str = "chat_id") -> int:
        value = self.values.get(name)
        if value is None or value == "":
            raise bad_request(f"{name} is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return self._remember(name, value)
        if isinstance(value, str) and _INTEGER.fullmatch(value):
            return self._remember(name, int(value))
        raise bad_request("chat not found")

    def upload(self, name: str) -> Upload | str | None:
        """A multipart file, an attach:// reference to one, or a file_id/URL string."""
        if name in self.uploads:
            upload = self.uploads[name]
            self._typed[name] = upload.describe()
            return upload
        value = self.string(name)
        if value and value.startswith("attach://"):
            attached = self.uploads.get(value[len("attach://") :])
            if attached is None:
                raise bad_request(f"file {value} not found in the request")
            self._typed[name] = attached.describe()
            return attached
        return value or None

    def for_log(self) -> dict[str, Any]:
        logged: dict[str, Any] = {k: v for k, v in self.values.items() if v is not None}
        logged.update({name: upload.describe() for name, upload in self.uploads.items()})
        logged.update(self._typed)
        return logged
