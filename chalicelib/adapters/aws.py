"""boto3 clients made one way: regional, SigV4, endpoint from the environment."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

# Creating clients from one session is not thread-safe; a cold start makes them from one
# thread, but the local stack's threaded front may build Services from two at once.
_CLIENTS_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _session() -> boto3.session.Session:
    """One session per process: each new one reloads botocore's data (about 44 ms of a cold
    start for the four clients Services makes, bench/coldstart.py)."""
    return boto3.session.Session()


def client(service: str, region: str, endpoint_url: str | None = None) -> Any:
    """A boto3 client; `endpoint_url` only for the local stack (never set in Lambda)."""
    config = Config(
        signature_version="s3v4" if service == "s3" else None,
        retries={"max_attempts": 4, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
    )
    with _CLIENTS_LOCK:
        return _session().client(
            service, region_name=region, endpoint_url=endpoint_url, config=config
        )


class LazyClient:
    """A client made on first use, then kept: every function builds Services, and only the
    routes and triggers that call a service should pay for its client at a cold start."""

    def __init__(self, make_client: Callable[[], Any]) -> None:
        self._make_client = make_client
        self._client: Any = None

    def __call__(self) -> Any:
        """The client, made now if this is the first call."""
        if self._client is None:
            self._client = self._make_client()
        return self._client
