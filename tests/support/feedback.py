"""A customer of Rita's linked to their Telegram account, a photo to send, and the sender run with
its clock frozen, as the feedback tests use them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.domain.roles import Role
from bot.runtime.jobs import background
from handlers.customer.link import qr_png
from sandbox.factories import SalesTeam, customer
from sandbox.harness import Harness, Person, Reply
from storage.models import Customer, User

NOW = datetime(2027, 5, 12, 2, 0, tzinfo=UTC)
CUSTOMER_TG, STRANGER_TG = 9401, 9402
PHOTO = qr_png("https://example.com/broken-shelf")


async def linked_customer(
    bot: Harness, team: SalesTeam, *, chinese: bool = False, name: str = "Lotus Tea House"
) -> tuple[int, Person]:
    """A customer of Rita's whose Telegram account is linked, as after opening their personal link."""
    customer_id = await customer(bot, team_id=team.team_id, owner_id=team.rep_id, name=name)
    async with bot.app.db.begin() as session:
        account = User(
            telegram_id=CUSTOMER_TG,
            chat_id=CUSTOMER_TG,
            first_name="Lin",
            role=Role.CUSTOMER.value,
            team_id=team.team_id,
            locale="zh_Hans" if chinese else "en",
        )
        session.add(account)
        await session.flush()
        await session.execute(update(Customer).where(Customer.id == customer_id).values(user_id=account.id))
    guest = await bot.person(CUSTOMER_TG, "Lin", language_code="zh-hans" if chinese else "en")
    return customer_id, guest


async def send_photo(who: Person, caption: str | None = None, *, file_size: int | None = None) -> Reply:
    await who._settle(await who.account.send_photo(PHOTO, caption=caption, file_size=file_size))
    return await who.last_message()


async def deliver(bot: Harness) -> None:
    """Run the sender a few seconds on, so that two pushes to one chat both go out."""
    jobs = background(bot.app)
    for step in range(3):
        jobs.clock = lambda step=step: NOW + timedelta(seconds=2 * step)  # type: ignore[misc]
        await jobs.deliver()
    jobs.clock = lambda: NOW
