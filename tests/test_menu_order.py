"""The registry's command table: the menu order it names, then whatever a feature adds unnamed."""

import pytest

from bot.domain.roles import Role
from bot.i18n import N_
from handlers.common.menu import Command, in_menu_order
from handlers.registry import COMMANDS, MENU_ORDER

A = Command("alpha", N_("Start or restart the assistant"), (Role.REP,))
B = Command("beta", N_("Find a customer"), (Role.REP,))
C = Command("gamma", N_("Log a visit"), (Role.REP,))


def test_named_commands_come_in_the_named_order_and_a_new_one_follows() -> None:
    assert in_menu_order([A, B, C], ["gamma", "alpha"]) == (C, A, B)


def test_a_command_declared_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        in_menu_order([A, B, Command("alpha", N_("Log a visit"), (Role.REP,))], [])


def test_an_order_naming_a_command_nobody_declares_is_refused() -> None:
    with pytest.raises(ValueError, match="no feature declares"):
        in_menu_order([A], ["alpha", "omega"])


def test_the_shipped_menu_is_in_the_registry_order() -> None:
    assert tuple(command.name for command in COMMANDS) == MENU_ORDER
