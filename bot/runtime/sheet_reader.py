"""Reading an uploaded spreadsheet in a child process, so a hostile file costs that process only.

The child (`python -m bot.runtime.sheet_reader`) gets the limits and the file on stdin, reads it with the
limits counted as it goes, and answers with JSON on stdout: the rows, or the limit that was hit.
Around it: a memory cap and a CPU-time cap set by the child itself, a wall-clock deadline after
which the parent kills it, and at most MAX_READERS children at a time. The bot's own process
spends no CPU on the file, so other people's updates go on while it is read, and nothing in the
child touches the database.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import resource
import signal
import sys
import time
import warnings
import weakref
from datetime import date
from pathlib import Path

from bot.domain.sheet_limits import Limits, TableError, TableProblem
from bot.domain.spreadsheets import Cell, FileKind, Line, read_table

MEMORY_BYTES = 1024 * 1024 * 1024
"""Address space of a reading process: a 100,000-row sheet of 20 columns needs about a quarter."""
GRACE_SECONDS = 10.0
"""Beyond the reading limit: for the child to start, answer and be waited for."""
MAX_READERS = 2
CHILD_ARGS = ("-m", __name__)
STDERR_TAIL = 2000
_PROJECT = str(Path(__file__).resolve().parent.parent)
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = weakref.WeakKeyDictionary()


class ReaderFailed(RuntimeError):
    """The reading process failed in a way no file should cause (a bug): its stderr says how."""


def _slot() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slot = _slots.get(loop)
    if slot is None:
        slot = _slots[loop] = asyncio.Semaphore(MAX_READERS)
    return slot


async def read(file_name: str | None, data: bytes, *, limits: Limits) -> tuple[FileKind, list[Line]]:
    """The file's non-empty rows, read in a child process; raises TableError as read_table does,
    and TOO_SLOW if the child is still reading at the deadline."""
    request = {"file_name": file_name, "limits": limits.as_dict(), "memory_bytes": MEMORY_BYTES}
    header = json.dumps(request).encode() + b"\n"
    async with _slot():
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *CHILD_ARGS,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join(filter(None, (_PROJECT, os.environ.get("PYTHONPATH")))),
            },
        )
        try:
            async with asyncio.timeout(limits.seconds + GRACE_SECONDS):
                out, err = await process.communicate(header + data)
        except TimeoutError:
            raise TableError(TableProblem.TOO_SLOW) from None
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    return await asyncio.to_thread(_outcome, process.returncode, out, err)


def _outcome(returncode: int | None, out: bytes, err: bytes) -> tuple[FileKind, list[Line]]:
    """The child's answer: a first line with the kind or the problem, then a line per row (parsed
    a line at a time, in a worker thread, so a 100,000-row answer does not hold the event loop)."""
    if returncode == -signal.SIGXCPU:
        raise TableError(TableProblem.TOO_SLOW)
    if returncode != 0:
        raise ReaderFailed(f"exit status {returncode}: {err[-STDERR_TAIL:].decode(errors='replace')}")
    first, *rows = out.splitlines()
    answer = json.loads(first)
    if "problem" in answer:
        raise TableError(TableProblem(answer["problem"]))
    lines = []
    for row in rows:
        number, cells = json.loads(row)
        lines.append(Line(number, tuple(_cell(cell) for cell in cells)))
    return FileKind(answer["kind"]), lines


def _cell(value: str | dict[str, str]) -> Cell:
    return date.fromisoformat(value["date"]) if isinstance(value, dict) else value


def _json_cell(cell: Cell) -> str | dict[str, str]:
    return {"date": cell.isoformat()} if isinstance(cell, date) else cell


def _cap(limits: Limits, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    cpu = math.ceil(limits.seconds + GRACE_SECONDS)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _answer(file_name: str | None, data: bytes, limits: Limits) -> list[object]:
    try:
        kind, lines = read_table(file_name, data, limits=limits, clock=time.monotonic)
    except TableError as error:
        return [{"problem": error.problem.value}]
    except MemoryError:
        return [{"problem": TableProblem.TOO_LARGE.value}]
    return [{"kind": kind.value}, *([line.number, [_json_cell(c) for c in line.cells]] for line in lines)]


def main() -> None:
    """The child: limits and file on stdin, the answer on stdout as JSON lines."""
    warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know; not our concern
    request = json.loads(sys.stdin.buffer.readline())
    limits = Limits.from_dict(request["limits"])
    _cap(limits, int(request["memory_bytes"]))
    data = sys.stdin.buffer.read()
    try:
        answer = b"".join(
            json.dumps(item, ensure_ascii=False).encode() + b"\n"
            for item in _answer(request["file_name"], data, limits)
        )
    except MemoryError:
        answer = json.dumps({"problem": TableProblem.TOO_LARGE.value}).encode()
    sys.stdout.buffer.write(answer)


if __name__ == "__main__":
    main()
