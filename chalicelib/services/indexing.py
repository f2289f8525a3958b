"""Use cases: keep the search index equal to the table (stream changes, full reindex)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from chalicelib.domain.model import Image, Status
from chalicelib.domain.renditions import FULL
from chalicelib.domain.search import Change, SearchDoc
from chalicelib.ports import SearchIndex


def to_doc(image: Image) -> SearchDoc:
    """The search document of a ready image."""
    facts = image.facts
    if facts is None:  # ingest records facts before any rendition: a broken record, not ours
        raise ValueError(f"image {image.image_id} is ready but has no facts")
    return SearchDoc(
        image_id=image.image_id,
        version=image.version,
        title=image.title,
        description=image.description,
        tags=image.tags,
        owner=image.owner,
        owner_name=image.owner_name,
        created_at=image.created_at,
        width=facts.width,
        height=facts.height,
        orientation=facts.orientation,
        color=facts.color,
        color_hex=facts.color_hex,
        blurhash=facts.blurhash,
        popularity=image.downloads,
        renditions={n: r for n, r in image.renditions.items() if n != FULL.name},
        phash=image.phash,
        camera=facts.camera.name if facts.camera else "",
    )


def change_for(old: Image | None, new: Image | None) -> Change | None:
    """What one stream record means for the index: upsert when ready, delete otherwise."""
    if new is not None:
        doc = to_doc(new) if new.status is Status.READY else None
        return Change(new.image_id, new.version, doc)
    if old is not None:
        # A removal outranks every version the item ever had.
        return Change(old.image_id, old.version + 1, None)
    return None


def apply_stream(index: SearchIndex, records: Sequence[tuple[Image | None, Image | None]]) -> int:
    """Apply a batch of (old, new) stream images in order; returns how many changes."""
    changes = [c for c in (change_for(old, new) for old, new in records) if c is not None]
    if changes:
        index.apply(changes)
    return len(changes)


def reindex(
    index: SearchIndex, images: Iterable[Image], progress: Callable[[int], None] | None = None
) -> int:
    """Rebuild the whole index from the source of truth; returns the documents indexed."""

    def docs() -> Iterable[SearchDoc]:
        for count, image in enumerate(images, start=1):
            if progress is not None:
                progress(count)
            if image.status is Status.READY:
                yield to_doc(image)

    return index.rebuild(docs())
