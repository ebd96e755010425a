"""The rate-limit benchmark's model, so its printed figures keep meaning what the README says."""

from __future__ import annotations

from bench.ratelimit import SHAPES, model


def test_the_model_passes_human_shapes_and_refuses_the_flood_once_told() -> None:
    human = model(SHAPES["human: 10 at once, then 3/s, for 60 s"]())
    assert (human.sent, human.at_once, human.waited, human.refused) == (234, 234, [], 0)

    flood = model(SHAPES["flood: 100 in 1 s"]())
    assert (flood.at_once, len(flood.waited), flood.refused, flood.lines) == (21, 15, 64, 1)
    assert max(flood.waited) < 3.0
