"""The digest chart: visits per rep per day and the revenue trend, as a PNG a phone shows well.

matplotlib draws off-screen (Agg) with a CJK font found through its font manager, so Chinese
labels and rep names render as glyphs, not boxes. Rendering is CPU work: callers run it in a
thread. Every figure is closed once saved, as pyplot would otherwise keep them all. matplotlib
(some 50 MB resident) is imported on the first chart, not when the bot starts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import ModuleType

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC")
DPI = 110
SIZE_INCHES = (7.2, 6.4)
REVENUE_COLOUR = "#2a9d8f"


@dataclass(frozen=True, slots=True)
class Labels:
    """Every word on the chart, already in the reader's language."""

    title: str
    visits_title: str
    visits_axis: str
    revenue_title: str
    revenue_axis: str
    days: Sequence[str]


@dataclass(frozen=True, slots=True)
class ChartData:
    """Per-day figures over the chart's days: visits per rep name, revenue per day."""

    visits: Sequence[tuple[str, Sequence[int]]]
    revenue: Sequence[Decimal]


@lru_cache(maxsize=1)
def _font_manager() -> ModuleType:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    return font_manager


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The file of the first installed CJK font family we know, or None if there is none."""
    font_manager = _font_manager()
    found = _known_cjk_font(font_manager)
    if found is None and _added_cjk_fonts_from_disk(font_manager):
        found = _known_cjk_font(font_manager)
    return found


def _known_cjk_font(font_manager: ModuleType) -> str | None:
    for family in CJK_FAMILIES:
        try:
            path = font_manager.findfont(
                font_manager.FontProperties(family=family), fallback_to_default=False
            )
        except ValueError:
            continue
        return str(path)
    return None


@lru_cache(maxsize=1)
def _added_cjk_fonts_from_disk(font_manager: ModuleType) -> bool:
    """matplotlib caches the font list on first use, so a font installed since is missing from it:
    look for our CJK families on disk once per process and add what is there."""
    added = False
    for path in font_manager.findSystemFonts():
        try:
            family = font_manager.get_font(path).family_name
        except (OSError, RuntimeError):
            continue
        if family in CJK_FAMILIES:
            font_manager.fontManager.addfont(path)
            added = True
    return added


def _font_family() -> list[str]:
    font_manager = _font_manager()
    path = cjk_font_path()
    if path is None:
        return ["DejaVu Sans"]
    font_manager.fontManager.addfont(path)
    return [font_manager.FontProperties(fname=path).get_name(), "DejaVu Sans"]


def render_png(data: ChartData, labels: Labels) -> bytes:
    """Two panels, visits above revenue, sharing the day axis; returns the PNG bytes."""
    font_manager = _font_manager()
    from matplotlib.figure import Figure

    family = _font_family()
    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    visits_axes, revenue_axes = figure.subplots(2, 1, sharex=True)
    positions = list(range(len(labels.days)))
    for name, counts in data.visits:
        visits_axes.plot(positions, list(counts), marker="o", linewidth=1.6, markersize=3, label=name)
    visits_axes.set_title(labels.visits_title, fontfamily=family)
    visits_axes.set_ylabel(labels.visits_axis, fontfamily=family)
    visits_axes.yaxis.get_major_locator().set_params(integer=True)
    visits_axes.grid(alpha=0.3)
    if data.visits:
        visits_axes.legend(prop=font_manager.FontProperties(family=family, size=8), loc="upper left", ncols=2)
    revenue_axes.bar(positions, [float(amount) for amount in data.revenue], color=REVENUE_COLOUR)
    revenue_axes.set_title(labels.revenue_title, fontfamily=family)
    revenue_axes.set_ylabel(labels.revenue_axis, fontfamily=family)
    revenue_axes.grid(axis="y", alpha=0.3)
    revenue_axes.set_xticks(
        positions, list(labels.days), rotation=45, ha="right", fontfamily=family, fontsize=8
    )
    figure.suptitle(labels.title, fontfamily=family, fontsize=13)
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png")
    finally:
        figure.clear()
    return buffer.getvalue()
