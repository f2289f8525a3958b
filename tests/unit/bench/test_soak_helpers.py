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


def test_the_baseline_photos_are_all_different_to_the_duplicate_check() -> None:
    import pyvips

    from chalicelib.adapters.imaging import perceptual
    from chalicelib.domain.duplicates import DuplicatePolicy, hamming

    small = (("a", 300, 200), ("b", 400, 300))
    photos = soak_inputs.distinct_photos(8, sizes=small)
    hashes = [perceptual.of_image(pyvips.Image.new_from_buffer(data, "")).phash
              for _label, data in photos]
    closest = min(hamming(a, b) for i, a in enumerate(hashes) for b in hashes[i + 1:])
    assert closest > DuplicatePolicy().max_distance
    assert [label for label, _ in photos[:4]] == [
        "a 300x200 scene 0", "b 400x300 scene 1", "a 200x300 scene 2", "b 300x400 scene 3"]


def test_upload_rows_keep_photos_that_should_end_ready_with_times_from_the_start() -> None:
    from bench.soak import upload_rows, without_rows
    from bench.soak_client import Sent, Traffic

    good = soak_inputs.SoakItem(0, "good", b"", "image/jpeg", "a.jpg", "2 MP 1732x1155 scene 1")
    broken = soak_inputs.SoakItem(1, "broken", b"", "image/jpeg", "b.jpg", "noise")
    traffic = Traffic(sent=[Sent(good, "a" * 32, acknowledged_at=101.0),
                            Sent(good, "c" * 32, acknowledged_at=102.0),
                            Sent(broken, "b" * 32, acknowledged_at=101.5)],
                      first_seen={"a" * 32: 104.5})
    assert upload_rows(traffic, started=100.0) == [
        {"label": "2 MP 1732x1155 scene 1", "acknowledged_s": 1.0, "searchable_s": 4.5},
        {"label": "2 MP 1732x1155 scene 1", "acknowledged_s": 2.0, "searchable_s": None}]
    assert without_rows({"n": 1, "baseline": {"uploads": [1], "clean": True}}) == {
        "n": 1, "baseline": {"clean": True}}


def test_statuses_are_read_by_key_for_the_asked_ids_only() -> None:
    import boto3
    from moto import mock_aws

    from bench.soak import statuses_of

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(TableName="images", BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": "image_id", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "image_id",
                                                     "AttributeType": "S"}])
        for number in range(150):  # more than one BatchGetItem's 100 keys
            dynamodb.put_item(TableName="images", Item={
                "image_id": {"S": f"i{number}"},
                "status": {"S": "ready" if number % 3 else "processing"},
                "renditions": {"M": {"w": {"S": "x" * 100}}}})
        asked = [f"i{number}" for number in range(0, 150, 2)] + ["missing"]
        statuses = statuses_of(dynamodb, "images", asked)
    assert set(statuses) == set(asked) - {"missing"}  # a missing id is not made up
    assert statuses["i0"] == "processing" and statuses["i2"] == "ready"
    assert statuses["i148"] == "ready"  # from the second batch
