"""Who is in the demo team: staff, customers' own accounts, and the customers people know by name.

Plain data shared by the seed (which writes it) and the demo runner (which gives each person a chat
in the web chat), so a name is spelled the same everywhere. Chinese names are whole in first_name,
as Chinese users usually fill in Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Role

TEAM_NAME = "Demo Sales 演示团队"
TIMEZONE = "Asia/Shanghai"
# Ratings are asked right after a visit, at any hour, so the survey shows up while you watch;
# a real team waits two hours and asks in the customer's daytime (the defaults).
TEAM_SETTINGS = {"survey_delay_minutes": 0, "survey_window": {"start": "00:00", "end": "23:59"}}


@dataclass(frozen=True, slots=True)
class DemoPerson:
    """Someone with a Telegram account in the demo; `manager` is the telegram id of a rep's manager."""

    telegram_id: int
    first_name: str
    last_name: str | None
    role: Role | None
    locale: str
    manager: int | None = None
    phone: str | None = None

    @property
    def language_code(self) -> str:
        """What their Telegram app reports: Chinese apps say zh-hans."""
        return "zh-hans" if self.locale == "zh_Hans" else "en"


ADMIN = DemoPerson(1000, "Ada", "Admin", Role.ADMIN, "en")
MANAGERS = (
    DemoPerson(2000, "陈美", None, Role.MANAGER, "zh_Hans"),
    DemoPerson(2001, "Marcus", "Webb", Role.MANAGER, "en"),
)
REPS = (
    DemoPerson(3000, "Ravi", "Kumar", Role.REP, "en", manager=2001),
    DemoPerson(3001, "李伟", None, Role.REP, "zh_Hans", manager=2000),
    DemoPerson(3002, "Emma", "Clarke", Role.REP, "en", manager=2001),
    DemoPerson(3003, "张敏", None, Role.REP, "zh_Hans", manager=2000),
    DemoPerson(3004, "Daniel", "Okafor", Role.REP, "en", manager=2001),
    DemoPerson(3005, "刘洋", None, Role.REP, "zh_Hans", manager=2000),
    DemoPerson(3006, "Sofia", "Martins", Role.REP, "en", manager=2001),
    DemoPerson(3007, "赵静", None, Role.REP, "zh_Hans", manager=2000),
)
STAFF = (ADMIN, *MANAGERS, *REPS)
# Customers' own Telegram accounts, linked to the first two named customers below.
CUSTOMER_ACCOUNTS = (
    DemoPerson(5000, "Tom", "Baker", Role.CUSTOMER, "en", phone="+8613800138001"),
    DemoPerson(5001, "张三", None, Role.CUSTOMER, "zh_Hans", phone="+8613900139001"),
)
STRANGER = DemoPerson(6000, "Sam", "Lee", None, "en", phone="+447700900123")


@dataclass(frozen=True, slots=True)
class NamedCustomer:
    """A customer the README mentions; `account` is the telegram id of their linked Telegram, if any."""

    owner: int
    name: str
    company: str | None
    phone: str
    tier: str
    latitude: float | None
    longitude: float | None
    account: int | None = None


NAMED_CUSTOMERS = (
    NamedCustomer(3000, "Acme Trading", "Acme Trading Co.", "+8613800138001", "A", 31.2304, 121.4737, 5000),
    NamedCustomer(3001, "张三", "上海张记批发", "+8613900139001", "B", 31.2400, 121.4900, 5001),
    NamedCustomer(3000, "Bright Foods", "Bright Foods Ltd", "+8613800138002", "B", 31.2243, 121.4768),
    NamedCustomer(3000, "Harbour Hotel", None, "+85291234567", "VIP", 22.2855, 114.1577),
    NamedCustomer(3001, "王芳", "芳华餐饮", "+8613900139002", "A", None, None),
    NamedCustomer(3001, "刘强", "强盛五金", "+8613900139003", "C", None, None),
)
