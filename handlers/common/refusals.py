"""Why a press or a message did nothing: the service's error, said in the reader's words.

A feature lists the errors it expects, most specific first, each with its sentence (an `N_` msgid,
or a function when the sentence depends on the error); the sentences several features share are
written once here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import N_, Translator
from bot.services.visibility import NotVisible

Wording = str | Callable[[Translator, Any], str]
Refusal = tuple[type[Exception], Wording]

NOT_VISIBLE_TEXT = N_("This customer is not in your list (or no longer exists).")
REP_GONE_TEXT = N_("That rep is no longer in the team. Please pick another.")

NOT_VISIBLE: Refusal = (NotVisible, NOT_VISIBLE_TEXT)


def not_visible_text(t: Translator) -> str:
    """The answer when the customer a press or a message names is out of the reader's sight."""
    return t.gettext(NOT_VISIBLE_TEXT)


class Refusals:
    """A feature's errors and their sentences; called with the reader's translator and an error."""

    def __init__(self, *refusals: Refusal, otherwise: str) -> None:
        self.refusals = refusals
        self.otherwise = otherwise

    def __call__(self, t: Translator, error: Exception) -> str:
        for kind, wording in self.refusals:
            if isinstance(error, kind):
                return t.gettext(wording) if isinstance(wording, str) else wording(t, error)
        return t.gettext(self.otherwise)

    def first(self, *refusals: Refusal) -> Refusals:
        """The same sentences, with `refusals` tried before them."""
        return Refusals(*refusals, *self.refusals, otherwise=self.otherwise)
