"""Principal roles and Authorization header parsing."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.auth.tokens import bearer_token


@pytest.mark.parametrize(
    ("groups", "is_contributor", "is_admin"),
    [
        (set(), False, False),
        ({"contributors"}, True, False),
        ({"admins"}, True, True),
        ({"contributors", "admins"}, True, True),
        ({"Admins", "contributor"}, False, False),
    ],
    ids=["no_group", "contributor", "admin", "both", "near_miss_names"],
)
def test_roles_follow_cognito_groups(
    groups: set[str], is_contributor: bool, is_admin: bool
) -> None:
    # GIVEN a principal in some groups WHEN asked for roles THEN admins count as contributors
    principal = Principal(sub="s", username="u", groups=frozenset(groups))
    assert principal.is_contributor is is_contributor
    assert principal.is_admin is is_admin


def test_principal_is_immutable() -> None:
    # GIVEN a verified principal WHEN code tries to grant itself a group THEN it cannot
    principal = Principal(sub="s", username="u", groups=frozenset())
    with pytest.raises(AttributeError):
        principal.groups = frozenset({"admins"})  # type: ignore[misc]


@pytest.mark.parametrize(
    ("header", "token"),
    [
        ("Bearer abc.def.ghi", "abc.def.ghi"),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer   abc  ", "abc"),
        (None, None),
        ("", None),
        ("Bearer", None),
        ("Bearer ", None),
        ("Basic dXNlcjpwYXNz", None),
        ("abc.def.ghi", None),
        ("Bearer abc def", None),
        ("Bearerabc", None),
    ],
)
def test_bearer_token_extracts_only_well_formed_bearer_headers(
    header: str | None, token: str | None
) -> None:
    # GIVEN an Authorization header WHEN parsed THEN only "Bearer <token>" yields a token
    assert bearer_token(header) == token
