"""Finding customers: search for the viewer's own (a rep) or the team's (a manager), and the recent
ones pickers offer first. Every lookup goes through `visible_to`, so nobody finds someone else's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import duplicates, names, phones
from bot.domain.customer_fields import tag_name
from bot.domain.viewer import Viewer
from bot.services.visibility import visible_customer
from storage.models import Team
from storage.queries import customers as queries
from storage.queries.customers import Ranked, SearchTerms

MAX_QUERY = 100
DEFAULT_REGION = "CN"
MAX_PAGE = 50
# A run of this many digits is looked for anywhere inside the customers' numbers.
MIN_PHONE_RUN = 4
# Each way of matching returns at most this many customers: eight pages, plenty on a phone.
PER_WAY = 64
# Substring search reads this many of the viewer's newest customers at most (no index serves it).
SUBSTRING_SCAN = 20_000


@dataclass(frozen=True, slots=True)
class CustomerHit:
    id: int
    name: str
    company: str | None
    phone_masked: str | None
    tier: str


@dataclass(frozen=True, slots=True)
class CustomerBrief:
    """The customer a dialog is about, as it names them."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: list[CustomerHit]
    page: int
    has_more: bool


def _hit(row: Ranked) -> CustomerHit:
    masked = phones.mask(row.phone_e164) if row.phone_e164 else None
    return CustomerHit(id=row.id, name=row.name, company=row.company, phone_masked=masked, tier=row.tier)


def terms_for(text: str, *, region: str = DEFAULT_REGION) -> SearchTerms:
    """How a typed search is looked up: a #tag, a phone (any run of 4 digits or more inside the number,
    the last 4 first), or a name, company or tag typed without its #."""
    raw = names.clean(text)[:MAX_QUERY]
    if raw.startswith("#"):
        tag = tag_name(raw)
        return SearchTerms(tag=tag or None)
    digits = phones.query_digits(raw)
    if digits is not None:
        inside = digits if len(digits) >= MIN_PHONE_RUN else None
        if len(digits) == 4:
            return SearchTerms(last4=digits, phone_digits=inside, substring=inside is not None)
        parsed = phones.parse(raw, region=region)
        prefix = phones.search_prefix(digits, region=region, international=raw.startswith("+"))
        return SearchTerms(
            e164=parsed.e164,
            phone_prefix=prefix,
            raw=raw,
            key=digits,
            phone_digits=inside,
            substring=inside is not None,
        )
    key = names.key(raw)
    wide_enough = len(key) >= 2 or names.has_cjk(key)
    return SearchTerms(raw=raw, key=key, substring=wide_enough, bare_tag=tag_name(raw) or None)


async def search(
    session: AsyncSession, *, viewer: Viewer, text: str, page: int = 0, per_page: int = 8
) -> SearchPage:
    """One page of the viewer's customers matching `text`, best first:
    exact > prefix > pinyin/initials > substring > fuzzy (typos)."""
    page = max(0, min(page, MAX_PAGE))
    terms = terms_for(text)
    if terms.phone_prefix is not None:
        terms = terms_for(text, region=await team_region(session, viewer=viewer))
    if not (terms.raw or terms.key or terms.tag or terms.last4):
        return SearchPage(hits=[], page=page, has_more=False)
    need = (page + 1) * per_page + 1
    rows = await queries.ranked_matches(session, viewer=viewer, terms=terms, limit=need, per_way=PER_WAY)
    if len(rows) < need and terms.substring:
        rows += await queries.substring_matches(
            session,
            viewer=viewer,
            terms=terms,
            exclude=[r.id for r in rows],
            limit=PER_WAY,
            scan=SUBSTRING_SCAN,
        )
    if not rows and terms.substring and not terms.phone_digits and len(terms.key) >= 3:
        rows = await _fuzzy(session, viewer=viewer, terms=terms)
    window = rows[page * per_page : (page + 1) * per_page]
    return SearchPage(hits=[_hit(r) for r in window], page=page, has_more=len(rows) > (page + 1) * per_page)


async def _fuzzy(session: AsyncSession, *, viewer: Viewer, terms: SearchTerms) -> list[Ranked]:
    """Typos, when nothing else matched: neighbours sharing the first letters or the initials,
    kept if they score well enough."""
    head = terms.key[: max(2, len(terms.key) // 4)]
    cjk_head = terms.raw[:1] if names.has_cjk(terms.raw[:1]) else ""
    words = len(terms.raw.split())
    candidates = await queries.fuzzy_candidates(
        session,
        viewer=viewer,
        key=head,
        raw=cjk_head,
        initials=names.initials(terms.raw) if words > 1 else "",
    )
    scored = []
    for candidate in candidates:
        keys = duplicates.Keys(
            name_key=names.key(candidate.hit.name),
            pinyin=candidate.name_pinyin,
            company_key=candidate.company_key,
        )
        score = duplicates.search_similarity(terms.key, keys)
        if score >= duplicates.SEARCH_THRESHOLD:
            scored.append((score, candidate.hit))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name, pair[1].id))
    return [hit for _, hit in scored]


async def recent(
    session: AsyncSession, *, viewer: Viewer, now: datetime, limit: int = 6
) -> list[CustomerHit]:
    """Customers for a picker's first screen: due follow-ups, recently visited, newly added."""
    ids = await queries.recent_ids(session, viewer=viewer, now=now, limit=limit)
    return [_hit(row) for row in await queries.hits_by_id(session, viewer=viewer, ids=ids)]


async def brief(session: AsyncSession, *, viewer: Viewer, customer_id: int) -> CustomerBrief:
    """The customer a dialog is about, if the viewer may act on them (raises NotVisible)."""
    customer = await visible_customer(session, viewer=viewer, customer_id=customer_id)
    return CustomerBrief(id=customer.id, name=customer.name)


async def team_region(session: AsyncSession, *, viewer: Viewer) -> str:
    """The region a number without a country code belongs to: the team's (CN unless set)."""
    if viewer.team_id is None:
        return DEFAULT_REGION
    team = await session.get(Team, viewer.team_id)
    return team.phone_region if team is not None else DEFAULT_REGION


def search_columns(*, name: str, company: str | None, e164: str | None) -> dict[str, str | None]:
    """The derived columns search and the duplicate guard look up; kept in step on every save."""
    return {
        "name_pinyin": names.pinyin(name) or None,
        "name_initials": names.initials(name) or None,
        "company_key": (names.key(company) or None) if company else None,
        "phone_last4": phones.last4(e164) if e164 else None,
    }
