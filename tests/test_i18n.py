"""Both catalogues are complete, compile, and match the strings in the code."""

from __future__ import annotations

import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, LOCALES_DIR, I18n

ROOT = Path(__file__).resolve().parent.parent


def catalogue(locale: str) -> Catalog:
    with (LOCALES_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def test_template_is_up_to_date(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "--no-location",
            "-F",
            "locales/babel.cfg",
            "-k",
            "N_",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        in_code = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        in_template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert in_code == in_template, "run `make locales`: the template differs from the code"


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_covers_the_template_and_compiles(locale: str) -> None:
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    po = catalogue(locale)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in po if m.id}
    assert template <= ids, f"{locale} lacks: {sorted(template - ids)[:5]}"
    assert not [m.id for m in po if m.id and m.fuzzy], "fuzzy entries need review"
    write_mo(BytesIO(), po)


def test_every_message_has_a_chinese_translation() -> None:
    missing = []
    for message in catalogue("zh_Hans"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            missing.append(message.id)
    assert not missing, f"untranslated: {missing[:5]}"


def test_placeholders_survive_translation() -> None:
    field = re.compile(r"\{(\w+)\}")
    for message in catalogue("zh_Hans"):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else str(message.id[-1])
        strings = message.string if isinstance(message.string, tuple) else (str(message.string),)
        for translated in strings:
            assert set(field.findall(translated)) == set(field.findall(source)), message.id


def test_compiled_catalogues_are_loaded() -> None:
    i18n = I18n()
    assert i18n.is_compiled("zh_Hans")
    t = i18n.translator("zh_Hans", "Asia/Shanghai")
    assert t.gettext("What I can do for you") != "What I can do for you"
