"""Matching imported rows to the team's customers: new, changed, unchanged, rejected."""

from __future__ import annotations

from datetime import date

from bot.domain.import_owners import Member, Roster
from bot.domain.import_plan import Change, Counts, Existing, plan
from bot.domain.import_rows import Checked, Column, ImportRow, Problem

ROSTER = Roster([Member(1, "Rita"), Member(2, "Li"), Member(3, "Li"), Member(4, "Old", active=False)])
IMPORTER = 9
PHONE = "+8613812345678"


def _plan(
    rows: list[ImportRow], existing: list[Existing]
) -> tuple[Counts, list[Change], dict[int, tuple[Problem, int | None]]]:
    result = plan(Checked(rows=rows), existing=existing, roster=ROSTER, importer_id=IMPORTER)
    rejected = {r.line: (r.problems[0], r.earlier) for r in result.rejected}
    return result.counts, result.changes, rejected


def test_phone_first_then_exact_name() -> None:
    existing = [Existing(id=1, name="Acme", phone=PHONE), Existing(id=2, name="Bolt")]
    counts, changes, _ = _plan(
        [ImportRow(2, "Acme Trading", phone=PHONE), ImportRow(3, "Bolt", phone="+8613900001111")], existing
    )
    assert counts == Counts(new=0, updated=2, unchanged=0, rejected=0)
    assert changes == [
        Change(1, 2, {Column.NAME: "Acme Trading"}),
        Change(2, 3, {Column.PHONE: "+8613900001111"}),
    ]


def test_a_namesake_with_another_phone_is_someone_else() -> None:
    existing = [Existing(id=1, name="王伟", phone=PHONE)]
    counts, changes, _ = _plan([ImportRow(2, "王伟", phone="+8613900001111")], existing)
    assert counts == Counts(new=1, updated=0, unchanged=0, rejected=0)
    assert changes == []


def test_names_without_a_phone() -> None:
    existing = [
        Existing(id=1, name="王伟", phone=PHONE),
        Existing(id=2, name="王伟"),
        Existing(id=3, name="李娜", phone=PHONE[:-1] + "9"),
        Existing(id=4, name="李娜", phone=PHONE[:-1] + "8"),
    ]
    counts, changes, rejected = _plan(
        [ImportRow(2, "王伟", tier="A"), ImportRow(3, "李娜", tier="A")], existing
    )
    assert changes == [Change(2, 2, {Column.TIER: "A"})], "the namesake without a phone"
    assert rejected == {3: (Problem.NAME_AMBIGUOUS, None)}
    assert counts.rejected == 1


def test_only_filled_and_different_cells_change() -> None:
    existing = [
        Existing(
            id=1,
            name="Acme",
            phone=PHONE,
            company="Acme Co",
            birthday=date(1990, 5, 17),
            tier="A",
            owner_id=1,
            tags=("north", "wholesale"),
        )
    ]
    same = ImportRow(
        2,
        "Acme",
        phone=PHONE,
        company="Acme Co",
        tier="A",
        tags=("wholesale", "north"),
        owners=frozenset({1}),
    )
    counts, changes, _ = _plan([same], existing)
    assert counts == Counts(new=0, updated=0, unchanged=1, rejected=0)
    counts, changes, _ = _plan(
        [ImportRow(2, "Acme", phone=PHONE, tags=("vip",), owners=frozenset({2}))], existing
    )
    assert changes == [Change(1, 2, {Column.OWNER: 2}, tags=("vip",))]


def test_owner_cells() -> None:
    existing = [Existing(id=1, name="A", owner_id=3), Existing(id=2, name="B", owner_id=1)]
    rows = [
        ImportRow(2, "A", owners=frozenset({2, 3})),  # the current owner among namesakes: no change
        ImportRow(3, "B", owners=frozenset({2, 3})),  # two active namesakes: which one?
        ImportRow(4, "C", owners=frozenset({4})),  # no longer active
        ImportRow(5, "D"),  # nobody: the importer
        ImportRow(6, "E", owners=frozenset({1})),
    ]
    result = plan(Checked(rows=rows), existing=existing, roster=ROSTER, importer_id=IMPORTER)
    assert result.counts == Counts(new=2, updated=0, unchanged=1, rejected=2)
    assert {r.line: r.problems for r in result.rejected} == {
        3: (Problem.OWNER_AMBIGUOUS,),
        4: (Problem.OWNER_INACTIVE,),
    }
    assert [(n.row.name, n.owner_id, n.tier) for n in result.new] == [("D", IMPORTER, "B"), ("E", 1, "B")]


def test_a_later_row_for_the_same_customer_is_rejected() -> None:
    existing = [Existing(id=1, name="Acme", phone=PHONE)]
    rows = [
        ImportRow(2, "Acme", phone=PHONE, tier="A"),
        ImportRow(3, "Acme Ltd", phone=PHONE),
        ImportRow(4, "New", phone="+8613900001111"),
        ImportRow(5, "New Again", phone="+8613900001111"),
        ImportRow(6, "Solo"),
        ImportRow(7, "Solo"),
        ImportRow(8, "Solo", phone="+8613700001111"),
    ]
    counts, _, rejected = _plan(rows, existing)
    assert counts == Counts(new=2, updated=1, unchanged=0, rejected=4)
    assert rejected == {
        3: (Problem.DUPLICATE_IN_FILE, 2),
        5: (Problem.DUPLICATE_IN_FILE, 4),
        7: (Problem.DUPLICATE_IN_FILE, 6),
        8: (Problem.DUPLICATE_IN_FILE, 6),
    }
