"""Search requests a hostile visitor could send, and the queries at the limits.

Shared by the tests that count what each engine is asked (OpenSearch request bodies, tantivy
query trees) and by the API tests that check none of them costs a 5xx.
"""

from __future__ import annotations

from chalicelib.domain.search.limits import SearchLimits

LIMITS = SearchLimits()


def words(n: int, stem: str = "w") -> str:
    """n distinct short words."""
    return " ".join(f"{stem}{i}" for i in range(n))


def desc(n: int) -> str:
    """One quoted `desc:` operator holding n distinct words."""
    return f' desc:"{words(n, "d")}"'


def tags(n: int) -> str:
    """n distinct tags, comma-separated."""
    return ",".join(f"t{i}" for i in range(n))


# As many plain words as the limits leave beside as many desc: words as they allow.
AT_LIMIT_TEXT = words(LIMITS.max_words - LIMITS.max_desc_words) + desc(LIMITS.max_desc_words)

# Refused before any engine sees them: (request parameters, error code).
REFUSED: dict[str, tuple[dict[str, str], str]] = {
    "200 words": ({"q": words(200)}, "query_too_long"),
    "40 short words": ({"q": words(40)}, "query_too_long"),
    "50 desc words": ({"q": desc(50)}, "query_too_long"),
    "31 tags": ({"tags": tags(31)}, "invalid_tags"),
    "10,000 stars": ({"q": "*" * 10_000}, "query_too_long"),
    "10,000 question marks": ({"q": "?" * 10_000}, "query_too_long"),
    "a 2,000-character word": ({"q": "a" * 2_000}, "query_too_long"),
    "5,000 characters of syntax": ({"q": "title:* OR " * 500}, "query_too_long"),
    "a 100 KB tags parameter": ({"tags": "x" * 100_000}, "invalid_tags"),
}

# Accepted (answered 200), each within the limits: (request parameters).
ANSWERED: dict[str, dict[str, str]] = {
    "256 stars": {"q": "*" * 256},
    "256 question marks": {"q": "?" * 256},
    "regex metacharacters": {"q": r"/.*/ ^(a|b)+$ [a-z]{1,99} \d+ (?i) .{0,9999}" * 3},
    "a 256-character word": {"q": "a" * 256},
    "a 256-character CJK run": {"q": "写真" * 128},
    "many OR NOT AND": {"q": "OR NOT AND " * 23},
    "many quotes": {"q": '"a" "b" "' * 28},
    "unbalanced quotes and brackets": {"q": '"((( [[[ {{{ ' * 15},
    "lucene field syntax": {"q": "title:* OR _exists_:owner AND owner:x^10 ~2"},
    "repeated words": {"q": "fox " * 64},
    "words at the limit": {"q": words(LIMITS.max_words)},
    "desc words at the limit": {"q": AT_LIMIT_TEXT},
    "tags at the limit": {"tags": tags(LIMITS.max_tags)},
    "everything at the limit": {
        "q": AT_LIMIT_TEXT + " date:24-12-2020 date:*-12-* from:01-2020 to:2021",
        "tags": tags(LIMITS.max_tags),
        "orientation": "landscape",
        "color": "red",
        "min_width": "10",
        "min_height": "10",
        "owner": "user-1",
        "from": "2020-01-01",
        "to": "2020-12-31",
    },
}
