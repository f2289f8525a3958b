"""The owner's delete, run just before the n-th call ingest or render makes to the repository
or to a blob store: every moment of a processing image can meet a delete."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.auth import Principal
from chalicelib.services import deletion
from chalicelib.services.deps import Deps

REPO_CALLS = ("get", "start_processing", "record_facts", "add_renditions", "finish", "fail")
STORE_CALLS = ("put",)


def delete_before_call(deps: Deps, owner: Principal, image_id: str, moment: int) -> None:
    """Wrap the calls (on these instances only): the `moment`th one first deletes the image."""
    count = 0

    def wrap(target: Any, name: str) -> None:
        inner: Callable[..., Any] = getattr(target, name)

        def hooked(*args: Any, **kwargs: Any) -> Any:
            nonlocal count
            count += 1
            if count - 1 == moment:
                deletion.delete_image(deps, owner, image_id, None)
            return inner(*args, **kwargs)

        setattr(target, name, hooked)

    for name in REPO_CALLS:
        wrap(deps.repo, name)
    for store in (deps.uploads, deps.originals, deps.renditions):
        for name in STORE_CALLS:
            wrap(store, name)
