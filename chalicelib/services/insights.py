"""Use cases: count the searches nobody could satisfy, and list them for contributors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.auth import Principal
from chalicelib.domain.errors import Forbidden
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.search.query import parse_search
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
    params: Mapping[str, str],
    total: int,
    now: datetime,
    policy: WantedPolicy,
    limits: SearchLimits,
) -> bool:
    """Count a search that came back (nearly) empty; True when it was counted.

    Only a first page counts (a cursor means the same search again), and only its plain words:
    the parser has already left out operators, filters, sort, page size and cursor."""
    if not policy.counting or not counts(total, not params.get("cursor"), policy):
        return False
    # The search ran with these very parameters, so they parse again (a few microseconds).
    key = wanted_key(parse_search(params, limits), policy)
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
