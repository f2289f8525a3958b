"""WantedStore on DynamoDB: the insights table, one small item per (day, normalised query).

`pk = "wanted#<YYYY-MM-DD>"`, `sk = <query>`, `count` (`hits` in the model) grows by UpdateItem
ADD (no read, no condition: concurrent writers from many containers add up), `last_seen` is the
latest flush's time, `expires_at` the TTL. Reading a day is one Query of its partition.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.domain.wanted import DayTally

PREFIX = "wanted#"


def make_wanted_class(table_name: str, region: str) -> Any:
    """A Model class bound to one insights table (pynamodb reads Meta at class creation)."""
    name, aws_region = table_name, region

    class WantedItem(Model):
        class Meta:
            table_name = name
            region = aws_region

        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)
        # "count" in the table; another name here, as Model.count is a method.
        hits = NumberAttribute(default=0, attr_name="count")
        last_seen = UnicodeAttribute(default="")
        expires_at = NumberAttribute(null=True)

    return WantedItem


class DynamoWantedStore:
    """Daily counts of searches nobody could satisfy, in the insights table."""

    def __init__(self, table_name: str, region: str) -> None:
        self.item = make_wanted_class(table_name, region)

    def add(self, tally: DayTally, expires_at: int) -> None:
        """One UpdateItem: ADD the count, SET when last seen and the TTL."""
        item = self.item(PREFIX + tally.day, tally.query)
        # Flushes of different containers may arrive out of order, so last_seen can lag by one
        # flush period within its day; the list shows the day, which it never gets wrong.
        item.update(actions=[
            self.item.hits.add(tally.count),
            self.item.last_seen.set(tally.last_seen),
            self.item.expires_at.set(expires_at),
        ])

    def day(self, day: str) -> list[DayTally]:
        """Every query counted on `day` (one paginated Query)."""
        attributes = ["sk", "count", "last_seen"]  # only what the list needs
        found = self.item.query(PREFIX + day, attributes_to_get=attributes)
        return [DayTally(day, it.sk, int(it.hits), it.last_seen) for it in found]
