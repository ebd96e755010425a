"""/invite and /invites: single-use deep links that bring managers and reps into a team."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.roles import Role, roles_invitable_by
from bot.domain.text import join_list
from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.runtime.context import CrmContext, Work
from bot.services import invites
from bot.services.errors import NotAllowed, NoTeam, NotFound
from bot.services.invites import NewInvite, OpenInvite
from handlers.common.refusals import COMMAND_REASONS
from handlers.common.texts import role_label
from handlers.team import callbacks, pushes

ROLE_WORDS: dict[str, Role] = {
    "manager": Role.MANAGER,
    "rep": Role.REP,
    "经理": Role.MANAGER,
    "销售": Role.REP,
    "销售代表": Role.REP,
}


async def invite(update: Update, context: CrmContext) -> None:
    """`/invite rep` answers with a link at once; bare `/invite` offers the roles as buttons."""
    assert update.message is not None
    t = context.t
    choices = roles_invitable_by(context.me.effective_role)
    if context.me.team_id is None:
        await update.message.reply_text(no_team_text(t))
        return
    if not context.args:
        buttons = [
            [InlineKeyboardButton(role_label(r, t), callback_data=callbacks.INVITE_ROLE.data(role=r))]
            for r in choices
        ]
        await update.message.reply_text(
            t.gettext("Whom would you like to invite?"), reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    role = ROLE_WORDS.get(context.args[0].lower())
    if role is None or role not in choices:
        names = join_list((f"/invite {r.value}" for r in choices), t.locale)
        you_can = t.gettext("You can invite with: {commands}").format(commands=names)
        await update.message.reply_text(you_can if role is None else f"{invite_rule(t)}\n{you_can}")
        return
    await _send_invite(update, context, role)


async def invite_role_chosen(update: Update, context: CrmContext) -> None:
    query = update.callback_query
    assert query is not None
    offered = {r.value: r for r in roles_invitable_by(context.me.effective_role)}
    role = offered.get(callbacks.INVITE_ROLE.parse(query.data)["role"])
    if role is None:
        # Only a role this viewer was offered as a button; anything else is a stale or crafted press.
        await query.answer(context.t.gettext("This button is no longer active."))
        return
    await query.answer()
    await _send_invite(update, context, role)


async def _send_invite(update: Update, context: CrmContext, role: Role) -> None:
    assert update.effective_message is not None
    t = context.t
    try:
        async with context.work() as work:
            created = await invites.create_invite(
                work.session,
                inviter=work.viewer,
                role=role,
                ttl=context.settings.invite_ttl(),
                now=work.now,
            )
    except NoTeam:
        await update.effective_message.reply_text(no_team_text(t))
        return
    except NotAllowed:
        await update.effective_message.reply_text(invite_rule(t))
        return
    link = f"https://t.me/{context.bot.username}?start={invites.PAYLOAD_PREFIX}{created.token}"
    share = f"https://t.me/share/url?url={quote(link, safe='')}"
    await update.effective_message.reply_text(
        invite_text(created, link, t),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(t.gettext("Share the link"), url=share)]]),
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )


def invite_text(created: NewInvite, link: str, t: Translator) -> str:
    return t.gettext(
        "Invite link for a new {role} of {team}:\n\n{link}\n\n"
        "It works once and expires on {date}. Send it only to the person you are inviting."
    ).format(
        role=role_label(created.role, t), team=created.team_name, link=link, date=t.day(created.expires_at)
    )


def invite_rule(t: Translator) -> str:
    """Who may invite whom, said when someone asks for an invite their role cannot make."""
    return t.gettext(COMMAND_REASONS["invite"])


def no_team_text(t: Translator) -> str:
    return t.gettext("You are not part of a team yet. Admins create one with /newteam.")


async def list_invites(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    async with context.work() as work:
        pending = await _open_invites(work)
    text, markup = _invites_screen(context.t, context.me, pending)
    await update.message.reply_text(text, reply_markup=markup)


async def revoke(update: Update, context: CrmContext) -> None:
    """Withdraw an invite, then show the list as it is now (one transaction for both)."""
    query = update.callback_query
    assert query is not None
    t = context.t
    invite_id = callbacks.REVOKE_INVITE.parse(query.data)["invite_id"]
    async with context.work() as work:
        try:
            role: Role | None = await invites.revoke_invite(
                work.session, viewer=work.viewer, invite_id=invite_id, now=work.now
            )
        except (NotFound, NotAllowed):
            role = None
        pending = await _open_invites(work)
    if role is None:
        await query.answer(t.gettext("That invite is no longer open."), show_alert=True)
    else:
        await query.answer(t.gettext("Invite for a {role} withdrawn.").format(role=role_label(role, t)))
    text, markup = _invites_screen(t, context.me, pending)
    await query.edit_message_text(text, reply_markup=markup)


async def _open_invites(work: Work) -> Sequence[OpenInvite] | None:
    """The open invites of the viewer's team; None when they have no team."""
    try:
        return await invites.open_invites(work.session, viewer=work.viewer, now=work.now)
    except NoTeam:
        return None


def _invites_screen(
    t: Translator, viewer: Viewer, pending: Sequence[OpenInvite] | None
) -> tuple[str, InlineKeyboardMarkup | None]:
    if pending is None:
        return no_team_text(t), None
    if not pending:
        return t.gettext("There are no open invite links. Create one with /invite."), None
    lines = [t.gettext("Invite links not used yet:")]
    buttons = []
    for number, item in enumerate(pending, start=1):
        lines.append(
            t.gettext("{number}. {role}, created by {name}, expires {date}").format(
                number=number,
                role=role_label(item.role, t),
                name=item.created_by,
                date=t.day(item.expires_at),
            )
        )
        if viewer.may_invite(item.role):
            label = t.gettext("Withdraw {number}").format(number=number)
            buttons.append(
                InlineKeyboardButton(label, callback_data=callbacks.REVOKE_INVITE.data(invite_id=item.id))
            )
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("invite", invite))
    application.add_handler(CommandHandler("invites", list_invites))
    application.add_handler(CallbackQueryHandler(invite_role_chosen, pattern=callbacks.INVITE_ROLE))
    application.add_handler(CallbackQueryHandler(revoke, pattern=callbacks.REVOKE_INVITE))
    pushes.register(application)
