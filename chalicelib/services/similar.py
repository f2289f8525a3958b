"""Use case: photos like a ready one (look-alikes first, then shared tags and colour)."""

from __future__ import annotations

from chalicelib.domain.model import Status, is_image_id
from chalicelib.domain.search import SearchDoc
from chalicelib.domain.search.limits import similar_per_page
from chalicelib.domain.search.similar import SimilarQuery
from chalicelib.services.access import not_found
from chalicelib.services.deps import Deps


def similar(deps: Deps, image_id: str, raw_per_page: str | None) -> tuple[SearchDoc, ...]:
    """Up to `per_page` photos like a ready image; 404 for any other (even its owner's)."""
    limits = deps.limits.search
    per_page = similar_per_page(raw_per_page, limits)
    image = deps.repo.get(image_id) if is_image_id(image_id) else None
    if image is None or image.status is not Status.READY:
        raise not_found(image_id)
    query = SimilarQuery(image_id, per_page, limits.similar_candidates,
                         limits.similar_max_distance)
    return deps.search_index().similar(query)
