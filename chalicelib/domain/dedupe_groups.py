"""Duplicate groups already in a catalogue (the dry-run report), stdlib only.

Images are grouped when they share the SHA-256 of their original, or when their perceptual
hashes are within the policy's distance; the band keys find the close pairs (never all pairs),
and a union-find joins chains of them into groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from chalicelib.domain.duplicates import DuplicatePolicy, bands, crop_match, probe_keys


@dataclass(frozen=True)
class Hashed:
    """What the report knows of one accepted image."""

    image_id: str
    owner: str
    sha256: str
    phash: int | None
    created_at: str = ""
    crops: tuple[tuple[str, int], ...] = ()  # its inner crops' hashes, by crop name


@dataclass(frozen=True)
class Group:
    """Images that are one picture: `exact` when all share the same bytes."""

    members: tuple[Hashed, ...]
    exact: bool

    @property
    def owners(self) -> set[str]:
        """Who uploaded its members (one owner: the same contributor's repeats)."""
        return {member.owner for member in self.members}


def groups(images: Iterable[Hashed], policy: DuplicatePolicy) -> list[Group]:
    """Every group of two or more, oldest-id first within a group, groups by first id."""
    listed = {image.image_id: image for image in images}
    parent = {image_id: image_id for image_id in listed}
    exact_pairs = _pairs_by_sha(listed.values())
    for a, b in exact_pairs:
        _join(parent, a, b)
    for a, b in _near_pairs(listed.values(), policy):
        _join(parent, a, b)
    members: dict[str, list[str]] = defaultdict(list)
    for image_id in sorted(listed):
        members[_root(parent, image_id)].append(image_id)
    found = []
    for ids in members.values():
        if len(ids) > 1:
            shas = {listed[i].sha256 for i in ids}
            found.append(Group(tuple(listed[i] for i in ids), len(shas) == 1 and "" not in shas))
    return sorted(found, key=lambda group: group.members[0].image_id)


def _pairs_by_sha(images: Iterable[Hashed]) -> list[tuple[str, str]]:
    by_sha: dict[str, list[str]] = defaultdict(list)
    for image in images:
        if image.sha256:
            by_sha[image.sha256].append(image.image_id)
    return [(ids[0], other) for ids in by_sha.values() for other in ids[1:]]


def _near_pairs(images: Iterable[Hashed], policy: DuplicatePolicy) -> list[tuple[str, str]]:
    """Pairs within the policy as ingest judges them (domain.duplicates.crop_match): each
    image's full hash and crop hashes stored under their band keys, probed by each image's
    full hash (and crop hashes when the policy looks up with crops). Every image is probed in
    turn, so a photo and its crop pair up whichever came first."""
    hashed = [image for image in images if image.phash is not None]
    stored: dict[str, list[tuple[Hashed, str, int]]] = defaultdict(list)
    for image in hashed:
        for variant, value in (("", image.phash or 0), *image.crops):
            for key in bands(value, policy.bands):
                stored[key].append((image, variant, value))
    pairs: set[tuple[str, str]] = set()
    for image in hashed:
        full, crops = image.phash or 0, dict(image.crops) if policy.lookup_crops else {}
        for value in (full, *crops.values()):
            for key in probe_keys(value, policy.bands, policy.probe_radius):
                for other, variant, held in stored.get(key, ()):
                    if other.image_id != image.image_id and crop_match(
                            full, crops, variant, held, policy) is not None:
                        pair = sorted((image.image_id, other.image_id))
                        pairs.add((pair[0], pair[1]))
    return sorted(pairs)


def _root(parent: dict[str, str], image_id: str) -> str:
    while parent[image_id] != image_id:
        parent[image_id] = parent[parent[image_id]]
        image_id = parent[image_id]
    return image_id


def _join(parent: dict[str, str], a: str, b: str) -> None:
    parent[_root(parent, b)] = _root(parent, a)
