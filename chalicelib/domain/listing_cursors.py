"""Signed cursors for the owner and review listings, made like the search cursors.

The store's own cursor (its last key, as it likes it) travels inside a signed envelope bound
to the listing and to whom it was issued for, so the store only ever decodes what it made:
a forged, edited or borrowed cursor is refused before it reaches the store's parser.
"""

from __future__ import annotations

from chalicelib.domain.errors import InvalidInput
from chalicelib.domain.search.cursors import decode_cursor, encode_cursor

# Never a search fingerprint (those are hex digests): a cursor of one kind fits no other.
_LABEL = "listing/v1:"


def _fingerprint(listing: str, reader: str) -> str:
    return f"{_LABEL}{listing}:{reader}"


def seal(secret: bytes, listing: str, reader: str, inner: str | None) -> str | None:
    """The cursor the client gets for the store's cursor `inner` (None stays None)."""
    return None if inner is None else encode_cursor(secret, _fingerprint(listing, reader), (inner,))


def unseal(secret: bytes, listing: str, reader: str, cursor: str | None) -> str | None:
    """The store's cursor inside one we issued for this listing and reader; 400 otherwise."""
    if not cursor:
        return None
    try:
        inner = decode_cursor(secret, _fingerprint(listing, reader), cursor)
    except InvalidInput as error:
        raise _invalid() from error
    if len(inner) != 1 or not isinstance(inner[0], str):
        raise _invalid()
    return inner[0]


def _invalid() -> InvalidInput:
    return InvalidInput("invalid_cursor", "The cursor is not one this API issued.")
