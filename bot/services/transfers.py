"""A rep asks to take over a customer another rep owns; their manager(s) are told through the outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Role
from bot.domain.viewer import Viewer
from bot.i18n import Translator
from bot.services.errors import NotAllowed, NotFound
from storage.models import Customer, User
from storage.queries import audit, customers, outbox, users

TranslatorFor = Callable[[str | None, str | None], Translator]


@dataclass(frozen=True, slots=True)
class TransferRequest:
    customer_name: str
    owner_name: str | None
    managers_told: int
    already_asked: bool


def _name(user: User | None) -> str | None:
    return user.full_name if user is not None else None


async def request_transfer(
    session: AsyncSession, *, viewer: Viewer, customer_id: int, now: datetime, translator_for: TranslatorFor
) -> TransferRequest:
    """Ask the manager(s) to move a teammate's customer to the viewer. Idempotent per customer and rep.

    Only a customer of the same team that the viewer does not already own qualifies; the notice
    names the customer, the requester and the current owner, in each manager's own language.
    """
    if viewer.team_id is None or viewer.effective_role is not Role.REP:
        raise NotAllowed
    customer = await customers.in_team(session, team_id=viewer.team_id, customer_id=customer_id)
    if customer is None:
        raise NotFound(customer_id)
    if customer.owner_id == viewer.user_id:
        raise NotAllowed
    requester = await session.get(User, viewer.user_id)
    owner = await session.get(User, customer.owner_id) if customer.owner_id is not None else None
    assert requester is not None
    managers = await users.managers_for(session, team_id=viewer.team_id, preferred_id=requester.manager_id)
    told = 0
    fresh = False
    for manager in managers:
        if manager.chat_id is None:
            continue
        t = translator_for(manager.locale, manager.timezone)
        text = _notice(t, requester=requester.full_name, customer=customer, owner=_name(owner))
        queued = await outbox.enqueue(
            session,
            dedupe_key=f"transfer:{customer.id}:{requester.id}:{manager.id}",
            chat_id=manager.chat_id,
            user_id=manager.id,
            kind="transfer_request",
            payload={
                "method": "sendMessage",
                "params": {
                    "chat_id": manager.chat_id,
                    "text": text,
                    "reply_markup": {
                        "inline_keyboard": [
                            [
                                {
                                    "text": t.gettext("Open the customer"),
                                    "callback_data": f"cust:open:{customer.id}",
                                }
                            ]
                        ]
                    },
                },
            },
            now=now,
        )
        told += 1
        fresh = fresh or queued
    if fresh:
        await audit.record(
            session,
            action="transfer.requested",
            actor_id=requester.id,
            now=now,
            team_id=customer.team_id,
            customer_id=customer.id,
            target_user_id=customer.owner_id,
            details={"managers": [m.id for m in managers if m.chat_id is not None]},
        )
    return TransferRequest(
        customer_name=customer.name,
        owner_name=_name(owner),
        managers_told=told,
        already_asked=told > 0 and not fresh,
    )


def _notice(t: Translator, *, requester: str, customer: Customer, owner: str | None) -> str:
    if customer.company:
        if owner:
            return t.gettext(
                "{rep} asks to take over the customer {customer} ({company}), now with {owner}. "
                "If you agree, reassign the customer to {rep}."
            ).format(rep=requester, customer=customer.name, company=customer.company, owner=owner)
        return t.gettext(
            "{rep} asks to take over the customer {customer} ({company}), who has no owner. "
            "If you agree, reassign the customer to {rep}."
        ).format(rep=requester, customer=customer.name, company=customer.company)
    if owner:
        return t.gettext(
            "{rep} asks to take over the customer {customer}, now with {owner}. "
            "If you agree, reassign the customer to {rep}."
        ).format(rep=requester, customer=customer.name, owner=owner)
    return t.gettext(
        "{rep} asks to take over the customer {customer}, who has no owner. "
        "If you agree, reassign the customer to {rep}."
    ).format(rep=requester, customer=customer.name)
