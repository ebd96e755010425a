"""What a date step answers when a typed date is not taken: why, and examples that do work.

The examples are whole sentences in the reader's language, and tests read every quoted example of
both catalogues with the same parser, so what the bot suggests is always accepted.
"""

from __future__ import annotations

from bot.domain.dates import Problem, Refused
from bot.i18n import N_, Translator

AHEAD_EXAMPLES = N_('For example: "tomorrow 15:00", "Friday 10:30" or "12/25 9:00".')
ORDER_EXAMPLES = N_('For example: "today", "yesterday", "11/20" or "last Friday".')
SHOWN_TYPED = 40


def ahead_examples(t: Translator) -> str:
    return t.gettext(AHEAD_EXAMPLES)


def ahead_refusal(t: Translator, refused: Refused, typed: str) -> str:
    """A follow-up or reminder time that cannot be used, said with examples."""
    if refused.problem is Problem.PASSED and refused.read is not None:
        reason = t.gettext("{when} has already passed. Please pick a time in the future.").format(
            when=t.day_time(refused.read)
        )
    elif refused.problem is Problem.TOO_FAR and refused.read is not None and refused.limit is not None:
        reason = t.gettext("{when} is more than two years ahead. Please pick a day up to {limit}.").format(
            when=t.day_time(refused.read), limit=t.day(refused.limit)
        )
    else:
        reason = t.gettext('I couldn\'t read "{text}" as a date and time.').format(text=typed[:SHOWN_TYPED])
    return reason + "\n" + ahead_examples(t)


def order_refusal(t: Translator, refused: Refused, typed: str) -> str:
    """An order date that cannot be used, said with examples."""
    if refused.problem is Problem.NOT_YET and refused.read is not None:
        reason = t.gettext("{date} is in the future. An order can only be logged once it is taken.").format(
            date=t.day(refused.read)
        )
    elif refused.problem is Problem.TOO_EARLY and refused.read is not None and refused.limit is not None:
        reason = t.gettext("{date} is too long ago: orders can be dated from {limit} on.").format(
            date=t.day(refused.read), limit=t.day(refused.limit)
        )
    else:
        reason = t.gettext('I couldn\'t read "{text}" as a date.').format(text=typed[:SHOWN_TYPED])
    return reason + "\n" + t.gettext(ORDER_EXAMPLES)
