"""Use cases: count the searches nobody could satisfy, and list them for contributors."""

from __future__ import annotations

from datetime import datetime

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.search import SearchQuery
from chalicelib.domain.wanted import (
    WantedPolicy,
    WantedQuery,
    counts,
    day_of,
    days_back,
    parse_days,
    top_wanted,
    wanted_key,
)
from chalicelib.ports import WantedCounter, WantedStore


def note_search(
    counter: WantedCounter,
    query: SearchQuery,
    first_page: bool,
    total: int,
    now: datetime,
    policy: WantedPolicy,
) -> bool:
    """Count a search that came back (nearly) empty; True when it was counted.

    Only a first page counts (a cursor means the same search again), and only the plain words
    of the query as the search parsed it: operators, filters, sort, page size and cursor are
    already apart from them."""
    if not policy.counting or not counts(total, first_page, policy):
        return False
    key = wanted_key(query, policy)
    if key is None:
        return False
    counter.note(day_of(now), key, now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return True


def wanted(
    store: WantedStore,
    principal: Principal,
    raw_days: str | None,
    now: datetime,
    policy: WantedPolicy,
) -> list[WantedQuery]:
    """The most counted unsatisfied searches over the last `days` days (contributors, admins)."""
    if not principal.is_contributor:
        raise Forbidden("not_a_contributor", "Only contributors can see what people look for.")
    days = parse_days(raw_days, policy)
    tallies = [tally for day in days_back(day_of(now), days) for tally in store.day(day)]
    return top_wanted(tallies, policy.top)
