"""A page of a long list, and how a page asked for past the end (the list shrank since its buttons
were sent, or the press was forged) becomes the last page that exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Counted(Protocol):
    """Rows from some offset on, and how many the whole list holds (0 when the rows are past its end)."""

    @property
    def rows(self) -> Sequence[Mapping[str, Any]]: ...

    @property
    def total(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list. `number` counts from 0 and is the last page when the one `asked` for is
    past the end."""

    rows: Sequence[Mapping[str, Any]]
    total: int
    number: int
    asked: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def moved(self) -> bool:
        return self.number != self.asked


Fetch = Callable[[int, int], Awaitable[Counted]]


async def page_or_last(fetch: Fetch, *, page: int, per_page: int) -> Page:
    """Page `page` of the list `fetch(limit, offset)` reads; the last page when `page` is past the end."""
    shown = await fetch(per_page, page * per_page)
    if shown.rows or page == 0:
        return Page(shown.rows, shown.total, page, page, per_page)
    head = await fetch(1, 0)
    last = max(head.total - 1, 0) // per_page
    shown = await fetch(per_page, last * per_page)
    return Page(shown.rows, shown.total, last, page, per_page)


def page_of(rows: Sequence[Mapping[str, Any]], *, page: int, per_page: int) -> Page:
    """Page `page` of a list already in memory; the last page when `page` is past the end."""
    last = max(len(rows) - 1, 0) // per_page
    number = min(page, last)
    shown = rows[number * per_page : (number + 1) * per_page]
    return Page(shown, len(rows), number, page, per_page)
