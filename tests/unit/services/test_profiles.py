"""Display-name use cases over fakes: claiming, refusing, and the credit an upload gets."""

from __future__ import annotations

import pytest

from chalicelib.auth import Principal
from chalicelib.domain.errors import Conflict, InvalidInput
from chalicelib.domain.limits import Limits
from chalicelib.services import profiles
from tests.fakes import FakeNames, make_deps

ALICE = Principal("sub-alice", "alice", frozenset({"contributors"}))
MALLORY = Principal("sub-mallory", "mallory", frozenset({"contributors"}))
EMAIL_USER = Principal("sub-e", "sub-e", frozenset({"contributors"}))  # pools signing in by e-mail


def test_given_a_free_name_when_set_then_claimed_and_current() -> None:
    names = FakeNames()
    claim = profiles.set_display_name(make_deps(), names, ALICE, "  Alice   Liddell ")
    assert claim.shown == "Alice Liddell"
    assert profiles.current_name(names, ALICE) == claim


def test_given_another_s_name_in_look_alike_letters_when_set_then_409_in_plain_words() -> None:
    names, deps = FakeNames(), make_deps()
    profiles.set_display_name(deps, names, ALICE, "Alice Liddell")
    with pytest.raises(Conflict) as taken:
        profiles.set_display_name(deps, names, MALLORY, "\u0410LICE  liddell")
    assert taken.value.code == "display_name_taken" and "Another contributor" in taken.value.message
    assert profiles.current_name(names, MALLORY) is None


def test_given_a_reserved_name_when_set_then_400_and_nothing_claimed() -> None:
    names = FakeNames()
    with pytest.raises(InvalidInput) as reserved:
        profiles.set_display_name(make_deps(), names, MALLORY, "Stock Images Support")
    assert reserved.value.code == "display_name_reserved"
    assert names.holders == {}


def test_given_the_per_user_limit_when_a_new_name_is_set_then_400() -> None:
    deps, names = make_deps(limits=Limits(display_names_per_user=1)), FakeNames()
    profiles.set_display_name(deps, names, ALICE, "Alice")
    with pytest.raises(InvalidInput) as refused:
        profiles.set_display_name(deps, names, ALICE, "Alicia")
    assert refused.value.code == "too_many_display_names"


def test_given_a_held_name_then_uploads_are_credited_with_it_without_asking_cognito() -> None:
    names, deps = FakeNames(), make_deps()
    profiles.set_display_name(deps, names, ALICE, "Alice L")

    def never() -> str:
        raise AssertionError("the directory was asked")

    assert profiles.upload_credit(deps, names, ALICE, never) == "Alice L"


def test_given_no_name_yet_then_the_sign_up_name_is_claimed_at_the_first_upload() -> None:
    names, deps = FakeNames(), make_deps()
    assert profiles.upload_credit(deps, names, ALICE, lambda: "Alice L") == "Alice L"
    assert names.holders == {"alice l": ALICE.sub}


@pytest.mark.parametrize("chosen", ["Admin", "Alice L"])
def test_given_a_sign_up_name_reserved_or_taken_then_no_chosen_credit(chosen: str) -> None:
    names, deps = FakeNames(), make_deps()
    profiles.set_display_name(deps, names, ALICE, "Alice L")
    # "" = not credited by a chosen name: the route falls back to the neutral credit
    assert profiles.upload_credit(deps, names, MALLORY, lambda: chosen) == ""
    assert profiles.upload_credit(deps, names, EMAIL_USER, lambda: chosen) == ""
    assert profiles.current_name(names, MALLORY) is None
