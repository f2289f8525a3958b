"""The environment the functions run with, and stack.json that tells other tools where we are."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from infra.local import schedule
from infra.local.clients import CREDENTIALS, REGION
from infra.local.files import read_json, write_json
from infra.local.template import Created, Resolver, Template

# Read by moto when it creates pools and clients: same names give the same ids on every run.
MOTO_ENV = {
    "MOTO_COGNITO_IDP_USER_POOL_ID_STRATEGY": "HASH",
    "MOTO_COGNITO_IDP_USER_POOL_CLIENT_ID_STRATEGY": "HASH",
}
STACK_FILE = "stack.json"
VISIBILITY_OVERRIDE_ENV = "LOCAL_VISIBILITY_TIMEOUT"
SNAPSHOT_INTERVAL_ENV = "LOCAL_SNAPSHOT_INTERVAL"
STREAM_RETENTION_ENV = "LOCAL_STREAM_RETENTION"
DEFAULT_STREAM_RETENTION = 60.0
# A write acknowledged 2 s before a kill -9 must be in the snapshot: the interval, plus a
# snapshot's own time (tens of ms, see README), stays well inside that.
DEFAULT_SNAPSHOT_INTERVAL = 0.5

log = logging.getLogger(__name__)


def aws_env(moto_endpoint: str) -> dict[str, str]:
    """What points boto3 and pynamodb at moto with dummy credentials."""
    return {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS["aws_secret_access_key"],
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
        **MOTO_ENV,
    }


def function_env(
    parsed: Template, created: Mapping[str, Created], port: int, moto_endpoint: str,
    data_dir: Path, host: str = "127.0.0.1",
) -> dict[str, str]:
    """The template's Globals function env resolved against local resources, plus moto's;
    `host` is the front's host as browsers name it (rendition URLs)."""
    resolver = Resolver(parsed.parameters, created)
    env: dict[str, str] = {}
    for name, value in parsed.function_env.items():
        try:
            env[name] = str(resolver.resolve(value))
        except ValueError as exc:  # e.g. the CloudFront domain: replaced below
            log.debug("%s has no local value (%s)", name, exc)
    env.update(aws_env(moto_endpoint))
    env["RENDITIONS_BASE_URL"] = f"http://{host}:{port}/renditions"
    # No CloudFront locally: renditions are served fresh, so a delete has nothing to invalidate.
    env["CDN_DISTRIBUTION_ID"] = ""
    # No CloudWatch locally: embedded-format metric lines would only clutter the stack's log.
    env["POWERTOOLS_METRICS_DISABLED"] = "true"
    # The sweeper's slices follow its schedule's period: locally LOCAL_SWEEP_SECONDS.
    env["SWEEP_PERIOD_SECONDS"] = str(max(1, round(schedule.period_seconds())))
    # The template holds new contributors' photos for review (AWS); locally nothing is held
    # unless MODERATION is set (`make run MODERATION=new_contributors`).
    env["MODERATION"] = os.environ.get("MODERATION") or "off"
    # The template says opensearch (AWS); locally the embedded engine in the data folder.
    env.update(search_env(data_dir))
    # The rendition profile the stack cuts with (`make run RENDITION_PROFILE=...`), recorded
    # so that `make reprocess` sends messages for the same version the pollers render.
    for name in ("RENDITION_PROFILE", "REPROCESS_RATE"):
        if os.environ.get(name):
            env[name] = os.environ[name]
    return env


def search_env(data_dir: Path) -> dict[str, str]:
    """The embedded engine, on disk in the data folder, shared by every process."""
    return {"SEARCH_BACKEND": "embedded", "SEARCH_INDEX_PATH": str(data_dir.resolve() / "search")}


def reconcile_search() -> None:
    """Rebuild the index from the (restored) table, so a restart never shows stale results."""
    from chalicelib.entrypoints import cli

    count = cli.reindex(quiet=True)
    log.info("search index rebuilt from the table: %d ready images", count)


def visibility_override(env: Mapping[str, str] | None = None) -> int | None:
    """LOCAL_VISIBILITY_TIMEOUT (seconds) if set: shrinks every queue's, for retry tests."""
    raw = (os.environ if env is None else env).get(VISIBILITY_OVERRIDE_ENV, "")
    return int(raw) if raw.strip() else None


def snapshot_interval(env: Mapping[str, str] | None = None) -> float:
    """LOCAL_SNAPSHOT_INTERVAL (seconds between snapshots of changed state), 0.5 by default."""
    value = _seconds(env, SNAPSHOT_INTERVAL_ENV, DEFAULT_SNAPSHOT_INTERVAL)
    if value <= 0:
        raise ValueError(f"{SNAPSHOT_INTERVAL_ENV} must be a positive number of seconds")
    return value


def stream_retention(env: Mapping[str, str] | None = None) -> float:
    """LOCAL_STREAM_RETENTION (seconds a handled stream record stays in moto), 60 by default
    (infra/local/stream_trim.py)."""
    value = _seconds(env, STREAM_RETENTION_ENV, DEFAULT_STREAM_RETENTION)
    if value < 0:
        raise ValueError(f"{STREAM_RETENTION_ENV} must be 0 or more seconds")
    return value


def _seconds(env: Mapping[str, str] | None, name: str, default: float) -> float:
    raw = (os.environ if env is None else env).get(name, "")
    return float(raw) if raw.strip() else default


def write_stack(
    data_dir: Path, port: int, moto_port: int, env: Mapping[str, str],
    created: Mapping[str, Created], host: str = "127.0.0.1",
) -> Path:
    """Write <data dir>/stack.json: ports, URLs, the functions' env and the resources."""
    path = data_dir / STACK_FILE
    write_json(path, {
        "pid": os.getpid(),
        "port": port,
        "moto_port": moto_port,
        "url": f"http://{host}:{port}/",
        "moto_endpoint": f"http://{host}:{moto_port}",
        "env": dict(env),
        "resources": {logical_id: asdict(c) for logical_id, c in created.items()},
    })
    return path


def read_stack(data_dir: Path) -> dict[str, Any] | None:
    """The running stack's stack.json, or None."""
    value = read_json(data_dir / STACK_FILE)
    return value if isinstance(value, dict) else None


def adopt_stack_env(data_dir: Path) -> bool:
    """Point this process at the running stack (its stack.json's env), as operator commands
    do; False, with the reason on stderr, when no stack runs there."""
    import sys

    stack = read_stack(data_dir)
    if stack is None:
        print(f"error: no {data_dir}/stack.json: start the stack with `make run`",
              file=sys.stderr)
        return False
    os.environ.update(stack["env"])
    return True
