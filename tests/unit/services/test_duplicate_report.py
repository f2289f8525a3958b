"""The dry-run duplicate report: groups by bytes and by perceptual distance, changes nothing."""

from __future__ import annotations

import copy
import io

from chalicelib.domain.dedupe_groups import Hashed, groups
from chalicelib.domain.duplicates import DuplicatePolicy
from chalicelib.domain.model import Facts, Image, Original, Status
from chalicelib.services.duplicate_report import duplicate_groups
from tests.fakes import make_deps

HASH = 0xAAAA_5555_0F0F_F0F0


def _image(n: int, owner: str, sha: str, phash: int, status: Status = Status.READY) -> Image:
    return Image(f"{n:032x}", owner, owner, status, "t", facts=Facts(4, 3, "landscape", "jpeg", 9),
                 original=Original("k", "v", 9, sha, "image/jpeg"), phash=f"{phash:016x}")


def test_groups_join_same_bytes_and_near_hashes_and_leave_the_rest() -> None:
    listed = [
        Hashed("a", "alice", "s1", HASH), Hashed("b", "alice", "s1", None),  # same bytes
        Hashed("c", "bob", "s2", HASH ^ 0b111), Hashed("d", "bob", "s3", HASH ^ (0xFF << 40)),
        Hashed("e", "carol", "s4", ~HASH & (2**64 - 1)),
    ]
    found = groups(listed, DuplicatePolicy())
    assert [[m.image_id for m in g.members] for g in found] == [["a", "b", "c"]]
    assert not found[0].exact and found[0].owners == {"alice", "bob"}


def test_a_chain_of_near_copies_is_one_group_found_through_probed_bands() -> None:
    # 4 bits apart, one in each band: reachable only by probing at radius 1
    spread = HASH ^ (1 << 60) ^ (1 << 40) ^ (1 << 20) ^ (1 << 4)
    found = groups([Hashed("a", "x", "1", HASH), Hashed("b", "x", "2", spread)],
                   DuplicatePolicy())
    assert len(found) == 1 and found[0].owners == {"x"}


def test_the_report_reads_accepted_images_only_and_changes_nothing() -> None:
    deps = make_deps()
    for image in (_image(1, "alice", "s", HASH), _image(2, "alice", "s", HASH),
                  _image(3, "bob", "t", HASH ^ 1), _image(4, "bob", "t", HASH, Status.REJECTED),
                  _image(5, "carol", "u", ~HASH & (2**64 - 1))):
        deps.repo.add(image)
    before = copy.deepcopy(deps.repo.items)  # type: ignore[attr-defined]
    found = duplicate_groups(deps)
    assert [[m.image_id[-1] for m in g.members] for g in found] == [["1", "2", "3"]]
    assert deps.repo.items == before  # type: ignore[attr-defined]


def test_the_cli_prints_each_group_and_a_count(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from chalicelib import bootstrap
    from chalicelib.entrypoints import cli

    deps = make_deps()
    deps.repo.add(_image(1, "alice", "s", HASH))
    deps.repo.add(_image(2, "alice", "s", HASH))
    monkeypatch.setattr(bootstrap, "services", lambda: type("S", (), {"deps": deps})())
    out = io.StringIO()
    assert cli.duplicates(stream=out) == 1
    text = out.getvalue()
    assert "exact group of 2 (same contributor)" in text and f"{1:032x}" in text
    assert "duplicates: 1 groups; --hold would send 1 to review" in text
    assert text.rstrip().endswith("(dry run: nothing changed)")
