"""NameRegistry on DynamoDB: the profiles table, one item per name key and one per user.

`name#<key>` says who holds a name (forever: earlier names stay their holder's); `owner#<sub>`
says which name the user uses now and how many they hold. A claim writes both in one
transaction, each conditional, so two users can never end up holding one key.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.ports import NameClaim


def make_name_class(table_name: str, region: str) -> Any:
    """A Model class bound to one profiles table (pynamodb reads Meta at class creation)."""
    name, aws_region = table_name, region

    class NameItem(Model):
        class Meta:
            table_name = name
            region = aws_region

        pk = UnicodeAttribute(hash_key=True)
        shown = UnicodeAttribute()
        at = UnicodeAttribute()
        holder = UnicodeAttribute(null=True)  # name items: who holds the name
        name_key = UnicodeAttribute(null=True)  # owner items: the name used now
        held = NumberAttribute(default=0)  # owner items: how many names they hold

    return NameItem


class DynamoNameRegistry:
    """Who holds which display name, in the profiles table."""

    def __init__(self, table_name: str, region: str) -> None:
        self.item = make_name_class(table_name, region)
        self._region = region

    def current(self, owner: str) -> NameClaim | None:
        """The name `owner` uses now, or None before their first."""
        found = self._get(f"owner#{owner}")
        if found is None or not found.name_key:
            return None
        return NameClaim(found.shown, found.name_key, found.at)

    def claim(self, owner: str, shown: str, key: str, now: str, max_names: int) -> str:
        """Make `shown` the owner's current name: "claimed", "taken" or "too_many"."""
        holder = self._holder(key)
        if holder not in (None, owner):
            return "taken"
        try:
            self._write(owner, shown, key, now, max_names, fresh=holder is None)
        except TransactWriteError:
            # Lost a race, or over the limit: say which from what is stored now.
            if self._holder(key) not in (None, owner):
                return "taken"
            if holder is None:
                return "too_many"
            raise
        return "claimed"

    def _write(self, owner: str, shown: str, key: str, now: str, max_names: int,
               fresh: bool) -> None:
        item = self.item
        mine = item(f"owner#{owner}")
        actions = [item.shown.set(shown), item.name_key.set(key), item.at.set(now)]
        with TransactWrite(connection=Connection(region=self._region)) as write:
            if not fresh:  # a name they already hold: only which one is current changes
                write.update(mine, actions=actions)
                return
            write.save(item(f"name#{key}", shown=shown, at=now, holder=owner),
                       condition=item.pk.does_not_exist())
            write.update(mine, actions=[*actions, item.held.add(1)],
                         condition=item.pk.does_not_exist() | (item.held < max_names))

    def _holder(self, key: str) -> str | None:
        found = self._get(f"name#{key}")
        return None if found is None else str(found.holder)

    def _get(self, pk: str) -> Any:
        try:
            return self.item.get(pk, consistent_read=True)
        except self.item.DoesNotExist:
            return None
