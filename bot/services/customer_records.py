"""Creating and editing customers, with the team-wide duplicate guard (撞单) in front of creation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import duplicates, names
from bot.domain.customer_fields import DEFAULT_TIER, Field
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.customers import search_columns
from bot.services.errors import NotAllowed, NoTeam, ServiceError
from bot.services.visibility import visible_customer
from storage.models import Customer
from storage.queries import audit, tags
from storage.queries import customers as queries

DUPLICATE_PREFIX = 4


@dataclass(frozen=True, slots=True)
class Draft:
    """A customer as entered in /new."""

    name: str
    company: str | None = None
    phone: str | None = None
    address: str | None = None
    birthday: date | None = None
    tier: str = DEFAULT_TIER
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Lookalike:
    """A customer the team already has that looks like the draft.

    `visible` says whether the viewer may open it; if not, only name, company and owner are told.
    """

    customer_id: int
    name: str
    company: str | None
    owner_id: int | None
    owner_name: str | None
    visible: bool
    reason: duplicates.MatchReason


class DuplicateOfAnother(NotAllowed):
    """Someone else in the team already has this customer: ask for a transfer instead."""

    def __init__(self, lookalike: Lookalike) -> None:
        super().__init__(lookalike.customer_id)
        self.lookalike = lookalike


def _keys(name: str, company: str | None, phone: str | None) -> duplicates.Keys:
    return duplicates.Keys(
        name_key=names.key(name),
        pinyin=names.pinyin(name) or None,
        company_key=(names.key(company) or None) if company else None,
        e164=phone,
    )


def _head(text: str, *, keep: int, spare: int) -> str:
    """A prefix long enough to keep the candidates few in a big team, short enough that a slip
    in the last `spare` characters still finds the customer: "zhangsanfeng" → "zhangsan"."""
    return text[: max(keep, len(text) - spare)]


async def lookalikes(session: AsyncSession, *, viewer: Viewer, draft: Draft) -> list[Lookalike]:
    """Customers anywhere in the viewer's team that are probably the draft, best first."""
    if viewer.team_id is None:
        raise NoTeam
    new = _keys(draft.name, draft.company, draft.phone)
    candidates = await queries.team_lookalikes(
        session,
        team_id=viewer.team_id,
        e164=draft.phone,
        name_prefix=_head(names.clean(draft.name), keep=2, spare=2),
        pinyin_prefix=_head(new.pinyin or "", keep=DUPLICATE_PREFIX, spare=3),
        initials=names.initials(draft.name),
        company_prefix=_head(new.company_key or "", keep=DUPLICATE_PREFIX, spare=4),
    )
    by_id = {c.hit.id: c for c in candidates}
    scored = duplicates.best_matches(
        new,
        [
            (
                c.hit.id,
                duplicates.Keys(
                    name_key=names.key(c.hit.name),
                    pinyin=c.name_pinyin or names.pinyin(c.hit.name),
                    company_key=c.company_key,
                    e164=c.hit.phone_e164,
                ),
            )
            for c in candidates
        ],
    )
    return [
        Lookalike(
            customer_id=cid,
            name=by_id[cid].hit.name,
            company=by_id[cid].hit.company,
            owner_id=by_id[cid].owner_id,
            owner_name=by_id[cid].owner_name,
            visible=_may_see(viewer, by_id[cid].owner_id),
            reason=match.reason,
        )
        for cid, match in scored
    ]


def _may_see(viewer: Viewer, owner_id: int | None) -> bool:
    """Within the team: a rep sees their own, a manager everyone's (as `visible_to` says)."""
    return viewer.manages or owner_id == viewer.user_id


async def create(session: AsyncSession, *, viewer: Viewer, draft: Draft, now: datetime) -> int:
    """Save a new customer owned by the viewer; refuses if someone else in the team has it.

    The guard runs again here, not only when the dialog showed it, so a stale or crafted
    "create anyway" cannot slip a duplicate of another rep's customer in.
    """
    if viewer.team_id is None or viewer.effective_role not in (Role.REP, Role.MANAGER):
        raise NotAllowed
    for lookalike in await lookalikes(session, viewer=viewer, draft=draft):
        if not lookalike.visible:
            raise DuplicateOfAnother(lookalike)
    customer = Customer(
        team_id=viewer.team_id,
        owner_id=viewer.user_id,
        name=draft.name,
        company=draft.company,
        phone_e164=draft.phone,
        address=draft.address,
        birthday=draft.birthday,
        tier=draft.tier,
        created_at=now,
        updated_at=now,
        **search_columns(name=draft.name, company=draft.company, e164=draft.phone),
    )
    session.add(customer)
    await session.flush()
    await tags.replace(session, team_id=viewer.team_id, customer_id=customer.id, tag_names=draft.tags)
    await audit.record(
        session,
        action="customer.created",
        actor_id=viewer.user_id,
        now=now,
        team_id=viewer.team_id,
        customer_id=customer.id,
    )
    return customer.id


@dataclass(frozen=True, slots=True)
class Editable:
    """The values the edit dialog shows before a change."""

    customer_id: int
    name: str
    values: dict[str, Any]
    is_owner: bool


async def editable(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> Editable:
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    values = _values(customer)
    values[Field.TAGS] = await tags.names_of(session, customer_id=customer.id)
    is_owner = customer.owner_id == viewer.user_id
    return Editable(customer_id=customer.id, name=customer.name, values=values, is_owner=is_owner)


def _values(customer: Customer) -> dict[str, Any]:
    return {
        Field.NAME: customer.name,
        Field.COMPANY: customer.company,
        Field.PHONE: customer.phone_e164,
        Field.ADDRESS: customer.address,
        Field.BIRTHDAY: customer.birthday,
        Field.TIER: customer.tier,
    }


def _auditable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


class PhoneTaken(ServiceError):
    """Another customer of the team already has this number: editing must not create a duplicate."""

    def __init__(self, customer_name: str, owner_name: str | None) -> None:
        super().__init__(customer_name)
        self.customer_name = customer_name
        self.owner_name = owner_name


async def _refuse_taken_phone(session: AsyncSession, *, customer: Customer, e164: str) -> None:
    holder = await queries.phone_holder(session, team_id=customer.team_id, e164=e164, except_id=customer.id)
    if holder is not None:
        raise PhoneTaken(*holder)


async def update_field(
    session: AsyncSession, *, viewer: Viewer, customer_id: int, field_name: Field, value: Any, now: datetime
) -> bool:
    """Change one field (already validated); False if it already had that value. Audit-logged."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    if field_name is Field.TAGS:
        before: Any = await tags.names_of(session, customer_id=customer.id)
        after: Any = sorted(dict.fromkeys(value))
        if sorted(before) == after:
            return False
        await tags.replace(session, team_id=customer.team_id, customer_id=customer.id, tag_names=after)
    else:
        before = _values(customer)[field_name]
        after = value
        if before == after:
            return False
        if field_name is Field.PHONE and after is not None:
            await _refuse_taken_phone(session, customer=customer, e164=after)
        column = {Field.PHONE: "phone_e164"}.get(field_name, str(field_name))
        setattr(customer, column, after)
        for derived, derived_value in search_columns(
            name=customer.name, company=customer.company, e164=customer.phone_e164
        ).items():
            setattr(customer, derived, derived_value)
        customer.updated_at = now
        await session.flush()
    await audit.record(
        session,
        action="customer.edited",
        actor_id=viewer.user_id,
        now=now,
        team_id=customer.team_id,
        customer_id=customer.id,
        details={"field": str(field_name), "before": _auditable(before), "after": _auditable(after)},
    )
    return True
