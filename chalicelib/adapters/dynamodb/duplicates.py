"""DuplicateIndex on DynamoDB: the duplicates table, one tiny item per (band key, image).

`pk = "dup#<band key>"`, `sk = <image id>`, `phash` = the image's 16-hex hash, so a lookup
judges the distance without reading any image. A lookup is one Query per probed key (68 at
the defaults), not a BatchGetItem of id-set items: items stay ~100 bytes however common a
band value is (no 400 KB item limit, no read-modify-write of a shared set), an add or a
removal is a plain idempotent put or delete, and each key costs the same half read unit as a
BatchGet of a missing item would. The queries run on a few threads (latency, not cost)."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

PREFIX = "dup#"
LOOKUP_THREADS = 8


def make_band_class(table_name: str, region: str) -> Any:
    """A Model class bound to one duplicates table (pynamodb reads Meta at class creation)."""
    name, aws_region = table_name, region

    class BandItem(Model):
        class Meta:
            table_name = name
            region = aws_region

        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        phash = UnicodeAttribute()

    return BandItem


class DynamoDuplicateIndex:
    """The band index of perceptual hashes in its own table."""

    def __init__(self, table_name: str, region: str, threads: int = LOOKUP_THREADS) -> None:
        self.item = make_band_class(table_name, region)
        self.threads = threads

    def add(self, image_id: str, phash: str, keys: Sequence[str]) -> None:
        """Index `image_id` under each key (a repeated put writes the same item)."""
        with self.item.batch_write() as batch:
            for key in dict.fromkeys(keys):
                batch.save(self.item(PREFIX + key, image_id, phash=phash))

    def holders(self, keys: Sequence[str]) -> dict[str, str]:
        """Every image under any of `keys`: {image id: phash}."""
        unique = list(dict.fromkeys(keys))
        with ThreadPoolExecutor(max_workers=max(1, min(self.threads, len(unique)))) as pool:
            pages = list(pool.map(self._under, unique))
        return {image_id: phash for page in pages for image_id, phash in page}

    def remove(self, image_id: str, keys: Sequence[str]) -> None:
        """Forget `image_id` under each key (a missing item is fine)."""
        with self.item.batch_write() as batch:
            for key in dict.fromkeys(keys):
                batch.delete(self.item(PREFIX + key, image_id))

    def _under(self, key: str) -> list[tuple[str, str]]:
        return [(found.sk, found.phash) for found in self.item.query(PREFIX + key)]
