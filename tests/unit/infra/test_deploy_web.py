"""The web app's upload: content type and cache header per file, order, and config.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra import deploy_web
from infra.webconfig import aws_web_config

CONFIG = aws_web_config("eu-west-1", "eu-west-1_Pool", "client123")


def _site(root: Path) -> Path:
    for name in ("index.html", "styles.css", "js/main.js", "js/views/a.js", "icon.svg",
                 "manifest.webmanifest", "config.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"/* {name} */", encoding="utf-8")
    return root


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, *args: str) -> str:
        self.calls.append(args)
        return ""


def _headers(call: tuple[str, ...]) -> tuple[str, str, str]:
    key = call[3].split("/", 3)[3]
    return key, call[call.index("--content-type") + 1], call[call.index("--cache-control") + 1]


def test_each_file_gets_its_content_type_and_cache_header(tmp_path: Path) -> None:
    # GIVEN a small web app WHEN it is published
    aws = Recorder()
    deploy_web.publish_web(aws, "web-bucket", CONFIG, tmp_path / "build", _site(tmp_path / "w"))
    # THEN assets first, config.json then index.html last, each with its headers
    assert [_headers(c) for c in aws.calls] == [
        ("icon.svg", "image/svg+xml", "public, max-age=300"),
        ("js/main.js", "text/javascript; charset=utf-8", "public, max-age=300"),
        ("js/views/a.js", "text/javascript; charset=utf-8", "public, max-age=300"),
        ("manifest.webmanifest", "application/manifest+json", "public, max-age=300"),
        ("styles.css", "text/css; charset=utf-8", "public, max-age=300"),
        ("config.json", "application/json", "no-cache"),
        ("index.html", "text/html; charset=utf-8", "no-cache"),
    ]
    assert all(c[:2] == ("s3", "cp") and c[3].startswith("s3://web-bucket/") for c in aws.calls)


def test_config_json_is_written_from_the_outputs_not_copied(tmp_path: Path) -> None:
    # GIVEN a stale config.json in the source tree WHEN published
    aws = Recorder()
    deploy_web.publish_web(aws, "b", CONFIG, tmp_path / "build", _site(tmp_path / "w"))
    sent = next(c for c in aws.calls if c[3] == "s3://b/config.json")
    # THEN the uploaded file is the generated one, in the shape the browser app reads
    body = json.loads(Path(sent[2]).read_text(encoding="utf-8"))
    assert body == {
        "apiBase": "/api", "region": "eu-west-1", "userPoolId": "eu-west-1_Pool",
        "clientId": "client123", "cognitoEndpoint": "https://cognito-idp.eu-west-1.amazonaws.com/",
        "environment": "aws",
    }
    assert sum(c[3] == "s3://b/config.json" for c in aws.calls) == 1


def test_an_unknown_extension_is_refused_rather_than_served_as_octet_stream(
    tmp_path: Path,
) -> None:
    root = _site(tmp_path / "w")
    (root / "notes.xyz").write_text("?", encoding="utf-8")
    aws = Recorder()
    with pytest.raises(ValueError, match=r"notes\.xyz"):
        deploy_web.publish_web(aws, "b", CONFIG, tmp_path / "build", root)
    assert aws.calls == []


def test_the_real_web_app_has_only_known_types_and_ends_with_index_html(tmp_path: Path) -> None:
    files = deploy_web.web_files(deploy_web.WEB_ROOT, tmp_path / "config.json")
    assert files[-1].key == "index.html" and files[-2].key == "config.json"
    assert {f.content_type for f in files} >= {"text/javascript; charset=utf-8",
                                               "text/css; charset=utf-8"}
    assert not any("__pycache__" in f.key for f in files)
