"""boto3 clients aimed at the local moto server, with its dummy credentials."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import boto3
from botocore.config import Config

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


# Making clients from one session is not thread-safe (the front's threads make some).
_SESSION_LOCK = threading.Lock()


@cache
def _server_session() -> boto3.session.Session:
    """One session for every client aimed at a moto server: a new session per client re-reads
    botocore's endpoint and service data (about 0.1 s a client, ten of them a stack start)."""
    return boto3.session.Session(region_name=REGION, **CREDENTIALS)


def client(service: str, endpoint_url: str | None, read_timeout: int = 30) -> Any:
    """A boto3 client for `service` at `endpoint_url` (None: boto3's own, e.g. mock_aws)."""
    config = Config(
        signature_version="s3v4" if service == "s3" else None,
        retries={"max_attempts": 2, "mode": "standard"},
        connect_timeout=5,
        read_timeout=read_timeout,
    )
    if endpoint_url is None:
        # A new session each time: in-process moto (mock_aws) reaches only clients made by
        # sessions created after moto was imported.
        session = boto3.session.Session(region_name=REGION, **CREDENTIALS)
        return session.client(service, config=config)
    with _SESSION_LOCK:
        return _server_session().client(service, endpoint_url=endpoint_url, config=config)


def error_code(exc: Exception) -> str:
    """The AWS error code of a botocore ClientError ('' for anything else)."""
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))
