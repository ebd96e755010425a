"""Nothing a user reads is assembled outside gettext, and every gettext string is extracted.

The catalogue test (tests/test_i18n.py) compares the template with what Babel extracts; this one
looks at what extraction cannot see: English or Chinese literals that reach a message, a button, a caption, a
file name or a chart without `_()`, lists joined with the English comma, gettext calls Babel skips
(inside an f-string), and names put together in the Western order outside `full_name`.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from tests.support.literal_flow import GETTEXT, Hit, Project, words_to_translate

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("bot", "handlers")
NAME_PART = re.compile(r"(?:^|_)(first|last)_name$|\w_(first|last)$")
# Where first and last names meet on purpose, not to be shown: matching what someone typed.
NAMES_COMPOSED_ELSEWHERE = {
    "bot/domain/names.py": "full_name itself",
    "bot/domain/import_owners.py": "matches an owner cell against a member's name in either order",
    "storage/queries/audit_log.py": "finds a person by a name typed in either order",
}


def hits_in(root: Path) -> list[Hit]:
    return Project(root, SCANNED).analyse()


def gettext_literals(root: Path) -> list[Hit]:
    """Every literal message id passed to gettext, ngettext or N_, with where it is."""
    found = []
    for package in SCANNED:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                first = node.args[0]
                if name in GETTEXT and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.append(Hit(str(path.relative_to(root)), node.lineno, first.value))
    return found


def template_ids() -> set[str]:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_no_text_reaches_a_reader_outside_gettext() -> None:
    hits = hits_in(ROOT)
    assert not hits, "Text outside gettext, on its way to a reader:\n" + "\n".join(map(str, hits))


def test_every_gettext_string_is_in_the_template() -> None:
    """A gettext call inside an f-string (f"{t.gettext('overdue')}") is never extracted."""
    known = template_ids()
    missing = [hit for hit in gettext_literals(ROOT) if hit.text not in known]
    assert not missing, "not extracted (move it out of the f-string):\n" + "\n".join(map(str, missing))


def _name_parts(node: ast.AST) -> set[str]:
    """'first' and/or 'last' for the name fields an expression reads (first_name, row.owner_last)."""
    parts = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Name) and inner.id in ("first", "last"):
            parts.add(inner.id)
            continue
        word = inner.id if isinstance(inner, ast.Name) else getattr(inner, "attr", None)
        if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
            word = inner.value
        match = NAME_PART.search(word) if isinstance(word, str) else None
        if match:
            parts.add(match.group(1) or match.group(2))
    return parts


def names_composed(root: Path) -> list[Hit]:
    """Expressions that put a first and a last name together (f-string, `+`, `.join`)."""
    found = []
    for package in (*SCANNED, "storage"):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in NAMES_COMPOSED_ELSEWHERE:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                joins = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "join"
                    and isinstance(node.func.value, ast.Constant)
                )
                adds = isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)
                composes = isinstance(node, ast.JoinedStr) or adds or joins
                if composes and isinstance(node, ast.expr) and _name_parts(node) == {"first", "last"}:
                    found.append(Hit(relative, node.lineno, ast.unparse(node)))
    return found


def test_first_and_last_names_are_put_together_in_one_place() -> None:
    """`bot.domain.names.full_name`: 李伟 family name first without a space, "Rita Wang" as it is."""
    hits = names_composed(ROOT)
    assert not hits, "compose names with full_name:\n" + "\n".join(map(str, hits))


def write(root: Path, relative: str, source: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_the_scan_finds_english_assembled_in_code(tmp_path: Path) -> None:
    """The shapes the issue names, in a small project: each must be found, each fixed twin must not."""
    write(
        tmp_path,
        "bot/present/lines.py",
        """
        def due_line(t, when):
            return f"{when} overdue"

        def fine_line(t, when):
            return t.gettext("{when} ⚠️ overdue").format(when=when)

        def head(score):
            return f"CSAT {score}/5"
        """,
    )
    write(
        tmp_path,
        "handlers/feature/view.py",
        """
        from telegram import InlineKeyboardButton
        from bot.present import lines
        from bot.present.lines import head

        LABELS = {"csv": "Comma separated"}

        def _button(text, data):
            return InlineKeyboardButton(text, callback_data=data)

        async def show(message, t, x, rows, kind):
            await message.reply_text(f"{x} overdue")
            await message.reply_text(lines.due_line(t, x))
            await message.reply_text(lines.fine_line(t, x), parse_mode="HTML")
            parts = [t.gettext("Total")]
            parts.append("items")
            await message.reply_text(", ".join(parts))
            await message.reply_document(rows, filename=f"export-{kind}.csv")
            await message.reply_document(rows, filename=t.gettext("Export {kind}.csv").format(kind=kind))
            keyboard = [_button("Take", "tkt:take:1"), _button(t.gettext("Take"), "tkt:take:1")]
            keyboard += [InlineKeyboardButton(label, callback_data=code) for code, label in LABELS.items()]
            await message.edit_message_text(head(3), reply_markup=keyboard)
            await message.reply_text("/help FieldCRM 🙂")
        """,
    )
    found = {(hit.path, hit.text) for hit in hits_in(tmp_path)}
    assert found == {
        ("handlers/feature/view.py", "{} overdue"),
        ("bot/present/lines.py", "{} overdue"),
        ("handlers/feature/view.py", "items"),
        ("handlers/feature/view.py", "', '.join"),
        ("handlers/feature/view.py", "export-{}.csv"),
        ("handlers/feature/view.py", "Take"),
        ("handlers/feature/view.py", "Comma separated"),
        ("bot/present/lines.py", "CSAT {}/5"),
    }


def test_a_gettext_call_inside_an_f_string_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "handlers/ticket/view.py",
        """
        def due(t, line):
            return f"{line} {t.gettext('⚠️ overdue')}"
        """,
    )
    assert [hit.text for hit in gettext_literals(tmp_path) if hit.text not in template_ids()] == ["⚠️ overdue"]


def test_words_that_need_no_translation_are_not_counted() -> None:
    assert words_to_translate('<a href="tg://user?id={id}">{name}</a>') == []
    assert words_to_translate("/invite {role} · CNY · FieldCRM") == []
    assert words_to_translate("{n} overdue") == ["overdue"]
    assert words_to_translate("report.png") == ["report"]
    assert words_to_translate("{n}条已逾期") == ["条已逾期"]


def test_a_name_put_together_by_hand_is_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "storage/queries/people.py",
        """
        def name(user, row):
            one = f"{user.first_name} {user.last_name}"
            two = " ".join(p for p in (row.rep_first, row.rep_last) if p)
            three = user.first_name + " " + user.last_name
            span = row.last - row.first
            return full_name(user.first_name, user.last_name)
        """,
    )
    assert [hit.line for hit in names_composed(tmp_path)] == [3, 4, 5]
