"""The Cdn port on CloudFront: invalidations of one distribution."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from chalicelib.adapters.aws import LazyClient
from chalicelib.logs import child_logger

log = child_logger(__name__)


class CloudFrontCdn:
    """Invalidates paths of one distribution (the client is made on first use)."""

    def __init__(self, make_client: Callable[[], Any], distribution_id: str) -> None:
        self._client = LazyClient(make_client)
        self.distribution_id = distribution_id

    def invalidate(self, paths: Sequence[str]) -> None:
        """One invalidation batch for these viewer paths."""
        if not paths:
            return
        self._client().create_invalidation(
            DistributionId=self.distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": uuid.uuid4().hex,  # each delete is its own invalidation
            },
        )


class NoCdn:
    """No CDN in front (the local stack's front reads the bucket on every request, so a
    removed object answers 404 at once): nothing to invalidate."""

    def invalidate(self, paths: Sequence[str]) -> None:
        """Log what a CDN would have been told."""
        log.debug("no CDN to invalidate", extra={"paths": list(paths)})
