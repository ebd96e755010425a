"""How feedback reads in a staff member's chat: a customer's remark (or plain message) with an Open
customer button, a stranger's with a tappable name and how to reach them, and the photo sent with
either."""

from __future__ import annotations

from html import escape

from telegram.ext import Application

from bot.domain.text import clip
from bot.i18n import Translator
from bot.outbox import payloads
from bot.runtime.pushes import Payload, render_with
from bot.services.feedback import FeedbackPhoto, FromCustomer, FromStranger, Sender
from handlers.card.links import open_customer_markup

MAX_NAME = 80


def _customer_name(notice: FromCustomer) -> str:
    return f"<b>{escape(clip(notice.customer_name, MAX_NAME))}</b>"


def _sender_link(sender: Sender) -> str:
    """The sender's name, tappable so staff can open their Telegram profile."""
    return f'<a href="tg://user?id={sender.telegram_id}">{escape(clip(sender.name, MAX_NAME))}</a>'


def from_customer(notice: FromCustomer, t: Translator) -> Payload:
    keyboard = open_customer_markup(t, notice.customer_id)
    if notice.chat:
        head = t.gettext("💬 Message from {customer}:").format(customer=_customer_name(notice))
    else:
        head = t.gettext("💬 Feedback from {customer}:").format(customer=_customer_name(notice))
    return payloads.message("\n\n".join((head, escape(notice.comment))), keyboard)


def from_stranger(notice: FromStranger, t: Translator) -> Payload:
    sender = notice.sender
    reach = (
        t.gettext("Telegram: @{username}").format(username=escape(sender.username))
        if sender.username
        else t.gettext(
            "They have no Telegram username: use contact details in the message, or tap their name."
        )
    )
    head = t.gettext("💬 Feedback from {name}, who is not linked to any customer:").format(
        name=_sender_link(sender)
    )
    return payloads.message("\n\n".join((head, escape(notice.comment), reach)))


def photo(notice: FeedbackPhoto, t: Translator) -> Payload:
    about = notice.about
    name = _customer_name(about) if isinstance(about, FromCustomer) else _sender_link(about.sender)
    if isinstance(about, FromCustomer) and about.chat:
        caption = t.gettext("📷 The photo {name} sent with their message.").format(name=name)
    else:
        caption = t.gettext("📷 The photo {name} sent with their feedback.").format(name=name)
    return payloads.photo_by_id(notice.file_id, caption)


def register(application: Application) -> None:  # type: ignore[type-arg]
    render_with(application, FromCustomer, from_customer)
    render_with(application, FromStranger, from_stranger)
    render_with(application, FeedbackPhoto, photo)
