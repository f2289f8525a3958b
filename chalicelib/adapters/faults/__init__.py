"""Fault injection around the ports (FAULT_INJECTION; never in AWS Lambda, see config)."""

from chalicelib.adapters.faults.injector import FaultInjector
from chalicelib.adapters.faults.proxy import (
    FaultyPort,
    blobs,
    ingest_queue,
    queue,
    repository,
    search,
)

__all__ = ["FaultInjector", "FaultyPort", "blobs", "ingest_queue", "queue", "repository", "search"]
