"""The audit trail for admins: pages of entries, newest first, about everyone or one person or
one customer. Admins look after every team, so the trail is not limited to one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.audit import Scope
from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.services.errors import NotAllowed, NotFound
from storage.queries import audit_log as queries
from storage.queries.audit_log import Entry as Entry
from storage.queries.audit_log import Person

PAGE = 10
MATCHES = 8


@dataclass(frozen=True, slots=True)
class Subject:
    """Whom a filtered list is about: a person (name, @username) or a customer (name, erased)."""

    scope: Scope
    id: int
    name: str
    username: str | None = None
    erased: bool = False


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[Entry]
    subject: Subject | None
    newer: bool
    older: bool


def _admin(viewer: Viewer) -> None:
    if viewer.effective_role is not Role.ADMIN:
        raise NotAllowed


async def subject(session: AsyncSession, *, scope: Scope, ref: int) -> Subject | None:
    """The person or customer a list is filtered on; NotFound when they no longer exist."""
    if scope is Scope.USER:
        found = await queries.person(session, user_id=ref)
        if found is None:
            raise NotFound(ref)
        return Subject(scope, found.id, found.name, found.username)
    if scope is Scope.CUSTOMER:
        label = await queries.customer_label(session, customer_id=ref)
        if label is None:
            raise NotFound(ref)
        return Subject(scope, ref, label[0], erased=label[1])
    return None


async def page(
    session: AsyncSession,
    *,
    viewer: Viewer,
    scope: Scope,
    ref: int,
    before_id: int | None = None,
    after_id: int | None = None,
) -> AuditPage:
    """One page of entries for an admin, as keyset pages by id (new entries never shift a page)."""
    _admin(viewer)
    about = await subject(session, scope=scope, ref=ref)
    entries, newer, older = await queries.page(
        session,
        user_id=ref if scope is Scope.USER else None,
        customer_id=ref if scope is Scope.CUSTOMER else None,
        before_id=before_id,
        after_id=after_id,
        limit=PAGE,
    )
    return AuditPage(entries, about, newer, older)


async def matches(session: AsyncSession, *, viewer: Viewer, scope: Scope, text: str) -> list[Subject]:
    """People (for USER; by @username or name) or customers (for CUSTOMER; by name or company)
    matching `text`; for ANY, people first and customers only if no person matches."""
    _admin(viewer)
    found: list[Subject] = []
    if scope in (Scope.USER, Scope.ANY):
        people: list[Person] = await queries.people_named(session, text=text, limit=MATCHES)
        found = [Subject(Scope.USER, p.id, p.name, p.username) for p in people]
    if scope is Scope.CUSTOMER or (scope is Scope.ANY and not found):
        rows = await queries.customers_named(session, text=text, limit=MATCHES)
        found = [Subject(Scope.CUSTOMER, cid, name, erased=erased) for cid, name, erased in rows]
    return found


async def recent_people(session: AsyncSession, *, viewer: Viewer) -> list[Subject]:
    """Who acted most recently, to filter on with one press."""
    _admin(viewer)
    return [
        Subject(Scope.USER, p.id, p.name, p.username)
        for p in await queries.recent_people(session, limit=MATCHES)
    ]
