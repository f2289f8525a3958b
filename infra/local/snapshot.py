"""Keep moto's state across restarts: one pickle of the backends, taken while the gate is shut."""

from __future__ import annotations

import _thread
import contextlib
import copyreg
import io
import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from moto.backends import get_backend

from infra.local.files import previous, write_atomic
from infra.local.motoserver import Gate

log = logging.getLogger(__name__)

SERVICES = ("s3", "dynamodb", "dynamodbstreams", "sqs", "cognito-idp")
FORMAT = "stock-images-local-snapshot/1"
# An SQS receive that already got past its wait may still be walking the queue: let it finish.
_RECEIVE_SETTLE_SECONDS = 0.05


class SnapshotMismatch(RuntimeError):
    """The snapshot was written by another moto version or format."""


@dataclass
class Snapshot:
    """Backends by service, account and region, plus what the runner keeps with them."""

    backends: dict[str, dict[str, dict[str, Any]]]
    bucket_accounts: dict[str, Any]
    extras: dict[str, Any] = field(default_factory=dict)


def _dispatch_table() -> dict[Any, Callable[[Any], Any]]:
    table: dict[Any, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    table[_thread.LockType] = lambda _lock: (threading.Lock, ())
    table[type(threading.RLock())] = lambda _lock: (threading.RLock, ())
    table[threading.Condition] = lambda _cond: (threading.Condition, ())
    with contextlib.suppress(ImportError):
        from joserfc.jwk import RSAKey

        table[RSAKey] = lambda key: (RSAKey.import_key, (key.as_dict(private=True),))
    return table


def _backend(service: str) -> Any:
    return get_backend(service)  # type: ignore[call-overload]


def capture(extras: dict[str, Any] | None = None) -> Snapshot:
    """The live backends (call only while no request is being served)."""
    backends = {
        service: {account: dict(regions) for account, regions in _backend(service).items()}
        for service in SERVICES
    }
    return Snapshot(backends, dict(_backend("s3").bucket_accounts), dict(extras or {}))


def dumps(snapshot: Snapshot) -> bytes:
    """A version header, then every backend in ONE dump so shared objects stay shared."""
    buffer = io.BytesIO()
    pickle.dump({"format": FORMAT, "moto": version("moto")}, buffer)
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch_table()
    pickler.dump(snapshot)
    return buffer.getvalue()


def loads(data: bytes) -> Snapshot:
    """Unpickle a snapshot; SnapshotMismatch if another moto version wrote it."""
    buffer = io.BytesIO(data)
    header = pickle.load(buffer)  # our own file, in our own data dir
    if header != {"format": FORMAT, "moto": version("moto")}:
        raise SnapshotMismatch(
            f"the local data was saved by {header.get('moto', '?')} ({header.get('format')}),"
            f" this is moto {version('moto')}: run `make clean-data` to start afresh"
        )
    snapshot = pickle.load(buffer)
    if not isinstance(snapshot, Snapshot):
        raise SnapshotMismatch("the snapshot file holds no snapshot: run `make clean-data`")
    return snapshot


def restore(snapshot: Snapshot) -> None:
    """Put saved backends in place; call before the moto server starts."""
    for service, accounts in snapshot.backends.items():
        backend_dict = _backend(service)
        for account, regions in accounts.items():
            for region, backend in regions.items():
                backend_dict[account][region] = backend
    _backend("s3").bucket_accounts.update(snapshot.bucket_accounts)


@contextlib.contextmanager
def _sqs_queues_locked() -> Iterator[None]:
    """Keep in-flight SQS long polls parked in their wait while the queues are pickled."""
    with contextlib.ExitStack() as stack:
        for _account, _region, backend in _backend("sqs").iter_backends():
            for queue in list(backend.queues.values()):
                stack.enter_context(queue._messages_lock)
        time.sleep(_RECEIVE_SETTLE_SECONDS)
        yield


def take(gate: Gate, extras: dict[str, Any] | None = None) -> bytes | None:
    """Pickle the state with requests held back; None if requests would not drain."""
    with gate.held() as drained:
        if not drained:
            log.warning("snapshot skipped: moto requests did not finish in time")
            gate.changed = True
            return None
        with _sqs_queues_locked():
            return dumps(capture(extras))


def save(path: Path, gate: Gate, extras: dict[str, Any] | None = None) -> bool:
    """Snapshot to `path` (the former one kept as .prev); False if it had to be skipped."""
    data = take(gate, extras)
    if data is None:
        return False
    write_atomic(path, data, keep_previous=True)
    log.debug("snapshot saved: %s (%d bytes)", path, len(data))
    return True


def load(path: Path) -> Snapshot | None:
    """The saved snapshot, falling back to .prev if the latest is unreadable; None if none."""
    for candidate in (path, previous(path)):
        try:
            return loads(candidate.read_bytes())
        except FileNotFoundError:
            continue
        except SnapshotMismatch:
            raise
        except Exception as exc:  # a torn or corrupt file: the previous one may still be good
            log.warning("cannot read snapshot %s (%s)", candidate, exc)
    return None


class Snapshotter(threading.Thread):
    """Saves a snapshot every `interval` seconds when moto's state changed."""

    def __init__(
        self, path: Path, gate: Gate, extras: Callable[[], dict[str, Any]], interval: float = 30.0
    ) -> None:
        super().__init__(name="snapshotter", daemon=True)
        self._path, self._gate, self._extras, self._interval = path, gate, extras, interval
        self._stop_event = threading.Event()

    def run(self) -> None:
        """Loop until stopped."""
        while not self._stop_event.wait(self._interval):
            if self._gate.changed:
                self.save_now()

    def save_now(self) -> None:
        """Save at once (also used for the final snapshot at shutdown)."""
        try:
            save(self._path, self._gate, self._extras())
        except Exception:
            self._gate.changed = True  # try again next round
            log.exception("snapshot failed")

    def stop(self) -> None:
        """End the loop and wait for a snapshot in progress."""
        self._stop_event.set()
        if self.is_alive():
            self.join()
