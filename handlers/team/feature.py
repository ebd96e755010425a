"""How the team feature plugs in: the commands it adds to the menu and its handlers, in order."""

from __future__ import annotations

from telegram.ext import Application

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import Command
from handlers.team import invites, members, teams

COMMANDS: tuple[Command, ...] = (
    Command("newteam", N_("Create a team"), (Role.ADMIN,)),
    Command("team", N_("Your team and its members"), (Role.ADMIN, Role.MANAGER)),
    Command("invite", N_("Invite someone to your team"), (Role.ADMIN, Role.MANAGER)),
    Command("invites", N_("Invite links not used yet; withdraw one"), (Role.ADMIN, Role.MANAGER)),
)


def register(application: Application) -> None:  # type: ignore[type-arg]
    for module in (teams, members, invites):
        module.register(application)
