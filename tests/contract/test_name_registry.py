"""NameRegistry contract: the fake and the profiles table on moto answer alike."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from chalicelib.ports import NameClaim, NameRegistry

NOW, LATER = "2026-01-01T00:00:00.000000Z", "2026-01-02T00:00:00.000000Z"


def test_given_no_claim_then_no_current_name(name_registry: NameRegistry) -> None:
    assert name_registry.current("alice") is None


def test_given_a_free_name_when_claimed_then_it_is_the_owner_s_current(
    name_registry: NameRegistry,
) -> None:
    assert name_registry.claim("alice", "Alice L", "alice l", NOW, 5) == "claimed"
    assert name_registry.current("alice") == NameClaim("Alice L", "alice l", NOW)


def test_given_a_name_held_when_another_user_claims_its_key_then_taken_and_unchanged(
    name_registry: NameRegistry,
) -> None:
    name_registry.claim("alice", "Alice L", "alice l", NOW, 5)
    assert name_registry.claim("mallory", "ALICE  L", "alice l", LATER, 5) == "taken"
    assert name_registry.current("mallory") is None
    assert name_registry.current("alice") == NameClaim("Alice L", "alice l", NOW)


def test_given_a_changed_name_then_the_earlier_one_stays_its_holder_s(
    name_registry: NameRegistry,
) -> None:
    # GIVEN alice published as "Alice L", then renamed herself
    name_registry.claim("alice", "Alice L", "alice l", NOW, 5)
    assert name_registry.claim("alice", "Ally", "ally", LATER, 5) == "claimed"
    # THEN her old name (still on her photos) is not free for anyone else
    assert name_registry.claim("mallory", "Alice L", "alice l", LATER, 5) == "taken"
    # AND she may go back to it, even in another spelling of the same key
    assert name_registry.claim("alice", "alice l", "alice l", LATER, 5) == "claimed"
    assert name_registry.current("alice") == NameClaim("alice l", "alice l", LATER)


def test_given_the_limit_of_names_when_a_new_one_is_claimed_then_too_many(
    name_registry: NameRegistry,
) -> None:
    for n in range(2):
        assert name_registry.claim("alice", f"A{n}", f"a{n}", NOW, 2) == "claimed"
    assert name_registry.claim("alice", "A2", "a2", LATER, 2) == "too_many"
    assert name_registry.current("alice") == NameClaim("A1", "a1", NOW)
    assert name_registry.claim("alice", "A0", "a0", LATER, 2) == "claimed"  # one already held
    assert name_registry.claim("bob", "A2", "a2", LATER, 2) == "claimed"  # still free


def test_given_two_users_racing_for_one_name_then_exactly_one_holds_it(
    name_registry: NameRegistry,
) -> None:
    users = [f"user{n}" for n in range(8)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda u: name_registry.claim(u, "Sam", "sam", NOW, 5), users))
    assert outcomes.count("claimed") == 1 and outcomes.count("taken") == 7
    winner = users[outcomes.index("claimed")]
    assert [u for u in users if name_registry.current(u) is not None] == [winner]
