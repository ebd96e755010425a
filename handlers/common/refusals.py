"""Why a press or a message did nothing: the service's error, said in the reader's words.

A feature lists the errors it expects, most specific first, each with its sentence (an `N_` msgid,
or a function when the sentence depends on the error); the sentences several features share are
written once here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.roles import Role
from bot.i18n import N_, Translator
from bot.services.visibility import NotVisible

Wording = str | Callable[[Translator, Any], str]
Refusal = tuple[type[Exception], Wording]

NOT_VISIBLE_TEXT = N_("This customer is not in your list. /find searches the customers you can see.")
REP_GONE_TEXT = N_("That rep is no longer in the team. Please pick another.")

NOT_VISIBLE: Refusal = (NotVisible, NOT_VISIBLE_TEXT)


# Why a role lacks a command, in the words of the README's role table: who the command is for.
COMMAND_REASONS: dict[str, str] = {
    "today": N_(
        "/today is the day of a sales rep or manager: their follow-ups, birthdays and customers at risk."
    ),
    "find": N_("/find searches the customers that sales reps and managers look after."),
    "visit": N_("/visit is for the sales rep or manager who made the visit."),
    "order": N_("/order is for the sales rep or manager who took the order."),
    "new": N_("Sales reps and managers add customers, each to their own list."),
    "remind": N_("/remind sets reminders about customers for sales reps and managers."),
    "newteam": N_("Only an admin can create a team."),
    "outbox": N_("Only an admin can see the pushes that are waiting or undelivered."),
    "audit": N_("Only an admin can read the audit log."),
    "digest": N_("The digest is for managers and admins: it covers the whole team."),
    "team": N_("Only managers and admins can see the team and its members."),
    "invite": N_("Managers invite reps, and admins invite managers."),
    "invites": N_("Only managers and admins can see and withdraw invite links."),
    "handover": N_("Only a manager or an admin can hand a rep's customers over to other reps."),
    "import": N_("Imports are for managers: an import adds customers to the whole team."),
    "export": N_("Exports are for managers and admins: they hold the whole team's customers."),
    "settings": N_("Only a manager or an admin can change the team's settings."),
    "feedback": N_("/feedback is how customers and visitors reach the team."),
    "complaint": N_("/complaint is how customers report a problem."),
}
# What the refused person can do instead, by their role.
NEXT_STEPS: dict[Role, str] = {
    Role.ADMIN: N_("The team's managers can do this; /invite manager adds one."),
    Role.MANAGER: N_("If you need this, ask an admin."),
    Role.REP: N_("If you need this, ask your manager."),
    Role.CUSTOMER: N_(
        "Your sales rep can help you; /complaint reports a problem and /feedback sends us a message."
    ),
}
# Staff refused a customer's command: where customers' words reach them instead.
STAFF_SIDE_OF_CUSTOMER_COMMANDS = N_(
    "What customers send reaches the managers; /tickets shows the complaints."
)
CUSTOMER_COMMANDS = ("feedback", "complaint")
ROLE_REFUSAL = N_("That command is not part of your role. /help lists what you can do.")


def command_refusal(t: Translator, command: str, role: Role) -> str:
    """Why `role` may not use /`command`, and what to do instead."""
    reason = COMMAND_REASONS.get(command)
    if reason is None:
        return t.gettext(ROLE_REFUSAL)
    if command in CUSTOMER_COMMANDS and role is not Role.CUSTOMER:
        next_step = STAFF_SIDE_OF_CUSTOMER_COMMANDS
    else:
        next_step = NEXT_STEPS[role]
    # Two whole sentences; the translation decides what stands between them.
    return t.gettext("{reason} {next_step}").format(reason=t.gettext(reason), next_step=t.gettext(next_step))


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
