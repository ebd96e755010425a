"""Rules for team names."""

from __future__ import annotations

import re
from enum import StrEnum

MAX_TEAM_NAME = 100
_SPACES = re.compile(r"[ \t\u3000]+")


class NameProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    MULTILINE = "multiline"


def check_team_name(text: str) -> tuple[str, NameProblem | None]:
    """The cleaned name and what is wrong with it, if anything."""
    name = _SPACES.sub(" ", text).strip()
    if not name:
        return name, NameProblem.EMPTY
    if "\n" in name:
        return name, NameProblem.MULTILINE
    if len(name) > MAX_TEAM_NAME:
        return name, NameProblem.TOO_LONG
    return name, None
