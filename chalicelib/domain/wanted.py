"""What people search for and can't find: which searches count, their key, and the top list.

A counted search leaves nothing about who searched: only its normalised words, the day and a
count. Pure, stdlib only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from chalicelib.domain.numbers import whole_number
from chalicelib.domain.search.model import SearchQuery


@dataclass(frozen=True)
class WantedPolicy:
    """The settings of search counting (WANTED_* variables)."""

    # A first page with this many results or fewer counts; 0 results always count.
    few_results: int = 3
    keep_days: int = 90  # a day's counts live this long (the table's TTL)
    max_query_chars: int = 100  # a longer normalised query is cut at a word boundary
    flush_seconds: int = 10  # the background writer's period
    flush_entries: int = 200  # distinct (day, query) pairs that wake the writer early
    max_buffered: int = 5_000  # distinct pairs held in memory; more are dropped and counted
    top: int = 50  # queries the insights list shows
    counting: bool = True  # WANTED_COUNTING=off stops counting (the list still answers)


@dataclass(frozen=True)
class DayTally:
    """How often a normalised query came back (nearly) empty on one UTC day."""

    day: str  # YYYY-MM-DD
    query: str
    count: int
    last_seen: str  # ISO-8601 UTC time of the latest counted search


@dataclass(frozen=True)
class WantedQuery:
    """One line of the insights list: a query over the asked days."""

    query: str
    count: int
    last_seen: str  # YYYY-MM-DD, the latest day it was counted


def counts(total: int, first_page: bool, policy: WantedPolicy) -> bool:
    """Whether a search is one people could not satisfy: a first page with few results."""
    return first_page and total <= max(0, policy.few_results)


def wanted_key(query: SearchQuery, policy: WantedPolicy) -> str | None:
    """The normalised words of a parsed search (operators, filters, sort, paging and cursors
    already left out by the parser), or None when only filters were asked for."""
    kept: list[str] = []
    length = -1
    for word in query.words:
        if length + 1 + len(word) > policy.max_query_chars:
            break
        kept.append(word)
        length += 1 + len(word)
    return " ".join(kept) or None


def day_of(moment: datetime) -> str:
    """The UTC day (YYYY-MM-DD) a moment falls on."""
    return moment.astimezone(UTC).date().isoformat()


def days_back(today: str, days: int) -> list[str]:
    """`days` UTC days ending with today, newest first."""
    end = date.fromisoformat(today)
    return [(end - timedelta(days=back)).isoformat() for back in range(days)]


def expires_at(day: str, keep_days: int) -> int:
    """Epoch seconds after which a day's counts may go (start of the day + keep_days)."""
    start = datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)
    return int((start + timedelta(days=keep_days)).timestamp())


def parse_days(raw: str | None, policy: WantedPolicy, default: int = 30) -> int:
    """The `days` parameter: a whole number from 1 to keep_days."""
    if raw is None or raw == "":
        return min(default, policy.keep_days)
    return whole_number(raw, "days", 1, policy.keep_days)


def top_wanted(tallies: Iterable[DayTally], top: int) -> list[WantedQuery]:
    """Add each query's days up; most counted first, then most recently seen, then by name."""
    totals: dict[str, int] = {}
    latest: dict[str, str] = {}
    for tally in tallies:
        totals[tally.query] = totals.get(tally.query, 0) + tally.count
        latest[tally.query] = max(latest.get(tally.query, ""), tally.day)
    ranked = sorted(totals, key=lambda q: (-totals[q], _descending(latest[q]), q))
    return [WantedQuery(q, totals[q], latest[q]) for q in ranked[:top]]


def _descending(day: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in day)
