"""The person behind an update, as the rest of the code needs to know them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Role, roles_invitable_by


@dataclass(frozen=True, slots=True)
class Viewer:
    """A resolved user: identity, role, team, language and time zone."""

    user_id: int
    telegram_id: int
    first_name: str
    role: Role | None
    team_id: int | None
    locale: str
    timezone: str
    is_active: bool = True

    @property
    def has_access(self) -> bool:
        return self.role is not None and self.is_active

    @property
    def effective_role(self) -> Role | None:
        """The role that counts right now: none for a deactivated account."""
        return self.role if self.is_active else None

    @property
    def manages(self) -> bool:
        """A manager or an admin, active: sees the whole team and may move its customers."""
        return self.effective_role in (Role.MANAGER, Role.ADMIN)

    def may_invite(self, role: Role) -> bool:
        return self.team_id is not None and role in roles_invitable_by(self.effective_role)
