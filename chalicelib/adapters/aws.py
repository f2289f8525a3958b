"""boto3 clients made one way: regional, SigV4, endpoint from the environment."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config


def client(service: str, region: str, endpoint_url: str | None = None) -> Any:
    """A boto3 client; `endpoint_url` only for the local stack (never set in Lambda)."""
    config = Config(
        signature_version="s3v4" if service == "s3" else None,
        retries={"max_attempts": 4, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
    )
    return boto3.session.Session().client(
        service, region_name=region, endpoint_url=endpoint_url, config=config
    )
