"""What every guided dialog shares: its draft, closing it, nudging towards its buttons, timing out, wiring.

Each conversation module keeps its own wording (as `N_` constants or small functions) and hands it to
these factories, so the modules state only what is specific to them. A typed command ends any dialog
it does not start (handlers/common/dialog_exits.py decides when; `Dialog.leave_for_command` how).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from telegram import InlineKeyboardMarkup, Message, ReplyKeyboardRemove, Update
from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    TypeHandler,
)

from bot.i18n import N_, Translator
from bot.runtime.context import CrmContext
from handlers.common.buttons import Button
from handlers.common.refusals import not_visible_text

Step = Callable[[Update, CrmContext], Coroutine[Any, Any, Any]]
TimedOut = Callable[[object, CrmContext], Coroutine[Any, Any, None]]
Markup = Callable[[Translator], InlineKeyboardMarkup]
ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardRemove


def message_ref(update: Update) -> str:
    """ "<chat id>:<message id>" of the update's message: the client reference of what it creates,
    so the same update processed twice (after a crash) finds its row instead of making another."""
    message = update.effective_message
    assert message is not None
    return f"{message.chat.id}:{message.message_id}"


class Draft(BaseModel):
    """A dialog's state, typed: what the steps gathered so far, stored as JSON under `KEY` in the
    person's dialog data (and so in the database, across restarts)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)
    KEY: ClassVar[str]
    # A dialog someone without a role may be in (the guard lets their messages through to it).
    OPEN_TO_STRANGERS: ClassVar[bool] = False
    # Fields that say how to talk to the person or where the dialog stands, not what they answered.
    BACKGROUND: ClassVar[frozenset[str]] = frozenset({"locale", "timezone", "region", "state", "editing"})
    _open_keys: ClassVar[set[str]] = set()
    _kinds: ClassVar[dict[str, type[Draft]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Draft._kinds[cls.KEY] = cls
        if cls.OPEN_TO_STRANGERS:
            Draft._open_keys.add(cls.KEY)

    def has_answers(self) -> bool:
        """Whether the person gave any answer a fresh draft lacks: closing it now loses something."""
        fresh = type(self)()
        return any(
            getattr(self, name) != getattr(fresh, name)
            for name in type(self).model_fields
            if name not in self.BACKGROUND
        )

    @staticmethod
    def answered(key: str, stored: object) -> bool:
        """Whether what was stored under `key` is a draft holding answers (a search text is not)."""
        kind = Draft._kinds.get(key)
        if kind is None or not isinstance(stored, dict):
            return False
        try:
            return kind.model_validate(stored).has_answers()
        except ValidationError:
            return False


def in_dialog_open_to_strangers(user_data: dict[Any, Any] | None) -> bool:
    """Whether this person is inside a dialog strangers may use, such as /feedback."""
    return user_data is not None and any(key in user_data for key in Draft._open_keys)


D = TypeVar("D", bound=Draft)


def load(context: CrmContext, kind: type[D]) -> D:
    """The dialog's draft, started afresh when missing or damaged (say, by an older release)."""
    assert context.user_data is not None
    stored = context.user_data.get(kind.KEY)
    if isinstance(stored, dict):
        try:
            return kind.model_validate(stored)
        except ValidationError:
            pass
    return kind()


def keep(context: CrmContext, draft: Draft) -> None:
    assert context.user_data is not None
    context.user_data[draft.KEY] = draft.model_dump(mode="json")


@contextmanager
def editing(context: CrmContext, kind: type[D]) -> Iterator[D]:
    """The draft to change in place; kept when the block ends without an error."""
    draft = load(context, kind)
    yield draft
    keep(context, draft)


def in_dialog(context: CrmContext, key: str) -> bool:
    """Whether the person has a draft under `key`: the dialog keeping it has not ended."""
    return context.user_data is not None and key in context.user_data


def forget(context: CrmContext, key: str, *more: str) -> dict[str, Any]:
    """Drop the dialog's state; returns what was under `key` (empty when there was nothing)."""
    if context.user_data is None:
        return {}
    for other in more:
        context.user_data.pop(other, None)
    return context.user_data.pop(key, None) or {}


async def say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None, *, fresh: bool = False
) -> None:
    """Answer a press by editing its message (unless `fresh`), or a message with a new one."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        if not fresh:
            await query.edit_message_text(text, reply_markup=markup)
            return
    assert update.effective_chat is not None
    await update.get_bot().send_message(update.effective_chat.id, text, reply_markup=markup)


async def typed_text(
    message: Message, t: Translator, *, limit: int, empty: str, too_long: Callable[[Translator, int], str]
) -> str | None:
    """The text a step asked for, trimmed; None after saying why when it is blank (`empty`, an N_
    msgid) or longer than `limit` (`too_long`, given the length), so the step can stay put."""
    assert message.text is not None
    text = message.text.strip()
    if not text:
        await message.reply_text(t.gettext(empty))
        return None
    if len(text) > limit:
        await message.reply_text(too_long(t, len(text)))
        return None
    return text


async def close_with(update: Update, text: str, *, reply_markup: ReplyMarkup | None = None) -> int:
    """End the dialog with `text`: in place of the pressed message, or as a reply to a typed one."""
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(text)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text, reply_markup=reply_markup)
    return ConversationHandler.END


async def save_refused(update: Update, context: CrmContext, key: str) -> int:
    """Save pressed for a customer the viewer may no longer see: drop the draft, store nothing."""
    query = update.callback_query
    assert query is not None
    forget(context, key)
    t = context.t
    await query.answer(not_visible_text(t), show_alert=True)
    await query.edit_message_text(t.gettext("Nothing was saved."))
    return ConversationHandler.END


@dataclass(frozen=True)
class Cancel:
    """/cancel or a Cancel button: forget the draft (`keys`, the first the dialog's own) and say that
    nothing was kept (`text`, an N_ msgid)."""

    text: str
    keys: tuple[str, ...]
    reply_markup: ReplyMarkup | None = None

    async def __call__(self, update: Update, context: CrmContext) -> int:
        forget(context, *self.keys)
        return await close_with(update, context.t.gettext(self.text), reply_markup=self.reply_markup)


def canceller(text: str, key: str, *more: str, reply_markup: ReplyMarkup | None = None) -> Cancel:
    return Cancel(text, (key, *more), reply_markup)


def nudge(text: str, state: object = None, *, markup: Markup | None = None) -> Step:
    """Input the step cannot use: say what it expects (`text`, an N_ msgid) and stay on it."""

    async def nudged(update: Update, context: CrmContext) -> Any:
        assert update.effective_message is not None
        t = context.t
        await update.effective_message.reply_text(
            t.gettext(text), reply_markup=markup(t) if markup is not None else None
        )
        return state

    return nudged


choose_with_buttons = nudge(N_("Please pick one of the buttons above, or send /cancel."))


def timeout_note(
    note: Callable[[Translator], str],
    key: str,
    *more: str,
    in_draft_language: bool = False,
    reply_markup: ReplyMarkup | None = None,
) -> TimedOut:
    """PTB calls the result with the last update when the dialog idles out: forget it and say so."""

    async def timed_out(update: object, context: CrmContext) -> None:
        draft = forget(context, key, *more)
        t = (
            context.translator_for(draft.get("locale"), draft.get("timezone"))
            if in_draft_language
            else context.t
        )
        if isinstance(update, Update) and update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, note(t), reply_markup=reply_markup)

    return timed_out


def stale_save(
    is_saved: Callable[..., Awaitable[bool]],
    client_ref: Callable[[int, int], str],
    *,
    saved_text: str,
    inactive_text: str,
) -> Step:
    """A Save press outside the dialog: already saved (`saved_text`), or from a dialog that ended."""

    async def stale_saved(update: Update, context: CrmContext) -> None:
        query = update.callback_query
        assert query is not None
        assert query.message is not None
        async with context.work() as work:
            saved = await is_saved(
                work.session, client_ref=client_ref(query.message.chat.id, query.message.message_id)
            )
        t = context.t
        await query.answer(t.gettext(saved_text if saved else inactive_text), show_alert=True)

    return stale_saved


# The default note when a typed command closes a dialog that held answers; a dialog may name itself.
CLOSED_BY_COMMAND = N_("Your unfinished form was closed; nothing from it was kept.")

_ending_for_command: ContextVar[bool] = ContextVar("ending_for_command", default=False)


@contextmanager
def ending_for_command() -> Iterator[None]:
    """While open, each dialog's `LeaveForCommand` takes the command being processed."""
    token = _ending_for_command.set(True)
    try:
        yield
    finally:
        _ending_for_command.reset(token)


class LeaveForCommand(BaseHandler[Update, CrmContext, int]):
    """First in every state of a dialog, and deaf except inside `ending_for_command`: so the dialog
    itself (through PTB's own state keeping, persistence and timeout jobs) ends for a typed command."""

    def check_update(self, update: object) -> bool:
        return _ending_for_command.get() and isinstance(update, Update) and update.message is not None


class Dialog(ConversationHandler[CrmContext]):
    """A guided dialog with what ending it from outside needs: its cancel (the draft keys and the
    reply keyboard to take away) and the note for a typed command that closed it with answers in it."""

    def __init__(self, *, cancel: Cancel, closed_note: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cancel = cancel
        self.closed_note = closed_note

    async def leave_for_command(self, update: Update, context: CrmContext) -> int:
        """Drop the draft as /cancel would; say so only when it held answers."""
        stored = [(key, forget(context, key)) for key in self.cancel.keys]
        if any(Draft.answered(key, value) for key, value in stored) and update.message is not None:
            await update.message.reply_text(
                context.t.gettext(self.closed_note), reply_markup=self.cancel.reply_markup
            )
        return ConversationHandler.END


def dialogs_of(application: Application) -> list[Dialog]:  # type: ignore[type-arg]
    """Every registered dialog, in the order PTB tries them."""
    return [
        handler for group in application.handlers.values() for handler in group if isinstance(handler, Dialog)
    ]


def conversation(
    name: str,
    *,
    entry_points: Sequence[BaseHandler[Any, Any, Any]],
    states: dict[object, list[Any]],
    cancel: Cancel,
    cancel_data: Button | None = None,
    timed_out: TimedOut | None = None,
    timeout: float | timedelta | None = None,
    allow_reentry: bool = True,
    closed_note: str = CLOSED_BY_COMMAND,
) -> Dialog:
    """A persistent dialog that /cancel (and the `cancel_data` button) ends, idling out after `timeout`;
    a typed command ends it too, with `closed_note` (an N_ msgid) when answers were lost."""
    fallbacks: list[BaseHandler[Any, Any, Any]] = [CommandHandler("cancel", cancel)]
    if cancel_data is not None:
        fallbacks.append(CallbackQueryHandler(cancel, pattern=cancel_data))
    dialog: Dialog

    async def leave(update: Update, context: CrmContext) -> int:
        return await dialog.leave_for_command(update, context)

    leaving = LeaveForCommand(leave)
    states = {state: [leaving, *handlers] for state, handlers in states.items()}
    if timed_out is not None:
        states = {**states, ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)]}
    dialog = Dialog(
        cancel=cancel,
        closed_note=closed_note,
        entry_points=list(entry_points),
        states=states,
        fallbacks=fallbacks,
        name=name,
        persistent=True,
        allow_reentry=allow_reentry,
        conversation_timeout=timeout,
    )
    return dialog
