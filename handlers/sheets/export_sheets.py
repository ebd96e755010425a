"""Export rows as a sheet in the reader's language: headers, labels for coded values, dates in their
time zone. The customers sheet starts with the import's own columns, so it reads back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.domain import phones
from bot.domain.birthdays import has_year
from bot.domain.import_rows import COLUMN_LABELS
from bot.domain.names import full_name
from bot.domain.spreadsheets import OutCell, write_csv, write_xlsx
from bot.domain.text import join_list
from bot.i18n import N_, Translator
from bot.services.exports import ExportKind, FileFormat
from handlers.common.labels import KIND_LABELS, OUTCOME_LABELS, STAGE_LABELS
from handlers.ticket.render import CATEGORY_LABELS, SEVERITY_LABELS, STATUS_LABELS

Value = str | int | Decimal | date | datetime | None
"""A cell before it is written: datetimes aware, localized when the file is made."""
Row = Mapping[Any, Any]

KIND_NAMES: dict[ExportKind, str] = {
    ExportKind.CUSTOMERS: N_("Customers"),
    ExportKind.VISITS: N_("Visit log"),
    ExportKind.ORDERS: N_("Orders"),
    ExportKind.FEEDBACK: N_("Feedback"),
    ExportKind.TICKETS: N_("Tickets"),
}
CUSTOMER_EXTRA_LABELS = (N_("Stage"), N_("Health"), N_("Last visit"), N_("Last order"), N_("Added"))
"""Columns the customers export adds after the import's own; an import skips them."""
FEEDBACK_TYPES = {"csat": "CSAT", "nps": "NPS", "text": N_("Remark")}
CSV_DATETIME = "yyyy-MM-dd HH:mm"


def _person(row: Row, prefix: str) -> str | None:
    first = row[f"{prefix}_first"]
    return None if first is None else full_name(first, row[f"{prefix}_last"])


def _birthday(value: date | None) -> str | None:
    """As the import reads it back: 1990-05-17, or 05-17 when the year is unknown."""
    if value is None:
        return None
    return value.isoformat() if has_year(value) else f"{value.month:02d}-{value.day:02d}"


def _label(t: Translator, table: dict[str, str], value: str | None) -> str | None:
    return None if value is None else t.gettext(table.get(value, value))


def _customer(t: Translator, row: Row) -> list[Value]:
    tags = sorted((row["tags"] or "").split(",")) if row["tags"] else []
    return [
        row["name"],
        phones.display(row["phone_e164"]) if row["phone_e164"] else None,
        row["company"],
        row["address"],
        _birthday(row["birthday"]),
        row["tier"],
        join_list(tags, t.locale) or None,
        _person(row, "owner"),
        _label(t, STAGE_LABELS, row["stage"]),
        row["health_score"],
        row["last_visit_at"],
        row["last_order_at"],
        row["created_at"],
    ]


def _visit(t: Translator, row: Row) -> list[Value]:
    return [
        row["visited_at"],
        row["customer"],
        _person(row, "rep"),
        _label(t, KIND_LABELS, row["kind"]),
        _label(t, OUTCOME_LABELS, row["outcome"]),
        row["notes"],
    ]


def _order(t: Translator, row: Row) -> list[Value]:
    return [
        row["ordered_at"],
        row["customer"],
        _person(row, "rep"),
        row["amount"],
        row["currency"],
        row["note"],
    ]


def _feedback(t: Translator, row: Row) -> list[Value]:
    return [
        row["created_at"],
        row["customer"],
        _person(row, "rep"),
        _label(t, FEEDBACK_TYPES, row["kind"]),
        row["score"],
        row["comment"],
    ]


def _ticket(t: Translator, row: Row) -> list[Value]:
    return [
        row["number"],
        row["created_at"],
        row["customer"],
        _label(t, CATEGORY_LABELS, row["category"]),
        _label(t, SEVERITY_LABELS, row["severity"]),
        _label(t, STATUS_LABELS, row["status"]),
        _person(row, "assignee"),
        row["resolve_due_at"],
        row["resolved_at"],
        row["description"],
    ]


COLUMNS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.CUSTOMERS: (*COLUMN_LABELS.values(), *CUSTOMER_EXTRA_LABELS),
    ExportKind.VISITS: (N_("Visited at"), N_("Customer"), N_("Rep"), N_("Kind"), N_("Outcome"), N_("Notes")),
    ExportKind.ORDERS: (
        N_("Ordered at"),
        N_("Customer"),
        N_("Rep"),
        N_("Amount"),
        N_("Currency"),
        N_("Notes"),
    ),
    ExportKind.FEEDBACK: (N_("Date"), N_("Customer"), N_("Rep"), N_("Type"), N_("Score"), N_("Comment")),
    ExportKind.TICKETS: (
        N_("Number"),
        N_("Opened at"),
        N_("Customer"),
        N_("Category"),
        N_("Severity"),
        N_("Status"),
        N_("Assignee"),
        N_("Resolve by"),
        N_("Resolved at"),
        N_("Description"),
    ),
}
CELLS: dict[ExportKind, Callable[[Translator, Row], list[Value]]] = {
    ExportKind.CUSTOMERS: _customer,
    ExportKind.VISITS: _visit,
    ExportKind.ORDERS: _order,
    ExportKind.FEEDBACK: _feedback,
    ExportKind.TICKETS: _ticket,
}


def _xlsx_cell(t: Translator, value: Value) -> OutCell:
    if isinstance(value, datetime):
        return value.astimezone(t.tz).replace(tzinfo=None)
    return value


def _csv_cell(t: Translator, value: Value) -> str:
    if isinstance(value, datetime):
        return t.datetime(value, format=CSV_DATETIME)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def file_name(t: Translator, kind: ExportKind, file_format: FileFormat, now: datetime) -> str:
    """What the reader sees in their downloads: "FieldCRM Customers 2026-12-07 0930.xlsx" /
    "FieldCRM客户_2026-12-07 0930.xlsx", stamped in their time zone."""
    stamp = f"{now.astimezone(t.tz):%Y-%m-%d %H%M}"
    name = t.gettext("FieldCRM {what} {when}").format(what=t.gettext(KIND_NAMES[kind]), when=stamp)
    return f"{name}.{file_format.value}"


def render(t: Translator, kind: ExportKind, file_format: FileFormat, rows: Sequence[Row]) -> bytes:
    """The file: headers in the reader's language, dates in their time zone (real dates in XLSX)."""
    headers = [t.gettext(label) for label in COLUMNS[kind]]
    cells = [CELLS[kind](t, row) for row in rows]
    if file_format is FileFormat.XLSX:
        typed = ([_xlsx_cell(t, value) for value in row] for row in cells)
        return write_xlsx(headers, typed, title=t.gettext(KIND_NAMES[kind]))
    return write_csv(headers, ([_csv_cell(t, value) for value in row] for row in cells))
