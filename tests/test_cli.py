"""The `fieldcrm` command as an operator meets it: help, clear configuration errors, migrate."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ["run", "migrate", "sandbox", "demo"]


def fieldcrm(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "ADMIN_IDS", "DATABASE_URL", "TIMEZONE"}
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_subcommand_has_help(command: str) -> None:
    result = fieldcrm(command, "--help")
    assert result.returncode == 0
    assert f"usage: fieldcrm {command}" in result.stdout


def test_run_without_token_names_the_setting(tmp_path: Path) -> None:
    result = fieldcrm("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "fieldcrm: configuration error: BOT_TOKEN is required: set it to the token from @BotFather"
    ]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "12,abc"),
        ("TIMEZONE", "Mars/Olympus"),
        ("DATABASE_URL", "mysql://x"),
        ("DEFAULT_LOCALE", "fr"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(tmp_path: Path, name: str, value: str) -> None:
    result = fieldcrm("run", env={"BOT_TOKEN": "1:abcdefghijkl", name: value}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"fieldcrm: configuration error: {name}: ")
    assert "Traceback" not in result.stderr


def test_migrate_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"
    result = fieldcrm("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is at revision" in result.stdout
    assert (tmp_path / "crm.db").stat().st_size > 0


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://nobody:secret@127.0.0.1:1/none"
    result = fieldcrm("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot use the database" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr
