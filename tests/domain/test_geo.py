"""Haversine distances against known figures."""

import pytest

from bot.domain.geo import haversine_m


def test_same_point_is_zero() -> None:
    assert haversine_m(31.2304, 121.4737, 31.2304, 121.4737) == 0.0


def test_shanghai_to_beijing() -> None:
    assert haversine_m(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1_067_000, rel=0.01)


def test_short_distances_in_metres() -> None:
    # 0.001° of latitude is about 111 m anywhere.
    assert haversine_m(31.2304, 121.4737, 31.2314, 121.4737) == pytest.approx(111.2, abs=0.5)
    # 0.001° of longitude shrinks with cos(latitude): about 95 m at Shanghai.
    assert haversine_m(31.2304, 121.4737, 31.2304, 121.4747) == pytest.approx(95.1, abs=0.5)


def test_symmetric_and_across_the_antimeridian() -> None:
    assert haversine_m(1, 2, 3, 4) == pytest.approx(haversine_m(3, 4, 1, 2))
    assert haversine_m(0, 179.9995, 0, -179.9995) == pytest.approx(111.2, abs=0.5)


def test_antipodes_are_half_the_circumference() -> None:
    assert haversine_m(0, 0, 0, 180) == pytest.approx(20_015_000, rel=0.001)
