"""The demo team as the web chat offers it: who you can be, and where you can say you are."""

from __future__ import annotations

from bot.demo.team import CUSTOMER_ACCOUNTS, MANAGERS, NAMED_CUSTOMERS, REPS, STAFF, STRANGER, DemoPerson
from sandbox.web import Persona, Place, WebChat

TITLE = "FieldCRM demo"
ROLE_TITLES = {"admin": "Admin", "manager": "Manager", "rep": "Sales rep"}
PLACES = (
    Place("Acme Trading (at the door)", 31.2307, 121.4739),
    Place("张三 · 上海张记批发", 31.2401, 121.4902),
    Place("Bright Foods (across the street)", 31.2249, 121.4771),
    Place("Harbour Hotel, Hong Kong", 22.2856, 114.1579),
    Place("People's Square 人民广场", 31.2317, 121.4726),
)


def _title(person: DemoPerson) -> str:
    if person in CUSTOMER_ACCOUNTS:
        customer = next(c for c in NAMED_CUSTOMERS if c.account == person.telegram_id)
        return f"Customer · {customer.company or customer.name}"
    if person is STRANGER:
        return "Not in the team: no access yet"
    assert person.role is not None
    title = ROLE_TITLES[person.role.value]
    if person in REPS:
        manager = next(m for m in MANAGERS if m.telegram_id == person.manager)
        return f"{title} · reports to {manager.first_name}"
    return title


def persona(person: DemoPerson) -> Persona:
    """`person` in the web chat; staff share a made-up mainland number built from their id."""
    return Persona(
        id=person.telegram_id,
        first_name=person.first_name,
        last_name=person.last_name,
        language_code=person.language_code,
        role=person.role.value if person.role else "stranger",
        title=_title(person),
        phone=person.phone or f"+86137{person.telegram_id:08d}",
    )


PEOPLE = (*STAFF, *CUSTOMER_ACCOUNTS, STRANGER)


def web_chat(token: str) -> WebChat:
    return WebChat(token=token, personas=[persona(person) for person in PEOPLE], places=PLACES, title=TITLE)
