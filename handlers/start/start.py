"""/start (plain or with an invite deep link) and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import invites, linking, users
from bot.services.invites import Outcome, Redemption
from handlers.common import menu
from handlers.common.texts import deactivated_text, role_label, stranger_text
from handlers.customer import link as customer_link
from handlers.inline import lookup


async def start(update: Update, context: CrmContext) -> None:
    """Greet by role; open an invite link; make a listed admin an admin."""
    assert update.message is not None
    payload = context.args[0] if context.args else ""
    if payload.startswith(invites.PAYLOAD_PREFIX):
        await _redeem(update, context, payload)
        return
    if payload.startswith(linking.PAYLOAD_PREFIX):
        await customer_link.open_link(update, context, payload)
        return
    async with context.work() as work:
        promoted = await users.promote_listed_admin(
            work.session, work.viewer, admin_ids=context.settings.admin_ids, now=work.now
        )
    if promoted is not None:
        context.set_viewer(promoted)
    if payload and payload not in lookup.START_PAYLOADS:
        await update.message.reply_text(
            context.t.gettext("That link is not valid, so I opened the start page.")
        )
    await update.message.reply_text(
        welcome_text(context.me, context.t, menu.command_table(context.application))
    )
    await menu.set_user_menu(
        context.application, update.message.chat_id, context.me.effective_role, context.t
    )


async def help_command(update: Update, context: CrmContext) -> None:
    assert update.message is not None
    await update.message.reply_text(help_text(context.me, context.t, menu.command_table(context.application)))


async def _redeem(update: Update, context: CrmContext, payload: str) -> None:
    assert update.message is not None
    async with context.work() as work:
        result = await invites.redeem_invite(
            work.session,
            viewer=work.viewer,
            payload=payload,
            now=work.now,
        )
        await work.push(result.pushes)
    if result.viewer is None:
        await update.message.reply_text(redemption_problem(result, context.me, context.t))
        return
    viewer = result.viewer
    context.set_viewer(viewer)
    t = context.t
    assert result.role is not None
    joined = t.gettext("Welcome to {team}, {name}! You have joined as {role}.").format(
        team=result.team_name, name=viewer.first_name, role=role_label(result.role, t)
    )
    await update.message.reply_text(
        joined + "\n\n" + help_text(viewer, t, menu.command_table(context.application))
    )
    await menu.set_user_menu(context.application, update.message.chat_id, viewer.effective_role, t)


def redemption_problem(result: Redemption, viewer: Viewer, t: Translator) -> str:
    if result.outcome is Outcome.ALREADY_MEMBER:
        return t.gettext("You are already in {team}. /help shows what you can do.").format(
            team=result.team_name
        )
    if result.outcome is Outcome.HAS_ROLE:
        assert viewer.role is not None
        return t.gettext(
            "You already use FieldCRM as {role}, so this invite was not used. "
            "To move to another team, ask an admin."
        ).format(role=role_label(viewer.role, t))
    if result.outcome is Outcome.USED:
        return t.gettext(
            "This invite link has already been used. Ask the person who invited you for a new one."
        )
    if result.outcome is Outcome.EXPIRED:
        assert result.expires_at is not None
        return t.gettext(
            "This invite link expired on {date}. Ask the person who invited you for a new one."
        ).format(date=t.day(result.expires_at))
    if result.outcome is Outcome.REVOKED:
        return t.gettext("This invite link was withdrawn. Ask the person who invited you for a new one.")
    return t.gettext(
        "This invite link is not valid. Check that you opened the whole link, or ask for a new one."
    )


def welcome_text(viewer: Viewer, t: Translator, commands: menu.CommandTable) -> str:
    if viewer.role is None:
        return stranger_text(t)
    if not viewer.is_active:
        return deactivated_text(t)
    if viewer.role is Role.ADMIN and viewer.team_id is None:
        return t.gettext(
            "Welcome, {name}! You are a FieldCRM admin.\n\nStart by creating your team with /newteam; "
            "then /invite managers, and they invite their reps."
        ).format(name=viewer.first_name)
    return (
        t.gettext("Welcome back, {name}!").format(name=viewer.first_name)
        + "\n\n"
        + help_text(viewer, t, commands)
    )


ROLE_INTROS: dict[Role, str] = {
    Role.ADMIN: N_("As an admin you set up teams and invite their managers."),
    Role.MANAGER: N_("As a manager you invite your reps and follow your team."),
    Role.REP: N_("As a sales rep you log visits and orders and look up your customers here."),
    Role.CUSTOMER: N_(
        "Anything you write here reaches your sales contact, who will get in touch with you. "
        "After a visit we may ask you for a quick rating; to report a problem with a number to follow, "
        "send /complaint."
    ),
}


def help_text(viewer: Viewer, t: Translator, commands: menu.CommandTable) -> str:
    role = viewer.effective_role
    if role is None:
        return deactivated_text(t) if viewer.role is not None else stranger_text(t)
    lines = [t.gettext(ROLE_INTROS[role]), ""]
    lines += [f"/{c.name} — {t.gettext(c.description)}" for c in commands.for_role(role) if c.in_menu]
    return "\n".join(lines)


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
