"""The `search_index` fixture: a fresh, empty index of every implementation.

The embedded engine always runs (in tmp_path). OpenSearch runs only when OPENSEARCH_URL is
set, through `tests/contract/opensearch_backend.py` (make_index, and drop_index if present).
"""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from chalicelib.ports import SearchIndex


def _opensearch(url: str, name: str) -> tuple[SearchIndex, object]:
    try:
        backend = importlib.import_module("tests.contract.opensearch_backend")
    except ImportError as error:
        pytest.skip(f"OpenSearch contract backend unavailable: {error}")
    return backend.make_index(url, name), backend


@pytest.fixture(params=["embedded", "opensearch"])
def search_index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    """A fresh, empty SearchIndex of the parametrised implementation."""
    if request.param == "embedded":
        from chalicelib.adapters.search.embedded import EmbeddedSearchIndex

        yield EmbeddedSearchIndex(tmp_path / "search")
        return
    url = os.environ.get("OPENSEARCH_URL")
    if not url:
        pytest.skip("OPENSEARCH_URL is not set (see tests/contract/opensearch_backend.py)")
    name = f"contract-{uuid.uuid4().hex[:12]}"
    index, backend = _opensearch(url, name)
    try:
        yield index
    finally:
        drop = getattr(backend, "drop_index", None)
        if drop is not None:
            drop(url, name)
