"""What a person does, as steps a walk across restarts replays, the order dialog as such a walk,
and Rita's customer Acme set up (and rows read back) by applications since stopped."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sandbox import SandboxServer, SandboxUser
from sandbox.documents import CSV_MIME, csv_bytes, send_file
from sandbox.factories import REP_TG, SalesTeam, customer, fetch, person, sales_team
from sandbox.harness import Person, Reply, running_bot, settings_for
from storage.models import Base


@dataclass(frozen=True)
class Step:
    """One thing a person does (send text, press a button, upload a CSV file), and a phrase the
    bot's answer must hold."""

    kind: Literal["send", "press", "upload"]
    value: str
    expect: str
    rows: tuple[tuple[str, ...], ...] = ()

    def __str__(self) -> str:
        return f"{self.kind} {self.value!r}"

    async def by(self, who: Person) -> Reply:
        """Do it and return the answer once the application has handled it."""
        if self.kind == "upload":
            return await send_file(who, self.data(), filename=self.value)
        return await (who.press(self.value) if self.kind == "press" else who.send(self.value))

    async def sent_by(self, account: SandboxUser) -> int:
        """Do it without waiting for any application; the update's id."""
        if self.kind == "upload":
            return await account.send_document(self.data(), filename=self.value, mime_type=CSV_MIME)
        return await (account.press(self.value) if self.kind == "press" else account.send(self.value))

    def data(self) -> bytes:
        return csv_bytes([list(row) for row in self.rows])


def send(text: str, expect: str) -> Step:
    return Step("send", text, expect)


def press(label: str, expect: str) -> Step:
    return Step("press", label, expect)


def upload(filename: str, rows: list[list[str]], expect: str) -> Step:
    return Step("upload", filename, expect, tuple(tuple(row) for row in rows))


ORDER = [
    send("/order", "Which customer"),
    press("Acme", "How much"),
    send("1,234.50", "Amount: CN¥1,234.50"),
    press("USD", "What was ordered?"),
    send("Widgets × 10", "When was it ordered?"),
    press("Today", "Amount: $1,234.50"),
    press("✏️ Edit", "What would you like to change?"),
    press("Amount", "How much"),
    send("750", "Amount: $750.00"),
    press("✅ Save", "Order of $750.00 from Acme saved."),
]


async def rep_with_acme(sandbox: SandboxServer, database_url: str) -> tuple[SalesTeam, int]:
    """Rita's team and her customer Acme, with her chat opened, set up by an application since stopped."""
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        team = await sales_team(bot)
        acme = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name="Acme")
        await person(bot, REP_TG)
    return team, acme


async def stored(sandbox: SandboxServer, database_url: str, model: type[Base], **where: Any) -> list[Any]:
    """The rows a new application reads once the walk is over."""
    async with running_bot(settings_for(sandbox, database_url), sandbox) as bot:
        return await fetch(bot, model, **where)
