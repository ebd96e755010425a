"""The transactions benchmark's core on a command and a button, so it keeps running and printing."""

from __future__ import annotations

import pytest

from bench.transactions import print_table, tally_actions
from sandbox.harness import Harness

ACTIONS = ["rep: /help", "rep: opens a card by its button"]


async def test_each_action_counts_its_transactions_and_prints_a_row(
    bot: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    tallies = await tally_actions(bot, ACTIONS)
    assert [tally.action for tally in tallies] == ACTIONS
    for tally in tallies:
        assert tally.updates == 1
        assert isinstance(tally.transactions, int)
        assert tally.transactions > 0

    print_table([tallies], title="Transactions per update")
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "Transactions per update"
    assert [line.split("  ")[0] for line in printed[2:]] == [*ACTIONS, "all of the above"]
