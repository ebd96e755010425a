"""An owner's name in listed rows: selected as its two parts, put together as its language writes it.

SQL cannot tell a Chinese name (李伟, family name first, no space) from "Rita Wang", so listings
select both parts under these labels and compose `owner_name` with `full_name` once rows are read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Label

from bot.domain.names import full_name
from storage.models import User


def owner_name_columns(owner: type[User] | Any) -> tuple[Label[str], Label[str | None]]:
    """The owner's first and last name, labelled for `with_owner_name`."""
    return owner.first_name.label("owner_first"), owner.last_name.label("owner_last")


def with_owner_name(row: dict[str, Any]) -> dict[str, Any]:
    """`row` with its owner's two name parts replaced by `owner_name`, the full name."""
    if "owner_first" in row:
        row["owner_name"] = full_name(row.pop("owner_first"), row.pop("owner_last"))
    return row
