"""The make targets a newcomer types: `make demo PORT=…` reaches the command, `make install` is quiet."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from subprocess import PIPE

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """`make` on the venv running these tests, with its install step taken as done and no PORT or
    make flags inherited from the shell (or from the `make test` that may be running us)."""
    clean = {k: v for k, v in os.environ.items() if k not in {"PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}}
    command = ["make", "--no-print-directory", f"VENV={sys.prefix}", "-o", f"{sys.prefix}/.installed", *args]
    # Its own process group: a server that should have failed to start is stopped with make.
    with subprocess.Popen(
        command, env=clean, cwd=cwd, stdout=PIPE, stderr=PIPE, text=True, start_new_session=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
        return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


def test_make_demo_passes_port_and_otherwise_keeps_the_commands_default() -> None:
    with_port = make("-n", "-o", "install", "demo", "PORT=9123")
    without = make("-n", "-o", "install", "demo")

    assert with_port.returncode == 0, with_port.stderr
    assert with_port.stdout.split() == [f"{sys.prefix}/bin/fieldcrm", "demo", "--port", "9123"]
    assert without.stdout.split() == [f"{sys.prefix}/bin/fieldcrm", "demo"]


def test_make_sandbox_listens_on_port(taken_port: int) -> None:
    result = make("-o", "install", "sandbox", f"PORT={taken_port}")

    assert result.returncode != 0
    assert (
        f"fieldcrm: cannot listen on 127.0.0.1:{taken_port}: port {taken_port} is already in use; "
        "set --port to a free port (0 picks one) or stop what holds it"
    ) in result.stderr.splitlines()


def test_compiling_the_catalogues_reports_chinese_only_and_only_when_a_catalogue_changed(
    tmp_path: Path,
) -> None:
    shutil.copy(ROOT / "Makefile", tmp_path)
    for locale in ("en", "zh_Hans"):
        folder = tmp_path / "locales" / locale / "LC_MESSAGES"
        folder.mkdir(parents=True)
        shutil.copy(ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", folder)

    first = make("compile-locales", cwd=tmp_path)
    again = make("compile-locales", cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    output = (first.stdout + first.stderr).splitlines()
    assert not [line for line in output if "locales/en" in line]
    assert any(line.endswith("translated in locales/zh_Hans/LC_MESSAGES/messages.po") for line in output)
    for locale in ("en", "zh_Hans"):
        assert (tmp_path / "locales" / locale / "LC_MESSAGES" / "messages.mo").stat().st_size > 0
    assert again.stdout.strip() == "make: Nothing to be done for 'compile-locales'."
