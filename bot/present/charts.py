"""The digest chart as a PNG that reads in seconds on a phone: who visited how much against their own
average, ranked, and the revenue of the last fourteen days.

Sized for a chat bubble (about 400 px wide): 768 px across, text at 10–13 pt, the key above the
panel rather than over the bars. Money on the axis is in the reader's form, compact ("CN¥1.5K",
"¥1.2万"). matplotlib draws off-screen (Agg) with a CJK font found through its font manager, so
Chinese labels and rep names render as glyphs, not boxes. Rendering is CPU work: callers run it in
a thread. matplotlib (some 50 MB resident) is imported on the first chart, not when the bot starts.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

from babel.numbers import format_compact_currency

from bot.domain.text import clip

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CJK_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Source Han Sans SC")
DPI = 160
WIDTH_INCHES = 4.8
REP_ROW_INCHES = 0.42
VISITS_FIXED_INCHES = 1.1
REVENUE_INCHES = 2.6
TITLE_INCHES = 0.5
MAX_REPS = 10
NAME_LIMIT = 12
AT_OR_ABOVE = "#2a9d8f"
BELOW = "#e76f51"
REVENUE_COLOUR = "#9fc5e8"
LAST_DAY_COLOUR = "#1d5f99"
MUTED = "#6b6b6b"
TEXT_SIZE = 11
SMALL_SIZE = 10
TITLE_SIZE = 12
KEY_POINTS = 42
HEADING_SIZE = 13


@dataclass(frozen=True, slots=True)
class RepBar:
    """A rep's visits in the period, and their own average over the weeks before."""

    name: str
    visits: int
    average: Decimal


@dataclass(frozen=True, slots=True)
class Labels:
    """Every word on the chart, already in the reader's language, and how money is written for them."""

    title: str
    visits_title: str
    above_key: str
    below_key: str
    average_key: str
    more_reps: str
    no_visits: str
    revenue_title: str
    no_revenue: str
    days: Sequence[str]
    locale: str
    currency: str


@dataclass(frozen=True, slots=True)
class ChartData:
    """Reps ranked, most visits first (those past MAX_REPS are counted in `Labels.more_reps`), and the
    revenue of each chart day, the period's own `period_days` last (one for a daily digest, seven for
    a weekly one)."""

    reps: Sequence[RepBar]
    revenue: Sequence[Decimal]
    period_days: int = 1


def short_money(amount: float, currency: str, locale: str) -> str:
    """An axis amount as the reader writes it, compact: CN¥1.5K in English, ¥1.2万 in Chinese."""
    return str(format_compact_currency(amount, currency, locale=locale, fraction_digits=1))


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
    """The chart as PNG bytes; the figure is cleared once saved."""
    figure = draw(data, labels)
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png")
    finally:
        figure.clear()
    return buffer.getvalue()


def draw(data: ChartData, labels: Labels) -> Figure:
    """The visits panel above the revenue panel, under the title, on a figure of its own (no pyplot,
    so nothing keeps it alive once the caller drops it)."""
    from matplotlib.figure import Figure

    family = _font_family()
    shown = list(data.reps[:MAX_REPS])
    visits_inches = VISITS_FIXED_INCHES + REP_ROW_INCHES * max(len(shown), 2)
    figure = Figure(figsize=(WIDTH_INCHES, visits_inches + REVENUE_INCHES + TITLE_INCHES), dpi=DPI)
    figure.set_layout_engine("constrained", h_pad=0.08, hspace=0.06)
    visits_axes, revenue_axes = figure.subplots(2, 1, height_ratios=[visits_inches, REVENUE_INCHES])
    _visits_panel(visits_axes, shown, labels, family)
    _revenue_panel(revenue_axes, data, labels, family)
    figure.suptitle(labels.title, fontfamily=family, fontsize=HEADING_SIZE)
    return figure


def _visits_panel(axes: Any, reps: Sequence[RepBar], labels: Labels, family: list[str]) -> None:
    """Horizontal bars, the most visits on top, each rep's own average as a ◆ on their row; a bar is
    green at or above that average and orange below it, so who is behind shows without reading."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # The key sits between the title and the bars, never over them.
    axes.set_title(labels.visits_title, fontfamily=family, fontsize=TITLE_SIZE, loc="left", pad=KEY_POINTS)
    _plain(axes)
    if not reps:
        _empty(axes, labels.no_visits, family)
        return
    positions = list(range(len(reps)))
    colours = [AT_OR_ABOVE if rep.visits >= rep.average else BELOW for rep in reps]
    axes.barh(positions, [rep.visits for rep in reps], color=colours, height=0.62)
    axes.scatter([float(rep.average) for rep in reps], positions, marker="D", s=34, color="#222222", zorder=3)
    top = max(max(rep.visits for rep in reps), max(float(rep.average) for rep in reps), 1)
    for position, rep in zip(positions, reps, strict=True):
        axes.text(
            max(rep.visits + top * 0.02, float(rep.average) + top * 0.045),
            position,
            str(rep.visits),
            va="center",
            fontsize=TEXT_SIZE,
            fontfamily=family,
        )
    axes.set_xlim(0, top * 1.15)
    axes.set_ylim(len(reps) - 0.5, -0.5)
    axes.set_yticks(
        positions, [clip(rep.name, NAME_LIMIT) for rep in reps], fontfamily=family, fontsize=TEXT_SIZE
    )
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.tick_params(axis="x", labelsize=SMALL_SIZE, colors=MUTED, labelfontfamily=family)
    axes.grid(axis="x", alpha=0.25)
    # Two columns filled top to bottom: the colours on the first row, the ◆ (the longest words) alone
    # on the second, so the key is never wider than a phone's bubble.
    key = [
        Patch(color=AT_OR_ABOVE, label=labels.above_key),
        Line2D([], [], marker="D", linestyle="", color="#222222", markersize=5, label=labels.average_key),
        Patch(color=BELOW, label=labels.below_key),
    ]
    axes.legend(
        handles=key,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=2,
        frameon=False,
        prop={"family": family, "size": SMALL_SIZE},
        handlelength=1.0,
        handletextpad=0.4,
        columnspacing=0.9,
        borderaxespad=0.1,
    )
    if labels.more_reps:
        axes.set_xlabel(labels.more_reps, fontfamily=family, fontsize=SMALL_SIZE, color=MUTED, loc="left")


def _revenue_panel(axes: Any, data: ChartData, labels: Labels, family: list[str]) -> None:
    """Bars per day with the period's own days in a darker blue; a single day's amount is written
    above its bar."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    axes.set_title(labels.revenue_title, fontfamily=family, fontsize=TITLE_SIZE, loc="left")
    _plain(axes)
    amounts = [float(amount) for amount in data.revenue]
    positions = list(range(len(amounts)))
    earlier = max(len(amounts) - data.period_days, 0)
    colours = [REVENUE_COLOUR] * earlier + [LAST_DAY_COLOUR] * (len(amounts) - earlier)
    axes.bar(positions, amounts, color=colours, width=0.72)
    shown_days = [index for index in positions if (len(positions) - 1 - index) % 2 == 0]
    axes.set_xticks(
        shown_days, [labels.days[index] for index in shown_days], fontfamily=family, fontsize=SMALL_SIZE
    )
    axes.tick_params(axis="x", colors=MUTED, length=0)
    if not any(amounts):
        axes.set_yticks([])
        _empty(axes, labels.no_revenue, family)
        return
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10]))
    axes.yaxis.set_major_formatter(
        FuncFormatter(lambda value, _: short_money(value, labels.currency, labels.locale))
    )
    axes.tick_params(axis="y", labelsize=SMALL_SIZE, colors=MUTED, labelfontfamily=family)
    axes.grid(axis="y", alpha=0.25)
    top = max(amounts)
    axes.set_ylim(0, top * 1.22)
    if data.period_days == 1 and amounts[-1]:
        axes.text(
            positions[-1],
            amounts[-1] + top * 0.03,
            short_money(amounts[-1], labels.currency, labels.locale),
            ha="right",
            va="bottom",
            fontsize=SMALL_SIZE,
            color=LAST_DAY_COLOUR,
            fontfamily=family,
        )


def _plain(axes: Any) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _empty(axes: Any, text: str, family: list[str]) -> None:
    axes.set_xticks([])
    axes.set_yticks([])
    axes.text(
        0.5,
        0.5,
        text,
        ha="center",
        va="center",
        transform=axes.transAxes,
        fontfamily=family,
        fontsize=TEXT_SIZE,
        color=MUTED,
    )
