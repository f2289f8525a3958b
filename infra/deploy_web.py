"""The static web app on S3: content types, cache headers, upload order and config.json."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

WEB_ROOT = Path(__file__).resolve().parents[1] / "web"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
}
# index.html and config.json must be revalidated on every load: they name everything else
# and change with each deploy. Asset names are not content-hashed (no build step), so they
# may only be kept briefly, or a deploy would mix old and new modules for a long time.
REVALIDATE = "no-cache"
SHORT_LIVED = "public, max-age=300"
_ENTRY_POINTS = ("config.json", "index.html")

AwsCall = Callable[..., str]


@dataclass(frozen=True)
class WebFile:
    """One object of the web app: where it comes from and how S3 must serve it."""

    source: Path
    key: str
    content_type: str
    cache_control: str


def web_file(source: Path, key: str) -> WebFile:
    """The headers a file is served with, by extension; unknown ones are refused."""
    content_type = CONTENT_TYPES.get(source.suffix.lower())
    if content_type is None:
        raise ValueError(f"{key}: no content type for {source.suffix!r} (add it to CONTENT_TYPES)")
    cache = REVALIDATE if key in _ENTRY_POINTS else SHORT_LIVED
    return WebFile(source, key, content_type, cache)


def web_files(root: Path, config_file: Path) -> list[WebFile]:
    """Everything to upload, assets first and the entry points last.

    Last, so that a visitor never gets an index.html naming a module not uploaded yet.
    """
    assets = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files = [web_file(p, p.relative_to(root).as_posix()) for p in assets]
    files = [f for f in files if f.key not in _ENTRY_POINTS]
    files.append(web_file(config_file, "config.json"))
    files.append(web_file(root / "index.html", "index.html"))
    return files


def config_body(config: Mapping[str, str]) -> str:
    """config.json's text, as the browser app reads it."""
    return json.dumps(dict(config), indent=2, sort_keys=True) + "\n"


def publish_web(aws: AwsCall, bucket: str, config: Mapping[str, str], build: Path,
                root: Path = WEB_ROOT) -> list[WebFile]:
    """Write config.json and upload the app to `bucket` with its headers; the files sent."""
    config_file = build / "web" / "config.json"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(config_body(config), encoding="utf-8")
    files = web_files(root, config_file)
    for item in files:
        aws("s3", "cp", str(item.source), f"s3://{bucket}/{item.key}",
            "--content-type", item.content_type, "--cache-control", item.cache_control,
            "--only-show-errors")
    return files


def invalidation_paths(files: list[WebFile]) -> list[str]:
    """CloudFront paths covering `files`: each top-level file, one wildcard per folder."""
    tops = {f"/{item.key.split('/', 1)[0]}" + ("/*" if "/" in item.key else "")
            for item in files}
    return sorted(tops | {"/"})
