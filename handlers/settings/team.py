"""/settings for admins and managers: the team's tunables on one screen, a button to change each.

A press asks for one typed value with an example; what cannot be read is explained and asked
again, and a saved value shows the whole screen again so the effect is visible at once.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.team_settings import Field, Invalid
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import team_settings
from bot.services.errors import NoTeam, ServiceError
from bot.services.team_settings import TeamSettings
from handlers.common import dialogs
from handlers.common.refusals import Refusals
from handlers.settings import callbacks
from handlers.team.zones import city_with_offset

TYPING = 0
TIMEOUT_SECONDS = 10 * 60
MAX_TYPED = 200

LABELS: dict[Field, str] = {
    Field.TIMEZONE: N_("Time zone"),
    Field.CURRENCY: N_("Currency"),
    Field.DIGEST_TIME: N_("Digest time"),
    Field.CADENCE: N_("How often to visit"),
    Field.SURVEY_DELAY: N_("When to ask for a rating"),
    Field.SURVEY_WINDOW: N_("Hours for rating questions"),
    Field.SLA: N_("Complaint response times"),
    Field.QUIET_HOURS: N_("Quiet hours"),
}
PROMPTS: dict[Field, str] = {
    Field.TIMEZONE: N_(
        "Send the team's time zone: a city (Shanghai, 上海, London), a zone name (Asia/Shanghai) "
        "or an offset (UTC+8)."
    ),
    Field.CURRENCY: N_("Send the currency of the team's orders as a code, e.g. CNY, USD or HKD."),
    Field.DIGEST_TIME: N_("Send the time of day for the daily digest, e.g. 18:00."),
    Field.CADENCE: N_(
        'Send the days between visits for one tier or several, e.g. "A 21" or "VIP 10, B 45" '
        "(tiers VIP, A, B, C; 1 to 365 days)."
    ),
    Field.SURVEY_DELAY: N_(
        "Send how long after a visit the customer is asked for a rating, e.g. 2h or 90 (minutes); "
        "at most 7 days."
    ),
    Field.SURVEY_WINDOW: N_("Send the hours in which customers may be asked for a rating, e.g. 09:00-21:00."),
    Field.SLA: N_(
        "Send a severity and two numbers of hours: how soon a complaint must get a first reply, and "
        'how soon it must be resolved, e.g. "urgent 1 24" (severities: low, normal, high, urgent).'
    ),
    Field.QUIET_HOURS: N_(
        'Send the hours in which no automatic pushes reach the team, e.g. 22:00-08:00, or "off". '
        "Reminders set for a time and tickets still arrive."
    ),
}


class SettingDraft(dialogs.Draft):
    """Which setting the next typed value is for."""

    KEY = "team_settings"
    field: Field | None = None


SEVERITY_NAMES = {
    "low": N_("low"),
    "normal": N_("normal"),
    "high": N_("high"),
    "urgent": N_("urgent"),
}


def render(t: Translator, view: TeamSettings) -> str:
    survey, quiet = view.survey, view.quiet_hours
    cadence = " · ".join(f"{tier} {days}" for tier, days in view.cadence.items())
    sla = " · ".join(
        f"{t.gettext(SEVERITY_NAMES[level])} {int(s.response.total_seconds() // 3600)}/"
        f"{int(s.resolve.total_seconds() // 3600)}"
        for level, s in view.sla.items()
    )
    lines = [
        t.gettext("⚙️ Settings of {team}").format(team=view.team),
        t.gettext("Time zone: {zone}").format(zone=city_with_offset(t, view.timezone)),
        t.gettext("Currency: {currency}").format(currency=view.currency),
        t.gettext("Daily digest at {time}").format(time=view.digest_time.strftime("%H:%M")),
        t.gettext("Days between visits, by tier: {table}").format(table=cadence),
        t.gettext("Rating question: {delay} after a visit, between {start} and {end}").format(
            delay=t.duration(survey.delay),
            start=survey.start.strftime("%H:%M"),
            end=survey.end.strftime("%H:%M"),
        ),
        t.gettext("Hours allowed for a complaint's first reply / resolution: {table}").format(table=sla),
        t.gettext("Quiet hours: {start}–{end}").format(
            start=quiet.start.strftime("%H:%M"), end=quiet.end.strftime("%H:%M")
        )
        if quiet is not None
        else t.gettext("Quiet hours: off"),
    ]
    return "\n".join(lines)


def keyboard(t: Translator) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(t.gettext(LABELS[f]), callback_data=callbacks.CHANGE_SETTING.data(field=f))
        for f in Field
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


refusal = Refusals(
    (NoTeam, N_("Settings belong to a team: create or join one first.")),
    otherwise=N_("Only a manager or an admin can change the team's settings."),
)


async def show(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    t = context.t
    dialogs.forget(context, SettingDraft.KEY)
    try:
        async with context.work() as work:
            view = await team_settings.current(work.session, viewer=work.viewer)
    except ServiceError as error:
        await update.message.reply_text(refusal(t, error))
        return ConversationHandler.END
    await update.message.reply_text(render(t, view), reply_markup=keyboard(t))
    return ConversationHandler.END


async def pick(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    t = context.t
    field = Field(callbacks.CHANGE_SETTING.parse(query.data)["field"])
    await query.answer()
    dialogs.keep(context, SettingDraft(field=field))
    assert update.effective_chat is not None
    await context.bot.send_message(
        update.effective_chat.id, t.gettext(PROMPTS[field]) + "\n" + t.gettext("Or send /cancel.")
    )
    return TYPING


async def typed(update: Update, context: CrmContext) -> int | None:
    message = update.message
    assert message is not None
    assert message.text is not None
    t = context.t
    field = dialogs.load(context, SettingDraft).field
    if field is None:
        dialogs.forget(context, SettingDraft.KEY)
        await message.reply_text(t.gettext("This change was put aside. Send /settings to start again."))
        return ConversationHandler.END
    text = message.text.strip()
    try:
        if len(text) > MAX_TYPED:
            raise Invalid(field)
        async with context.work() as work:
            view = await team_settings.change(
                work.session, viewer=work.viewer, field=field, text=text, now=work.now
            )
    except Invalid:
        await message.reply_text(
            t.gettext("Sorry, I can't use “{text}” here.").format(text=text[:40])
            + "\n"
            + t.gettext(PROMPTS[field])
            + "\n"
            + t.gettext("Or send /cancel.")
        )
        return None
    except ServiceError as error:
        dialogs.forget(context, SettingDraft.KEY)
        await message.reply_text(refusal(t, error))
        return ConversationHandler.END
    dialogs.forget(context, SettingDraft.KEY)
    await message.reply_text(t.gettext("✅ Saved.") + "\n\n" + render(t, view), reply_markup=keyboard(t))
    return ConversationHandler.END


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(
        dialogs.conversation(
            "team_settings",
            entry_points=[
                CommandHandler("settings", show),
                CallbackQueryHandler(pick, pattern=callbacks.CHANGE_SETTING),
            ],
            states={TYPING: [MessageHandler(filters.TEXT & ~filters.COMMAND, typed)]},
            cancel=dialogs.canceller(N_("Nothing was changed."), SettingDraft.KEY),
            timed_out=dialogs.timeout_note(
                lambda t: t.gettext("Your unfinished change of the settings was put aside."), SettingDraft.KEY
            ),
            timeout=TIMEOUT_SECONDS,
        )
    )
