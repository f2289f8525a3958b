"""Images from the images table's change stream (DynamoDB's NewImage/OldImage item format)."""

from __future__ import annotations

import functools
from typing import Any

from chalicelib.adapters.dynamodb.mapping import as_image
from chalicelib.adapters.dynamodb.records import make_record_class
from chalicelib.domain.model import Image


@functools.cache
def _item_format() -> Any:
    # Decoding reads only the attribute definitions, never the table, so no real name is needed.
    return make_record_class("images-stream", "")


def image_from_stream(raw: dict[str, Any]) -> Image:
    """An image as a stream record carries it (its NewImage or OldImage)."""
    return as_image(_item_format().from_raw_data(raw))
