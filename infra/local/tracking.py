"""moto keeps every model instance it ever made: `BaseModel.__new__` appends each one to its
class's `instances_tracked`, so that `mock_aws` can reset them between tests. A server is never
reset, so in the local stack every deleted S3 object version (its bytes included), every SQS
message and every replaced DynamoDB item would stay in memory for as long as the stack runs
(`make soak` measured about 50 MB per photo until the kernel killed the stack at 23 GB).
Here the instances are tracked weakly instead: whatever moto still uses stays, the rest goes.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from typing import Any


class WeakTracked:
    """What `instances_tracked` is used as (append, iterate, len, clear), holding no instance
    alive."""

    def __init__(self) -> None:
        self._refs: dict[int, weakref.ref[Any]] = {}
        self._lock = threading.Lock()

    def append(self, instance: Any) -> None:
        """Track `instance` until nothing else holds it."""
        key = id(instance)

        def gone(ref: weakref.ref[Any]) -> None:
            with self._lock:
                if self._refs.get(key) is ref:  # the id may already name a newer instance
                    del self._refs[key]

        try:
            ref = weakref.ref(instance, gone)
        except TypeError:  # not weakly referenceable: moto only needs it for its resets
            return
        with self._lock:
            self._refs[key] = ref

    def __iter__(self) -> Iterator[Any]:
        with self._lock:
            refs = list(self._refs.values())
        return iter([instance for instance in (ref() for ref in refs) if instance is not None])

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def clear(self) -> None:
        """Forget every instance (moto's reset)."""
        with self._lock:
            self._refs.clear()


def track_weakly(services: tuple[str, ...]) -> int:
    """Swap every model class of these moto services to weak tracking (call before any
    instance is made or unpickled); how many classes were swapped."""
    from moto.backends import get_backend
    from moto.core.model_instances import model_data

    for service in services:
        get_backend(service)  # type: ignore[call-overload]  # imports its model classes
    swapped = 0
    for classes in model_data.values():
        for cls in classes.values():
            if not isinstance(cls.__dict__.get("instances_tracked"), WeakTracked):
                cls.instances_tracked = WeakTracked()
                swapped += 1
    return swapped
