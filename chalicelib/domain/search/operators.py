"""The text rules of search: words, tags, and the original service's query operators.

`tags:a,b`, `desc:"some words"`, `date:24-12-2020` (also `2016`, `03-2018`, `*-12-2020`),
`from:01-02-2020` and `to:31-12-2020`; and `camera:nikon` or `camera:"eos 5d"` (every word
in the camera's name). Dates are day-month-year, as that service's users
typed them; `from`/`to` also take `03-2018` or `2018` (the first or last day of it).
Every operator becomes a structured filter; none of this is ever engine syntax.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.model import DateParts

OPERATORS = frozenset({"tags", "date", "from", "to", "desc", "camera"})
ANY = "*"
# An operator starts a whitespace-separated token (so `(tags:a)` stays words); its value
# is quoted (a missing closing quote runs to the end) or runs to the next whitespace.
_OPERATOR = re.compile(r'(?<!\S)([A-Za-z]+):("[^"]*"?|\S+)')
_DATE_SEPARATOR = re.compile(r"[-./]")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ANY_YEAR = 2000  # a leap year, so 29-02-* stays a possible day
_SPACES = re.compile(r"\s+")


def is_word_char(char: str) -> bool:
    """Letters, digits and combining marks of every script make up words."""
    return unicodedata.category(char)[0] in "LNM"


def words_of(text: str) -> list[str]:
    """Lowercase NFC words; anything but a letter, digit or mark separates them."""
    spaced = "".join(c if is_word_char(c) else " " for c in unicodedata.normalize("NFC", text))
    words = (unicodedata.normalize("NFC", w.lower()) for w in spaced.split())
    # A run of combining marks alone is no word.
    return [w for w in words if any(unicodedata.category(c)[0] in "LN" for c in w)]


def camera_words(name: str) -> tuple[str, ...]:
    """The words of a camera's name as both engines index and match them (no stemming)."""
    return tuple(dict.fromkeys(words_of(name)))


def clean_tag(raw: str) -> str:
    """A tag normalised exactly as stored tags are: NFC, lowercase, single spaces."""
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cs") else c for c in raw)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).strip().lower()).strip()


def split_tags(value: str) -> list[str]:
    """A comma-separated tag list, cleaned, empties dropped."""
    return [tag for tag in (clean_tag(part) for part in value.split(",")) if tag]


@dataclass(frozen=True)
class Split:
    """Query text cut into known operators and the plain text around them."""

    operators: tuple[tuple[str, str], ...]  # (lowercased name, unquoted value), in order
    pieces: tuple[str, ...]  # plain text between operators; the last one is the tail of q


def split_operators(q: str) -> Split:
    """Find known operators (names case-insensitive); an unknown `word:thing` stays text."""
    operators: list[tuple[str, str]] = []
    pieces: list[str] = []
    position = 0
    for match in _OPERATOR.finditer(q):
        name = match.group(1).lower()
        if name in OPERATORS:
            operators.append((name, _unquote(match.group(2))))
            pieces.append(q[position : match.start()])
            position = match.end()
    pieces.append(q[position:])
    return Split(tuple(operators), tuple(pieces))


def _unquote(value: str) -> str:
    return value[1:].removesuffix('"') if value.startswith('"') else value


def invalid_date(message: str) -> InvalidInput:
    """The one error every malformed or impossible date becomes."""
    return InvalidInput("invalid_date", message)


def _part(text: str, high: int, sizes: tuple[int, ...]) -> int | None:
    if text == ANY:
        return None
    if not (text.isascii() and text.isdigit() and len(text) in sizes):
        raise invalid_date("Dates are day-month-year, like 24-12-2020, 03-2018 or 2016.")
    number = int(text)
    if not 1 <= number <= high:
        raise invalid_date("A day, month or year in the query is out of range.")
    return number


def check_calendar(parts: DateParts) -> None:
    """Refuse a day its month never has (31-04-*, 30-02-*, 29-02-2021)."""
    if parts.day is None or parts.month is None:
        return
    if parts.day > calendar.monthrange(parts.year or _ANY_YEAR, parts.month)[1]:
        raise invalid_date("That day does not exist in that month.")


def parse_date(value: str) -> DateParts | None:
    """A `date:` value (year, month-year or day-month-year; any part `*`); None if all `*`."""
    given = _DATE_SEPARATOR.split(value)
    if len(given) > 3:
        raise invalid_date("Dates are day-month-year, like 24-12-2020, 03-2018 or 2016.")
    day, month, year = [ANY] * (3 - len(given)) + given
    parts = DateParts(
        year=_part(year, 9999, (4,)),
        month=_part(month, 12, (1, 2)),
        day=_part(day, 31, (1, 2)),
    )
    check_calendar(parts)
    return None if parts == DateParts() else parts


def merge_dates(first: DateParts | None, second: DateParts | None) -> DateParts | None:
    """Two `date:` operators together: each part from whichever sets it; a clash is refused."""
    if first is None or second is None:
        return second if first is None else first
    merged: dict[str, int | None] = {}
    for name in ("year", "month", "day"):
        mine, theirs = getattr(first, name), getattr(second, name)
        if mine is not None and theirs is not None and mine != theirs:
            raise invalid_date("Two date: operators ask for different days.")
        merged[name] = theirs if mine is None else mine
    parts = DateParts(**merged)
    check_calendar(parts)
    return parts


def parse_bound(value: str, end: bool) -> str:
    """A `from:`/`to:` value as an inclusive ISO day; a month or year means its first/last day."""
    parts = parse_date(value) if ANY not in value else None
    if parts is None or parts.year is None:
        raise invalid_date("from: and to: need a day-month-year, like 01-02-2020.")
    month = parts.month or (12 if end else 1)
    last_day = calendar.monthrange(parts.year, month)[1]
    day = parts.day or (last_day if end else 1)
    return date(parts.year, month, day).isoformat()


def parse_iso_day(value: str) -> str:
    """A `from`/`to` parameter: exactly YYYY-MM-DD and a real day."""
    if not _ISO_DAY.fullmatch(value):
        raise invalid_date("`from` and `to` are dates like 2020-12-31.")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError as error:
        raise invalid_date("`from` and `to` must be real days.") from error


def latest(*days: str | None) -> str | None:
    """The latest of some ISO days (the narrower lower bound); None if none is set."""
    known = [d for d in days if d is not None]
    return max(known) if known else None


def earliest(*days: str | None) -> str | None:
    """The earliest of some ISO days (the narrower upper bound); None if none is set."""
    known = [d for d in days if d is not None]
    return min(known) if known else None
