"""`duplicates [--hold]` on fakes: the dry run says what the hold would do and writes nothing;
the hold sends each group's copies to review naming the oldest member; a second run changes
nothing; a copy changed meanwhile is skipped, never brought back."""

from __future__ import annotations

import copy
import io
import json

import pytest

from chalicelib.domain.model import Image, Original, Status
from chalicelib.services.deps import Deps
from chalicelib.services.duplicate_report import run
from tests.fakes import make_deps

HASH = 0xAAAA_5555_0F0F_F0F0
OTHER = ~HASH & (2**64 - 1)


def _id(n: int) -> str:
    return f"{n:032x}"


def _image(n: int, owner: str, created_at: str, phash: int, status: Status = Status.READY,
           reasons: tuple[str, ...] = ()) -> Image:
    return Image(_id(n), owner, owner, status, created_at, review_reasons=reasons,
                 original=Original("k", "v", 9, f"sha-{n}", "image/jpeg"), phash=f"{phash:016x}")


@pytest.fixture
def deps() -> Deps:
    """One group of four (the oldest is #2, not the smallest id) and a photo of its own."""
    made = make_deps()
    for image in (
        _image(1, "alice", "2026-12-03T00:00:00Z", HASH),
        _image(2, "bob", "2026-12-01T00:00:00Z", HASH ^ 1),
        _image(3, "carol", "2026-12-02T00:00:00Z", HASH ^ 2, Status.IN_REVIEW,
               ("new_contributor",)),
        _image(4, "dave", "2026-12-04T00:00:00Z", HASH, Status.PROCESSING),
        _image(5, "erin", "2026-12-01T00:00:00Z", OTHER),
    ):
        made.repo.add(image)
    return made


def _outcomes(deps: Deps, hold: bool) -> dict[str, str]:
    (group,) = run(deps, hold).groups
    return {m.image_id: m.outcome for m in group.members}


def test_the_dry_run_says_what_the_hold_would_do_and_writes_nothing(deps: Deps) -> None:
    before = copy.deepcopy(deps.repo.items)  # type: ignore[attr-defined]
    report = run(deps)
    assert [g.original_id for g in report.groups] == [_id(2)]
    assert {m.image_id: m.outcome for m in report.groups[0].members} == {
        _id(2): "original", _id(1): "would_hold", _id(3): "would_mark", _id(4): "processing"}
    assert report.changed == 0
    assert deps.repo.items == before  # type: ignore[attr-defined]


def test_the_hold_sends_copies_to_review_naming_the_oldest_and_leaves_the_rest(
    deps: Deps,
) -> None:
    assert _outcomes(deps, hold=True) == {
        _id(2): "original", _id(1): "held", _id(3): "marked", _id(4): "processing"}
    held, marked = deps.repo.get(_id(1)), deps.repo.get(_id(3))
    assert held is not None and marked is not None
    assert (held.status, held.review_reasons, held.possible_duplicate_of) == (
        Status.IN_REVIEW, ("possible_duplicate",), _id(2))
    assert (marked.review_reasons, marked.possible_duplicate_of) == (
        ("new_contributor", "possible_duplicate"), _id(2))
    for untouched, status in ((2, Status.READY), (4, Status.PROCESSING), (5, Status.READY)):
        image = deps.repo.get(_id(untouched))
        assert image is not None and image.status is status and not image.possible_duplicate_of


def test_a_second_hold_changes_nothing_and_says_so(deps: Deps) -> None:
    run(deps, hold=True)
    before = copy.deepcopy(deps.repo.items)  # type: ignore[attr-defined]
    again = run(deps, hold=True)
    assert again.changed == 0
    assert {m.image_id: m.outcome for m in again.groups[0].members} == {
        _id(2): "original", _id(1): "already_held", _id(3): "already_held",
        _id(4): "processing"}
    assert deps.repo.items == before  # type: ignore[attr-defined]


def test_a_copy_deleted_between_the_read_and_the_write_is_skipped_not_resurrected(
    deps: Deps, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = deps.repo.hold_duplicate

    def deleted_first(image_id: str, original_id: str, now: str) -> bool:
        deps.repo.mark_deleted(image_id, "alice", "owner", now, 1_900_000_000)
        return real(image_id, original_id, now)

    monkeypatch.setattr(deps.repo, "hold_duplicate", deleted_first)
    report = run(deps, hold=True)
    assert _id(1) in [m.image_id for m in report.groups[0].members if m.outcome == "skipped"]
    gone = deps.repo.get(_id(1))
    assert gone is not None and gone.status is Status.DELETED and not gone.possible_duplicate_of
    assert report.counts["skipped"] == 1 and report.counts["marked"] == 1


def test_a_copy_an_admin_approved_as_a_possible_duplicate_is_not_sent_back(deps: Deps) -> None:
    from chalicelib.domain.moderation import Decision

    run(deps, hold=True)
    approved = deps.repo.decide(_id(1), Decision("sub-admin", "t", "approve", "not a copy",
                                                 ("possible_duplicate",)))
    assert approved is not None and approved.status is Status.READY
    assert _outcomes(deps, hold=True)[_id(1)] == "approved"
    image = deps.repo.get(_id(1))
    assert image is not None and image.status is Status.READY


def _cli(deps: Deps, monkeypatch: pytest.MonkeyPatch, *flags: str) -> str:
    """What `cli duplicates <flags>` prints to stdout."""
    from chalicelib import bootstrap
    from chalicelib.entrypoints import cli

    monkeypatch.setattr(bootstrap, "services", lambda: type("S", (), {"deps": deps})())
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    assert cli.main(["duplicates", *flags]) == 0
    return out.getvalue()


def test_the_cli_prints_each_member_its_outcome_and_a_summary(
    deps: Deps, monkeypatch: pytest.MonkeyPatch,
) -> None:
    dry = _cli(deps, monkeypatch)
    assert "near group of 4 (different contributors):" in dry
    assert "--hold would send 1 to review and name the original on 1 in review" in dry
    assert dry.rstrip().endswith("(dry run: nothing changed)")
    held = _cli(deps, monkeypatch, "--hold")
    line = next(row for row in held.splitlines() if _id(1) in row)
    assert line.split()[-2:] == ["ready", "held"]  # the status it was read in, what was done
    assert held.splitlines()[-1].startswith(
        "duplicates: 1 groups; held 1 for review, named the original on 1 in review")
    again = _cli(deps, monkeypatch, "--hold")
    assert "nothing to change (2 already held" in again.splitlines()[-1]


def test_the_cli_json_is_one_line_per_group_with_each_members_outcome(
    deps: Deps, monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    lines = _cli(deps, monkeypatch, "--json", "--hold").splitlines()
    assert len(lines) == 1
    group = json.loads(lines[0])
    assert (group["kind"], group["same_owner"], group["original"]) == ("near", False, _id(2))
    assert [(m["id"], m["outcome"]) for m in group["images"]] == [
        (_id(2), "original"), (_id(3), "marked"), (_id(1), "held"), (_id(4), "processing")]
    assert "held 1 for review" in err.getvalue()  # the summary stays off stdout
