"""/digest for managers, and the drill-down buttons listing what is behind a figure, page by page."""

from __future__ import annotations

import asyncio
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.digest import Period
from bot.i18n import N_
from bot.present.charts import render_png
from bot.runtime.context import CrmContext, Work
from bot.services import digest
from bot.services.digest import PERIOD_DRILLS, Drill
from bot.services.errors import NotAllowed, NoTeam
from bot.services.paging import Page
from handlers.common.paging import Render, show_list
from handlers.common.refusals import Refusals
from handlers.digest import callbacks, lists, message, pushes

PER_PAGE = 10

_refusal = Refusals(
    (NoTeam, N_("The digest is for a team: join or create one first.")),
    otherwise=N_("The digest is for managers."),
)


async def show_digest(update: Update, context: CrmContext) -> None:
    """Today's digest so far, then its chart."""
    assert update.message is not None
    t = context.t
    try:
        async with context.work() as work:
            found = await digest.for_viewer(work.session, viewer=work.viewer, now=work.now)
    except (NoTeam, NotAllowed) as error:
        await update.message.reply_text(_refusal(t, error))
        return
    text, keyboard = message.render(t, found)
    await update.message.reply_text(text, reply_markup=keyboard, parse_mode=ParseMode.HTML)
    png = await asyncio.to_thread(render_png, message.chart_data(found), message.chart_labels(t, found))
    await update.message.reply_photo(
        png, caption=message.caption(t, found), filename=message.chart_file_name(t, found)
    )


async def open_list(what: Drill, update: Update, context: CrmContext) -> None:
    """A drill-down button under the digest: the first page of the list behind it (`what`, bound where
    the handler is registered), as a new message under the digest."""
    query = update.callback_query
    assert query is not None
    args = callbacks.DIGEST_PERIOD_LISTS[what].parse(query.data) if what in PERIOD_DRILLS else {}
    await _show(update, context, what, lists.period_of(what, args), page=0, fresh=True)


async def turn_page(what: Drill, update: Update, context: CrmContext) -> None:
    """◀/▶ under a list: another page of it, in place."""
    query = update.callback_query
    assert query is not None
    pages = callbacks.DIGEST_PERIOD_PAGES if what in PERIOD_DRILLS else callbacks.DIGEST_NOW_PAGES
    args = pages[what].parse(query.data)
    await _show(update, context, what, lists.period_of(what, args), page=args["page"], fresh=False)


async def _show(
    update: Update, context: CrmContext, what: Drill, period: Period | None, *, page: int, fresh: bool
) -> None:
    t = context.t

    async def load(work: Work) -> tuple[Page, Render]:
        shown = await digest.drill(
            work.session,
            viewer=work.viewer,
            what=what,
            period=period,
            now=work.now,
            page=page,
            per_page=PER_PAGE,
        )
        return shown, lambda page: (lists.text(t, what, page), lists.keyboard(t, what, period, page))

    await show_list(
        update,
        context,
        load,
        fresh=fresh,
        out_of_date=N_("This button is out of date. Send /digest for a fresh one."),
        refused=(NoTeam, NotAllowed),
        parse_mode=ParseMode.HTML,
    )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("digest", show_digest))
    openers = (*callbacks.DIGEST_PERIOD_LISTS.items(), *callbacks.DIGEST_NOW_LISTS.items())
    for what, button in openers:
        application.add_handler(CallbackQueryHandler(partial(open_list, what), pattern=button))
    turners = (*callbacks.DIGEST_PERIOD_PAGES.items(), *callbacks.DIGEST_NOW_PAGES.items())
    for what, button in turners:
        application.add_handler(CallbackQueryHandler(partial(turn_page, what), pattern=button))
    pushes.register(application)
