"""Display names: one key per name however it is spelled, reserved names refused in any guise."""

from __future__ import annotations

import pytest

from chalicelib.domain.display_names import (
    MAX_DISPLAY_NAME_CHARS,
    is_reserved,
    name_key,
    parse_display_name,
    shown_form,
)
from chalicelib.domain.errors import InvalidInput

SITE = "Stock Images"


@pytest.mark.parametrize("spelling", [
    "Alice Liddell", "alice liddell", "ALICE   LIDDELL", " Alice\tLiddell ", "Alice-Liddell",
    "Alice_Liddell", "Alice\u200bLiddell".replace("\u200b", "\u200b "),  # zero-width + space
    "\uff21lice Liddell",  # fullwidth A (NFKC)
    "\u0410lice Liddell",  # Cyrillic capital A
    "Alic\u0435 Lidd\u0435ll",  # Cyrillic e
    "\u00c1lice Liddell",  # accented A
    "Al\u00adice Liddell",  # soft hyphen (a format character)
])
def test_every_spelling_of_one_name_has_one_key(spelling: str) -> None:
    assert name_key(spelling) == "alice liddell"


def test_different_names_have_different_keys() -> None:
    assert len({name_key(n) for n in ("Alice", "Alicia", "Al Ice", "R2", "RZ")}) == 5


def test_shown_form_keeps_case_and_letters_but_drops_invisibles() -> None:
    assert shown_form("  Zo\u00eb \u200dMcKay\u202e  ") == "Zo\u00eb McKay"


@pytest.mark.parametrize("name", [
    "admin", "Admin", "ADMIN", "adm1n", "\u0430dmin", "A d m i n", "Admin team", "The admin",
    "admin-team", "Administrator", "Moderator", "Stock Images", "Stock Images Support",
    "Stock Images Team", "Support", "Official", "Anonymous", "St0ck Imag3s", "Help Desk",
])
def test_reserved_names_are_refused_in_any_guise(name: str) -> None:
    assert is_reserved(name, (SITE,)), name
    with pytest.raises(InvalidInput) as refused:
        parse_display_name(name, SITE)
    assert refused.value.code == "display_name_reserved"


@pytest.mark.parametrize("name", [
    "Adminah Smith", "Supportive Sam", "Stockholm Images", "Staffordshire Photos", "Ada",
    "Mods and Rockers",
])
def test_names_that_only_contain_reserved_letters_are_fine(name: str) -> None:
    assert parse_display_name(name, SITE).shown == name


def test_an_operator_s_extra_reserved_names_are_refused() -> None:
    assert parse_display_name("Acme Photos", SITE).key == "acme photos"
    with pytest.raises(InvalidInput):
        parse_display_name("Acme Photos", SITE, ("acme photos",))
    with pytest.raises(InvalidInput):
        parse_display_name("ACME", SITE, ("Acme",))


TOO_LONG = "x" * (MAX_DISPLAY_NAME_CHARS + 1)


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "!!!", None, 42, TOO_LONG])
def test_malformed_names_are_refused_in_plain_words(raw: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_display_name(raw, SITE)
    assert refused.value.code == "invalid_display_name" and refused.value.message
