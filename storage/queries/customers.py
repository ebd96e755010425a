"""Customer lookups, always within what the viewer may see; only the duplicate guard's
`team_lookalikes` looks across the whole team, and it returns no more than names and owners."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.domain.names import full_name
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from storage.models import Customer, Tag, User, Visit, customer_tags

HIT_COLUMNS = (Customer.id, Customer.name, Customer.company, Customer.phone_e164, Customer.tier)
"""What every search result row starts with, in `Ranked` order."""


def visible_to(viewer: Viewer) -> ColumnElement[bool]:
    """The customers a viewer may see: a rep their own, a manager or admin their team's."""
    role = viewer.effective_role
    if viewer.team_id is None or role not in (Role.REP, Role.MANAGER, Role.ADMIN):
        return false()
    in_team = and_(Customer.team_id == viewer.team_id, Customer.erased_at.is_(None))
    if role is Role.REP:
        return and_(in_team, Customer.owner_id == viewer.user_id)
    return in_team


async def visible_by_id(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> Customer | None:
    return await session.scalar(select(Customer).where(Customer.id == customer_id, visible_to(viewer)))


# Search ranks, best first; a customer found several ways keeps its best rank.
EXACT, PREFIX, PINYIN, SUBSTRING = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class SearchTerms:
    """What to look for, already normalized by the caller (see bot.services.customers)."""

    raw: str = ""
    key: str = ""
    tag: str | None = None
    last4: str | None = None
    e164: str | None = None
    phone_prefix: str | None = None
    phone_digits: str | None = None
    bare_tag: str | None = None
    substring: bool = False


@dataclass(frozen=True, slots=True)
class Ranked:
    id: int
    name: str
    company: str | None
    phone_e164: str | None
    tier: str
    rank: int


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def starts_with(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], prefix: str, dialect: str
) -> ColumnElement[bool]:
    """An index-friendly prefix test: a range on SQLite (whose LIKE ignores case and so skips a
    binary index), LIKE on PostgreSQL (served by the varchar_pattern_ops index)."""
    if dialect == "sqlite":
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return and_(column >= prefix, column < upper)
    return column.like(_escape_like(prefix) + "%", escape="\\")


def contains(column: ColumnElement[Any] | InstrumentedAttribute[Any], text: str) -> ColumnElement[bool]:
    return column.like("%" + _escape_like(text) + "%", escape="\\")


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _part(where: ColumnElement[bool], rank: int, limit: int, order: Any = None) -> Select[int, int]:
    part = select(Customer.id.label("id"), literal(rank).label("rank")).where(where)
    if order is not None:
        part = part.order_by(order)
    return part.limit(limit)


def _parts(terms: SearchTerms, viewer: Viewer, limit: int, dialect: str) -> list[Select[int, int]]:
    seen = visible_to(viewer)
    parts: list[Select[int, int]] = []
    if terms.tag:
        tagged = select(customer_tags.c.customer_id).join(Tag, Tag.id == customer_tags.c.tag_id)
        exact = tagged.where(Tag.team_id == viewer.team_id, Tag.name == terms.tag)
        prefix = tagged.where(Tag.team_id == viewer.team_id, starts_with(Tag.name, terms.tag, dialect))
        parts.append(_part(and_(seen, Customer.id.in_(exact)), EXACT, limit))
        parts.append(_part(and_(seen, Customer.id.in_(prefix)), PREFIX, limit))
        return parts
    if terms.last4:
        parts.append(_part(and_(seen, Customer.phone_last4 == terms.last4), EXACT, limit))
    if terms.e164:
        parts.append(_part(and_(seen, Customer.phone_e164 == terms.e164), EXACT, limit))
    if terms.phone_prefix:
        parts.append(
            _part(and_(seen, starts_with(Customer.phone_e164, terms.phone_prefix, dialect)), PREFIX, limit)
        )
    if terms.bare_tag:
        tagged = select(customer_tags.c.customer_id).join(Tag, Tag.id == customer_tags.c.tag_id)
        named = tagged.where(Tag.team_id == viewer.team_id, Tag.name == terms.bare_tag)
        parts.append(_part(and_(seen, Customer.id.in_(named)), PREFIX, limit))
    if terms.raw:
        parts.append(_part(and_(seen, Customer.name == terms.raw), EXACT, limit))
        parts.append(
            _part(and_(seen, starts_with(Customer.name, terms.raw, dialect)), PREFIX, limit, Customer.name)
        )
    if terms.key:
        parts.append(_part(and_(seen, Customer.name_pinyin == terms.key), EXACT, limit))
        parts.append(_part(and_(seen, Customer.company_key == terms.key), EXACT, limit))
        parts.append(
            _part(
                and_(seen, starts_with(Customer.company_key, terms.key, dialect)),
                PREFIX,
                limit,
                Customer.company_key,
            )
        )
        parts.append(
            _part(
                and_(seen, starts_with(Customer.name_pinyin, terms.key, dialect)),
                PINYIN,
                limit,
                Customer.name_pinyin,
            )
        )
        parts.append(
            _part(
                and_(seen, starts_with(Customer.name_initials, terms.key, dialect)),
                PINYIN,
                limit,
                Customer.name_initials,
            )
        )
    return parts


async def ranked_matches(
    session: AsyncSession, *, viewer: Viewer, terms: SearchTerms, limit: int, per_way: int = 200
) -> list[Ranked]:
    """The best `limit` visible matches, in one statement: each way of matching is an indexed
    lookup capped at `per_way` rows, and a customer found several ways keeps its best rank.

    The cap does not depend on `limit`, so paging through the results never reshuffles them.
    """
    parts = _parts(terms, viewer, per_way, _dialect(session))
    if not parts:
        return []
    found = union_all(*(select(p.subquery()) for p in parts)).subquery()
    best = select(found.c.id, func.min(found.c.rank).label("rank")).group_by(found.c.id).subquery()
    rows = await session.execute(
        select(*HIT_COLUMNS, best.c.rank)
        .join(best, best.c.id == Customer.id)
        .order_by(best.c.rank, Customer.name, Customer.id)
        .limit(limit)
    )
    return [Ranked(*row) for row in rows]


async def substring_matches(
    session: AsyncSession,
    *,
    viewer: Viewer,
    terms: SearchTerms,
    exclude: Sequence[int],
    limit: int,
    scan: int,
) -> list[Ranked]:
    """Text found inside a name or company ("华联" in 上海华联超市). No index serves this, so a
    manager's search reads only the team's `scan` newest customers (a rep's own list is small
    enough to read whole); prefixes and pinyin cover the rest."""
    seen = visible_to(viewer)
    if viewer.effective_role is not Role.REP:
        oldest = await session.scalar(
            select(Customer.id)
            .where(Customer.team_id == viewer.team_id)
            .order_by(Customer.id.desc())
            .offset(scan - 1)
            .limit(1)
        )
        if oldest is not None:
            seen = and_(seen, Customer.id >= oldest)
    anywhere = (
        contains(Customer.phone_e164, terms.phone_digits)
        if terms.phone_digits
        else or_(
            contains(Customer.name, terms.raw),
            contains(Customer.company_key, terms.key),
            contains(Customer.name_pinyin, terms.key),
        )
    )
    where = and_(seen, anywhere)
    if exclude:
        where = and_(where, Customer.id.not_in(exclude))
    rows = await session.execute(
        select(
            *HIT_COLUMNS,
            literal(SUBSTRING),
        )
        .where(where)
        .order_by(Customer.name, Customer.id)
        .limit(limit)
    )
    return [Ranked(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A near match to score in Python: the hit plus its search keys and owner."""

    hit: Ranked
    name_pinyin: str | None
    company_key: str | None
    owner_id: int | None
    owner_name: str | None


async def _candidates(
    session: AsyncSession, where: ColumnElement[bool], parts: list[Select[int, int]]
) -> list[Candidate]:
    if not parts:
        return []
    found = union_all(*(select(p.subquery()) for p in parts)).subquery()
    rows = await session.execute(
        select(
            *HIT_COLUMNS,
            Customer.name_pinyin,
            Customer.company_key,
            Customer.owner_id,
            User.first_name,
            User.last_name,
        )
        .outerjoin(User, User.id == Customer.owner_id)
        .where(where, Customer.id.in_(select(found.c.id)))
    )
    return [
        Candidate(
            hit=Ranked(row[0], row[1], row[2], row[3], row[4], SUBSTRING + 1),
            name_pinyin=row[5],
            company_key=row[6],
            owner_id=row[7],
            owner_name=None if row[8] is None else full_name(row[8], row[9]),
        )
        for row in rows
    ]


async def fuzzy_candidates(
    session: AsyncSession, *, viewer: Viewer, key: str, raw: str, initials: str, limit: int = 200
) -> list[Candidate]:
    """A few visible neighbours sharing a prefix of name, pinyin or company, or the initials,
    to score in Python."""
    dialect = _dialect(session)
    seen = visible_to(viewer)
    parts: list[Select[int, int]] = []
    if initials:
        parts.append(_part(and_(seen, Customer.name_initials == initials), 0, limit))
    if key:
        parts.append(
            _part(and_(seen, starts_with(Customer.name_pinyin, key, dialect)), 0, limit, Customer.name_pinyin)
        )
        parts.append(
            _part(and_(seen, starts_with(Customer.company_key, key, dialect)), 0, limit, Customer.company_key)
        )
    if raw:
        parts.append(_part(and_(seen, starts_with(Customer.name, raw, dialect)), 0, limit, Customer.name))
    return await _candidates(session, seen, parts)


async def team_lookalikes(
    session: AsyncSession,
    *,
    team_id: int,
    e164: str | None,
    name_prefix: str,
    pinyin_prefix: str,
    initials: str,
    company_prefix: str,
    limit: int = 50,
) -> list[Candidate]:
    """Possible duplicates anywhere in the team (whoever owns them): same phone, or sharing a
    prefix of name, pinyin, initials or company. Indexed lookups only; scoring is the caller's."""
    dialect = _dialect(session)
    in_team = and_(Customer.team_id == team_id, Customer.erased_at.is_(None))
    parts: list[Select[int, int]] = []
    if e164:
        parts.append(_part(and_(in_team, Customer.phone_e164 == e164), 0, limit))
    if name_prefix:
        parts.append(
            _part(and_(in_team, starts_with(Customer.name, name_prefix, dialect)), 0, limit, Customer.name)
        )
    if pinyin_prefix:
        parts.append(
            _part(
                and_(in_team, starts_with(Customer.name_pinyin, pinyin_prefix, dialect)),
                0,
                limit,
                Customer.name_pinyin,
            )
        )
    if initials:
        parts.append(_part(and_(in_team, Customer.name_initials == initials), 0, limit))
    if company_prefix:
        parts.append(
            _part(
                and_(in_team, starts_with(Customer.company_key, company_prefix, dialect)),
                0,
                limit,
                Customer.company_key,
            )
        )
    return await _candidates(session, in_team, parts)


async def recent_ids(session: AsyncSession, *, viewer: Viewer, now: datetime, limit: int) -> list[int]:
    """Customers the viewer is likely to pick next: due follow-ups, their latest visits, the newest."""
    seen = visible_to(viewer)
    due = (
        select(Customer.id, literal(0).label("rank"), Customer.next_follow_up_at.label("at"))
        .where(seen, Customer.owner_id == viewer.user_id, Customer.next_follow_up_at <= now)
        .order_by(Customer.next_follow_up_at.desc())
        .limit(limit)
    )
    visited = (
        select(Customer.id, literal(1).label("rank"), Visit.visited_at.label("at"))
        .join(Visit, Visit.customer_id == Customer.id)
        .where(seen, Visit.rep_id == viewer.user_id)
        .order_by(Visit.visited_at.desc())
        .limit(limit * 3)
    )
    created = (
        select(Customer.id, literal(2).label("rank"), Customer.created_at.label("at"))
        .where(seen)
        .order_by(Customer.id.desc())
        .limit(limit)
    )
    found = union_all(*(select(p.subquery()) for p in (due, visited, created))).subquery()
    rows = await session.execute(select(found.c.id).order_by(found.c.rank, found.c.at.desc()))
    ordered: list[int] = []
    for (customer_id,) in rows:
        if customer_id not in ordered:
            ordered.append(customer_id)
        if len(ordered) == limit:
            break
    return ordered


async def hits_by_id(session: AsyncSession, *, viewer: Viewer, ids: Sequence[int]) -> list[Ranked]:
    """A few visible customers for buttons, in the order of `ids`."""
    if not ids:
        return []
    rows = await session.execute(
        select(*HIT_COLUMNS, literal(0)).where(visible_to(viewer), Customer.id.in_(ids))
    )
    by_id = {row[0]: Ranked(*row) for row in rows}
    return [by_id[i] for i in ids if i in by_id]


async def phone_holder(
    session: AsyncSession, *, team_id: int, e164: str, except_id: int
) -> tuple[str, str | None] | None:
    """Name and owner of another team customer with this number, if there is one."""
    row = (
        await session.execute(
            select(Customer.name, User.first_name, User.last_name)
            .outerjoin(User, User.id == Customer.owner_id)
            .where(
                Customer.team_id == team_id,
                Customer.phone_e164 == e164,
                Customer.id != except_id,
                Customer.erased_at.is_(None),
            )
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    owner = full_name(row.first_name, row.last_name) or None
    return row.name, owner


async def in_team(session: AsyncSession, *, team_id: int, customer_id: int) -> Customer | None:
    """A live customer of the team, whoever owns it: for team-wide checks such as transfer requests."""
    return await session.scalar(
        select(Customer).where(
            Customer.id == customer_id, Customer.team_id == team_id, Customer.erased_at.is_(None)
        )
    )


async def of_account(session: AsyncSession, *, user_id: int) -> Customer | None:
    """The customer record a customer's own Telegram account is linked to (never an erased one)."""
    return await session.scalar(
        select(Customer).where(Customer.user_id == user_id, Customer.erased_at.is_(None))
    )
