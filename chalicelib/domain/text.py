"""The one check that text a client sent is made of Unicode scalar values.

JSON may carry lone UTF-16 surrogates ("\\ud800"); Python keeps them in a str, but no store,
index or log can encode them, so they are refused where they arrive, naming the field.
"""

from __future__ import annotations

from chalicelib.domain.errors import InvalidInput


def valid_text(value: str, field: str) -> str:
    """`value` unchanged, or 400 `invalid_text` naming `field` when it is not valid Unicode."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise InvalidInput(
            "invalid_text", f"`{field}` has characters that are not valid text."
        ) from error
    return value
