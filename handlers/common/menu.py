"""Which commands each role has, and the per-user Telegram command menu built from them.

Each feature declares its commands (`COMMANDS` in handlers/<feature>/__init__.py); the registry
puts them in menu order into one `CommandTable` on the application, which the guard, /help and the
menus read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application

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


# /cancel ends any dialog (handlers/common/dialogs.py); with none open, handlers/common/fallback.py
# answers it.
CANCEL = Command("cancel", N_("Stop what you are doing"), EVERYONE, in_menu=False)


def in_menu_order(commands: Iterable[Command], order: Sequence[str]) -> tuple[Command, ...]:
    """The commands sorted as `order` names them, then any it does not name in declaration order.

    A command declared twice, or a name in `order` that no feature declares, is a mistake in the
    registry; a new feature's commands need no entry to appear (at the end) until one is wanted.
    """
    by_name: dict[str, Command] = {}
    for command in commands:
        if by_name.setdefault(command.name, command) is not command:
            raise ValueError(f"/{command.name} is declared twice")
    if len(set(order)) != len(order) or not set(order) <= set(by_name):
        raise ValueError(f"the menu order {sorted(order)} names commands no feature declares")
    rest = [command for name, command in by_name.items() if name not in order]
    return (*(by_name[name] for name in order), *rest)


class CommandTable:
    """Every command in menu order, with who has it."""

    def __init__(self, commands: Sequence[Command]) -> None:
        self.commands = tuple(commands)
        self.by_name = {command.name: command for command in self.commands}

    def knows(self, command: str) -> bool:
        return command in self.by_name

    def allowed(self, command: str, role: Role | None) -> bool:
        """Whether a command exists for this role; unknown commands are not allowed to anyone."""
        entry = self.by_name.get(command)
        return entry is not None and role in entry.roles

    def for_role(self, role: Role | None) -> tuple[Command, ...]:
        return tuple(command for command in self.commands if role in command.roles)

    def bot_commands(self, role: Role | None, t: Translator) -> list[BotCommand]:
        return [BotCommand(c.name, t.gettext(c.description)) for c in self.for_role(role) if c.in_menu]


COMMANDS_KEY = "commands"


def install(application: Application, commands: Sequence[Command]) -> None:  # type: ignore[type-arg]
    """Keep the command table on the application; called once, by the registry."""
    application.bot_data[COMMANDS_KEY] = CommandTable(commands)


def command_table(application: Application) -> CommandTable:  # type: ignore[type-arg]
    table = application.bot_data.get(COMMANDS_KEY)
    if not isinstance(table, CommandTable):
        raise RuntimeError("handlers.registry.register_all installs the command table")
    return table


async def set_user_menu(
    application: Application,  # type: ignore[type-arg]
    chat_id: int,
    role: Role | None,
    t: Translator,
) -> None:
    """Show this person only their own commands, in their chosen language.

    The chat scope without a language code wins over every wider scope, so the menu follows the
    language picked with /lang rather than the language of the Telegram app.
    """
    commands = command_table(application).bot_commands(role, t)
    try:
        await application.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the command menu for chat %s: %s", chat_id, exc)


async def set_default_menus(application: Application, translators: Iterable[Translator]) -> None:  # type: ignore[type-arg]
    """The menu strangers see before anyone has granted them a role, per app language."""
    table = command_table(application)
    for t in translators:
        language = "" if t.locale == "en" else t.locale.split("_")[0]
        await application.bot.set_my_commands(
            table.bot_commands(None, t), scope=BotCommandScopeDefault(), language_code=language
        )
