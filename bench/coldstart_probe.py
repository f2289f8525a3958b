"""The cold-start benchmark's child processes: each Lambda's environment and cold path, the
small scripts a fresh interpreter runs, and how their timings come back.

Every script is a file run by a fresh `python` with the environment the Lambda gets in AWS
(template.yaml Globals, .chalice/config.json, per-function variables, dummy credentials), so
nothing of this process (its imports, its AWS_ENDPOINT_URL) leaks into the numbers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
PREFIX = "stock-images"
ACCOUNT = "123456789012"
# Loaded by the API only when a route needs it (issue 6, target 5).
HEAVY_MODULES = ("pyvips", "PIL", "opensearchpy", "requests_aws4auth", "tantivy")

_SERVICES = "from chalicelib import bootstrap\nservices = bootstrap.services()\n"
_VIPS = ("services.deps.processor()\n"
         "from chalicelib.adapters.imaging.vips_runtime import pyvips_module\npyvips_module()\n")
_SEARCH = "services.deps.search_index()\n"
# What bootstrap's CognitoGroups makes on the trigger's first call (after Services).
_COGNITO = ("from chalicelib.adapters import aws\n"
            "aws.client('cognito-idp', services.settings.region, services.settings.endpoint_url)\n")


@dataclass(frozen=True)
class ColdPath:
    """One Lambda's cold start: its handler, and what its first invocation runs after
    `import app` up to the first network call (`after_import`)."""

    handler: str
    function: str
    after_import: str


# Each first invocation builds Services; ingest and render then make their libvips engine
# (pyvips is imported on first use), the indexer its OpenSearch client, the Cognito trigger
# its cognito-idp client.
PATHS = {
    "api": ColdPath("app.app", "api_handler", _SERVICES),
    "ingest": ColdPath("app.ingest", "ingest", _SERVICES + _VIPS),
    "render": ColdPath("app.render", "render", _SERVICES + _VIPS),
    "indexer": ColdPath("app.indexer", "indexer", _SERVICES + _SEARCH),
    "post_confirmation": ColdPath("app.post_confirmation", "post_confirmation",
                                  _SERVICES + _COGNITO),
    "api (search first)": ColdPath("app.app", "api_handler", _SERVICES + _SEARCH),
}
# Everything any function can load: the source of the per-module import-time table.
EVERY_PATH = ColdPath("app.*", "api_handler", _SERVICES + _VIPS + _SEARCH + _COGNITO)

_TEMPLATE_ENV = {
    "RESOURCE_PREFIX": PREFIX,
    "UPLOADS_BUCKET": f"{PREFIX}-uploads",
    "ORIGINALS_BUCKET": f"{PREFIX}-originals",
    "RENDITIONS_BUCKET": f"{PREFIX}-renditions",
    "IMAGES_TABLE": f"{PREFIX}-images",
    "IMAGES_STREAM_ARN": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{PREFIX}-images/stream/"
                         "2026-01-01T00:00:00.000",
    "PROFILES_TABLE": f"{PREFIX}-profiles",
    "DUPLICATES_TABLE": f"{PREFIX}-duplicates",
    "QUOTAS_TABLE": f"{PREFIX}-quotas",
    "INSIGHTS_TABLE": f"{PREFIX}-insights",
    "INGEST_QUEUE": f"{PREFIX}-ingest",
    "RENDER_QUEUE": f"{PREFIX}-render",
    "RENDER_QUEUE_URL": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{PREFIX}-render",
    "INGEST_QUEUE_URL": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{PREFIX}-ingest",
    "COGNITO_USER_POOL_ID": f"{REGION}_BenchPool1",
    "COGNITO_APP_CLIENT_IDS": "benchappclient",
    "RENDITIONS_BASE_URL": "https://d111111abcdef8.cloudfront.net/renditions",
    "SEARCH_BACKEND": "opensearch",
    "OPENSEARCH_ENDPOINT": f"https://search-{PREFIX}-bench.{REGION}.es.amazonaws.com",
    "OPENSEARCH_SERVICE": "es",
    "MODERATION": "new_contributors",
    "POWERTOOLS_METRICS_NAMESPACE": PREFIX,
    "POWERTOOLS_LOG_LEVEL": "INFO",
    # An ARN, never the key: config refuses to start in Lambda without it.
    "CURSOR_SECRET_ARN": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:CursorSecret-bench",
}
_FUNCTION_ENV = {
    "api_handler": {"RENDITIONS_BASE_URL": "/renditions", "CDN_DISTRIBUTION_ID": "E2BENCHEXAMPLE",
                    "ORIGIN_VERIFY_SECRET_ARN":
                        f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:OriginVerify-bench"},
    "indexer": {"OPENSEARCH_READER_ROLE_ARNS": f"arn:aws:iam::{ACCOUNT}:role/{PREFIX}-api"},
}


def template_env() -> dict[str, str]:
    """Values for every variable template.yaml's Globals give each function."""
    return dict(_TEMPLATE_ENV)


def lambda_env(function: str) -> dict[str, str]:
    """The whole environment of one function, as the Lambda runtime would set it."""
    chalice = json.loads((ROOT / ".chalice" / "config.json").read_text())
    runtime = {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
               "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
               "AWS_SESSION_TOKEN": "bench", "AWS_LAMBDA_FUNCTION_NAME": f"{PREFIX}-{function}",
               "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12", "LANG": "C.UTF-8",
               "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)}
    return {**runtime, **chalice["environment_variables"], **_TEMPLATE_ENV,
            **_FUNCTION_ENV.get(function, {})}


def discovery_script(path: ColdPath) -> str:
    """Runs the cold path once and prints which modules it loaded, in load order."""
    return (
        "import sys\nstartup = list(sys.modules)\nimport app\n"
        "after_import = list(sys.modules)\n" + path.after_import
        + "after_path = list(sys.modules)\n"
        "valid = [n for n in after_path if getattr(sys.modules[n], '__spec__', None) is not None\n"
        "         and sys.modules[n].__spec__.name == n]\n"
        "import json\n"
        "print(json.dumps({'startup': startup, 'after_import': after_import,\n"
        "                  'after_path': after_path, 'importable': valid}))\n"
    )


def import_script(names: list[str], no_pyc_dir: str | None = None) -> str:
    """Imports `names` in order and prints wall and CPU seconds of that alone."""
    body = "for name in NAMES:\n    __import__(name)\n"
    return _no_pyc_hook(no_pyc_dir) + f"NAMES = {names!r}\n" + _timed_at_depth(body)


def path_script(path: ColdPath) -> str:
    """Runs the real cold path (`import app`, then the first invocation up to the network)."""
    return _timed_at_depth("import app\n" + path.after_import)


# Where the stack happens to sit changes the numbers: CPython 3.11 keeps frames in 16 KiB
# chunks and unmaps a chunk as soon as it empties, so a hot recursive call (regex parsing
# at import) that straddles a chunk's end pays an mmap and a munmap on every call. Seen
# here: `import app` run from a script's top level made 2,910 mmap and 2,683 munmap calls
# (+15-20 ms), the dependencies alone 237 and 16. Each round therefore starts the timed code
# at another depth, sweeping at least one chunk (an `_at_depth` frame is over 100 bytes)
# over the rounds, the same depth for every script of a round.
CHUNK_LEVELS = 192


def depths(rounds: int) -> list[int]:
    """The stack depth of each round, spread evenly over one frame chunk."""
    return [i * CHUNK_LEVELS // max(rounds, 1) for i in range(rounds)]


def _timed_at_depth(body: str) -> str:
    # `time` and `sys` are built into the interpreter: reading the clock imports nothing.
    indented = "".join(f"    {line}\n" for line in body.splitlines())
    return ("import sys, time\n"
            "def _at_depth(levels):\n"
            "    if levels:\n"
            "        return _at_depth(levels - 1)\n"
            "    wall, cpu = time.perf_counter(), time.process_time()\n"
            f"{indented}"
            "    return time.perf_counter() - wall, time.process_time() - cpu\n"
            "print(*_at_depth(int(sys.argv[1])))\n")


def _no_pyc_hook(no_pyc_dir: str | None) -> str:
    """Make the child ignore cached bytecode outside the standard library, as in Lambda.

    The deployment package and the layer ship no .pyc (infra/package.py) and /var/task is
    read-only, so a cold start compiles every module of ours and of the dependencies; the
    runtime's standard library comes compiled. Pointing the cache lookup at an empty folder
    does the same here, without importing anything.
    """
    if no_pyc_dir is None:
        return ""
    return (
        "import sys, os, _frozen_importlib_external as _ext\n"
        "sys.dont_write_bytecode = True\n"
        "_STDLIB, _cached = os.path.dirname(os.__file__) + os.sep, _ext.cache_from_source\n"
        "def _cache(path, *args, **kwargs):\n"
        "    if path.startswith(_STDLIB) and 'site-packages' not in path:\n"
        "        return _cached(path, *args, **kwargs)\n"
        f"    return {no_pyc_dir + '/absent.pyc'!r}\n"
        "_ext.cache_from_source = _cache\n"
    )


def run(script: Path, env: dict[str, str], *args: str, flags: tuple[str, ...] = ()
        ) -> subprocess.CompletedProcess[str]:
    """Run one script in a fresh interpreter; raise with its error output if it fails."""
    done = subprocess.run([sys.executable, *flags, str(script), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{script.name} failed: {done.stderr.strip()[-2000:]}")
    return done


def timed(script: Path, env: dict[str, str], depth: int = 0) -> tuple[float, float]:
    """Wall and CPU milliseconds the script measured around its imports, `depth` frames deep."""
    wall, cpu = run(script, env, str(depth)).stdout.strip().splitlines()[-1].split()
    return float(wall) * 1000, float(cpu) * 1000


def discover(script: Path, env: dict[str, str]) -> dict[str, Any]:
    """The module lists a discovery script printed."""
    # The last line: the functions' own log lines (JSON too) may come before it.
    found: dict[str, Any] = json.loads(run(script, env).stdout.strip().splitlines()[-1])
    return found
