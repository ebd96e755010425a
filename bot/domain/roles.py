"""Who may do what: the roles and the invitations each may hand out."""

from enum import StrEnum

from bot.i18n import N_


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"
    CUSTOMER = "customer"


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("admin"),
    Role.MANAGER: N_("manager"),
    Role.REP: N_("sales rep"),
    Role.CUSTOMER: N_("customer"),
}
"""Untranslated role names; translate with the reader's `t.gettext` where shown."""

INVITABLE_BY: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: (Role.MANAGER,),
    Role.MANAGER: (Role.REP,),
}


def roles_invitable_by(role: Role | None) -> tuple[Role, ...]:
    """The roles a user with `role` may invite, in the order they are offered."""
    if role is None:
        return ()
    return INVITABLE_BY.get(role, ())
