"""Callback data: each kind of button declares its format and who may press it, once, in the
callbacks.py of the feature that takes its presses (handlers/<feature>/callbacks.py).

A press carries whatever data the client sent, so it is untrusted input: a modified client can
put any 64 bytes there. `Button.parse` accepts only the declared shape, with every id inside the
range its column can hold, and raises `StaleButton` for anything else. The guard parses every
press before a feature handler runs (`ButtonIndex.find`), so junk, out-of-range ids and buttons of
another role are answered politely and never reach a service. Whether the viewer may act on the
record an id names is the service's question, asked again on every press.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram.ext import Application, BaseHandler, CallbackQueryHandler, ConversationHandler

from bot.domain.roles import Role

SEPARATOR = ":"
# Telegram's limit for callback_data.
MAX_DATA_BYTES = 64
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class StaleButton(ValueError):
    """The data of a press is not one this bot writes: an old keyboard, or a crafted one."""


@dataclass(frozen=True, slots=True)
class Int:
    """A whole number written in ASCII digits, inside [low, high]."""

    low: int = 0
    high: int = INT32_MAX

    def read(self, text: str) -> int:
        body = text[1:] if text.startswith("-") and self.low < 0 else text
        # isascii() first: str.isdigit() also accepts "²" and other digits int() refuses.
        if not body.isascii() or not body.isdigit() or len(body) > len(str(self.high)) + 1:
            raise StaleButton(text)
        value = int(text)
        if not self.low <= value <= self.high:
            raise StaleButton(text)
        return value

    def write(self, value: object) -> str:
        if not isinstance(value, int) or isinstance(value, bool) or not self.low <= value <= self.high:
            raise ValueError(f"{value!r} is outside [{self.low}, {self.high}]")
        return str(value)


@dataclass(frozen=True, slots=True)
class OneOf:
    """One of a fixed set of words (an enum's values, a step name)."""

    values: frozenset[str]

    @classmethod
    def of(cls, values: Iterable[object]) -> OneOf:
        return cls(frozenset(str(getattr(value, "value", value)) for value in values))

    def read(self, text: str) -> str:
        if text not in self.values:
            raise StaleButton(text)
        return text

    def write(self, value: object) -> str:
        text = str(getattr(value, "value", value))
        if text not in self.values:
            raise ValueError(f"{text!r} is not one of {sorted(self.values)}")
        return text


@dataclass(frozen=True, slots=True)
class Token:
    """Free text of a declared shape, such as a search term or an import token."""

    pattern: re.Pattern[str]

    def read(self, text: str) -> str:
        if self.pattern.fullmatch(text) is None:
            raise StaleButton(text)
        return text

    def write(self, value: object) -> str:
        text = str(value)
        if self.pattern.fullmatch(text) is None:
            raise ValueError(f"{text!r} does not fit {self.pattern.pattern}")
        return text


@dataclass(frozen=True, slots=True)
class Day:
    """A calendar day written as YYYYMMDD; a day that does not exist is a crafted press."""

    def read(self, text: str) -> date:
        if len(text) != 8 or not text.isascii() or not text.isdigit():
            raise StaleButton(text)
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            raise StaleButton(text) from None

    def write(self, value: object) -> str:
        if not isinstance(value, date):
            raise ValueError(f"{value!r} is not a date")
        return value.strftime("%Y%m%d")


Field = Int | OneOf | Token | Day

# Ids of tables with 32-bit keys on PostgreSQL (teams, users, customers, tickets, invites, handovers,
# transfer requests) and of those with 64-bit keys (audit log, visits, surveys, reminders, alerts).
ID = Int(1, INT32_MAX)
BIG_ID = Int(1, INT64_MAX)
PAGE = Int(0, 10_000)
FIELD_ROLES: frozenset[Role | None] = frozenset({Role.REP, Role.MANAGER})
MANAGEMENT_ROLES: frozenset[Role | None] = frozenset({Role.ADMIN, Role.MANAGER})
EVERYONE: frozenset[Role | None] = frozenset({None, *Role})
STAFF: frozenset[Role | None] = FIELD_ROLES | {Role.ADMIN}


class Button:
    """One kind of button: `prefix:field:field…`, the fields in declared order.

    `Button` is also the `pattern` of the handler that takes its presses (PTB calls it with the
    data), so the format the keyboard writes and the one the handler accepts cannot drift apart.
    """

    def __init__(self, prefix: str, /, *, roles: Iterable[Role | None], **fields: Field) -> None:
        self.prefix = prefix
        self.fields: Mapping[str, Field] = dict(fields)
        self.roles: frozenset[Role | None] = frozenset(roles)

    def __repr__(self) -> str:
        return f"Button({self.prefix!r}, {', '.join(self.fields)})"

    def data(self, **values: object) -> str:
        """The callback data for these field values; a value out of its range is a bug, not input."""
        if set(values) != set(self.fields):
            raise TypeError(f"{self!r} takes {sorted(self.fields)}, got {sorted(values)}")
        parts = [self.prefix, *(field.write(values[name]) for name, field in self.fields.items())]
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_DATA_BYTES:
            raise ValueError(f"callback data over {MAX_DATA_BYTES} bytes: {data!r}")
        return data

    def parse(self, data: str | None) -> dict[str, Any]:
        """The field values of a press, or `StaleButton` if the data is not exactly this button's."""
        if data is None or not self.owns(data):
            raise StaleButton(data)
        rest = data[len(self.prefix) + 1 :] if self.fields else ""
        # The last field takes the rest, so a Token that allows ":" (a search term) can come last.
        parts = rest.split(SEPARATOR, len(self.fields) - 1) if self.fields else []
        if len(parts) != len(self.fields):
            raise StaleButton(data)
        return {
            name: field.read(part) for (name, field), part in zip(self.fields.items(), parts, strict=True)
        }

    def owns(self, data: str) -> bool:
        """Whether the data was written for this button (its shape may still be wrong)."""
        if not self.fields:
            return data == self.prefix
        return data.startswith(self.prefix + SEPARATOR)

    def __call__(self, data: object) -> bool:
        """PTB's pattern check: this handler takes the press if the data parses as this button."""
        if not isinstance(data, str):
            return False
        try:
            self.parse(data)
        except StaleButton:
            return False
        return True


def buttons_of(handlers: Iterable[BaseHandler[Any, Any, Any]]) -> Iterator[Button]:
    """Every button a handler tree takes presses for, including inside conversations."""
    for handler in handlers:
        if isinstance(handler, ConversationHandler):
            nested = [*handler.entry_points, *handler.fallbacks]
            for state_handlers in handler.states.values():
                nested.extend(state_handlers)
            yield from buttons_of(nested)
        elif isinstance(handler, CallbackQueryHandler) and isinstance(handler.pattern, Button):
            yield handler.pattern


BUTTONS_KEY = "buttons"


@dataclass(frozen=True)
class ButtonIndex:
    """The declared buttons by prefix; a press is matched on its longest declared prefix."""

    by_prefix: Mapping[str, Button]

    @classmethod
    def of(cls, buttons: Iterable[Button]) -> ButtonIndex:
        by_prefix: dict[str, Button] = {}
        for button in buttons:
            known = by_prefix.setdefault(button.prefix, button)
            if known is not button and (known.fields != button.fields or known.roles != button.roles):
                raise ValueError(f"two buttons declare the prefix {button.prefix!r} differently")
        return cls(by_prefix)

    def find(self, data: str | None) -> tuple[Button, dict[str, Any]]:
        """The button this data belongs to and its parsed fields; `StaleButton` for anything else."""
        if not data or len(data.encode()) > MAX_DATA_BYTES:
            raise StaleButton(data)
        parts = data.split(SEPARATOR)
        for length in range(len(parts), 0, -1):
            button = self.by_prefix.get(SEPARATOR.join(parts[:length]))
            if button is not None:
                return button, button.parse(data)
        raise StaleButton(data)


def index_buttons(application: Application) -> None:  # type: ignore[type-arg]
    """Collect the buttons of every registered handler; called once, after registration."""
    handlers = [handler for group in application.handlers.values() for handler in group]
    application.bot_data[BUTTONS_KEY] = ButtonIndex.of(buttons_of(handlers))


def button_index(application: Application) -> ButtonIndex:  # type: ignore[type-arg]
    index = application.bot_data.get(BUTTONS_KEY)
    if not isinstance(index, ButtonIndex):
        raise RuntimeError("handlers.registry.register_all indexes the buttons")
    return index
