"""Use case: a short-lived download link for one size of a ready image, counted."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.auth import Principal
from chalicelib.domain.downloads import DEFAULT_SIZE, ORIGINAL, attribution, file_name
from chalicelib.domain.errors import Forbidden, InvalidInput, NotFound
from chalicelib.domain.model import Image, Status
from chalicelib.domain.renditions import FULL
from chalicelib.ports import BlobStore
from chalicelib.services.access import not_found, visible_image
from chalicelib.services.deps import Deps


@dataclass(frozen=True)
class Download:
    """What the browser needs to save one size of a photo, and how to credit it."""

    url: str
    expires_in: int
    filename: str
    width: int
    height: int
    bytes: int
    format: str
    attribution: str
    downloads: int  # the image's count, this one included


@dataclass(frozen=True)
class _File:
    store: BlobStore
    key: str
    version_id: str
    width: int
    height: int
    bytes: int
    format: str


def download(deps: Deps, image_id: str, size: str | None, principal: Principal | None) -> Download:
    """A signed link to `size` (a profile name, `full` by default, or `original` for the
    owner and admins, also of a rejected photo); every request counts one download, but the
    original of a rejected photo (no longer in the catalogue)."""
    image = visible_image(deps, image_id, principal)
    wanted = size or DEFAULT_SIZE
    if image.status is Status.REJECTED and wanted == ORIGINAL:
        # A moderator's reject withdraws the public sizes; the owner's own file stays theirs.
        return _signed(deps, image, wanted, _original(image, deps, principal), image.downloads)
    if image.status is not Status.READY:
        raise not_found(image_id)
    found = _file(deps, image, wanted, principal)
    counted = deps.repo.count_download(image_id)
    if counted is None:  # deleted this very moment
        raise not_found(image_id)
    return _signed(deps, image, wanted, found, counted)


def _signed(deps: Deps, image: Image, wanted: str, found: _File, counted: int) -> Download:
    expires = deps.limits.download_url_seconds
    name = file_name(image.title, image.image_id, wanted, found.format)
    url = found.store.presign_get(found.key, name, expires, found.version_id)
    credit = attribution(image.owner_name, deps.site_name)
    return Download(url, expires, name, found.width, found.height, found.bytes, found.format,
                    credit, counted)


def sizes(deps: Deps) -> list[str]:
    """Every size a download may ask for."""
    return [*(spec.name for spec in deps.profile), FULL.name, ORIGINAL]


def _file(deps: Deps, image: Image, size: str, principal: Principal | None) -> _File:
    if size == ORIGINAL:
        return _original(image, deps, principal)
    rendition = image.renditions.get(size) if size in sizes(deps) else None
    if rendition is None:
        known = ", ".join(sizes(deps))
        raise InvalidInput("invalid_size", f"There is no size {size!r}: ask for one of {known}.")
    store = deps.originals if size == FULL.name else deps.renditions
    return _File(store, rendition.key, "", rendition.width, rendition.height, rendition.bytes,
                 rendition.format)


def _original(image: Image, deps: Deps, principal: Principal | None) -> _File:
    """The exact uploaded bytes: only for whoever uploaded them, and admins."""
    if principal is None or (principal.sub != image.owner and not principal.is_admin):
        raise Forbidden("not_owner", "Only the contributor and admins can download the original.")
    original, facts = image.original, image.facts
    if original is None or facts is None:
        raise NotFound("no_original", "This photo has no kept original (it predates them).")
    return _File(deps.originals, original.key, original.version_id, facts.width, facts.height,
                 original.bytes, facts.format)
