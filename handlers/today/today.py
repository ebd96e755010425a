"""/today: the day's follow-ups, birthdays, customers at risk and revisits, with buttons to act; a
section cut short has a button that opens all of it, page by page."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext, Work
from bot.services import today
from bot.services.errors import NoTeam
from bot.services.paging import Page
from bot.services.today import Agenda, Part, Section
from handlers.common.paging import Render, show_list
from handlers.team.invites import no_team_text
from handlers.today import sections
from handlers.today.callbacks import TODAY_PAGE, TODAY_SECTION
from handlers.today.items import Lines, customer_rows, heading

SHOWN_PER_SECTION = 5


def _sections(agenda: Agenda) -> list[tuple[Part, Section]]:
    return [
        (Part.OVERDUE, agenda.overdue),
        (Part.DUE_TODAY, agenda.due_today),
        (Part.BIRTHDAYS, agenda.birthdays),
        (Part.AT_RISK, agenda.at_risk),
        (Part.REVISITS, agenda.revisits),
    ]


def _text(t: Translator, agenda: Agenda, lines: Lines, shown: int) -> str:
    day = t.day(agenda.day, weekday=True)
    out = [t.gettext("📅 Today, {date}").format(date=day)]
    for part, section in _sections(agenda):
        if not section.total:
            continue
        line = lines.of(part)
        out += ["", heading(t, part, section.total)]
        out += ["• " + line(item) for item in section.items[:shown]]
        hidden = section.total - min(shown, len(section.items))
        if hidden > 0:
            out.append(t.ngettext("+{n} more", "+{n} more", hidden).format(n=hidden))
    return "\n".join(out)


def render(t: Translator, agenda: Agenda, *, by_owner: bool) -> tuple[str, InlineKeyboardMarkup | None]:
    """The agenda message and its buttons, always within Telegram's message length."""
    if agenda.is_empty:
        return (
            t.gettext(
                "Nothing is due today: no follow-ups, birthdays or customers at risk. "
                "A good day to visit someone new! ☀️"
            ),
            None,
        )
    lines = Lines(t, now=agenda.now, by_owner=by_owner)
    shown = SHOWN_PER_SECTION
    text = _text(t, agenda, lines, shown)
    while len(text) > MessageLimit.MAX_TEXT_LENGTH and shown > 1:
        shown -= 1
        text = _text(t, agenda, lines, shown)
    return text, _keyboard(t, agenda, shown)


def _keyboard(t: Translator, agenda: Agenda, shown: int) -> InlineKeyboardMarkup | None:
    """A card and a visit button per customer shown, then a button per section cut short."""
    rows = customer_rows(t, (item for _, section in _sections(agenda) for item in section.items[:shown]))
    openers = [
        sections.opener(t, part, section.total)
        for part, section in _sections(agenda)
        if section.total > min(shown, len(section.items))
    ]
    rows += [openers[i : i + 2] for i in range(0, len(openers), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


async def show_today(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            agenda = await today.today(work.session, viewer=work.viewer, now=work.now)
    except NoTeam:
        await update.message.reply_text(no_team_text(t))
        return
    text, keyboard = render(t, agenda, by_owner=work.viewer.effective_role is not Role.REP)
    await update.message.reply_text(text, reply_markup=keyboard)


async def open_section(update: Update, context: CrmContext) -> None:
    """A section's button under /today: its first page, as a new message under the agenda."""
    assert update.callback_query is not None
    args = TODAY_SECTION.parse(update.callback_query.data)
    await _show(update, context, Part(args["part"]), page=0, fresh=True)


async def turn_page(update: Update, context: CrmContext) -> None:
    """◀/▶ under a section's list: another page of it, in place."""
    assert update.callback_query is not None
    args = TODAY_PAGE.parse(update.callback_query.data)
    await _show(update, context, Part(args["part"]), page=args["page"], fresh=False)


async def _show(update: Update, context: CrmContext, part: Part, *, page: int, fresh: bool) -> None:
    t = context.t

    async def load(work: Work) -> tuple[Page, Render]:
        shown = await today.section_page(
            work.session, viewer=work.viewer, part=part, now=work.now, page=page, per_page=sections.PER_PAGE
        )
        lines = Lines(t, now=work.now, by_owner=work.viewer.effective_role is not Role.REP)
        return shown, lambda page: (sections.text(t, part, page, lines), sections.keyboard(t, part, page))

    await show_list(
        update,
        context,
        load,
        fresh=fresh,
        out_of_date=N_("This button is out of date. Send /today for a fresh one."),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("today", show_today))
    application.add_handler(CallbackQueryHandler(open_section, pattern=TODAY_SECTION))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=TODAY_PAGE))
