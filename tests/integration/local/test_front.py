"""The HTTP origin: API under /api, renditions from S3, the web UI for everything else."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from infra.local.clients import client
from infra.local.front import Front
from infra.local.renditions import RenditionStore
from infra.local.sources import load_app
from infra.local.webconfig import content_security_policy
from tests.integration.local.conftest import SAMPLE_APP, unique


@pytest.fixture(scope="module")
def front(moto_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    web = tmp_path_factory.mktemp("web")
    (web / "index.html").write_text("<h1>home</h1>")
    (web / "app.js").write_text("console.log(1)")
    (web.parent / "secret.txt").write_text("not for the web")
    s3 = client("s3", moto_server.endpoint_url)
    bucket = unique("renditions")
    s3.create_bucket(Bucket=bucket)
    origin = Front(0, load_app(SAMPLE_APP), RenditionStore(s3, bucket), web,
                   page_policy=content_security_policy("http://storage.test"))
    origin.start()
    try:
        yield origin.url.rstrip("/"), s3, bucket
    finally:
        origin.stop()


def test_given_the_api_when_called_under_api_then_chalice_answers(front: Any) -> None:
    base, _, _ = front
    health = requests.get(f"{base}/api/health", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    assert health.headers["X-Content-Type-Options"] == "nosniff"
    item = requests.get(f"{base}/api/items/i-1?x=1&x=2", timeout=10).json()
    assert item == {"id": "i-1", "x": ["1", "2"]}


def test_given_a_binary_body_when_posted_then_the_app_gets_every_byte(front: Any) -> None:
    base, _, _ = front
    body = bytes(range(256)) * 40
    answer = requests.post(f"{base}/api/echo", data=body, timeout=10,
                           headers={"Content-Type": "application/octet-stream"}).json()
    assert answer == {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}


def test_given_an_unknown_api_path_when_called_then_404_json_not_403(front: Any) -> None:
    base, _, _ = front
    answer = requests.get(f"{base}/api/nope/deeper", timeout=10)
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


def test_given_a_rendition_when_fetched_then_served_with_type_caching_and_etag(
    front: Any,
) -> None:
    base, s3, bucket = front
    s3.put_object(Bucket=bucket, Key="img-1/thumb.webp", Body=b"RIFFwebp", ContentType="image/webp",
                  CacheControl="public, max-age=31536000, immutable")
    first = requests.get(f"{base}/renditions/img-1/thumb.webp", timeout=10)
    assert first.status_code == 200 and first.content == b"RIFFwebp"
    assert first.headers["Content-Type"] == "image/webp"
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    again = requests.get(f"{base}/renditions/img-1/thumb.webp", timeout=10,
                         headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    missing = requests.get(f"{base}/renditions/img-1/none.webp", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_given_static_paths_when_fetched_then_files_or_the_app_shell(front: Any) -> None:
    base, _, _ = front
    script = requests.get(f"{base}/app.js", timeout=10)
    assert script.text == "console.log(1)" and "javascript" in script.headers["Content-Type"]
    assert requests.get(f"{base}/", timeout=10).text == "<h1>home</h1>"
    # a client-side route falls back to index.html; a missing file does not
    assert requests.get(f"{base}/images/abc", timeout=10).text == "<h1>home</h1>"
    assert requests.get(f"{base}/missing.css", timeout=10).status_code == 404
    # and nothing outside the web root is reachable
    escaped = requests.get(f"{base}/..%2Fsecret.txt", timeout=10)
    assert escaped.status_code == 404 and "not for the web" not in escaped.text


def test_given_the_project_web_root_then_an_app_shell_that_reads_config_json() -> None:
    # the SPA fallback needs index.html; the app learns the stack from the front's /config.json
    web = Path(__file__).resolve().parents[3] / "web"
    assert (web / "index.html").is_file()
    assert any("/config.json" in script.read_text() for script in web.rglob("*.js"))


def test_given_the_app_shell_then_it_carries_the_csp_and_scripts_do_not(front: Any) -> None:
    base, _, _ = front
    policy = requests.get(f"{base}/images/abc", timeout=10).headers["Content-Security-Policy"]
    # only our own scripts and styles; fetches only to us and the storage origin we named
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "connect-src 'self' http://storage.test" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Content-Security-Policy" not in requests.get(f"{base}/app.js", timeout=10).headers


@pytest.mark.parametrize("host", ["evil.example", "rebind.evil.example:{port}", "127.0.0.1:1"])
def test_given_a_host_not_its_own_when_asked_then_421_json_under_api_text_elsewhere(
    front: Any, host: str,
) -> None:
    # GIVEN a DNS-rebinding page: it reaches 127.0.0.1 under its own name
    base, _, _ = front
    sent = {"Host": host.format(port=base.rsplit(":", 1)[1])}
    api = requests.post(f"{base}/api/echo", data=b"x", headers=sent, timeout=10)
    page = requests.get(f"{base}/", headers=sent, timeout=10)
    # THEN neither the API nor the web app answers it
    assert api.status_code == 421 and api.json()["error"]["code"] == "misdirected"
    assert page.status_code == 421 and page.headers["Content-Type"].startswith("text/plain")
    assert "home" not in page.text


def test_given_its_own_names_when_asked_then_answered(front: Any) -> None:
    base, _, _ = front
    port = base.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"):
        answer = requests.get(f"{base}/api/health", headers={"Host": host}, timeout=10)
        assert answer.status_code == 200, host
