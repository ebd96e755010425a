"""How an inviter hears that someone joined through their link (plain text, names as typed)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.domain.roles import ROLE_LABELS
from bot.i18n import Translator
from bot.runtime.pushes import render_with
from bot.services.invites import Joined


def joined_payload(joined: Joined, t: Translator) -> dict[str, Any]:
    text = t.gettext("{name} has joined {team} as {role}.").format(
        name=joined.name, team=joined.team, role=t.gettext(ROLE_LABELS[joined.role])
    )
    return {"method": "sendMessage", "params": {"text": text}}


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, Joined, joined_payload)
