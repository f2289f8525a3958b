"""The local stack's moto gets DynamoDB's per-item atomicity: item operations are serialised.

The behaviour it buys (20 concurrent downloads, 20 counted) is checked over HTTP on the real
local stack in tests/e2e/test_downloads_e2e.py, where moto server's threads once lost one."""

from __future__ import annotations

import threading

import pytest

from infra.local.atomic_items import (
    ITEM_OPERATIONS,
    TRANSACTION,
    locked_operations,
    make_item_writes_atomic,
)


class _Backend:
    """Stands in for moto's backend: records who ran."""

    def __init__(self) -> None:
        self.ran: list[str] = []

    def get_item(self, name: str) -> None:
        self.ran.append(name)

    put_item = update_item = delete_item = transact_write_items = get_item


def test_an_item_operation_waits_while_another_holds_the_lock() -> None:
    lock = threading.RLock()
    wrapped = locked_operations(_Backend, lock)
    backend = _Backend()
    finished = threading.Event()

    def second_writer() -> None:
        wrapped["update_item"](backend, "second")
        finished.set()

    with lock:  # a first write is in progress
        worker = threading.Thread(target=second_writer)
        worker.start()
        assert not finished.wait(0.2)  # the second one may not start meanwhile
        assert backend.ran == []
    assert finished.wait(5) and backend.ran == ["second"]
    worker.join()


def test_moto_is_patched_once_for_every_item_operation(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    originals = {name: getattr(DynamoDBBackend, name) for name in ITEM_OPERATIONS}
    for name, operation in originals.items():  # restored after the test
        monkeypatch.setattr(DynamoDBBackend, name, operation)
    monkeypatch.setattr(DynamoDBBackend, TRANSACTION, getattr(DynamoDBBackend, TRANSACTION))
    monkeypatch.setattr("infra.local.atomic_items._done", False)
    make_item_writes_atomic()
    patched = {name: getattr(DynamoDBBackend, name) for name in ITEM_OPERATIONS}
    make_item_writes_atomic()
    for name in ITEM_OPERATIONS:
        assert patched[name].__wrapped__ is originals[name]  # type: ignore[attr-defined]
        assert getattr(DynamoDBBackend, name) is patched[name]  # not wrapped twice


def test_a_read_gets_a_copy_taken_under_the_lock() -> None:
    class Stored:
        def __init__(self) -> None:
            self.attrs = {"status": "processing"}

    class Backend:
        item = Stored()

        def get_item(self, name: str) -> Stored:
            return self.item

        put_item = update_item = delete_item = transact_write_items = get_item

    wrapped = locked_operations(Backend, threading.RLock())
    backend = Backend()
    read = wrapped["get_item"](backend, "images")
    backend.item.attrs["status"] = "ready"  # a write after the read: the answer stays as read
    assert read is not backend.item and read.attrs == {"status": "processing"}
    assert wrapped["update_item"](backend, "images") is backend.item  # writes are not copied
