"""What must hold in the fakes after any answer: the fuzz tests' state checker."""

from __future__ import annotations

import copy

from chalicelib.domain.limits import Limits
from chalicelib.domain.model import Image, Status
from tests.fake_repo import FakeRepo

# What only the owner (or an admin) may change; others' reports and downloads move the rest.
OWNED_FIELDS = ("owner", "title", "description", "tags", "filename", "content_type",
                "declared_bytes", "original")


def snapshot(repo: FakeRepo) -> dict[str, Image]:
    """A deep copy of every stored image, to compare after a request."""
    return copy.deepcopy(repo.items)


def _valid_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True  # NUL, bidi and zero-width marks are valid Unicode: kept as sent


def image_problems(image: Image, limits: Limits) -> list[str]:
    """Every way one stored image breaks the rules."""
    found = []
    if not isinstance(image.status, Status):
        found.append(f"status {image.status!r} is no lifecycle state")
    if len(image.tags) > limits.max_tags:
        found.append(f"{len(image.tags)} tags, more than {limits.max_tags}")
    for tag in image.tags:
        if "," in tag or not tag or len(tag) > limits.max_tag_chars:
            found.append(f"tag {tag!r} is empty, too long or has a comma")
    if len(image.title) > limits.max_title_chars:
        found.append("title too long")
    if len(image.description) > limits.max_description_chars:
        found.append("description too long")
    texts = (image.title, image.description, image.filename, *image.tags)
    found += [f"{text!r} is not valid Unicode" for text in texts if not _valid_text(text)]
    counts = {"downloads": image.downloads, "open_reports": image.open_reports,
              "version": image.version - 1, "repairs": image.repairs}
    found += [f"{name} is negative" for name, count in counts.items() if count < 0]
    return [f"{image.image_id}: {problem}" for problem in found]


def foreign_changes(before: dict[str, Image], after: dict[str, Image], caller: str | None,
                    admin: bool) -> list[str]:
    """Images of someone else whose owned fields or existence a non-admin changed."""
    if admin:
        return []
    found = []
    for image_id, old in before.items():
        if old.owner == caller:
            continue
        new = after.get(image_id)
        if new is None or (new.status is Status.DELETED and old.status is not Status.DELETED):
            found.append(f"{image_id} of {old.owner} deleted by {caller}")
            continue
        changed = [f for f in OWNED_FIELDS if getattr(old, f) != getattr(new, f)]
        if changed:
            found.append(f"{image_id} of {old.owner}: {changed} changed by {caller}")
    return found


def state_problems(repo: FakeRepo, limits: Limits, before: dict[str, Image],
                   caller: str | None, admin: bool) -> list[str]:
    """Everything wrong with the fakes after one request by `caller`."""
    found = [p for image in repo.items.values() for p in image_problems(image, limits)]
    found += [f"{owner} holds {len(slots)} pending slots" for owner, slots in repo.slots.items()
              if len(slots) > limits.upload_max_pending]
    found += [f"{key} counted {n} grants" for key, n in repo.days.items() if n < 0]
    return found + foreign_changes(before, repo.items, caller, admin)
