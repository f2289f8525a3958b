"""Use case: the duplicate groups already in the catalogue, `duplicates [--hold]`.

Without --hold a dry run (the groups, and what the hold would do). With it, every group's
members other than its original (the oldest) go to review as possible duplicates of it. Each
change is one conditional write through the lifecycle (ready -> in_review on status ready; an
image in review gains the original only if it names none): a member deleted or changed between
the read and the write is skipped, never resurrected. A second run finds every member already
held and changes nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from chalicelib.domain.dedupe import MATCHABLE
from chalicelib.domain.dedupe_groups import Group, Hashed, groups
from chalicelib.domain.dedupe_hold import Step, original_of, step_for
from chalicelib.domain.duplicates import parse_hex
from chalicelib.domain.model import Image
from chalicelib.logs import child_logger
from chalicelib.services.deps import Deps
from chalicelib.services.duplicates import indexed_crops

PAGE = 500
log = child_logger(__name__)

# What was done to a member (or, in a dry run, what would be): the step's own name when the
# step writes nothing, else one of these.
WOULD = {Step.HOLD: "would_hold", Step.MARK: "would_mark"}
DONE = {Step.HOLD: "held", Step.MARK: "marked"}
SKIPPED = "skipped"  # the write's condition failed: deleted or changed meanwhile


@dataclass(frozen=True)
class MemberOutcome:
    """One member of a group and what the run did to it."""

    image_id: str
    owner: str
    status: str
    outcome: str


@dataclass(frozen=True)
class GroupOutcome:
    """One duplicate group, its original, and each member's outcome (oldest first)."""

    group: Group
    original_id: str
    members: tuple[MemberOutcome, ...]

    def as_json(self) -> dict[str, object]:
        """One line of `duplicates --json`."""
        return {
            "kind": "exact" if self.group.exact else "near",
            "same_owner": len(self.group.owners) == 1,
            "original": self.original_id,
            "images": [{"id": m.image_id, "owner": m.owner, "status": m.status,
                        "outcome": m.outcome} for m in self.members],
        }


@dataclass(frozen=True)
class HoldReport:
    """Every group and how many members came to each outcome."""

    hold: bool
    groups: list[GroupOutcome]
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> int:
        """How many members this run wrote (0 on a dry run and on a repeated hold)."""
        return sum(self.counts[name] for name in DONE.values())


def run(deps: Deps, hold: bool = False) -> HoldReport:
    """The duplicate groups in the catalogue and, when `hold`, send each group's copies to
    review; without `hold` nothing is written."""
    images = {image.image_id: image for image in _accepted(deps)}
    found = _group_images(deps, images.values())
    outcomes = [_settle(deps, group, images, hold) for group in found]
    counts = Counter(m.outcome for g in outcomes for m in g.members)
    report = HoldReport(hold, outcomes, counts)
    if hold:
        log.info("duplicate groups held", extra={"groups": len(outcomes), **dict(counts)})
    return report


def _settle(deps: Deps, group: Group, images: dict[str, Image], hold: bool) -> GroupOutcome:
    original = original_of(group.members).image_id
    ordered = sorted(group.members, key=lambda m: (m.created_at, m.image_id))
    members = []
    for member in ordered:
        image = images[member.image_id]
        outcome = _apply(deps, image, original, hold)
        members.append(MemberOutcome(image.image_id, image.owner, image.status.value, outcome))
    return GroupOutcome(group, original, tuple(members))


def _apply(deps: Deps, image: Image, original_id: str, hold: bool) -> str:
    step = step_for(image, original_id)
    if not step.writes:
        return step.value
    if not hold:
        return WOULD[step]
    now = deps.now()
    if step is Step.HOLD:
        written = deps.repo.hold_duplicate(image.image_id, original_id, now)
    else:
        written = deps.repo.mark_possible_duplicate(image.image_id, original_id, now)
    return DONE[step] if written else SKIPPED


def duplicate_groups(deps: Deps) -> list[Group]:
    """Every group of accepted images that are one picture (same bytes, or within the
    duplicate distance), read from one pass over the images table."""
    return _group_images(deps, _accepted(deps))


def _group_images(deps: Deps, images: Iterable[Image]) -> list[Group]:
    """The duplicate groups among these images, by the configured duplicate policy."""
    return groups((_hashed(deps, image) for image in images), deps.limits.duplicates)


def _accepted(deps: Deps) -> Iterator[Image]:
    """Every image that counts as a copy (processing, in review, ready): a full table pass,
    fine for an operator's report, never on a request path."""
    cursor: str | None = None
    while True:
        page = deps.repo.scan_segment(0, 1, PAGE, cursor)
        yield from (image for image in page.items if image.status in MATCHABLE)
        cursor = page.next_cursor
        if cursor is None:
            return


def _hashed(deps: Deps, image: Image) -> Hashed:
    """What the report knows of an image; its crops' hashes from the band index (one small
    query per image: the report already reads every image)."""
    sha = image.original.sha256 if image.original else ""
    phash = parse_hex(image.phash) if image.phash else None
    return Hashed(image.image_id, image.owner, sha, phash, image.created_at,
                  indexed_crops(deps, image.image_id) if phash is not None else ())
