"""/team's members, one line each; when /team has to cut the list short, a button opens all of them,
twenty a page, with ◀/▶ in place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.domain.text import one_line
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext, Work
from bot.services import teams
from bot.services.errors import NotAllowed, NoTeam
from bot.services.paging import Page, page_of
from handlers.common.paging import Render, show_list, titled, turns
from handlers.common.texts import role_label
from handlers.team.callbacks import TEAM_MEMBERS, TEAM_MEMBERS_PAGE

PER_PAGE = 20
NAME_LIMIT = 60


def member_line(t: Translator, member: Mapping[str, Any]) -> str:
    handle = f" @{member['username']}" if member["username"] else ""
    status = "" if member["is_active"] else " " + t.gettext("(access switched off)")
    return f"• {one_line(member['name'], NAME_LIMIT)}{handle} — {role_label(member['role'], t)}{status}"


def opener(t: Translator, total: int) -> InlineKeyboardMarkup:
    """The button under /team when its list was cut short."""
    label = t.ngettext("👥 All {n} member", "👥 All {n} members", total).format(n=t.number(total))
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=TEAM_MEMBERS.data())]])


def text(t: Translator, page: Page) -> str:
    title = t.ngettext("👥 {n} team member", "👥 {n} team members", page.total).format(n=t.number(page.total))
    return "\n".join([titled(t, title, page), *(member_line(t, row) for row in page.rows)])


def keyboard(t: Translator, page: Page) -> InlineKeyboardMarkup | None:
    row = turns(t, page, lambda number: TEAM_MEMBERS_PAGE.data(page=number))
    return InlineKeyboardMarkup([row]) if row else None


async def open_members(update: Update, context: CrmContext) -> None:
    """The button under /team: the first page, as a new message."""
    await _show(update, context, page=0, fresh=True)


async def turn_page(update: Update, context: CrmContext) -> None:
    """◀/▶ under the list: another page of it, in place."""
    assert update.callback_query is not None
    page = TEAM_MEMBERS_PAGE.parse(update.callback_query.data)["page"]
    await _show(update, context, page=page, fresh=False)


async def _show(update: Update, context: CrmContext, *, page: int, fresh: bool) -> None:
    t = context.t

    async def load(work: Work) -> tuple[Page, Render]:
        view = await teams.overview(work.session, viewer=work.viewer, now=work.now)
        shown = page_of([asdict(member) for member in view.members], page=page, per_page=PER_PAGE)
        return shown, lambda page: (text(t, page), keyboard(t, page))

    await show_list(
        update,
        context,
        load,
        fresh=fresh,
        out_of_date=N_("This button is out of date."),
        refused=(NoTeam, NotAllowed),
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(open_members, pattern=TEAM_MEMBERS))
    application.add_handler(CallbackQueryHandler(turn_page, pattern=TEAM_MEMBERS_PAGE))
