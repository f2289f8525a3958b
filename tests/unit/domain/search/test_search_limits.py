"""Every search bound: refused past its limit with a code and plain words, configurable."""

from __future__ import annotations

import pytest

from chalicelib import config
from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.limits import SearchLimits, fuzzy_allowed, most_words
from chalicelib.domain.search.query import parse_search

DEFAULTS = SearchLimits()


def _words(n: int, stem: str = "w") -> str:
    return " ".join(f"{stem}{i}" for i in range(n))


def _desc(n: int) -> str:
    return f' desc:"{_words(n, "d")}"'


def _refused(params: dict[str, str], limits: SearchLimits = DEFAULTS) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_search(params, limits)
    return caught.value


def test_the_defaults_are_the_documented_ones() -> None:
    assert (DEFAULTS.max_query_chars, DEFAULTS.max_words, DEFAULTS.max_desc_words) == (256, 32, 8)
    assert (DEFAULTS.max_tags, DEFAULTS.fuzzy_max_words, DEFAULTS.fuzzy_max_word_chars) == (
        30,
        4,
        24,
    )
    assert DEFAULTS.total_hits_cap == 10_000


def test_given_search_env_vars_then_every_limit_follows_them() -> None:
    env = {
        "SEARCH_MAX_QUERY_CHARS": "100",
        "SEARCH_MAX_WORDS": "10",
        "SEARCH_MAX_DESC_WORDS": "3",
        "SEARCH_MAX_TAGS": "5",
        "SEARCH_FUZZY_MAX_WORDS": "2",
        "SEARCH_FUZZY_MAX_WORD_CHARS": "12",
        "SEARCH_TOTAL_HITS_CAP": "1000",
        "SEARCH_MOST_WORDS_PERCENT": "75",
    }
    expected = SearchLimits(100, 10, 3, 5, 2, 12, 1000, most_words_percent=75)
    assert config.load(env).limits.search == expected
    assert config.load({}).limits.search == DEFAULTS


@pytest.mark.parametrize(("words", "percent", "needed"), [
    (("a", "b", "c"), 50, 2), (("a", "b", "c", "d"), 50, 2), (("a", "b"), 50, 1),
    (("a",), 50, None), (("a", "b", "c"), 100, None), (("a", "a", "b"), 50, 1),
])
def test_most_words_needs_the_share_rounded_up_and_only_helps_below_every_word(
    words: tuple[str, ...], percent: int, needed: int | None
) -> None:
    assert most_words(words, SearchLimits(most_words_percent=percent)) == needed
    with pytest.raises(ValueError, match="most_words_percent"):
        SearchLimits(most_words_percent=101)


def test_a_limit_below_one_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="max_words"):
        SearchLimits(max_words=0)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "x" * 257}, "A search can be at most 256 characters long; this one has 257."),
        ({"q": _words(33)}, "A search can have at most 32 different words; this one has 33."),
        ({"q": _words(25) + _desc(8)}, "at most 32 different words; this one has 33."),
        ({"q": _desc(9)}, "at most 8 different desc: words; this one has 9."),
    ],
    ids=["characters", "words", "words and desc words together", "desc words"],
)
def test_given_a_query_past_a_size_limit_then_query_too_long_in_plain_words(
    params: dict[str, str], expected: str
) -> None:
    error = _refused(params)
    assert error.code == "query_too_long"
    assert expected in error.message


def test_given_queries_at_the_limits_then_accepted() -> None:
    at_words = parse_search({"q": _words(24) + _desc(8)})
    assert len(at_words.words) == 24 and len(at_words.desc_words) == 8
    assert parse_search({"q": "x" * 256}).words == ("x" * 256,)


def test_given_repeated_words_then_only_distinct_words_count() -> None:
    # 300 words typed, 3 different: repeats cost the engine nothing (each becomes one clause)
    assert parse_search({"q": "red fox sky " * 20}).words == ("red", "fox", "sky")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"tags": ",".join(f"t{i}" for i in range(31))}, "At most 30 tags"),
        ({"q": "tags:" + ",".join(f"t{i}" for i in range(31))}, "At most 30 tags"),
        ({"tags": "x" * 51}, "at most 50 characters"),
        ({"tags": "," * 2000}, "too long"),
    ],
    ids=["tags parameter", "tags operator", "one long tag", "a huge tags parameter"],
)
def test_given_too_many_or_too_long_tags_then_invalid_tags(
    params: dict[str, str], expected: str
) -> None:
    error = _refused(params)
    assert error.code == "invalid_tags" and expected in error.message


def test_given_lower_configured_limits_then_they_are_the_ones_applied() -> None:
    tight = SearchLimits(max_query_chars=20, max_words=3, max_desc_words=1, max_tags=2)
    assert "at most 20 characters" in _refused({"q": "x" * 21}, tight).message
    assert "at most 3 different words" in _refused({"q": _words(4)}, tight).message
    assert "at most 1 different desc:" in _refused({"q": "desc:a,b"}, tight).message
    assert _refused({"tags": "a,b,c"}, tight).code == "invalid_tags"
    assert parse_search({"q": "a b c"}, tight).words == ("a", "b", "c")


def test_the_total_cap_travels_with_the_query() -> None:
    assert parse_search({"q": "fox"}).count_up_to == 10_000
    assert parse_search({"q": "fox"}, SearchLimits(total_hits_cap=50)).count_up_to == 50


@pytest.mark.parametrize(
    ("words", "desc_words", "allowed"),
    [
        (("a", "b"), (), True),
        (("a", "b", "c", "d"), (), True),
        (("a", "b", "c", "d", "e"), (), False),
        (("a", "b", "c"), ("d", "e"), False),
        (("x" * 24,), (), True),
        (("x" * 25,), (), False),
        ((), (), False),
    ],
)
def test_fuzzy_is_allowed_for_a_few_short_words_only(
    words: tuple[str, ...], desc_words: tuple[str, ...], allowed: bool
) -> None:
    assert fuzzy_allowed(words, desc_words, DEFAULTS) is allowed
