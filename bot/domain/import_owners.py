"""Who an owner cell means: a member of the team by @username, full name or first name.

Names are compared as search keys (case, width and spacing folded), so "Rita Wang", "rita wang"
and "Wang Rita" are the same person, as is 李伟 written "李 伟".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.domain.names import full_name, key

_USERNAME = re.compile(r"@([A-Za-z0-9_]{3,32})")


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    active: bool = True

    @property
    def full_name(self) -> str:
        return full_name(self.first_name, self.last_name)


class Roster:
    """The team's staff, indexed by every way an owner cell may name them."""

    def __init__(self, members: Iterable[Member]) -> None:
        self.members = {member.id: member for member in members}
        self._usernames: dict[str, set[int]] = {}
        self._full: dict[str, set[int]] = {}
        self._first: dict[str, set[int]] = {}
        for member in self.members.values():
            if member.username:
                self._usernames.setdefault(member.username.casefold(), set()).add(member.id)
            last = member.last_name or ""
            for full in {key(member.first_name + last), key(last + member.first_name)}:
                if full:
                    self._full.setdefault(full, set()).add(member.id)
            if first := key(member.first_name):
                self._first.setdefault(first, set()).add(member.id)

    def candidates(self, text: str) -> frozenset[int]:
        """The members `text` may mean: one, several with the same name, or none.

        An @username wins; else a full name; else a first name alone.
        """
        if (match := _USERNAME.search(text)) and (found := self._usernames.get(match.group(1).casefold())):
            return frozenset(found)
        if found := self._usernames.get(text.strip().lstrip("@").casefold()):
            return frozenset(found)
        written = key(text)
        for index in (self._full, self._first):
            if found := index.get(written):
                return frozenset(found)
        return frozenset()

    def is_active(self, member_id: int) -> bool:
        member = self.members.get(member_id)
        return member is not None and member.active
