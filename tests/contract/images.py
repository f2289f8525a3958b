"""Images, moves and readers the ImageRepository contract is written with."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable

from chalicelib.domain.model import Facts, Image, Rendition, Status
from chalicelib.domain.moderation import Decision
from chalicelib.ports import ImageRepository

FACTS = Facts(30, 20, "landscape", "png", 99, "red", "#c0302a", "LKO")


def new_image(owner: str = "sub-a", created_at: str = "2026-11-27T12:00:00.000000Z") -> Image:
    """A fresh pending upload."""
    return Image(
        uuid.uuid4().hex, owner, "Ann", Status.PENDING, created_at, title="t",
        description="d", tags=("x",), filename="a.png", content_type="image/png",
        declared_bytes=99,
    )


def rendition(image_id: str, name: str) -> Rendition:
    """A small webp rendition of the image called `name`."""
    return Rendition(name, f"{image_id}/{name}.webp", 10, 5, "webp", 3)


def move(repo: ImageRepository, image_id: str, to: Status, now: str = "t-move") -> bool:
    """Ask the repository for the one write that leads to `to`; True if it was made. From
    in_review an admin's decision leads on; into it, a finish that holds, or a report hold."""
    held = repo.get(image_id)
    if held is not None and held.status is Status.IN_REVIEW and to in _DECIDED:
        return repo.decide(image_id, decision(_DECIDED[to], now)) is not None
    if to is Status.IN_REVIEW:
        if held is not None and held.status is Status.READY:
            return repo.hold_reported(image_id, now)
        return repo.finish(image_id, now, ["new_contributor"])
    if to is Status.PROCESSING:
        return repo.start_processing(image_id, now) is not None
    if to is Status.READY:
        return repo.finish(image_id, now)
    if to is Status.REJECTED:
        return repo.reject(image_id, "not_an_image", now)
    if to is Status.FAILED:
        return repo.fail(image_id, "processing_error", now)
    if to is Status.DELETED:
        return repo.mark_deleted(image_id, "sub-admin", "policy", now, 1_900_000_000) is not None
    return False  # nothing leads back to pending


_DECIDED = {Status.READY: "approve", Status.REJECTED: "reject"}


def decision(choice: str, at: str = "t-decide", by: str = "sub-admin") -> Decision:
    """An admin's decision with a note."""
    return Decision(by, at, choice, "looks fine" if choice == "approve" else "not ours")


def image_in(repo: ImageRepository, status: Status) -> str:
    """A new image brought to `status` through the port; its id."""
    image = new_image()
    repo.add(image)
    path = {Status.READY: [Status.PROCESSING, Status.READY],
            Status.IN_REVIEW: [Status.PROCESSING, Status.IN_REVIEW]}.get(status, [status])
    for step in path:
        if step is not Status.PENDING:
            assert move(repo, image.image_id, step, "t-setup")
    return image.image_id


def current(repo: ImageRepository, image_id: str) -> Image:
    """The image, which must exist."""
    found = repo.get(image_id)
    assert found is not None
    return found


def race(calls: list[Callable[[str], bool]], image_id: str) -> list[bool]:
    """Run every call at once on one image; what each returned, in call order. A call that
    raised fails the race (it used to count as a loser, so a crash could pass for one)."""
    results: list[bool] = [False] * len(calls)
    errors: list[BaseException] = []
    start = threading.Barrier(len(calls))

    def run(n: int) -> None:
        start.wait()
        try:
            results[n] = calls[n](image_id)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def listed(repo: ImageRepository, owner: str, limit: int) -> list[list[str]]:
    """Every page of the owner's listing, following the cursors to the end."""
    pages, cursor = [], None
    while True:
        page = repo.list_by_owner(owner, limit, cursor)
        assert len(page.items) <= limit
        pages.append([i.image_id for i in page.items])
        cursor = page.next_cursor
        if cursor is None:
            return pages
        assert len(pages) < 20, "paging never ends"


def uploads(repo: ImageRepository, owner: str, count: int, minute: int = 0) -> list[str]:
    """`count` new images of `owner`, a second apart from `minute`; their ids, oldest first."""
    made = [new_image(owner, f"2026-11-27T12:{minute:02d}:{n:02d}.000000Z") for n in range(count)]
    for image in made:
        repo.add(image)
    return [i.image_id for i in made]
