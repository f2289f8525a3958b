"""From HTTP search parameters and query text to a SearchQuery.

User text only ever becomes words, tags and typed filters: engine syntax characters are
separators here, so no engine sees a query language it could misread.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.numbers import whole_number
from chalicelib.domain.search.limits import SearchLimits, check_chars, check_words
from chalicelib.domain.search.model import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    DateParts,
    SearchQuery,
    Sort,
)
from chalicelib.domain.search.operators import (
    earliest,
    is_word_char,
    latest,
    merge_dates,
    parse_bound,
    parse_date,
    parse_iso_day,
    split_operators,
    split_tags,
    words_of,
)

ORIENTATIONS = ("landscape", "portrait", "square")
COLORS = ("red", "orange", "yellow", "green", "turquoise", "blue", "violet", "pink", "brown",
          "black", "gray", "white")  # fmt: skip
COLOR_ALIASES = {"grey": "gray"}
MAX_HASHTAG_CHARS = 50  # the longest tag an image may hold (a longer one never matches)
MAX_DIMENSION = 2**31 - 1  # engines keep widths as 32-bit integers
_SORTS = {s.value: s for s in Sort}
_OWNER = re.compile(r"[A-Za-z0-9:_-]{1,128}")


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def hashtags(description: str) -> tuple[str, ...]:
    """`#sunset`-style tags in a description: lowercased, distinct, in order of appearance."""
    text = unicodedata.normalize("NFC", description)
    found: list[str] = []
    for match in re.finditer("#", text):
        start = match.start()
        before = text[start - 1] if start else " "
        # `abc#x`, `&#39;` and `page/#anchor` are not hashtags.
        if is_word_char(before) or before in "&/#_-":
            continue
        end = start + 1
        while end < len(text) and (is_word_char(text[end]) or text[end] in "_-"):
            end += 1
        tag = text[start + 1 : end].strip("-").lower()
        # `#1` is a rank, not a tag: a tag needs a letter.
        if len(tag) <= MAX_HASHTAG_CHARS and any(c.isalpha() for c in tag):
            found.append(tag)
    return _distinct(found)


@dataclass(frozen=True)
class _Text:
    words: tuple[str, ...] = ()
    prefix_last: bool = True
    desc_words: tuple[str, ...] = ()
    camera_words: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    date: DateParts | None = None
    date_from: str | None = None
    date_to: str | None = None


def _plain_words(pieces: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    # Keep the last occurrence of a repeated word so the word being typed stays last.
    words = tuple(reversed(_distinct(reversed(words_of(" ".join(pieces))))))
    if not words:
        return (), True
    tail = pieces[-1]
    # Anything after the last word (space, punctuation, an operator) means it is finished.
    return words, bool(tail) and is_word_char(tail[-1])


def _parse_text(q: str, limits: SearchLimits) -> _Text:
    split = split_operators(unicodedata.normalize("NFC", q))
    tags: list[str] = []
    desc: list[str] = []
    camera: list[str] = []
    day: DateParts | None = None
    date_from = date_to = None
    for name, value in split.operators:
        if name == "tags":
            tags += split_tags(value)
        elif name == "desc":
            desc += words_of(value)
        elif name == "camera":
            camera += words_of(value)
        elif name == "date":
            day = merge_dates(day, parse_date(value))
        elif name == "from":
            date_from = latest(date_from, parse_bound(value, end=False))
        else:
            date_to = earliest(date_to, parse_bound(value, end=True))
    words, prefix_last = _plain_words(split.pieces)
    desc_words = _distinct(desc)
    check_words(words, desc_words, limits)
    return _Text(words, prefix_last, desc_words, _distinct(camera), tuple(tags), day, date_from,
                 date_to)


def _value(params: Mapping[str, str], name: str) -> str | None:
    raw = (params.get(name) or "").strip()
    return raw or None


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    raw = _value(params, name)
    if raw is None:
        return None
    value = COLOR_ALIASES.get(raw.lower(), raw.lower()) if name == "color" else raw.lower()
    if value not in allowed:
        raise InvalidInput(f"invalid_{name}", f"`{name}` must be one of: {', '.join(allowed)}.")
    return value


def _whole(params: Mapping[str, str], name: str, high: int) -> int | None:
    raw = _value(params, name)
    if raw is None:
        return None
    return whole_number(raw, name, 1, high)


def _tags(
    params: Mapping[str, str], from_text: tuple[str, ...], limits: SearchLimits
) -> tuple[str, ...]:
    raw = params.get("tags") or ""
    # Refused before splitting: the most tags allowed, each as long as a tag may be, fit.
    if len(raw) > limits.max_tags * (MAX_HASHTAG_CHARS + 1):
        raise InvalidInput("invalid_tags", "The list of tags is too long.")
    tags = _distinct([*split_tags(raw), *from_text])
    if len(tags) > limits.max_tags:
        message = f"At most {limits.max_tags} tags can be required; this search has {len(tags)}."
        raise InvalidInput("invalid_tags", message)
    if any(len(tag) > MAX_HASHTAG_CHARS for tag in tags):
        message = f"A tag can be at most {MAX_HASHTAG_CHARS} characters long."
        raise InvalidInput("invalid_tags", message)
    return tags


def _camera(params: Mapping[str, str], from_text: tuple[str, ...], limits: SearchLimits
            ) -> tuple[str, ...]:
    """`camera=` (a facet's value) and `camera:` words together: all must match."""
    raw = params.get("camera") or ""
    check_chars(raw, limits)
    words = _distinct([*from_text, *words_of(raw)])
    if len(words) > limits.max_words:
        raise InvalidInput("invalid_camera", f"A camera can be at most {limits.max_words} words.")
    return words


def _owner(params: Mapping[str, str]) -> str | None:
    owner = _value(params, "owner")
    if owner is not None and not _OWNER.fullmatch(owner):
        raise InvalidInput("invalid_owner", "`owner` must be a user id.")
    return owner


def _sort(params: Mapping[str, str], has_words: bool) -> Sort:
    raw = _value(params, "sort")
    sort = _SORTS.get(raw.lower()) if raw else (Sort.RELEVANCE if has_words else Sort.NEWEST)
    if sort is None:
        raise InvalidInput("invalid_sort", f"`sort` must be one of: {', '.join(_SORTS)}.")
    # Without words every score is equal: relevance would be an arbitrary order.
    return Sort.NEWEST if sort is Sort.RELEVANCE and not has_words else sort


def _iso(params: Mapping[str, str], name: str) -> str | None:
    raw = _value(params, name)
    return parse_iso_day(raw) if raw is not None else None


def parse_search(params: Mapping[str, str], limits: SearchLimits | None = None) -> SearchQuery:
    """Validate search parameters and parse `q`; raises InvalidInput with a stable code."""
    limits = limits or SearchLimits()
    q = params.get("q") or ""
    check_chars(q, limits)
    text = _parse_text(q, limits)
    return SearchQuery(
        words=text.words,
        prefix_last=text.prefix_last,
        desc_words=text.desc_words,
        camera_words=_camera(params, text.camera_words, limits),
        tags=_tags(params, text.tags, limits),
        orientation=_choice(params, "orientation", ORIENTATIONS),
        color=_choice(params, "color", COLORS),
        min_width=_whole(params, "min_width", MAX_DIMENSION),
        min_height=_whole(params, "min_height", MAX_DIMENSION),
        owner=_owner(params),
        date=text.date,
        date_from=latest(_iso(params, "from"), text.date_from),
        date_to=earliest(_iso(params, "to"), text.date_to),
        sort=_sort(params, bool(text.words or text.desc_words)),
        per_page=_whole(params, "per_page", MAX_PER_PAGE) or DEFAULT_PER_PAGE,
        count_up_to=limits.total_hits_cap,
    )
