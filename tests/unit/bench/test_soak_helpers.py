"""`make soak`'s inputs and its audit: the mix is what it says, bombs are bombs to our own header
probe, and the audit calls lost, stuck, orphaned and out-of-step exactly what they are."""

from __future__ import annotations

import pytest

from bench import soak_audit, soak_inputs
from bench.soak_audit import Record
from chalicelib.domain import probe
from chalicelib.domain.errors import Rejected


def test_the_mix_has_every_kind_in_its_share_and_is_the_same_every_time() -> None:
    kinds = soak_inputs.kinds(1000)
    assert len(kinds) == 1000
    assert kinds.count("broken") == 80 and kinds.count("bomb") == 40
    assert kinds.count("duplicate") == 80 and kinds.count("deleted") == 50
    assert kinds.count("good") == 750
    assert soak_inputs.kinds(1000) == kinds
    assert soak_inputs.kinds(1000, seed=15) != kinds


@pytest.mark.parametrize("make", [soak_inputs.png_bomb, lambda: soak_inputs.jpeg_bomb(
    soak_inputs.good_photos(per_size=1)[0][1])])
def test_bombs_claim_more_pixels_than_any_limit_allows(make: object) -> None:
    data = make()  # type: ignore[operator]
    header = probe.probe(data, complete=True)
    assert header.width * header.height > 3_000_000_000
    with pytest.raises(Rejected) as refused:
        probe.check_limits(header, 100_000_000, 30_000)
    assert refused.value.reason == "too_many_pixels"


def test_broken_files_are_refused_or_undecodable_by_the_header_probe() -> None:
    photo = soak_inputs.good_photos(per_size=1)[0][1]
    refused = 0
    for _label, data, _type in soak_inputs.broken_files(photo):
        try:
            probe.probe(data, complete=True)
        except Rejected:
            refused += 1
    # The half JPEG keeps a good header (the decoder finds the damage); the rest never pass.
    assert refused == 3


def _record(image_id: str, status: str, keys: tuple[str, ...] = (), original: str = "v1"
            ) -> Record:
    return Record(image_id, status, 3, frozenset(keys), original)


def test_needed_objects_follow_each_stores_rule() -> None:
    records = {
        "a" * 32: _record("a" * 32, "ready", (f"{'a' * 32}/thumb.webp", f"full/{'a' * 32}.jpg")),
        "b" * 32: _record("b" * 32, "processing"),
        "c" * 32: _record("c" * 32, "deleted"),
    }
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    assert soak_audit.needed(records, "renditions", f"{a}/thumb.webp", "")
    assert not soak_audit.needed(records, "renditions", f"{a}/large.webp", "")
    assert soak_audit.needed(records, "originals", f"originals/{a}", "v1")
    assert not soak_audit.needed(records, "originals", f"originals/{a}", "v0")
    assert soak_audit.needed(records, "originals", f"full/{a}.jpg", "v9")
    assert not soak_audit.needed(records, "uploads", f"uploads/{a}", "v1")
    assert soak_audit.needed(records, "uploads", f"uploads/{b}", "v1")
    assert soak_audit.needed(records, "uploads", f"masters/{b}.tif", "v1")
    assert not soak_audit.needed(records, "originals", f"originals/{c}", "v1")
    assert not soak_audit.needed(records, "uploads", "uploads/" + "d" * 32, "v1")
    assert not soak_audit.needed(records, "renditions", "stray.txt", "")


def test_audit_names_lost_stuck_orphans_and_index_drift() -> None:
    ready, stuck, gone = "a" * 32, "b" * 32, "e" * 32
    records = {ready: _record(ready, "ready", (f"{ready}/thumb.webp",)),
               stuck: _record(stuck, "pending")}
    buckets = {"renditions": [(f"{ready}/thumb.webp", ""), (f"{gone}/thumb.webp", "")]}
    result = soak_audit.audit(records, [ready, stuck, gone], buckets, {gone})
    assert result.lost == [gone]
    assert result.stuck == [stuck]
    assert result.orphans == [f"renditions/{gone}/thumb.webp@ (no record)"]
    assert result.index_missing == [ready] and result.index_extra == [gone]
    assert not result.clean
    clean = soak_audit.audit({ready: records[ready]}, [ready],
                             {"renditions": [(f"{ready}/thumb.webp", "")]}, {ready})
    assert clean.clean and clean.summary()["statuses"] == {"ready": 1}


def test_a_dynamodb_item_reads_back_as_a_record() -> None:
    item = {"image_id": {"S": "a" * 32}, "status": {"S": "ready"}, "version": {"N": "7"},
            "renditions": {"M": {"thumb": {"M": {"key": {"S": "k/thumb.webp"}}}}},
            "original": {"M": {"version_id": {"S": "v3"}}}}
    assert soak_audit.record_of(item) == Record("a" * 32, "ready", 7,
                                                frozenset({"k/thumb.webp"}), "v3")


def test_only_uploads_acknowledged_within_two_seconds_before_a_kill_are_not_promised() -> None:
    from bench.soak import Crash

    crash = Crash(stack=None, after=60.0, times=2)  # type: ignore[arg-type]
    crash.kills = [(100.0, 104.0), (170.0, 173.5)]
    assert [crash.at_risk(t) for t in (97.9, 98.0, 100.0, 100.1, 168.5, 171.0)] == [
        False, True, True, False, True, False]
    assert crash.summary() == {"kills": 2, "killed_at_s": [0.0, 70.0], "restart_s": [4.0, 3.5]}


def test_faults_are_counted_by_kind_from_the_stack_log() -> None:
    from bench.soak import faults_injected

    log = "\n".join([
        '{"message":"fault injected","fault":"s3_slowdown","method":"read"}',
        '{"message":"fault injected","fault":"s3_timeout","method":"put"}',
        '{"message":"fault injected","fault":"s3_slowdown","method":"head"}',
        '{"message":"ingest failed","fault":"s3_slowdown"}',
        '{"message":"fault injected","fault":"dynamodb_throttle"}',
    ])
    assert faults_injected(log) == {"dynamodb_throttle": 1, "s3_slowdown": 2, "s3_timeout": 1}
