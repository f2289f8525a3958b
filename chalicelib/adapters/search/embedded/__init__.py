"""The embedded SearchIndex: tantivy on local disk, shared by the local stack's processes."""

from __future__ import annotations

from chalicelib.adapters.search.embedded.index import EmbeddedSearchIndex

__all__ = ["EmbeddedSearchIndex"]
