"""The `fieldcrm` command as an operator meets it: help, clear configuration errors, migrate."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import SandboxServer
from sandbox.harness import fieldcrm_run
from tests.support.cli import fieldcrm

COMMANDS = ["run", "migrate", "sandbox", "demo"]


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


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_a_port_in_use_is_named_with_its_setting_not_blamed_on_the_database(
    sandbox: SandboxServer, database_url: str, tmp_path: Path, taken_port: int, mode: str
) -> None:
    webhook = {"WEBHOOK_URL": f"http://127.0.0.1:{taken_port}", "WEBHOOK_SECRET": "port-test-secret"}
    process = await fieldcrm_run(
        sandbox, database_url, tmp_path, HTTP_PORT=str(taken_port), **(webhook if mode == "webhook" else {})
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    errors = stderr.decode()

    assert process.returncode == 1, errors
    assert errors.strip().splitlines()[-1] == (
        f"fieldcrm: cannot listen on 127.0.0.1:{taken_port}: port {taken_port} is already in use; "
        "set HTTP_PORT to a free port (0 picks one) or stop what holds it"
    )
    assert "database" not in errors
    assert "Traceback" not in errors


def test_the_sandbox_on_a_port_in_use_names_the_option(tmp_path: Path, taken_port: int) -> None:
    result = fieldcrm("sandbox", "--port", str(taken_port), cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"fieldcrm: cannot listen on 127.0.0.1:{taken_port}: port {taken_port} is already in use; "
        "set --port to a free port (0 picks one) or stop what holds it"
    ]
