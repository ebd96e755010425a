"""/newteam, a short guided dialog (name, time zone, confirm), and /team, the team at a glance."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import MessageLimit
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.teams import MAX_TEAM_NAME, NameProblem, check_team_name
from bot.domain.timezones import COMMON_ZONES, parse_timezone, utc_offset_label
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import teams
from bot.services.errors import NotAllowed, NoTeam
from handlers.common import dialogs
from handlers.team import callbacks, members
from handlers.team.invites import no_team_text
from handlers.team.zones import city_with_offset

NAME, TIMEZONE, CONFIRM = range(3)


class NewTeamDraft(dialogs.Draft):
    """/newteam's answers so far: the name, then the time zone."""

    KEY = "new_team"
    name: str = ""
    timezone: str = ""


async def new_team(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    await update.message.reply_text(
        context.t.gettext(
            "Let's create a team. What is its name? (for example: East China Sales)\n\n/cancel stops."
        )
    )
    return NAME


async def team_name(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert update.message.text is not None
    t = context.t
    name, problem = check_team_name(update.message.text)
    if problem is NameProblem.TOO_LONG:
        await update.message.reply_text(
            t.gettext("That name is too long: at most {limit} characters, please.").format(
                limit=MAX_TEAM_NAME
            )
        )
        return NAME
    if problem is not None:
        await update.message.reply_text(t.gettext("Please send the team name as one line of text."))
        return NAME
    dialogs.keep(context, NewTeamDraft(name=name))
    await update.message.reply_text(
        t.gettext(
            "Which time zone does {team} work in? Pick one, or type a city or an offset such as UTC+8."
        ).format(team=name),
        reply_markup=zone_keyboard(t, context.now()),
    )
    return TIMEZONE


not_a_name = dialogs.nudge(N_("Please send the team name as one line of text."), NAME)


async def zone_picked(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    zone = callbacks.TEAM_ZONE.parse(query.data)["zone"]
    await query.answer()
    return await _confirm(update, context, zone)


async def zone_typed(update: Update, context: CrmContext) -> int:
    assert update.message is not None
    assert update.message.text is not None
    zone = parse_timezone(update.message.text)
    if zone is None:
        await update.message.reply_text(
            context.t.gettext(
                'I don\'t know the time zone "{text}". Try a city (Shanghai, 上海, London), '
                "a zone name (Asia/Shanghai) or an offset (UTC+8)."
            ).format(text=update.message.text[:64]),
            reply_markup=zone_keyboard(context.t, context.now()),
        )
        return TIMEZONE
    return await _confirm(update, context, zone)


async def _confirm(update: Update, context: CrmContext, zone: str) -> int:
    assert update.effective_message is not None
    t = context.t
    draft = dialogs.load(context, NewTeamDraft)
    if not draft.name:
        await update.effective_message.reply_text(t.gettext("Let's start again: /newteam"))
        return ConversationHandler.END
    draft.timezone = zone
    dialogs.keep(context, draft)
    await update.effective_message.reply_text(
        t.gettext("Create team {team}? Time zone: {zone}").format(
            team=draft.name, zone=city_with_offset(t, zone)
        ),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t.gettext("Create"), callback_data=callbacks.CREATE_TEAM.data()),
                    InlineKeyboardButton(t.gettext("Cancel"), callback_data=callbacks.CANCEL_TEAM.data()),
                ]
            ]
        ),
    )
    return CONFIRM


async def confirmed(update: Update, context: CrmContext) -> int:
    query = update.callback_query
    assert query is not None
    t = context.t
    draft = dialogs.load(context, NewTeamDraft)
    dialogs.forget(context, NewTeamDraft.KEY)
    if not draft.name or not draft.timezone:
        await query.answer(t.gettext("This button is no longer active."))
        return ConversationHandler.END
    async with context.work() as work:
        team = await teams.create_team(
            work.session, admin=work.viewer, name=draft.name, timezone=draft.timezone, now=work.now
        )
    await query.answer()
    await query.edit_message_text(
        t.gettext("Team {team} is ready. Next, invite its managers: /invite manager").format(team=team.name)
    )
    return ConversationHandler.END


cancelled = dialogs.canceller(N_("Cancelled. Nothing was created."), NewTeamDraft.KEY)
waiting_for_button = dialogs.nudge(N_("Please press Create or Cancel above, or send /cancel."), CONFIRM)


def zone_keyboard(t: Translator, now: datetime) -> InlineKeyboardMarkup:
    """The common zones with their offset at `now`."""
    buttons = [
        InlineKeyboardButton(
            f"{t.timezone_name(zone)} {utc_offset_label(zone, now=now)}",
            callback_data=callbacks.TEAM_ZONE.data(zone=zone),
        )
        for zone in COMMON_ZONES
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


async def show_team(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            view = await teams.overview(work.session, viewer=work.viewer, now=work.now)
    except (NoTeam, NotAllowed):
        await update.message.reply_text(no_team_text(t))
        return
    lines = [
        t.gettext("Team {team} · {zone}").format(
            team=view.team.name, zone=city_with_offset(t, view.team.timezone)
        ),
        "",
    ]
    budget = MessageLimit.MAX_TEXT_LENGTH - 300
    shown = 0
    for member in view.members:
        line = members.member_line(t, asdict(member))
        budget -= len(line) + 1
        if budget < 0:
            break
        lines.append(line)
        shown += 1
    hidden = len(view.members) - shown
    if hidden > 0:
        lines.append(t.ngettext("… and {n} more", "… and {n} more", hidden).format(n=hidden))
    if view.open_invites:
        lines.append("")
        lines.append(
            t.ngettext(
                "{n} invite link is still open: /invites",
                "{n} invite links are still open: /invites",
                view.open_invites,
            ).format(n=view.open_invites)
        )
    await update.message.reply_text(
        "\n".join(lines), reply_markup=members.opener(t, len(view.members)) if hidden > 0 else None
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    text = filters.TEXT & ~filters.COMMAND
    application.add_handler(
        dialogs.conversation(
            "new_team",
            entry_points=[CommandHandler("newteam", new_team)],
            states={
                NAME: [MessageHandler(text, team_name), MessageHandler(~filters.COMMAND, not_a_name)],
                TIMEZONE: [
                    CallbackQueryHandler(zone_picked, pattern=callbacks.TEAM_ZONE),
                    MessageHandler(text, zone_typed),
                ],
                CONFIRM: [
                    CallbackQueryHandler(confirmed, pattern=callbacks.CREATE_TEAM),
                    CallbackQueryHandler(cancelled, pattern=callbacks.CANCEL_TEAM),
                    MessageHandler(~filters.COMMAND, waiting_for_button),
                ],
            },
            cancel=cancelled,
            allow_reentry=False,
        )
    )
    application.add_handler(CommandHandler("team", show_team))
