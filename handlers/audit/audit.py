"""/audit for admins: the newest entries of the audit trail, paged with Newer / Older, about
everyone, one person (`/audit @username`) or one customer (`/audit customer <name>`).

Times are in the reader's time zone and language; what an entry recorded (edited values, phone
numbers) is never shown, and any phone-like digits in a name are masked.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.domain.audit import Scope, mask_phones, parse_args
from bot.domain.roles import Role
from bot.domain.team_settings import Field
from bot.domain.text import clip
from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from bot.services import audit_log
from bot.services.audit_log import AuditPage, Entry, Subject
from bot.services.errors import NotAllowed, NotFound
from handlers.audit import callbacks
from handlers.card.erased import erased_label
from handlers.common.texts import role_label
from handlers.settings.team import LABELS as SETTING_LABELS

ALL_ENTRIES = callbacks.AUDIT_PAGE.data(scope=Scope.ALL, ref=0, direction="o", cursor=0)
NAME = 40
BUTTON_NAME = 30

FIELD_LABELS = {
    "name": N_("name"),
    "company": N_("company"),
    "phone": N_("phone"),
    "address": N_("address"),
    "birthday": N_("birthday"),
    "tier": N_("tier"),
    "tags": N_("tags"),
}


def _shown(text: str | None) -> str:
    return escape(mask_phones(clip(text, NAME))) if text else "—"


def _customer(t: Translator, entry: Entry) -> str:
    if entry.customer_id is None:
        return "—"
    if entry.customer_erased:
        return escape(erased_label(t, entry.customer_id))
    return _shown(entry.customer_name)


def _role(t: Translator, value: Any) -> str:
    return role_label(Role(value), t) if value in set(Role) else "—"


def sentence(t: Translator, entry: Entry) -> str:
    """What the entry says happened, as a whole sentence in the reader's language."""
    actor = _shown(entry.actor_name) if entry.actor_name else t.gettext("The system")
    names = {"actor": actor, "customer": _customer(t, entry), "user": _shown(entry.target_name)}
    details = entry.details
    match entry.action:
        case "customer.viewed":
            return t.gettext("{actor} opened the card of {customer}").format(**names)
        case "customer.created":
            return t.gettext("{actor} added the customer {customer}").format(**names)
        case "customer.edited":
            field = details.get("field")
            label = t.gettext(FIELD_LABELS[field]) if field in FIELD_LABELS else "—"
            return t.gettext("{actor} changed the {field} of {customer}").format(field=label, **names)
        case "customer.reassigned":
            return t.gettext("{actor} moved {customer} to {user}").format(**names)
        case "customer.link_issued":
            return t.gettext("{actor} made a Telegram link for {customer}").format(**names)
        case "customer.linked":
            return t.gettext("{customer} connected on Telegram").format(**names)
        case "handover":
            n = int(details.get("customers") or 0)
            return t.ngettext(
                "{actor} handed over {n} customer of {user}", "{actor} handed over {n} customers of {user}", n
            ).format(n=t.number(n), **names)
        case "transfer.requested":
            return t.gettext("{actor} asked to take over {customer}").format(**names)
        case "transfer.approved":
            return t.gettext("{actor} approved giving {customer} to {user}").format(**names)
        case "transfer.refused":
            return t.gettext("{actor} refused giving {customer} to {user}").format(**names)
        case "erase":
            return t.gettext("{actor} erased the personal data of {customer}").format(**names)
        case "export":
            return t.gettext("{actor} exported customer data").format(**names)
        case "customer.import":
            new, updated = int(details.get("new") or 0), int(details.get("updated") or 0)
            return t.gettext("{actor} imported customers from a file ({new} new, {updated} updated)").format(
                new=t.number(new), updated=t.number(updated), **names
            )
        case "settings":
            field = details.get("field")
            label = t.gettext(SETTING_LABELS[Field(field)]) if field in set(Field) else "—"
            return t.gettext("{actor} changed the team setting {setting}").format(setting=label, **names)
        case "role.granted":
            return t.gettext("{actor} made {user} {role}").format(
                role=_role(t, details.get("after")), **names
            )
        case "user.deactivated":
            return t.gettext("{actor} switched off the access of {user}").format(**names)
        case "team.created":
            return t.gettext("{actor} created a team").format(**names)
        case "invite.created":
            return t.gettext("{actor} created an invite link for a {role}").format(
                role=_role(t, details.get("role")), **names
            )
        case "invite.revoked":
            return t.gettext("{actor} withdrew an invite link").format(**names)
    return t.gettext("{actor}: {action}").format(action=escape(entry.action), **names)


def stamp(t: Translator, entry: Entry) -> str:
    return t.day_time(entry.at)


def _subject_name(t: Translator, subject: Subject) -> str:
    if subject.scope is Scope.CUSTOMER:
        return erased_label(t, subject.id) if subject.erased else mask_phones(subject.name)
    return f"{subject.name} @{subject.username}" if subject.username else subject.name


def render(t: Translator, page: AuditPage) -> str:
    if page.subject is None:
        head = t.gettext("🧾 Audit log")
    elif page.subject.scope is Scope.CUSTOMER:
        head = t.gettext("🧾 Audit log · customer {name}").format(name=_subject_name(t, page.subject))
    else:
        head = t.gettext("🧾 Audit log · {name}").format(name=_subject_name(t, page.subject))
    lines = [f"<b>{escape(head)}</b>", ""]
    if not page.entries:
        lines.append(t.gettext("No entries."))
    lines.extend(f"• {stamp(t, entry)} — {sentence(t, entry)}" for entry in page.entries)
    if page.subject is None:
        lines += [
            "",
            escape(t.gettext("Filter: /audit @username, /audit customer <name>, or a button below.")),
        ]
    return "\n".join(lines)


def keyboard(t: Translator, page: AuditPage) -> InlineKeyboardMarkup:
    scope, ref = (page.subject.scope, page.subject.id) if page.subject is not None else (Scope.ALL, 0)
    nav = []
    if page.newer and page.entries:
        nav.append(
            InlineKeyboardButton(
                t.gettext("◀ Newer"),
                callback_data=callbacks.AUDIT_PAGE.data(
                    scope=scope, ref=ref, direction="n", cursor=page.entries[0].id
                ),
            )
        )
    if page.older and page.entries:
        nav.append(
            InlineKeyboardButton(
                t.gettext("Older ▶"),
                callback_data=callbacks.AUDIT_PAGE.data(
                    scope=scope, ref=ref, direction="o", cursor=page.entries[-1].id
                ),
            )
        )
    rows = [nav] if nav else []
    if page.subject is None:
        rows.append(
            [
                InlineKeyboardButton(
                    t.gettext("👤 Filter by person"), callback_data=callbacks.AUDIT_PEOPLE.data()
                )
            ]
        )
    else:
        rows.append([InlineKeyboardButton(t.gettext("🧾 All entries"), callback_data=ALL_ENTRIES)])
    return InlineKeyboardMarkup(rows)


def _choices(t: Translator, found: list[Subject]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    clip(_subject_name(t, subject), BUTTON_NAME),
                    callback_data=callbacks.AUDIT_PAGE.data(
                        scope=subject.scope, ref=subject.id, direction="o", cursor=0
                    ),
                )
            ]
            for subject in found
        ]
    )


async def audit(update: Update, context: CrmContext) -> None:
    """/audit [@username | user <name> | customer <name> | <name>]."""
    assert update.message is not None
    t = context.t
    query = parse_args(" ".join(context.args or []))
    try:
        async with context.work() as work:
            if query.scope is Scope.ALL:
                page = await audit_log.page(work.session, viewer=work.viewer, scope=Scope.ALL, ref=0)
                found: list[Subject] = []
            else:
                found = await audit_log.matches(
                    work.session, viewer=work.viewer, scope=query.scope, text=query.text
                )
                if len(found) == 1:
                    page = await audit_log.page(
                        work.session, viewer=work.viewer, scope=found[0].scope, ref=found[0].id
                    )
    except NotAllowed:
        await update.message.reply_text(t.gettext("The audit log is for admins only."))
        return
    if query.scope is not Scope.ALL and not found:
        await update.message.reply_text(
            t.gettext("Nobody and no customer matches “{text}”.").format(text=mask_phones(query.text))
        )
        return
    if len(found) > 1:
        await update.message.reply_text(t.gettext("Which one do you mean?"), reply_markup=_choices(t, found))
        return
    await update.message.reply_text(
        render(t, page), parse_mode=ParseMode.HTML, reply_markup=keyboard(t, page)
    )


async def paged(update: Update, context: CrmContext) -> None:
    """Newer / Older / a filter button: the list in place of the pressed message."""
    query = update.callback_query
    assert query is not None
    t = context.t
    args = callbacks.AUDIT_PAGE.parse(query.data)
    scope, ref, direction, cursor = Scope(args["scope"]), args["ref"], args["direction"], args["cursor"]
    try:
        async with context.work() as work:
            page = await audit_log.page(
                work.session,
                viewer=work.viewer,
                scope=scope,
                ref=ref,
                before_id=cursor if direction == "o" and cursor else None,
                after_id=cursor if direction == "n" else None,
            )
    except NotAllowed:
        await query.answer(t.gettext("The audit log is for admins only."), show_alert=True)
        return
    except NotFound:
        await query.answer(t.gettext("This person or customer no longer exists."), show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(render(t, page), parse_mode=ParseMode.HTML, reply_markup=keyboard(t, page))


async def who(update: Update, context: CrmContext) -> None:
    """👤 Filter by person: whoever acted most recently, one press each."""
    query = update.callback_query
    assert query is not None
    t = context.t
    try:
        async with context.work() as work:
            found = await audit_log.recent_people(work.session, viewer=work.viewer)
    except NotAllowed:
        await query.answer(t.gettext("The audit log is for admins only."), show_alert=True)
        return
    await query.answer()
    if not found:
        await query.edit_message_text(t.gettext("No entries."))
        return
    await query.edit_message_text(t.gettext("Whose entries?"), reply_markup=_choices(t, found))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("audit", audit))
    application.add_handler(CallbackQueryHandler(paged, pattern=callbacks.AUDIT_PAGE))
    application.add_handler(CallbackQueryHandler(who, pattern=callbacks.AUDIT_PEOPLE))
