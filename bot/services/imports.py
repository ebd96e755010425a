"""Importing customers from a manager's spreadsheet: read, check, preview, apply.

Reading is done by a child process under LIMITS (a hostile file costs that process, not the
bot); checking is CPU work on plain data in worker threads. Both happen outside any transaction
(so a 50,000-row file neither stalls the event loop nor holds SQLite's write lock); matching and
writing happen in the unit of work the caller gives, with set-based statements.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import import_plan
from bot.domain.import_owners import Member, Roster
from bot.domain.import_plan import Change, Counts, Existing, NewCustomer, Plan
from bot.domain.import_rows import (
    HEADER_SEARCH,
    Checked,
    Column,
    HeaderProblem,
    Headers,
    check_rows,
    data_lines,
    find_headers,
)
from bot.domain.roles import Role
from bot.domain.sheet_limits import MEGABYTE, Limits
from bot.domain.spreadsheets import Cell, FileKind, Line, TableError, TableProblem
from bot.domain.viewer import Viewer
from bot.runtime import sheet_reader
from bot.services.customers import DEFAULT_REGION, search_columns
from bot.services.errors import NotAllowed, NoTeam, ServiceError
from storage.models import Team
from storage.queries import audit, users
from storage.queries import imports as queries

MAX_ROWS = 100_000
LIMITS = Limits(
    rows=MAX_ROWS + HEADER_SEARCH,
    # 100,000 customers in 25 columns; our own customer export has 13.
    cells=2_500_000,
    # Such a sheet unpacks to about 120 MB (openpyxl's inline strings; Excel's shared strings less).
    unpacked_bytes=200 * MEGABYTE,
    # Sheets pack 5 to 20 to 1; a part packed 100 to 1 is a bomb, not a customer list.
    ratio=100,
    # Such a sheet reads in about 25 s on one busy core.
    seconds=60.0,
)
CHECK_CHUNK = 5_000
AUDIT_ACTION = "customer.import"
OWNER_ROLES = (Role.REP.value, Role.MANAGER.value)

Progress = Callable[[int, int], Awaitable[None]]
"""Told (rows checked, rows in all) after each chunk."""

_STORED = {
    Column.NAME: "name",
    Column.PHONE: "phone_e164",
    Column.COMPANY: "company",
    Column.ADDRESS: "address",
    Column.BIRTHDAY: "birthday",
    Column.TIER: "tier",
    Column.OWNER: "owner_id",
}


class HeadersNotFound(ServiceError):
    def __init__(self, problem: HeaderProblem) -> None:
        super().__init__(problem)
        self.problem = problem


class NoRows(ServiceError):
    """Headers, but no customer under them."""


class PlanChanged(ServiceError):
    """The team's customers changed between preview and confirmation: the user sees the new plan."""

    def __init__(self, plan: Plan) -> None:
        super().__init__(plan.counts)
        self.plan = plan


@dataclass(frozen=True, slots=True)
class Setup:
    """What checking rows needs from the database: the team's phone region and staff."""

    team_id: int
    region: str
    roster: Roster
    importer_id: int


@dataclass(frozen=True, slots=True)
class SheetFile:
    kind: FileKind
    headers: Headers
    header_cells: tuple[Cell, ...]
    lines: list[Line]


@dataclass(slots=True)
class CheckedFile:
    """Checked rows, and the search columns of each valid row (computed with the checking)."""

    file: SheetFile
    checked: Checked = field(default_factory=Checked)
    search: dict[int, dict[str, str | None]] = field(default_factory=dict)


def _authorize(viewer: Viewer) -> int:
    """Imports are for managers, into their own team."""
    if viewer.effective_role is not Role.MANAGER:
        raise NotAllowed
    if viewer.team_id is None:
        raise NoTeam
    return viewer.team_id


async def setup(session: AsyncSession, *, viewer: Viewer) -> Setup:
    team_id = _authorize(viewer)
    team = await session.get(Team, team_id)
    staff = await users.team_members(session, team_id=team_id)
    roster = Roster(
        Member(
            id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            username=user.username,
            active=user.is_active,
        )
        for user in staff
        if user.role in OWNER_ROLES
    )
    region = team.phone_region if team is not None else DEFAULT_REGION
    return Setup(team_id=team_id, region=region, roster=roster, importer_id=viewer.user_id)


async def read(
    file_name: str | None,
    data: bytes,
    *,
    aliases: Mapping[Column, Iterable[str]],
    known_extra: Iterable[str],
) -> SheetFile:
    """The file's header row and data rows; raises TableError, HeadersNotFound or NoRows."""
    kind, lines = await sheet_reader.read(file_name, data, limits=LIMITS)
    found = find_headers(lines, aliases=aliases, known_extra=known_extra)
    if isinstance(found, HeaderProblem):
        raise HeadersNotFound(found)
    rows = data_lines(lines, found)
    if not rows:
        raise NoRows
    if len(rows) > MAX_ROWS:
        raise TableError(TableProblem.TOO_MANY_ROWS)
    header_cells = next(line.cells for line in lines if line.number == found.row)
    return SheetFile(kind=kind, headers=found, header_cells=header_cells, lines=rows)


def _check_part(lines: list[Line], file: SheetFile, setup: Setup, today: date) -> CheckedFile:
    part = CheckedFile(file=file)
    part.checked = check_rows(lines, file.headers, region=setup.region, today=today, roster=setup.roster)
    part.search = {
        row.line: search_columns(name=row.name, company=row.company, e164=row.phone)
        for row in part.checked.rows
    }
    return part


async def check(
    file: SheetFile, setup: Setup, *, today: date, progress: Progress | None = None
) -> CheckedFile:
    """Every row checked, a chunk at a time in a worker thread, with progress after each chunk."""
    result = CheckedFile(file=file)
    total = len(file.lines)
    for start in range(0, total, CHECK_CHUNK):
        part = await asyncio.to_thread(
            _check_part, file.lines[start : start + CHECK_CHUNK], file, setup, today
        )
        result.checked.rows += part.checked.rows
        result.checked.rejected += part.checked.rejected
        result.search.update(part.search)
        if progress is not None:
            await progress(min(start + CHECK_CHUNK, total), total)
    return result


async def _existing(session: AsyncSession, *, team_id: int, checked: Checked) -> dict[int, Existing]:
    stored = await queries.matching(
        session,
        team_id=team_id,
        phones=[row.phone for row in checked.rows if row.phone],
        names=[row.name for row in checked.rows],
    )
    tags = await queries.tags_of(session, customer_ids=[customer.id for customer in stored])
    return {
        c.id: Existing(
            id=c.id,
            name=c.name,
            phone=c.phone_e164,
            company=c.company,
            address=c.address,
            birthday=c.birthday,
            tier=c.tier,
            owner_id=c.owner_id,
            tags=tuple(sorted(tags.get(c.id, ()))),
        )
        for c in stored
    }


async def preview(session: AsyncSession, *, viewer: Viewer, setup: Setup, checked: CheckedFile) -> Plan:
    """What confirming would do, changing nothing."""
    team_id = _authorize(viewer)
    existing = await _existing(session, team_id=team_id, checked=checked.checked)
    return import_plan.plan(
        checked.checked, existing=list(existing.values()), roster=setup.roster, importer_id=setup.importer_id
    )


def _new_values(
    new: NewCustomer, team_id: int, search: dict[str, str | None], now: datetime
) -> dict[str, Any]:
    row = new.row
    return {
        "team_id": team_id,
        "owner_id": new.owner_id,
        "name": row.name,
        "company": row.company,
        "phone_e164": row.phone,
        "address": row.address,
        "birthday": row.birthday,
        "tier": new.tier,
        "created_at": now,
        "updated_at": now,
        **search,
    }


def _changed_values(change: Change, before: Existing, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {"id": change.customer_id, "updated_at": now}
    values.update((_STORED[column], value) for column, value in change.fields.items())
    if change.fields.keys() & {Column.NAME, Column.COMPANY, Column.PHONE}:
        values.update(
            search_columns(
                name=change.fields.get(Column.NAME, before.name),
                company=change.fields.get(Column.COMPANY, before.company),
                e164=change.fields.get(Column.PHONE, before.phone),
            )
        )
    return values


async def apply(
    session: AsyncSession,
    *,
    viewer: Viewer,
    setup: Setup,
    checked: CheckedFile,
    expected: Counts,
    file_name: str,
    now: datetime,
) -> Plan:
    """Apply the plan the user confirmed, all of it in this unit of work, with one audit record.

    Planned again against the customers as they are now; if that differs from what the user
    saw, nothing is written and PlanChanged carries the new plan.
    """
    team_id = _authorize(viewer)
    existing = await _existing(session, team_id=team_id, checked=checked.checked)
    plan = import_plan.plan(
        checked.checked, existing=list(existing.values()), roster=setup.roster, importer_id=setup.importer_id
    )
    if plan.counts != expected:
        raise PlanChanged(plan)
    tag_names = [tag for new in plan.new for tag in new.row.tags or ()]
    tag_names += [tag for change in plan.changes for tag in change.tags or ()]
    tag_ids = await queries.tag_ids(session, team_id=team_id, names=tag_names)
    ids = await queries.insert_customers(
        session, [_new_values(new, team_id, checked.search[new.row.line], now) for new in plan.new]
    )
    new_ids = [ids[(new.row.name, new.row.phone)] for new in plan.new]
    await queries.update_customers(
        session, [_changed_values(change, existing[change.customer_id], now) for change in plan.changes]
    )
    retagged = [change for change in plan.changes if change.tags is not None]
    links = [
        (cid, tag_ids[tag]) for cid, new in zip(new_ids, plan.new, strict=True) for tag in new.row.tags or ()
    ]
    links += [(change.customer_id, tag_ids[tag]) for change in retagged for tag in change.tags or ()]
    await queries.link_tags(session, links=links, replace=[change.customer_id for change in retagged])
    counts = plan.counts
    await audit.record(
        session,
        action=AUDIT_ACTION,
        actor_id=viewer.user_id,
        now=now,
        team_id=team_id,
        details={
            "file": file_name,
            "new": counts.new,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "rejected": counts.rejected,
        },
    )
    return plan
