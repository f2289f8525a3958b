"""parse_search: HTTP parameters and query text become a SearchQuery, never engine syntax."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import replace
from typing import Any

import pytest

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search import DateParts, SearchQuery, Sort
from chalicelib.domain.search.limits import SearchLimits
from chalicelib.domain.search.operators import is_word_char
from chalicelib.domain.search.query import COLORS, hashtags, parse_search


def words(q: str) -> tuple[str, ...]:
    return parse_search({"q": q}).words


def refused(params: dict[str, str]) -> str:
    with pytest.raises(InvalidInput) as caught:
        parse_search(params)
    return caught.value.code


# --- plain words ---------------------------------------------------------------------------

HOSTILE = {
    "field access and OR": ("title:* OR _exists_:owner", ("title", "or", "exists", "owner")),
    "regex": ("/.*/", ()),
    "leading wildcard": ("*a", ("a",)),
    "unbalanced quote": ('"unbalanced', ("unbalanced",)),
    "unbalanced quote after word": ('red "car', ("red", "car")),
    "boolean and grouping": ("(cat AND dog) || !fish", ("cat", "and", "dog", "fish")),
    "boost fuzzy range": (
        "cat^5 dog~2 [a TO z] {x}",
        ("cat", "5", "dog", "2", "a", "to", "z", "x"),
    ),
    "escapes and plus minus": (r"+must -not \"esc\\ a&&b", ("must", "not", "esc", "a", "b")),
    "json-ish": ('{"query": {"match_all": {}}}', ("query", "match", "all")),
    "only syntax": ('*?:"()[]{}^~/\\+-!&|<>=', ()),
    "lucene range on field": ("width:[1 TO *]", ("width", "1", "to")),
    "sql": ("'; DROP TABLE images; --", ("drop", "table", "images")),
    "html": ("<script>alert(1)</script>", ("alert", "1", "script")),
    "control characters": ("cat\x00dog\x1b[31m", ("cat", "dog", "31m")),
}


@pytest.mark.parametrize("q, expected", HOSTILE.values(), ids=HOSTILE.keys())
def test_given_engine_syntax_when_parsed_then_only_plain_words_remain(
    q: str, expected: tuple[str, ...]
) -> None:
    query = parse_search({"q": q})
    assert query.words == expected
    # No filter sneaks in through the text: only words.
    assert replace(query, words=(), prefix_last=True, sort=Sort.NEWEST) == SearchQuery()


WORDS = {
    "lowercase": ("Sunset BEACH", ("sunset", "beach")),
    "punctuation splits": ("sunset,beach;sea.sky", ("sunset", "beach", "sea", "sky")),
    "underscore splits": ("snake_case", ("snake", "case")),
    "hyphen splits": ("t-shirt", ("t", "shirt")),
    "nfc": ("cafe\u0301", ("caf\u00e9",)),
    "greek": ("ΕΛΛΆΔΑ", ("ελλάδα",)),
    "devanagari marks stay in the word": ("हिन्दी", ("हिन्दी",)),
    "cjk": ("東京タワー", ("東京タワー",)),
    "digits of other scripts": ("٢٠٢٠", ("٢٠٢٠",)),
    "emoji separate": ("cat🐈dog", ("cat", "dog")),
    "unicode spaces": ("cat\u3000dog\u00a0sea", ("cat", "dog", "sea")),
    "repeats keep the last place": ("cat dog cat", ("dog", "cat")),
    "a lone combining mark is no word": ("\u0301 cat", ("cat",)),
    "empty": ("", ()),
    "whitespace only": ("   \t ", ()),
}


@pytest.mark.parametrize("q, expected", WORDS.values(), ids=WORDS.keys())
def test_given_text_when_parsed_then_words_are_split_lowercased_and_normalised(
    q: str, expected: tuple[str, ...]
) -> None:
    assert words(q) == expected


PREFIX = {
    "still typing": ("sunse", True),
    "finished with a space": ("sunset ", False),
    "finished with a newline": ("sunset\n", False),
    "finished with punctuation": ("sunset,", False),
    "operator after the last word": ("sunset tags:red", False),
    "word after an operator": ("tags:red sunse", True),
    "wildcard after the word": ("title:*", False),
}


@pytest.mark.parametrize("q, expected", PREFIX.values(), ids=PREFIX.keys())
def test_given_where_q_ends_when_parsed_then_prefix_last_says_if_the_last_word_is_unfinished(
    q: str, expected: bool
) -> None:
    assert parse_search({"q": q}).prefix_last is expected


def test_given_more_words_than_the_cap_when_parsed_then_refused_naming_the_limit() -> None:
    # GIVEN 40 distinct words (well under 256 characters)
    q = " ".join(f"w{i}" for i in range(40))
    # THEN refused, not silently cut: the message says the limit and the count
    with pytest.raises(InvalidInput) as refused:
        parse_search({"q": q})
    assert refused.value.code == "query_too_long"
    assert "at most 32 different words" in refused.value.message
    assert "has 40" in refused.value.message


def test_given_no_parameters_when_parsed_then_the_default_query() -> None:
    assert parse_search({}) == SearchQuery()


# --- operators -----------------------------------------------------------------------------

OPERATORS: dict[str, tuple[str, dict[str, Any]]] = {
    "tags": ("tags:a,b", {"tags": ("a", "b")}),
    "tags cleaned and distinct": ("tags:Red,,red,SKY", {"tags": ("red", "sky")}),
    "tags quoted with spaces": ('tags:"red  car, sky"', {"tags": ("red car", "sky")}),
    "tags twice": ("tags:a tags:b", {"tags": ("a", "b")}),
    "upper-case name": ("TAGS:a Date:2016", {"tags": ("a",), "date": DateParts(2016)}),
    "day": ("date:24-12-2020", {"date": DateParts(2020, 12, 24)}),
    "year": ("date:2016", {"date": DateParts(2016)}),
    "month": ("date:03-2018", {"date": DateParts(2018, 3)}),
    "any day": ("date:*-12-2020", {"date": DateParts(2020, 12)}),
    "any year": ("date:24-12-*", {"date": DateParts(None, 12, 24)}),
    "any month": ("date:24-*-2020", {"date": DateParts(2020, None, 24)}),
    "29 february of any year": ("date:29-02-*", {"date": DateParts(None, 2, 29)}),
    "29 february of a leap year": ("date:29-2-2020", {"date": DateParts(2020, 2, 29)}),
    "all any": ("date:*-*-*", {"date": None}),
    "dots and slashes": ("date:24.12.2020 date:24/12/2020", {"date": DateParts(2020, 12, 24)}),
    "two dates combine": ("date:2016 date:*-12-*", {"date": DateParts(2016, 12)}),
    "from day": ("from:01-02-2020", {"date_from": "2020-02-01"}),
    "to day": ("to:31-12-2020", {"date_to": "2020-12-31"}),
    "from month": ("from:02-2020", {"date_from": "2020-02-01"}),
    "to month in a leap year": ("to:02-2020", {"date_to": "2020-02-29"}),
    "to year": ("to:2020", {"date_to": "2020-12-31"}),
    "two froms take the later": ("from:2019 from:01-06-2019", {"date_from": "2019-06-01"}),
    "two tos take the earlier": ("to:2019 to:01-06-2019", {"date_to": "2019-06-01"}),
    "desc quoted": ('desc:"Several  Words"', {"desc_words": ("several", "words")}),
    "desc single word": ("desc:Word", {"desc_words": ("word",)}),
    "desc unclosed quote": ('desc:"open ended', {"desc_words": ("open", "ended")}),
    "desc syntax is words": ("desc:a*b", {"desc_words": ("a", "b")}),
    "words around operators": (
        "red tags:car fast date:2016 sky",
        {"words": ("red", "fast", "sky"), "tags": ("car",), "date": DateParts(2016)},
    ),
    "unknown operator is words": ("color:red", {"words": ("color", "red")}),
    "operator inside brackets is words": ("(tags:a)", {"words": ("tags", "a")}),
    "operator glued to a word is words": ("xtags:a", {"words": ("xtags", "a")}),
    "operator without value is a word": ("tags: red", {"words": ("tags", "red")}),
    "value of an unknown name hides nothing": ("note:tags:a", {"words": ("note", "tags", "a")}),
}


@pytest.mark.parametrize("q, fields", OPERATORS.values(), ids=OPERATORS.keys())
def test_given_an_operator_in_q_when_parsed_then_it_becomes_a_structured_filter(
    q: str, fields: dict[str, Any]
) -> None:
    query = parse_search({"q": q})
    for name, value in fields.items():
        assert getattr(query, name) == value, name
    if "words" not in fields:
        assert query.words == ()


BAD_DATES = [
    "date:31-02-2020",
    "date:29-02-2021",
    "date:31-04-*",
    "date:30-02-*",
    "date:13-2020",
    "date:00-2020",
    "date:0-01-2020",
    "date:32-*-*",
    "date:abc",
    "date:20",
    "date:02020",
    "date:2020-01-01",
    "date:1-2-3-2020",
    "date:12-",
    "date:١٢-٢٠٢٠",
    "date:0000",
    "date:2016 date:2017",
    "date:31-*-* date:*-02-2020",
    "from:2020-01-01",
    "from:*-01-2020",
    "to:31-02-2020",
    "to:abc",
    'from:""',
]


@pytest.mark.parametrize("q", BAD_DATES)
def test_given_a_malformed_date_operator_when_parsed_then_invalid_date(q: str) -> None:
    assert refused({"q": q}) == "invalid_date"


# --- parameters ----------------------------------------------------------------------------

PARAMS: dict[str, tuple[dict[str, str], dict[str, Any]]] = {
    "tags list": ({"tags": "Sunset, red  car,,sunset"}, {"tags": ("sunset", "red car")}),
    "tags param then operator": ({"tags": "a", "q": "tags:b,a"}, {"tags": ("a", "b")}),
    "orientation": ({"orientation": " Landscape "}, {"orientation": "landscape"}),
    "square": ({"orientation": "square"}, {"orientation": "square"}),
    "every colour": ({"color": "turquoise"}, {"color": "turquoise"}),
    "grey is gray": ({"color": "Grey"}, {"color": "gray"}),
    "sizes": ({"min_width": "1920", "min_height": "01"}, {"min_width": 1920, "min_height": 1}),
    "owner": ({"owner": "3f1c2a9e-7b1d-4c7a-9e0f-1234567890ab"},
              {"owner": "3f1c2a9e-7b1d-4c7a-9e0f-1234567890ab"}),
    "per page bounds low": ({"per_page": "1"}, {"per_page": 1}),
    "per page bounds high": ({"per_page": "100"}, {"per_page": 100}),
    "per page default": ({"per_page": ""}, {"per_page": 24}),
    "empty values are absent": ({"orientation": "", "color": " ", "sort": ""},
                                {"orientation": None, "color": None, "sort": Sort.NEWEST}),
    "iso from and to": ({"from": "2020-02-01", "to": "2020-12-31"},
                        {"date_from": "2020-02-01", "date_to": "2020-12-31"}),
    "narrower from wins (operator)": ({"from": "2020-02-01", "q": "from:01-03-2020"},
                                      {"date_from": "2020-03-01"}),
    "narrower from wins (param)": ({"from": "2020-04-01", "q": "from:01-03-2020"},
                                   {"date_from": "2020-04-01"}),
    "narrower to wins (operator)": ({"to": "2020-12-31", "q": "to:2019"},
                                    {"date_to": "2019-12-31"}),
    "narrower to wins (param)": ({"to": "2019-01-31", "q": "to:2019"}, {"date_to": "2019-01-31"}),
    "relevance by default with words": ({"q": "cat"}, {"sort": Sort.RELEVANCE}),
    "relevance by default with desc words": ({"q": "desc:cat"}, {"sort": Sort.RELEVANCE}),
    "newest by default without words": ({"q": "tags:cat"}, {"sort": Sort.NEWEST}),
    "relevance without words means newest": ({"sort": "relevance"}, {"sort": Sort.NEWEST}),
    "popular": ({"sort": "POPULAR", "q": "cat"}, {"sort": Sort.POPULAR}),
    "newest with words": ({"sort": "newest", "q": "cat"}, {"sort": Sort.NEWEST}),
    "cursor is not parsed here": ({"cursor": "anything"}, {"search_after": None}),
    "unknown parameters ignored": ({"page": "5", "from_": "x"}, {"per_page": 24}),
}  # fmt: skip


@pytest.mark.parametrize("params, fields", PARAMS.values(), ids=PARAMS.keys())
def test_given_parameters_when_parsed_then_the_query_has_them(
    params: dict[str, str], fields: dict[str, Any]
) -> None:
    query = parse_search(params)
    for name, value in fields.items():
        assert getattr(query, name) == value, name


@pytest.mark.parametrize("color", COLORS)
def test_given_each_palette_colour_when_parsed_then_accepted(color: str) -> None:
    assert parse_search({"color": color.upper()}).color == color


INVALID: dict[str, tuple[dict[str, str], str]] = {
    "per_page 0": ({"per_page": "0"}, "invalid_per_page"),
    "per_page 101": ({"per_page": "101"}, "invalid_per_page"),
    "per_page 10000": ({"per_page": "10000"}, "invalid_per_page"),
    "per_page negative": ({"per_page": "-5"}, "invalid_per_page"),
    "per_page float": ({"per_page": "2.5"}, "invalid_per_page"),
    "per_page word": ({"per_page": "ten"}, "invalid_per_page"),
    "per_page huge": ({"per_page": "9" * 5000}, "invalid_per_page"),
    "per_page arabic digits": ({"per_page": "٢٠"}, "invalid_per_page"),
    "orientation": ({"orientation": "diagonal"}, "invalid_orientation"),
    "color": ({"color": "beige"}, "invalid_color"),
    "color hex": ({"color": "#ff0000"}, "invalid_color"),
    "sort": ({"sort": "random"}, "invalid_sort"),
    "sort engine field": ({"sort": "_score"}, "invalid_sort"),
    "min_width zero": ({"min_width": "0"}, "invalid_min_width"),
    "min_width word": ({"min_width": "wide"}, "invalid_min_width"),
    "min_width over 32 bits": ({"min_width": "2147483648"}, "invalid_min_width"),
    "min_height negative": ({"min_height": "-1"}, "invalid_min_height"),
    "min_height exponent": ({"min_height": "1e3"}, "invalid_min_height"),
    "from not iso": ({"from": "01-02-2020"}, "invalid_date"),
    "from impossible": ({"from": "2020-02-30"}, "invalid_date"),
    "to week date": ({"to": "2020-W01-1"}, "invalid_date"),
    "to compact": ({"to": "20201231"}, "invalid_date"),
    "to with time": ({"to": "2020-12-31T00:00:00"}, "invalid_date"),
    "q 257 characters": ({"q": "a" * 257}, "query_too_long"),
    "q 5,000 characters": ({"q": "title:* OR " * 500}, "query_too_long"),
    "too many tags": ({"tags": ",".join(f"t{i}" for i in range(31))}, "invalid_tags"),
    "owner with spaces": ({"owner": "a b"}, "invalid_owner"),
    "owner with syntax": ({"owner": "*"}, "invalid_owner"),
    "owner too long": ({"owner": "a" * 129}, "invalid_owner"),
}


@pytest.mark.parametrize("params, code", INVALID.values(), ids=INVALID.keys())
def test_given_out_of_range_input_when_parsed_then_invalid_input_with_its_code(
    params: dict[str, str], code: str
) -> None:
    assert refused(params) == code


def test_given_a_query_of_exactly_256_characters_when_parsed_then_accepted() -> None:
    assert parse_search({"q": "a" * 256}).words == ("a" * 256,)


def test_given_thirty_tags_when_parsed_then_accepted() -> None:
    tags = ",".join(f"t{i}" for i in range(30))
    assert len(parse_search({"tags": tags}).tags) == 30


# --- hashtags ------------------------------------------------------------------------------

HASHTAGS = {
    "one": ("A walk at #sunset.", ("sunset",)),
    "lowercased, distinct, in order": ("#Sea #sky #SEA", ("sea", "sky")),
    "hyphen and underscore": ("#sea-side #new_york", ("sea-side", "new_york")),
    "trailing hyphen dropped": ("#sunset- again", ("sunset",)),
    "other scripts": ("#Été #東京 #हिन्दी", ("été", "東京", "हिन्दी")),
    "in brackets": ("(#beach)", ("beach",)),
    "digits need a letter": ("We are #1 with #2020 and #f1", ("f1",)),
    "glued to a word": ("abc#def", ()),
    "html entity": ("it&#39;s", ()),
    "url anchor": ("see https://example.com/page#anchor", ()),
    "double hash": ("##twice", ()),
    "bare hash": ("# heading", ()),
    "too long": ("#" + "a" * 51, ()),
    "exactly fifty": ("#" + "a" * 50, ("a" * 50,)),
    "none": ("no tags here", ()),
}


@pytest.mark.parametrize("description, expected", HASHTAGS.values(), ids=HASHTAGS.keys())
def test_given_a_description_when_hashtags_read_then_the_tags_it_names(
    description: str, expected: tuple[str, ...]
) -> None:
    assert hashtags(description) == expected


# --- properties ----------------------------------------------------------------------------

ALPHABET = (
    list("*?:\"()[]{}^~/\\+-!&|<>=#,.;'_ \t\n\x00")
    + list("abcXYZ019éß東ह\u0301\u200d🐈٢İ")
    + ["tags:", "date:", "from:", "to:", "desc:", "TAGS:", "title:", "OR ", "-12-", "2020", "*-"]
)
PARAM_NAMES = ["q", "tags", "orientation", "color", "min_width", "min_height", "owner",
               "sort", "per_page", "from", "to"]  # fmt: skip


def _random_text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest)))


def _check_invariants(query: SearchQuery) -> None:
    for word in query.words + query.desc_words:
        assert word and all(is_word_char(c) for c in word), word
        assert word == unicodedata.normalize("NFC", word)
    limits = SearchLimits()
    assert len(query.words) + len(query.desc_words) <= limits.max_words
    assert len(query.desc_words) <= limits.max_desc_words
    assert 1 <= query.per_page <= 100
    assert all(tag == tag.strip() and tag for tag in query.tags)


def test_given_random_query_text_when_parsed_then_words_or_invalid_input_only() -> None:
    rng = random.Random(20201224)
    outcomes = {"parsed": 0, "refused": 0}
    for _ in range(3000):
        try:
            _check_invariants(parse_search({"q": _random_text(rng, 80)}))
            outcomes["parsed"] += 1
        except InvalidInput as error:
            assert error.code in {"invalid_date", "invalid_tags", "query_too_long"}, error.code
            outcomes["refused"] += 1
    # The generator reaches both outcomes, so both paths were exercised.
    assert outcomes["parsed"] > 1000 and outcomes["refused"] > 10


def test_given_random_parameters_when_parsed_then_a_query_or_invalid_input_only() -> None:
    rng = random.Random(31122020)
    for _ in range(2000):
        params = {name: _random_text(rng, 12) for name in rng.sample(PARAM_NAMES, 4)}
        try:
            _check_invariants(parse_search(params))
        except InvalidInput as error:
            assert error.code.startswith("invalid_") or error.code == "query_too_long"
