"""The amount of /order: why a typed one won't do, and how it reads back in the reader's locale.

Both languages write 1,234.50. "1.234,50" is refused rather than guessed at (money is not
reinterpreted silently), with the reading it has where a comma marks the decimals, to type instead.
Full-width digits (１２３, typed with a Chinese input method) are read as the digits they are.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from bot.domain.money import MAX_AMOUNT, AmountProblem, ParsedAmount, parse_amount
from bot.i18n import Translator

# A locale that writes 1.234,50, to read what a rep used to those separators meant.
COMMA_DECIMALS = "de"


def digits(amount: Decimal, t: Translator) -> str:
    """1,234.50: the amount with its cents, as the reader writes numbers."""
    return str(format_decimal(amount, format="#,##0.00", locale=t.locale))


def refusal(parsed: ParsedAmount, typed: str, *, currency: str, t: Translator) -> str:
    """What to tell a rep whose amount won't do, and what to type instead."""
    if parsed.problem is AmountProblem.NOT_A_NUMBER:
        meant = parse_amount(typed, locale=COMMA_DECIMALS).amount
        if meant is not None:
            return t.gettext(
                "Here a dot marks the decimals and a comma the thousands. "
                'Did you mean {amount}? Then type "{typed}".'
            ).format(amount=t.money(meant, currency), typed=digits(meant, t))
    if parsed.problem is AmountProblem.TOO_LARGE:
        limit = t.number(MAX_AMOUNT)
        return t.gettext("That is more than {limit}. Please check the amount.").format(limit=limit)
    if parsed.problem is AmountProblem.NOT_POSITIVE:
        return t.gettext("The amount must be more than zero.")
    if parsed.problem is AmountProblem.TOO_PRECISE:
        return t.gettext("Please use at most two decimal places.")
    return t.gettext('That is not an amount I can read. Please type a number such as "1,234.50" or "1.2万".')
