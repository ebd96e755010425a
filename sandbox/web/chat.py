"""Serves the web chat page and what it needs to know beyond the control API.

The page (static/: plain HTML, CSS and JS, no build step) is a client of the control API under
/sandbox/<token>/: it sends and presses as the persona picked, long-polls the chat's events and
draws the messages as the sandbox stores them. Only what the sandbox cannot know comes from here:
which people to offer, places for the location picker, and actions the host wants a button for.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.state import BotRegistry

STATIC = Path(__file__).parent / "static"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Persona:
    """Someone the visitor can be; `role` groups the list (admin, manager, rep, customer, stranger)."""

    id: int
    first_name: str
    last_name: str | None
    language_code: str
    role: str
    title: str
    phone: str | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A location the picker offers with one tap."""

    label: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Action:
    """A button beside the chat that runs something in the host (say, "send the digest now");
    `run` returns one line to show."""

    name: str
    label: str
    run: Callable[[], Awaitable[str]]


@dataclass
class WebChat:
    """The page for one bot token."""

    token: str
    personas: Sequence[Persona]
    places: Sequence[Place] = ()
    actions: Sequence[Action] = ()
    title: str = "Sandbox chat"
    _registry: BotRegistry | None = field(default=None, repr=False)

    def add_routes(self, app: web.Application, registry: BotRegistry) -> None:
        self._registry = registry
        app.router.add_get("/", self._index)
        app.router.add_get("/web/config", self._config)
        app.router.add_post("/web/actions/{name}", self._run_action)
        app.router.add_static("/web/static", STATIC)

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def _config(self, request: web.Request) -> web.StreamResponse:
        assert self._registry is not None
        bot = self._registry.get(self.token)
        assert bot is not None
        return web.json_response(
            {
                "title": self.title,
                "token": self.token,
                "bot": {"id": bot.id, "first_name": bot.user.first_name, "username": bot.user.username},
                "personas": [_persona(p) for p in self.personas],
                "places": [
                    {"label": p.label, "latitude": p.latitude, "longitude": p.longitude} for p in self.places
                ],
                "actions": [{"name": a.name, "label": a.label} for a in self.actions],
            }
        )

    async def _run_action(self, request: web.Request) -> web.StreamResponse:
        action = next((a for a in self.actions if a.name == request.match_info["name"]), None)
        if action is None:
            return web.json_response({"error": "no such action"}, status=404)
        try:
            text = await action.run()
        except Exception:
            log.exception("web chat action %s failed", action.name)
            return web.json_response({"error": "the action failed; see the log"}, status=500)
        return web.json_response({"text": text})


def _persona(persona: Persona) -> dict[str, Any]:
    return {
        "id": persona.id,
        "first_name": persona.first_name,
        "last_name": persona.last_name,
        "language_code": persona.language_code,
        "role": persona.role,
        "title": persona.title,
        "phone": persona.phone,
    }
