"""The one parser of whole numbers sent as text (query parameters such as per_page and days).

Its own module because `requests` imports the search package, which needs this parser too.
"""

from __future__ import annotations

from chalicelib.domain.errors import InvalidInput

# More digits than any bound we accept: int() never sees Python's limit on long digit strings.
MAX_DIGITS = 9


def whole_number(raw: str, name: str, low: int, high: int) -> int:
    """`raw` as an int in [low, high], or 400 `invalid_<name>`.

    Only ASCII digits: '²' and the Arabic-Indic digits pass str.isdigit(), yet int() refuses
    the first and reads the others; signs, inner spaces and underscores are no page size either.
    """
    raw = raw.strip()  # a form may pad a number; the search route always allowed it
    plain = raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS
    if not (plain and low <= int(raw) <= high):
        message = f"`{name}` must be a whole number from {low} to {high}."
        raise InvalidInput(f"invalid_{name}", message)
    return int(raw)
