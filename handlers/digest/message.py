"""The digest put into words for one manager: short lines, exceptions first, empty sections left out.

Numbers, money, percentages and dates are formatted with Babel in the reader's locale; the day a
daily digest covers is named in the team's time zone, whose days the figures are counted in: "today so
far (until 12:33)" while it is under way, "yesterday" or its date once it is over, never "today" for a
day that is not. Shared by the scheduled push (pushes.py) and /digest, so both read the same.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from html import escape
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.digest import Kind, change, nps
from bot.domain.text import clip
from bot.i18n import Translator
from bot.present.charts import MAX_REPS, ChartData, Labels, RepBar
from bot.services.digest import Digest, Drill
from handlers.digest.callbacks import DIGEST_NOW_LISTS, DIGEST_PERIOD_LISTS

SHOWN_REPS = 8
NAME_LIMIT = 30


def _delta(t: Translator, ratio: Decimal | None) -> str:
    """▲ 25% / ▼ 20% / ＝, or nothing when there is nothing to compare with."""
    if ratio is None:
        return ""
    if ratio == 0:
        return "＝"
    arrow = "▲" if ratio > 0 else "▼"
    return f"{arrow} {format_percent(abs(ratio), locale=t.locale)}"


def _average(t: Translator, value: Decimal) -> str:
    return str(format_decimal(value, format="#,##0.#", locale=t.locale))


def _joined(line: str, delta: str) -> str:
    return f"{line} {delta}" if delta else line


class When(Enum):
    """How a daily digest names its day, seen from the moment it is read."""

    TODAY_SO_FAR = "today so far"
    EARLIER_SO_FAR = "a past day, up to a time"
    YESTERDAY = "yesterday"
    PAST_DAY = "a past day"


@dataclass(frozen=True, slots=True)
class Day:
    """A daily digest's day as words: its date, and the time its figures stop at while it is under way."""

    when: When
    date: str
    until: str


def _day(t: Translator, digest: Digest) -> Day:
    """Today only when it is today where the team counts its days, and then only so far."""
    local = replace(t, tz=ZoneInfo(digest.team.timezone))
    first, until = digest.period.first, digest.until
    today = local.today()
    if until is not None:
        when = When.TODAY_SO_FAR if first == today else When.EARLIER_SO_FAR
    else:
        when = When.YESTERDAY if first == today - timedelta(days=1) else When.PAST_DAY
    return Day(when, local.day(first, weekday=True), _clock(local, until))


def _clock(local: Translator, until: datetime | None) -> str:
    return local.time(until) if until is not None else ""


def _title(t: Translator, digest: Digest) -> str:
    team = escape(digest.team.name)
    period = digest.period
    if period.kind is Kind.WEEKLY:
        dates = t.days(period.first, period.last)
        return t.gettext("📊 Weekly digest · {team} · {dates}").format(team=team, dates=dates)
    day = _day(t, digest)
    title = {
        When.TODAY_SO_FAR: t.gettext("📊 Daily digest · {team} · {date} · today so far (until {time})"),
        When.EARLIER_SO_FAR: t.gettext("📊 Daily digest · {team} · {date} (until {time})"),
        When.YESTERDAY: t.gettext("📊 Daily digest · {team} · yesterday, {date}"),
        When.PAST_DAY: t.gettext("📊 Daily digest · {team} · {date}"),
    }[day.when]
    return title.format(team=team, date=day.date, time=day.until)


def _exceptions(t: Translator, digest: Digest) -> list[str]:
    e = digest.exceptions
    found = [
        (
            e.new_high_risk,
            t.ngettext("• {n} new high-risk customer", "• {n} new high-risk customers", e.new_high_risk),
        ),
        (e.overdue_tickets, t.ngettext("• {n} overdue ticket", "• {n} overdue tickets", e.overdue_tickets)),
        (
            e.overdue_follow_ups,
            t.ngettext("• {n} overdue follow-up", "• {n} overdue follow-ups", e.overdue_follow_ups),
        ),
    ]
    lines = [line.format(n=t.number(n)) for n, line in found if n]
    return [t.gettext("⚠️ Needs attention"), *lines] if lines else []


def _visits(t: Translator, digest: Digest) -> list[str]:
    periods = digest.period.baseline_periods
    total = sum(rep.visits for rep in digest.reps)
    baseline = Decimal(sum(rep.baseline for rep in digest.reps)) / periods
    if not total and not baseline:
        return []
    lines = [_joined(_visits_head(t, digest, total, baseline), _delta(t, change(total, baseline)))]
    active = digest.active_reps
    for rep in active[:SHOWN_REPS]:
        lines.append(rep_line(t, rep.name, rep.visits, Decimal(rep.baseline) / periods))
    hidden = len(active) - SHOWN_REPS
    if hidden > 0:
        lines.append(t.ngettext("+{n} more", "+{n} more", hidden).format(n=hidden))
    return lines


def rep_line(t: Translator, name: str, visits: int, average: Decimal) -> str:
    """• Rita Wang: 2 (average 0.5) ▲ 331%: a rep's visits against their own average, as the digest
    and its list of all reps show them."""
    line = t.gettext("• {rep}: {count} (average {average})").format(
        rep=escape(clip(name, NAME_LIMIT)), count=t.number(visits), average=_average(t, average)
    )
    return _joined(line, _delta(t, change(visits, average)))


def _visits_head(t: Translator, digest: Digest, total: int, baseline: Decimal) -> str:
    """The visits figure and its average; a day under way is averaged over the same hours of the four
    weeks before it."""
    count, average = t.number(total), _average(t, baseline)
    if digest.period.kind is Kind.WEEKLY:
        head = t.gettext("🚗 Visits in the week: {count} (4-week average {average})")
        return head.format(count=count, average=average)
    day = _day(t, digest)
    head = {
        When.TODAY_SO_FAR: t.gettext("🚗 Visits today so far: {count} (4-week average by {time}: {average})"),
        When.EARLIER_SO_FAR: t.gettext(
            "🚗 Visits on {date} until {time}: {count} (4-week average by {time}: {average})"
        ),
        When.YESTERDAY: t.gettext("🚗 Visits yesterday: {count} (4-week average {average})"),
        When.PAST_DAY: t.gettext("🚗 Visits on {date}: {count} (4-week average {average})"),
    }[day.when]
    return head.format(count=count, average=average, date=day.date, time=day.until)


def _sales(t: Translator, digest: Digest) -> list[str]:
    s = digest.sales
    if not s.orders and not s.previous_orders:
        return []
    line = t.ngettext("💰 {n} order · {revenue}", "💰 {n} orders · {revenue}", s.orders).format(
        n=t.number(s.orders), revenue=t.total(s.revenue, digest.team.currency)
    )
    delta = _delta(t, change(s.revenue, s.previous_revenue))
    if not delta:
        return [line]
    if digest.until is not None:
        compared = t.gettext("{figures} {delta} vs the same hours last week")
    else:
        compared = t.gettext("{figures} {delta} vs last week")
    return [compared.format(figures=line, delta=delta)]


def _satisfaction(t: Translator, digest: Digest) -> list[str]:
    s = digest.satisfaction
    parts = []
    if s.csat_answers:
        average = Decimal(s.csat_total) / s.csat_answers
        parts.append(
            t.ngettext(
                "⭐ CSAT {score} ({n} answer)", "⭐ CSAT {score} ({n} answers)", s.csat_answers
            ).format(score=_average(t, average), n=t.number(s.csat_answers))
        )
    score = nps(s.promoters, s.detractors, s.nps_answers)
    if score is not None:
        parts.append(
            t.ngettext("📣 NPS {score} ({n} answer)", "📣 NPS {score} ({n} answers)", s.nps_answers).format(
                score=f"{score:+d}" if score else "0", n=t.number(s.nps_answers)
            )
        )
    return [" · ".join(parts)] if parts else []


def text(t: Translator, digest: Digest) -> str:
    """The digest message: the title, then only the sections with something to say."""
    sections = [
        _exceptions(t, digest),
        _visits(t, digest),
        _new_customers(t, digest),
        _sales(t, digest),
        _satisfaction(t, digest),
        _open_tickets(t, digest),
    ]
    blocks = ["\n".join(lines) for lines in sections if lines]
    if not blocks:
        blocks = [_quiet(t, digest)]
    return "\n\n".join([_title(t, digest), *blocks])


def _quiet(t: Translator, digest: Digest) -> str:
    if digest.period.kind is Kind.WEEKLY:
        return t.gettext("✅ A quiet week: no visits, orders, feedback or open issues.")
    day = _day(t, digest)
    if day.when is When.TODAY_SO_FAR:
        quiet = t.gettext("✅ All quiet today so far: no visits, orders, feedback or open issues.")
    elif day.when is When.YESTERDAY:
        quiet = t.gettext("✅ All quiet yesterday: no visits, orders, feedback or open issues.")
    else:
        quiet = t.gettext("✅ All quiet on {date}: no visits, orders, feedback or open issues.")
    return quiet.format(date=day.date)


def _new_customers(t: Translator, digest: Digest) -> list[str]:
    n = digest.new_customers
    return [t.ngettext("👤 {n} new customer", "👤 {n} new customers", n).format(n=t.number(n))] if n else []


def _open_tickets(t: Translator, digest: Digest) -> list[str]:
    n = digest.exceptions.open_tickets
    return [t.ngettext("🎫 {n} open ticket", "🎫 {n} open tickets", n).format(n=t.number(n))] if n else []


def keyboard(t: Translator, digest: Digest) -> InlineKeyboardMarkup | None:
    """One button per list worth opening, two to a row."""
    e, period = digest.exceptions, digest.period

    def over_period(what: Drill) -> str:
        return DIGEST_PERIOD_LISTS[what].data(period=period.kind, first=period.first)

    candidates = [
        (e.new_high_risk, t.gettext("🔥 High risk ({n})"), over_period(Drill.RISK)),
        (e.overdue_tickets, t.gettext("🎫 Overdue tickets ({n})"), DIGEST_NOW_LISTS[Drill.TICKETS].data()),
        (
            e.overdue_follow_ups,
            t.gettext("⏰ Overdue follow-ups ({n})"),
            DIGEST_NOW_LISTS[Drill.FOLLOW_UPS].data(),
        ),
        (sum(r.visits for r in digest.reps), t.gettext("🚗 Visits ({n})"), over_period(Drill.VISITS)),
        (_cut_reps(digest), t.gettext("👥 All reps ({n})"), over_period(Drill.REPS)),
        (digest.new_customers, t.gettext("👤 New customers ({n})"), over_period(Drill.NEW)),
        (digest.sales.orders, t.gettext("💰 Orders ({n})"), over_period(Drill.ORDERS)),
    ]
    buttons = [
        InlineKeyboardButton(label.format(n=t.number(n)), callback_data=data)
        for n, label, data in candidates
        if n
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


def _cut_reps(digest: Digest) -> int:
    """How many reps the rep list has when the message shows only some of them, else 0."""
    active = len(digest.active_reps)
    return active if active > SHOWN_REPS else 0


def render(t: Translator, digest: Digest) -> tuple[str, InlineKeyboardMarkup | None]:
    return text(t, digest), keyboard(t, digest)


def chart_labels(t: Translator, digest: Digest) -> Labels:
    """The chart's words for this reader; its visits panel names the digest's day as the text does."""
    period, hidden = digest.period, len(digest.active_reps) - MAX_REPS
    if period.kind is Kind.WEEKLY:
        date = t.days(period.first, period.last)
        visits_title = t.gettext("Visits in the week, by rep")
        average_key = t.gettext("4-week weekly average")
    else:
        day = _day(t, digest)
        date = day.date
        visits_title = {
            When.TODAY_SO_FAR: t.gettext("Visits today so far, by rep"),
            When.EARLIER_SO_FAR: t.gettext("Visits until {time}, by rep"),
            When.YESTERDAY: t.gettext("Visits yesterday, by rep"),
            When.PAST_DAY: t.gettext("Visits on the day, by rep"),
        }[day.when].format(time=day.until)
        average_key = (
            t.gettext("4-week average by {time}").format(time=day.until)
            if day.until
            else t.gettext("4-week daily average")
        )
    return Labels(
        title=t.gettext("{team} · {date}").format(team=digest.team.name, date=date),
        visits_title=visits_title,
        above_key=t.gettext("at or above average"),
        below_key=t.gettext("below average"),
        average_key=average_key,
        more_reps=t.ngettext("+{n} more rep", "+{n} more reps", hidden).format(n=t.number(hidden))
        if hidden > 0
        else "",
        no_visits=t.gettext("No visits, and none in the 4 weeks before"),
        revenue_title=t.gettext("Revenue per day, last 14 days"),
        no_revenue=t.gettext("No orders in these 14 days"),
        days=[str(format_skeleton("MMMd", shown, locale=t.locale)) for shown in digest.chart_days],
        locale=t.locale,
        currency=digest.team.currency,
    )


def chart_data(digest: Digest) -> ChartData:
    periods = digest.period.baseline_periods
    ranked = sorted(digest.active_reps, key=lambda rep: (-rep.visits, -rep.baseline))
    return ChartData(
        reps=[RepBar(rep.name, rep.visits, Decimal(rep.baseline) / periods) for rep in ranked[:MAX_REPS]],
        revenue=digest.chart_revenue,
        period_days=digest.period.days,
    )


def chart_file_name(t: Translator, digest: Digest) -> str:
    """The chart as the reader finds it in their downloads: "FieldCRM digest 2026-12-07.png"."""
    day = digest.period.first.isoformat()
    return t.gettext("FieldCRM digest {day}").format(day=day) + ".png"


def caption(t: Translator, digest: Digest) -> str:
    return t.gettext("📈 Each rep's visits against their own average, and revenue over 14 days")
