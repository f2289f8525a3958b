"""The API function imports no imaging library and no OpenSearch client until a route needs one
(issue 6, target 5): checked in a fresh interpreter, as a Lambda cold start would run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pyvips", "PIL", "opensearchpy", "requests_aws4auth", "tantivy")
MINIMAL_ENV = {"AWS_DEFAULT_REGION": "us-east-1"}
# What template.yaml gives every function in AWS (the search engine is OpenSearch there).
AWS_LIKE_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "SEARCH_BACKEND": "opensearch",
    "OPENSEARCH_ENDPOINT": "https://search-cold.us-east-1.es.amazonaws.com",
    "COGNITO_USER_POOL_ID": "us-east-1_Cold",
    "COGNITO_APP_CLIENT_IDS": "coldclient",
    "RENDER_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/stock-images-render",
}
PROBE = """
import json, sys
import app
after_import = sorted({name.split(".")[0] for name in sys.modules})
from chalicelib import bootstrap
bootstrap.services()
after_services = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"after_import": after_import, "after_services": after_services}))
"""


def _loaded_in_fresh_interpreter(extra_env: dict[str, str]) -> dict[str, list[str]]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", **extra_env}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.slow
@pytest.mark.parametrize("extra_env", [MINIMAL_ENV, AWS_LIKE_ENV], ids=["default", "aws-like"])
def test_given_a_fresh_interpreter_when_app_is_imported_then_no_heavy_module_is_loaded(
    extra_env: dict[str, str],
) -> None:
    # GIVEN a fresh interpreter with the environment a function gets
    # WHEN it imports app and builds Services, as the API's first non-search request does
    loaded = _loaded_in_fresh_interpreter(extra_env)
    # THEN neither step loaded an imaging library, a search engine or an OpenSearch client
    assert "chalicelib" in loaded["after_import"], "the probe must really have imported app"
    assert not set(HEAVY) & set(loaded["after_import"])
    assert not set(HEAVY) & set(loaded["after_services"])


EVENT_BODIES = ("ingest", "render", "indexer", "post_confirmation")
BODIES_PROBE = """
import json, sys
import app
print(json.dumps(sorted(name for name in sys.modules
                        if name.startswith("chalicelib.entrypoints.events."))))
"""


@pytest.mark.slow
def test_given_a_cold_start_then_no_event_function_body_is_imported_before_its_first_call() -> (
    None
):
    # GIVEN a fresh interpreter WHEN any function imports app (every function does)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           **MINIMAL_ENV}
    done = subprocess.run([sys.executable, "-c", BODIES_PROBE], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # THEN none of the four event bodies came with it: each loads on its own first call
    assert not {f"chalicelib.entrypoints.events.{body}" for body in EVENT_BODIES} & set(loaded)
