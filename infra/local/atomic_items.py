"""DynamoDB's per-item atomicity, which moto lacks.

Moto checks a write's condition and then writes, with no lock between: two conditional updates
of one item can both pass, and two `ADD downloads 1` can lose one. DynamoDB applies each item
write atomically, and the service relies on that (exactly one `ready`, no lost count). The
local stack and the contract suites serialise moto's item operations to get it back.

A read gets its own copy of the item, taken under the lock: moto hands out the stored item
itself, and its answer (or update_item's copy of the old item) was built after the lock was
released, while another write changed the item's attributes (`dictionary changed size during
iteration`: a 500 over HTTP, an exception in-process)."""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

# A transaction is all-or-nothing and isolated in DynamoDB too (quotas and display-name
# claims rely on it): it runs under the same lock, checked then written (transactions.py).
ITEM_OPERATIONS = ("get_item", "put_item", "update_item", "delete_item")
TRANSACTION = "transact_write_items"
_READS = ("get_item",)  # answered with a copy taken under the lock
_applied = threading.Lock()
_done = False


def locked_operations(backend_class: Any, lock: threading.RLock) -> dict[str, Callable[..., Any]]:
    """Each item operation of `backend_class`, wrapped to run under `lock`; and transactions,
    run under it as a whole (checked, then written: infra/local/transactions.py)."""
    from infra.local.transactions import check_then_write

    wrapped = {name: _locked(getattr(backend_class, name), lock, copied=name in _READS)
               for name in ITEM_OPERATIONS}
    return wrapped | {TRANSACTION: _locked(check_then_write, lock)}


def make_item_writes_atomic() -> None:
    """Patch moto's DynamoDB backend for this process, once."""
    global _done
    from moto.dynamodb.models import DynamoDBBackend

    with _applied:
        if _done:
            return
        for name, operation in locked_operations(DynamoDBBackend, threading.RLock()).items():
            setattr(DynamoDBBackend, name, operation)
        _done = True


def _locked(operation: Callable[..., Any], lock: threading.RLock, copied: bool = False
            ) -> Callable[..., Any]:
    @functools.wraps(operation)
    def under_lock(*args: Any, **kwargs: Any) -> Any:
        with lock:
            result = operation(*args, **kwargs)
            return copy.deepcopy(result) if copied else result

    return under_lock
