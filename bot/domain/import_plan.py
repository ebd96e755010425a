"""What an import will do: match each valid row to a customer the team has, or make it a new one.

Matching is by phone number (E.164) first, then by exact name; a name only matches a customer
whose phone cannot contradict the row's. A matched row changes only the cells it fills and that
differ; two rows meaning the same customer are one too many, and the later one is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.domain.import_owners import Roster
from bot.domain.import_rows import Checked, Column, ImportRow, Problem, Rejected

DEFAULT_TIER = "B"


@dataclass(frozen=True, slots=True)
class Existing:
    """A customer of the team as it is stored now; `tags` sorted."""

    id: int
    name: str
    phone: str | None = None
    company: str | None = None
    address: str | None = None
    birthday: date | None = None
    tier: str = DEFAULT_TIER
    owner_id: int | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NewCustomer:
    row: ImportRow
    owner_id: int
    tier: str


@dataclass(frozen=True, slots=True)
class Change:
    """The fields of one customer that the row changes (tags apart: they are replaced as a set)."""

    customer_id: int
    line: int
    fields: dict[Column, Any]
    tags: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    new: int
    updated: int
    unchanged: int
    rejected: int

    def as_list(self) -> list[int]:
        return [self.new, self.updated, self.unchanged, self.rejected]


@dataclass(slots=True)
class Plan:
    new: list[NewCustomer] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def counts(self) -> Counts:
        return Counts(len(self.new), len(self.changes), self.unchanged, len(self.rejected))

    @property
    def unowned(self) -> int:
        """New customers whose row names no owner: the importer gets them."""
        return sum(1 for new in self.new if new.row.owners is None)


def _index(existing: Sequence[Existing]) -> tuple[dict[str, list[Existing]], dict[str, list[Existing]]]:
    by_phone: dict[str, list[Existing]] = {}
    by_name: dict[str, list[Existing]] = {}
    for customer in sorted(existing, key=lambda e: e.id):
        if customer.phone:
            by_phone.setdefault(customer.phone, []).append(customer)
        by_name.setdefault(customer.name, []).append(customer)
    return by_phone, by_name


def _match(
    row: ImportRow, by_phone: dict[str, list[Existing]], by_name: dict[str, list[Existing]]
) -> Existing | Problem | None:
    if row.phone and (same_phone := by_phone.get(row.phone)):
        return same_phone[0]
    named = [e for e in by_name.get(row.name, ()) if e.phone is None or row.phone is None]
    if row.phone is None and len(named) > 1:
        # Without a phone, the one namesake without a phone is the natural pick.
        named = [e for e in named if e.phone is None] or named
    if len(named) > 1:
        return Problem.NAME_AMBIGUOUS
    return named[0] if named else None


def _owner(owners: frozenset[int] | None, *, current: int | None, roster: Roster) -> int | Problem | None:
    """The owner a row asks for: the current one if the cell may mean them, else one active member."""
    if owners is None or current in owners:
        return current
    active = [member for member in owners if roster.is_active(member)]
    if not active:
        return Problem.OWNER_INACTIVE
    if len(active) > 1:
        return Problem.OWNER_AMBIGUOUS
    return active[0]


def _diff(row: ImportRow, customer: Existing, owner: int | None) -> Change | None:
    fields: dict[Column, Any] = {}
    wanted: dict[Column, Any] = {
        Column.NAME: row.name,
        Column.PHONE: row.phone,
        Column.COMPANY: row.company,
        Column.ADDRESS: row.address,
        Column.BIRTHDAY: row.birthday,
        Column.TIER: row.tier,
        Column.OWNER: owner,
    }
    current: dict[Column, Any] = {
        Column.NAME: customer.name,
        Column.PHONE: customer.phone,
        Column.COMPANY: customer.company,
        Column.ADDRESS: customer.address,
        Column.BIRTHDAY: customer.birthday,
        Column.TIER: customer.tier,
        Column.OWNER: customer.owner_id,
    }
    for column, value in wanted.items():
        if value is not None and value != current[column]:
            fields[column] = value
    tags = row.tags if row.tags is not None and tuple(sorted(row.tags)) != customer.tags else None
    if not fields and tags is None:
        return None
    return Change(customer_id=customer.id, line=row.line, fields=fields, tags=tags)


@dataclass(slots=True)
class _NewSeen:
    """New rows accepted so far, to catch a later row meaning the same new customer."""

    by_phone: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)

    def earlier(self, row: ImportRow) -> int | None:
        if row.phone and row.phone in self.by_phone:
            return self.by_phone[row.phone]
        for line, phone in self.by_name.get(row.name, ()):
            if phone is None or row.phone is None:
                return line
        return None

    def add(self, row: ImportRow) -> None:
        if row.phone:
            self.by_phone[row.phone] = row.line
        self.by_name.setdefault(row.name, []).append((row.line, row.phone))


def plan(checked: Checked, *, existing: Sequence[Existing], roster: Roster, importer_id: int) -> Plan:
    """New customers, changes and rejections for the checked rows; rows without an owner that
    become new customers are owned by the importer, who can reassign them later."""
    result = Plan(rejected=list(checked.rejected))
    by_phone, by_name = _index(existing)
    claimed: dict[int, int] = {}
    seen = _NewSeen()

    def reject(row: ImportRow, problem: Problem, earlier: int | None = None) -> None:
        result.rejected.append(Rejected(row.line, row.cells, (problem,), earlier))

    for row in checked.rows:
        target = _match(row, by_phone, by_name)
        if isinstance(target, Problem):
            reject(row, target)
            continue
        if target is not None:
            if target.id in claimed:
                reject(row, Problem.DUPLICATE_IN_FILE, claimed[target.id])
                continue
            owner = _owner(row.owners, current=target.owner_id, roster=roster)
            if isinstance(owner, Problem):
                reject(row, owner)
                continue
            claimed[target.id] = row.line
            change = _diff(row, target, owner)
            if change is None:
                result.unchanged += 1
            else:
                result.changes.append(change)
            continue
        earlier = seen.earlier(row)
        if earlier is not None:
            reject(row, Problem.DUPLICATE_IN_FILE, earlier)
            continue
        owner = _owner(row.owners, current=None, roster=roster)
        if isinstance(owner, Problem):
            reject(row, owner)
            continue
        seen.add(row)
        result.new.append(NewCustomer(row=row, owner_id=owner or importer_id, tier=row.tier or DEFAULT_TIER))
    result.rejected.sort(key=lambda rejected: rejected.line)
    return result
