"""Which commands each role has, and the per-user Telegram command menu built from them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from telegram import Bot, BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError

from bot.domain.roles import Role
from bot.i18n import N_, Translator

log = logging.getLogger(__name__)

EVERYONE: tuple[Role | None, ...] = (None, *Role)
FIELD: tuple[Role | None, ...] = (Role.REP, Role.MANAGER)
MANAGEMENT: tuple[Role | None, ...] = (Role.ADMIN, Role.MANAGER)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    roles: tuple[Role | None, ...]
    in_menu: bool = True


COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Start or restart the assistant"), EVERYONE),
    Command("today", N_("Today: follow-ups, birthdays, customers at risk"), FIELD),
    Command("find", N_("Find a customer"), FIELD),
    Command("visit", N_("Log a visit"), FIELD),
    Command("order", N_("Log an order"), FIELD),
    Command("new", N_("Add a customer"), FIELD),
    Command("remind", N_("Set a reminder"), FIELD),
    Command("newteam", N_("Create a team"), (Role.ADMIN,)),
    Command("outbox", N_("Pushes waiting or undelivered"), (Role.ADMIN,)),
    Command("audit", N_("Audit log: who viewed, changed, moved or erased what"), (Role.ADMIN,)),
    Command("digest", N_("Team digest: today's figures and exceptions"), MANAGEMENT),
    Command("team", N_("Your team and its members"), (Role.ADMIN, Role.MANAGER)),
    Command("invite", N_("Invite someone to your team"), (Role.ADMIN, Role.MANAGER)),
    Command("invites", N_("Open invite links; withdraw one"), (Role.ADMIN, Role.MANAGER)),
    Command("handover", N_("Hand a rep's customers over to other reps"), MANAGEMENT),
    Command("import", N_("Import customers from an Excel or CSV file"), (Role.MANAGER,)),
    Command("export", N_("Export customers, visits, orders, feedback or tickets"), MANAGEMENT),
    Command("settings", N_("Team settings: time zone, digest, cadence, SLA, quiet hours"), MANAGEMENT),
    Command("feedback", N_("Send us your feedback"), (None, Role.CUSTOMER)),
    Command("complaint", N_("Report a problem; you get a number to follow it"), (Role.CUSTOMER,)),
    Command("tickets", N_("Complaint tickets and their status"), (*FIELD, Role.ADMIN, Role.CUSTOMER)),
    Command("lang", N_("Language: English / 简体中文"), EVERYONE),
    Command("help", N_("What I can do for you"), EVERYONE),
    Command("cancel", N_("Stop what you are doing"), EVERYONE, in_menu=False),
)
BY_NAME = {command.name: command for command in COMMANDS}


def allowed(command: str, role: Role | None) -> bool:
    """Whether a command exists for this role; unknown commands are not allowed to anyone."""
    entry = BY_NAME.get(command)
    return entry is not None and role in entry.roles


def commands_for(role: Role | None) -> tuple[Command, ...]:
    return tuple(command for command in COMMANDS if role in command.roles)


def bot_commands(role: Role | None, t: Translator) -> list[BotCommand]:
    return [BotCommand(c.name, t.gettext(c.description)) for c in commands_for(role) if c.in_menu]


async def set_user_menu(bot: Bot, chat_id: int, role: Role | None, t: Translator) -> None:
    """Show this person only their own commands, in their chosen language.

    The chat scope without a language code wins over every wider scope, so the menu follows the
    language picked with /lang rather than the language of the Telegram app.
    """
    try:
        await bot.set_my_commands(bot_commands(role, t), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)


async def set_default_menus(bot: Bot, translators: Iterable[Translator]) -> None:
    """The menu strangers see before anyone has granted them a role, per app language."""
    for t in translators:
        language = "" if t.locale == "en" else t.locale.split("_")[0]
        await bot.set_my_commands(
            bot_commands(None, t), scope=BotCommandScopeDefault(), language_code=language
        )
