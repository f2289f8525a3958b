"""Loggers for every layer, all children of the service's one Powertools logger.

`chalicelib.observability` makes the Powertools Logger named SERVICE, which owns the one JSON
handler. A logger named `SERVICE.<module>` is its child: its records go out through that
handler, as JSON, carrying the keys the entrypoint appended for the invocation (the image id,
the message id). That is what Powertools' own `Logger(child=True)` sets up; asking the standard
library for it lets services log without importing Powertools (and through it botocore).
"""

from __future__ import annotations

import logging

SERVICE = "stock-images"


def child_logger(module: str) -> logging.Logger:
    """The child of the service's logger for `module` (pass `__name__`)."""
    return logging.getLogger(f"{SERVICE}.{module.removeprefix('chalicelib.')}")
