"""The local stack's moto forgets what nobody uses: deleted objects' bytes do not pile up."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from moto.core.model_instances import model_data
from moto.s3.models import FakeKey

from infra.local.tracking import WeakTracked, track_weakly


@pytest.fixture
def weakly_tracked() -> Iterator[None]:
    saved = {cls: cls.__dict__.get("instances_tracked")
             for classes in model_data.values() for cls in classes.values()}
    try:
        yield
    finally:
        for cls, tracked in saved.items():
            cls.instances_tracked = tracked if tracked is not None else []


def _key(name: str) -> FakeKey:
    return FakeKey(name, b"x" * 1024, account_id="123456789012", region_name="us-east-1")


def test_moto_alone_keeps_every_object_it_ever_made() -> None:
    # Why the swap exists: moto appends each instance to a class list for its test resets.
    key = _key("kept")
    assert any(tracked is key for tracked in FakeKey.instances_tracked)


def test_a_deleted_object_is_freed_once_moto_lets_go_of_it(weakly_tracked: None) -> None:
    assert track_weakly(("s3", "sqs", "dynamodb")) > 10
    assert isinstance(FakeKey.instances_tracked, WeakTracked)
    kept, dropped = _key("kept"), _key("dropped")
    assert {k.name for k in FakeKey.instances_tracked} >= {"kept", "dropped"}
    buffer = dropped._value_buffer
    del dropped
    gc.collect()
    assert [k.name for k in FakeKey.instances_tracked if k.name in ("kept", "dropped")] == [
        "kept"]
    assert buffer.closed  # moto disposes of a key's bytes when the key itself goes
    assert kept.value == b"x" * 1024
    FakeKey.instances_tracked.clear()
    assert len(FakeKey.instances_tracked) == 0


def test_swapping_twice_changes_nothing(weakly_tracked: None) -> None:
    track_weakly(("s3",))
    first = FakeKey.instances_tracked
    assert track_weakly(("s3",)) == 0
    assert FakeKey.instances_tracked is first
