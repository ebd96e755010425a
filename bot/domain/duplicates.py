"""Is a new customer one the team already has (撞单)? Scoring a few candidates, no I/O.

Candidates come from indexed lookups (same phone, shared prefixes); this module decides which of
them are close enough to stop a rep from creating a second record of the same customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz

NAME_THRESHOLD = 88.0
COMPANY_THRESHOLD = 92.0
COMPANY_AGREES = 60.0
SEARCH_THRESHOLD = 75.0


class MatchReason(StrEnum):
    PHONE = "phone"
    NAME = "name"
    COMPANY = "company"


@dataclass(frozen=True, slots=True)
class Keys:
    """The comparable forms of one customer (see bot.domain.names)."""

    name_key: str
    pinyin: str | None = None
    company_key: str | None = None
    e164: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    score: float
    reason: MatchReason


def _ratio(a: str | None, b: str | None) -> float:
    return float(fuzz.ratio(a, b)) if a and b else 0.0


def name_similarity(new: Keys, old: Keys) -> float:
    """Written form first; pinyin catches homophones and mixed scripts (张三 / 章三 / Zhang San)."""
    return max(_ratio(new.name_key, old.name_key), _ratio(new.pinyin, old.pinyin) * 0.97)


def match(new: Keys, old: Keys) -> Match | None:
    """Why `old` is probably the same customer as `new`, or None."""
    if new.e164 and new.e164 == old.e164:
        return Match(100.0, MatchReason.PHONE)
    company = _ratio(new.company_key, old.company_key)
    name = name_similarity(new, old)
    both_companies = bool(new.company_key and old.company_key)
    if name >= NAME_THRESHOLD and (not both_companies or company >= COMPANY_AGREES):
        return Match(name, MatchReason.NAME)
    if company >= COMPANY_THRESHOLD:
        return Match(company, MatchReason.COMPANY)
    return None


def best_matches(new: Keys, candidates: list[tuple[int, Keys]], *, limit: int = 3) -> list[tuple[int, Match]]:
    """The closest few candidates by id, best first."""
    scored = [(cid, m) for cid, keys in candidates if (m := match(new, keys)) is not None]
    scored.sort(key=lambda pair: (-pair[1].score, pair[0]))
    return scored[:limit]


def search_similarity(query_key: str, candidate: Keys) -> float:
    """How well a typed search (possibly misspelt) fits a customer, 0–100."""
    return max(
        _ratio(query_key, candidate.name_key),
        _ratio(query_key, candidate.pinyin),
        _ratio(query_key, candidate.company_key),
    )
