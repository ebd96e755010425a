"""Set-based reads and writes for customer imports: lookups in chunks of keys, bulk inserts and
updates, never a statement per row.

Chunks keep every statement under the bound-parameter limits of SQLite and asyncpg.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Customer, Tag, customer_tags

CHUNK = 900
T = TypeVar("T")


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


@dataclass(frozen=True, slots=True)
class StoredCustomer:
    id: int
    name: str
    phone_e164: str | None
    company: str | None
    address: str | None
    birthday: date | None
    tier: str
    owner_id: int | None


_COLUMNS = (
    Customer.id,
    Customer.name,
    Customer.phone_e164,
    Customer.company,
    Customer.address,
    Customer.birthday,
    Customer.tier,
    Customer.owner_id,
)


async def _custom_plans(session: AsyncSession) -> None:
    """Have PostgreSQL plan these many-key lookups for the keys given, in this transaction only.

    After a few runs it may switch to a cached generic plan, and one made while the team had few
    customers scans the whole table for every chunk: 50,000 rows then take minutes, not a second.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


async def matching(
    session: AsyncSession, *, team_id: int, phones: Sequence[str], names: Sequence[str]
) -> list[StoredCustomer]:
    """Live customers of the team with one of these phones or names (each customer once)."""
    await _custom_plans(session)
    live = (Customer.team_id == team_id, Customer.erased_at.is_(None))
    found: dict[int, StoredCustomer] = {}
    for column, keys in ((Customer.phone_e164, sorted(set(phones))), (Customer.name, sorted(set(names)))):
        for part in chunks(keys):
            rows = await session.execute(select(*_COLUMNS).where(*live, column.in_(part)))
            found.update((row[0], StoredCustomer(*row)) for row in rows)
    return list(found.values())


async def tags_of(session: AsyncSession, *, customer_ids: Sequence[int]) -> dict[int, list[str]]:
    await _custom_plans(session)
    tagged: dict[int, list[str]] = {}
    for part in chunks(sorted(set(customer_ids))):
        rows = await session.execute(
            select(customer_tags.c.customer_id, Tag.name)
            .join(Tag, Tag.id == customer_tags.c.tag_id)
            .where(customer_tags.c.customer_id.in_(part))
        )
        for customer_id, name in rows:
            tagged.setdefault(customer_id, []).append(name)
    return tagged


async def tag_ids(session: AsyncSession, *, team_id: int, names: Sequence[str]) -> dict[str, int]:
    """The team's tags with these names, created where missing, in two statements per chunk."""
    wanted = sorted(set(names))
    found: dict[str, int] = {}
    for part in chunks(wanted):
        rows = await session.execute(
            select(Tag.name, Tag.id).where(Tag.team_id == team_id, Tag.name.in_(part))
        )
        found.update((name, tag_id) for name, tag_id in rows)
    missing = [name for name in wanted if name not in found]
    if missing:
        rows = await session.execute(
            insert(Tag).returning(Tag.name, Tag.id, sort_by_parameter_order=True),
            [{"team_id": team_id, "name": name} for name in missing],
        )
        found.update((name, tag_id) for name, tag_id in rows)
    return found


def _customers() -> Table:
    return cast(Table, Customer.__table__)


async def insert_customers(
    session: AsyncSession, rows: Sequence[Mapping[str, Any]]
) -> dict[tuple[str, str | None], int]:
    """Insert many customers at once, multi-row statements; their ids by (name, phone_e164),
    which the caller keeps unique among the rows.

    Asking for the ids in parameter order would make SQLAlchemy insert one row per statement on
    SQLite, 30 times slower, so they are matched by key instead.
    """
    if not rows:
        return {}
    table = _customers()
    result = await session.execute(
        insert(table).returning(table.c.id, table.c.name, table.c.phone_e164), [dict(row) for row in rows]
    )
    return {(name, phone): customer_id for customer_id, name, phone in result}


async def update_customers(session: AsyncSession, changes: Sequence[Mapping[str, Any]]) -> None:
    """Update many customers by id; changes setting the same columns go in one executemany."""
    table = _customers()
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        columns = tuple(sorted(name for name in change if name != "id"))
        params = {"key_id": change["id"], **{f"new_{c}": change[c] for c in columns}}
        groups.setdefault(columns, []).append(params)
    for columns, params_list in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("key_id"))
            .values({column: bindparam(f"new_{column}") for column in columns})
        )
        await session.execute(statement, params_list)


async def link_tags(
    session: AsyncSession, *, links: Sequence[tuple[int, int]], replace: Sequence[int]
) -> None:
    """Give customers exactly these (customer_id, tag_id) links: `replace` lists customers whose
    old tags go first."""
    await _custom_plans(session)
    for part in chunks(sorted(set(replace))):
        await session.execute(delete(customer_tags).where(customer_tags.c.customer_id.in_(part)))
    if links:
        await session.execute(
            insert(customer_tags), [{"customer_id": customer, "tag_id": tag} for customer, tag in links]
        )
