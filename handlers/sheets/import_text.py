"""What the import says, in the reader's language: preview, progress, refusals, the rejected-rows file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

from bot.domain.import_plan import Counts
from bot.domain.import_rows import COLUMN_LABELS, Column, HeaderProblem, Problem, Rejected
from bot.domain.sheet_limits import MEGABYTE, Limits
from bot.domain.spreadsheets import FileKind, OutCell, TableProblem, write_csv, write_xlsx
from bot.domain.text import clip, join_list
from bot.i18n import N_, Translator

REASON_LABELS: dict[Problem, str] = {
    Problem.NAME_MISSING: N_("The name is missing"),
    Problem.NAME_TOO_LONG: N_("The name is too long"),
    Problem.NAME_NO_LETTERS: N_("The name has no letters or digits"),
    Problem.PHONE_INVALID: N_("The phone number is not valid"),
    Problem.PHONE_NEEDS_COUNTRY: N_("The phone number needs its country code (+…)"),
    Problem.COMPANY_TOO_LONG: N_("The company is too long"),
    Problem.ADDRESS_TOO_LONG: N_("The address is too long"),
    Problem.BIRTHDAY_INVALID: N_("The birthday is not a date I can read"),
    Problem.TIER_INVALID: N_("The tier is not VIP, A, B or C"),
    Problem.TAGS_TOO_MANY: N_("More than 10 tags, or a tag longer than 50 characters"),
    Problem.OWNER_UNKNOWN: N_("The owner is not a member of your team"),
    Problem.OWNER_AMBIGUOUS: N_("Several team members have this name: use their @username"),
    Problem.OWNER_INACTIVE: N_("The owner no longer has access to FieldCRM"),
    Problem.NAME_AMBIGUOUS: N_("Several customers have this name: add the phone number"),
    Problem.DUPLICATE_IN_FILE: N_("The same customer as an earlier row"),
}
ROW_LABEL = N_("Row")
REASON_LABEL = N_("Reason")
REJECTED_SHEET = N_("Rejected rows")
MAX_REASONS = 6
MAX_IGNORED = 8
HEADER_CLIP = 30

TABLE_PROBLEMS: dict[TableProblem, str] = {
    TableProblem.UNSUPPORTED: N_(
        "I can import customers from .xlsx and .csv files. "
        "Please save your sheet in one of these formats and send it again."
    ),
    TableProblem.OLD_EXCEL: N_(
        "This is an old Excel file (.xls). Please open it in Excel or WPS, save it as .xlsx "
        "(File › Save As) and send it again."
    ),
    TableProblem.BROKEN: N_(
        "I couldn't open this file. Please save it again as .xlsx or .csv and send it again."
    ),
    TableProblem.ENCODING: N_(
        "I couldn't read the text of this CSV file. Please save it as “CSV UTF-8” "
        "(Excel: File › Save As) or as .xlsx and send it again."
    ),
    TableProblem.EMPTY: N_(
        "This file is empty. Put one customer per row under a header row, or send /import for a template."
    ),
    TableProblem.TOO_MANY_ROWS: N_(
        "This file has more than {limit} rows (empty rows count too). Please delete the empty rows "
        "under your customers, or split the file into smaller ones, and send them one by one."
    ),
    TableProblem.TOO_MANY_CELLS: N_(
        "This file has more than {limit} cells (rows × columns, empty cells count too). Please delete "
        "the columns you don't need, or split the file, and send it again."
    ),
    TableProblem.TOO_LARGE: N_(
        "Unpacked, this file is larger than {limit} MB, far more than a customer list needs. Please "
        "copy only your customers into a new sheet, save it as .xlsx or .csv and send it again."
    ),
    TableProblem.PACKED: N_(
        "This file unpacks to more than {limit} times its size, which spreadsheet apps never do, so I "
        "won't open it. Please copy only your customers into a new sheet, save it as .xlsx or .csv "
        "and send it again."
    ),
    TableProblem.TOO_SLOW: N_(
        "Reading this file took more than {limit} seconds, so I stopped. Please split it into smaller "
        "files, or save it as .csv, and send them one by one."
    ),
}

# Refusals whose sentence takes nothing from the error (handlers/sheets/imports.py says which is which).
NO_ROWS_TEXT = N_("I found the headers, but no customers under them.")
ONLY_MANAGERS_TEXT = N_(
    "Only managers can import customers. If these customers belong in FieldCRM, "
    "please send the file to your manager."
)
NO_TEAM_TEXT = N_("Imports are for a team: join or create one first.")
FILE_GONE_TEXT = N_("I can no longer download that file. Please send it again.")


def table_problem(t: Translator, problem: TableProblem, *, max_rows: int, limits: Limits) -> str:
    """The refusal, naming the limit that was hit."""
    figures = {
        TableProblem.TOO_MANY_ROWS: max_rows,
        TableProblem.TOO_MANY_CELLS: limits.cells,
        TableProblem.TOO_LARGE: limits.unpacked_bytes // MEGABYTE,
        TableProblem.PACKED: limits.ratio,
        TableProblem.TOO_SLOW: round(limits.seconds),
    }
    return t.gettext(TABLE_PROBLEMS[problem]).format(limit=t.number(figures.get(problem, 0)))


def column_list(t: Translator, columns: Iterable[Column]) -> str:
    return t.gettext(", ").join(t.gettext(COLUMN_LABELS[column]) for column in columns)


def headers_not_found(t: Translator, problem: HeaderProblem) -> str:
    lines = [
        t.gettext("I couldn't find the column with the customers' names, so I can't import this file."),
        t.gettext("Columns in your file: {columns}").format(
            columns=join_list((clip(name, HEADER_CLIP) for name in problem.found[:MAX_IGNORED]), t.locale)
            or "—"
        ),
    ]
    if problem.recognized:
        lines.append(
            t.gettext("Columns I recognized: {columns}").format(columns=column_list(t, problem.recognized))
        )
    lines.append(
        t.gettext("Columns I know: {columns}. Only the name is required.").format(
            columns=column_list(t, Column)
        )
    )
    lines.append(t.gettext("Send /import for a template with these headers."))
    return "\n".join(lines)


def too_big(t: Translator, *, size_mb: float, limit_mb: int) -> str:
    return t.gettext(
        "That file is {size} MB; I can import files of up to {limit} MB. "
        "Please split it and send the parts one by one."
    ).format(size=t.number(round(size_mb, 1)), limit=t.number(limit_mb))


def still_working(t: Translator) -> str:
    return t.gettext("I'm still working on your last file. Please wait for my answer, then try again.")


def reading(t: Translator, file_name: str) -> str:
    return t.gettext("Reading {file}…").format(file=file_name)


def checking(t: Translator, done: int, total: int) -> str:
    return t.gettext("Checking rows: {done} of {total}…").format(done=t.number(done), total=t.number(total))


def saving(t: Translator) -> str:
    return t.gettext("Saving the changes…")


def importing(t: Translator, file_name: str) -> str:
    return t.gettext("Importing {file}…").format(file=file_name)


def _count_lines(t: Translator, counts: Counts) -> list[str]:
    lines = [
        "• " + t.ngettext("{n} new customer", "{n} new customers", counts.new).format(n=t.number(counts.new)),
        "• "
        + t.ngettext("{n} customer to update", "{n} customers to update", counts.updated).format(
            n=t.number(counts.updated)
        ),
    ]
    if counts.unchanged:
        lines.append(
            "• "
            + t.ngettext("{n} already up to date", "{n} already up to date", counts.unchanged).format(
                n=t.number(counts.unchanged)
            )
        )
    lines.append(
        "• "
        + t.ngettext("{n} row rejected", "{n} rows rejected", counts.rejected).format(
            n=t.number(counts.rejected)
        )
    )
    return lines


def _reason_lines(t: Translator, rejected: list[Rejected]) -> list[str]:
    tally = Counter(problem for row in rejected for problem in row.problems)
    lines = [t.gettext("Why rows were rejected:")]
    for problem, n in tally.most_common(MAX_REASONS):
        lines.append(
            t.gettext("• {reason}: {n}").format(reason=t.gettext(REASON_LABELS[problem]), n=t.number(n))
        )
    return lines


def preview(
    t: Translator,
    *,
    file_name: str,
    counts: Counts,
    unowned: int,
    rejected: list[Rejected],
    ignored: tuple[str, ...],
) -> str:
    """The preview: what confirming will do, why rows were rejected, and the rules applied (the
    owner rule only when some new customer has no owner)."""
    lines = [t.gettext("Import preview for {file}:").format(file=file_name), *_count_lines(t, counts)]
    if rejected:
        lines += ["", *_reason_lines(t, rejected)]
        lines.append(t.gettext("The rejected rows are in the file below, each with its reason."))
    lines.append("")
    if unowned:
        lines.append(
            t.ngettext(
                "{n} new customer has no owner in the file and will be yours; you can reassign them later.",
                "{n} new customers have no owner in the file and will be yours; you can reassign them later.",
                unowned,
            ).format(n=t.number(unowned))
        )
    if counts.updated:
        lines.append(
            t.gettext("Updates only change the cells that are filled in; empty cells keep what is stored.")
        )
    if ignored:
        shown = join_list((clip(name, HEADER_CLIP) for name in ignored[:MAX_IGNORED]), t.locale)
        lines.append(t.gettext("Columns I ignored: {columns}").format(columns=shown))
    if counts.new or counts.updated:
        lines.append(t.gettext("Confirm to apply all of it at once, or Cancel to change nothing."))
    else:
        lines.append(t.gettext("There is nothing to change."))
    return "\n".join(lines)


def changed_since_preview(t: Translator) -> str:
    return t.gettext(
        "Your customers changed since the preview, so here is a fresh one. Please check it again."
    )


def finished(t: Translator, *, file_name: str, counts: Counts) -> str:
    lines = [t.gettext("Import of {file} finished:").format(file=file_name), *_count_lines(t, counts)]
    return "\n".join(lines)


def cancelled(t: Translator) -> str:
    return t.gettext("Import cancelled: nothing was changed.")


def failed(t: Translator) -> str:
    return t.gettext("The import stopped and nothing was changed.")


def stale(t: Translator) -> str:
    return t.gettext(
        "This import preview is no longer current: it was cancelled or replaced by a newer file. "
        "Send the file again to start over."
    )


def already_applied(t: Translator) -> str:
    return t.gettext("This import has already been applied.")


def rejected_file_name(t: Translator, file_name: str, kind: FileKind) -> str:
    """The sent file's own name with the reader's word for rejected rows added."""
    stem = file_name.rsplit(".", 1)[0]
    return t.gettext("{file}-rejected").format(file=stem) + "." + kind.value


def rejected_caption(t: Translator) -> str:
    return t.gettext("Rejected rows, each with its reason. Fix them and send this file back to import them.")


def _reason(t: Translator, row: Rejected) -> str:
    texts = []
    for problem in row.problems:
        if problem is Problem.DUPLICATE_IN_FILE and row.earlier is not None:
            texts.append(t.gettext("The same customer as row {row}").format(row=row.earlier))
        else:
            texts.append(t.gettext(REASON_LABELS[problem]))
    return t.gettext("; ").join(texts)


def rejected_file(
    t: Translator, *, kind: FileKind, header: tuple[str | date, ...], width: int, rejected: list[Rejected]
) -> bytes:
    """The rejected rows as they came, plus their row number and reason, in the file's own format."""
    headers = [str(cell) for cell in header] + [""] * (width - len(header))
    headers += [t.gettext(ROW_LABEL), t.gettext(REASON_LABEL)]

    def cells(row: Rejected) -> list[OutCell]:
        padded: list[OutCell] = [*row.cells, *([""] * (width - len(row.cells)))]
        return [*padded[:width], row.line, _reason(t, row)]

    rows = [cells(row) for row in rejected]
    if kind is FileKind.XLSX:
        return write_xlsx(headers, rows, title=t.gettext(REJECTED_SHEET))
    return write_csv(headers, ([_text(cell) for cell in row] for row in rows))


def _text(cell: OutCell) -> str:
    if isinstance(cell, date):
        return cell.isoformat()
    return "" if cell is None else str(cell)


def known_extra(translators: Iterable[Translator]) -> set[str]:
    """Headers the rejected-rows file adds, in every language: skipped silently on re-import."""
    return {t.gettext(label) for t in translators for label in (ROW_LABEL, REASON_LABEL)}
