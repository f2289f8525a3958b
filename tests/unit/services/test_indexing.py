"""Stream records -> versioned index changes; reindex from the table."""

from __future__ import annotations

from dataclasses import replace

from chalicelib.domain.model import Facts, Image, Rendition, Status
from chalicelib.services import indexing
from tests.fakes import FakeSearchIndex


def _image(status: Status = Status.READY, version: int = 5, **changes: object) -> Image:
    image = Image(
        "a" * 32,
        "sub-a",
        "alice",
        status,
        "2026-11-27T12:00:00.000000Z",
        title="Red fox",
        tags=("fox",),
        facts=Facts(400, 300, "landscape", "jpeg", 99, "red", "#c0302a", "LKO2"),
        renditions={"thumb": Rendition("thumb", "k/thumb.webp", 200, 150, "webp", 7)},
        version=version,
    )
    return replace(image, **changes)  # type: ignore[arg-type]


def test_ready_image_becomes_an_upsert_with_everything_search_needs() -> None:
    change = indexing.change_for(None, _image())
    assert change is not None and change.version == 5 and change.doc is not None
    doc = change.doc
    assert (doc.title, doc.tags, doc.color, doc.color_hex, doc.blurhash) == (
        "Red fox",
        ("fox",),
        "red",
        "#c0302a",
        "LKO2",
    )
    assert doc.renditions["thumb"].key == "k/thumb.webp"


def test_not_ready_images_become_deletes_at_their_version() -> None:
    for status in (Status.PENDING, Status.PROCESSING, Status.REJECTED, Status.FAILED):
        change = indexing.change_for(_image(version=4), _image(status, version=7, facts=None))
        assert change is not None and (change.doc, change.version) == (None, 7)


def test_removal_outranks_the_last_version() -> None:
    change = indexing.change_for(_image(version=9), None)
    assert change is not None and (change.doc, change.version) == (None, 10)


def test_replayed_old_records_after_a_delete_do_not_resurrect() -> None:
    index = FakeSearchIndex()
    ready, edited = _image(version=5), _image(version=6, title="Red fox, edited")
    indexing.apply_stream(index, [(None, ready), (ready, edited), (edited, None)])
    indexing.apply_stream(index, [(None, ready), (ready, edited)])  # replay
    assert index.docs == {}


def test_out_of_order_edit_never_rolls_back() -> None:
    index = FakeSearchIndex()
    older, newer = _image(version=5, title="old"), _image(version=6, title="new")
    indexing.apply_stream(index, [(older, newer)])
    indexing.apply_stream(index, [(None, older)])
    assert index.docs["a" * 32].title == "new"


def test_reindex_keeps_only_ready_images_and_reports_progress() -> None:
    index = FakeSearchIndex()
    seen: list[int] = []
    images = [_image(), _image(Status.REJECTED, image_id="b" * 32, facts=None)]
    assert indexing.reindex(index, images, seen.append) == 1
    assert list(index.docs) == ["a" * 32] and seen == [1, 2]
