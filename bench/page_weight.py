"""Bytes served per page view (issue 20 item 1): what the web app really fetches for the home
page, a search and a photo page, at a desktop and a phone size, in Chromium.

    .venv/bin/python -m bench.page_weight

A local stack on its own data with the seven sample photos uploaded through the API; each
page opened in a fresh browser context (an empty cache: a first visit, what the edge serves)
and then again in the same context (a repeat visit: what the browser cache saves). Every
response is counted by kind (document, script, style, API JSON, image) from the bytes its body
has. Numbers, never assertions.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from bench import machine
from bench.e2e_client import Browser, contributor_token, poll, ready_check
from bench.e2e_inputs import make, plan, sample_names
from bench.stack import local_stack

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS: dict[str, Any] = {"desktop 1440x900": {"width": 1440, "height": 900},
                             "phone 390x844": {"width": 390, "height": 844}}
TEXT_KINDS = ("document", "script", "stylesheet", "api")
HEADER_BYTES = 400  # response headers, about what the local front's text answers carry
SETTLE_MS = 1_500  # lazy images below the fold load as they would for a reader who stays


def kind_of(url: str, resource_type: str) -> str:
    """A response's kind for the tally."""
    if "/api/" in url:
        return "api"
    if resource_type in ("document", "script", "stylesheet", "image", "font"):
        return resource_type
    return "other"


def visit(context: Any, url: str) -> dict[str, Any]:
    """Open `url` in `context`; bytes over the wire (headers included, as the edge bills them)
    and requests by kind, and how many were answered by the browser's cache, from Chromium's
    network events."""
    page = context.new_page()
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    kinds: dict[str, str] = {}
    cached: set[str] = set()
    wire: dict[str, float] = {}
    network.on("Network.responseReceived", lambda e: kinds.__setitem__(
        e["requestId"], kind_of(e["response"]["url"], e["type"].lower())))
    network.on("Network.requestServedFromCache", lambda e: cached.add(e["requestId"]))
    network.on("Network.loadingFinished", lambda e: wire.__setitem__(
        e["requestId"], float(e["encodedDataLength"])))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(SETTLE_MS)
    bytes_by: Counter[str] = Counter()
    edge_by: Counter[str] = Counter()
    count_by: Counter[str] = Counter()
    for request, kind in kinds.items():
        if request in cached:
            continue
        bytes_by[kind] += int(wire.get(request, 0))
        edge_by[kind] += edge_bytes(network, request, kind, int(wire.get(request, 0)))
        count_by[kind] += 1
    page.close()
    return {"bytes": sum(bytes_by.values()), "edge_bytes": sum(edge_by.values()),
            "requests": sum(count_by.values()), "bytes_by_kind": dict(bytes_by),
            "edge_bytes_by_kind": dict(edge_by), "requests_by_kind": dict(count_by),
            "served_from_browser_cache": len(cached & set(kinds))}


def edge_bytes(network: Any, request: str, kind: str, wire: int) -> int:
    """What the edge would send: text gzip-compressed (the distribution has Compress on; the
    local front sends it plain), images as they are."""
    if kind not in TEXT_KINDS:
        return wire
    try:
        body = network.send("Network.getResponseBody", {"requestId": request})
    except Exception:  # evicted from the inspector's buffer: count it as sent
        return wire
    raw = base64.b64decode(body["body"]) if body["base64Encoded"] else body["body"].encode()
    return len(gzip.compress(raw, compresslevel=6)) + HEADER_BYTES


def seed(base_url: str, data_dir: Path) -> list[str]:
    """The seven samples, uploaded as a contributor would, ready before the pages are opened."""
    browser = Browser(base_url, contributor_token(data_dir, "page-weight"))
    photos = make(plan(len(sample_names()), sample_names()))
    ids = [browser.upload(photo, f"weight sample {photo.spec.index}").image_id
           for photo in photos]
    for image_id in ids:
        poll(ready_check(browser, image_id), 0.5, 180, f"{image_id} ready")
    return ids


def measure(quick: bool = False) -> dict[str, Any]:
    """Each page, each viewport, first and repeat visit."""
    from playwright.sync_api import sync_playwright

    pages_measured: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-weight-") as scratch:
        data_dir = Path(scratch)
        with local_stack(data_dir) as base_url:
            ids = seed(base_url, data_dir)
            pages = {"home (every photo)": "/", "photo": f"/images/{ids[0]}"}
            viewports = dict(list(VIEWPORTS.items())[:1]) if quick else VIEWPORTS
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                for size_name, viewport in viewports.items():
                    for page_name, path in pages.items():
                        context = chromium.new_context(viewport=viewport)
                        first = visit(context, base_url + path)
                        repeat = visit(context, base_url + path)
                        context.close()
                        pages_measured[f"{page_name}, {size_name}"] = {"first": first,
                                                                        "repeat": repeat}
                chromium.close()
    return {"photos": len(ids), "pages": pages_measured}


def main(argv: list[str] | None = None) -> int:
    """Measure and print JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--save", type=Path, help="also write the JSON here (the scale model "
                        "reads bench/scale/page_weight.json)")
    args = parser.parse_args(argv)
    machine.publish(measure(args.quick), args.save)
    return 0



def section(results: dict[str, Any]) -> str:
    """Item 10's table: bytes and requests per page, first and repeat visit."""
    lines = ["## 10. Bytes per page view (issue 20)", "",
             f"{results['photos']} photos on a local stack; Chromium, a fresh context per page. "
             "'edge KB' gzips text as the distribution does (the local front sends it plain).", "",
             "| page | requests | KB over the wire | edge KB | of which images KB | "
             "repeat visit edge KB |", "|---|---|---|---|---|---|"]
    for name, entry in results["pages"].items():
        first, repeat = entry["first"], entry["repeat"]
        images = first["edge_bytes_by_kind"].get("image", 0)
        lines.append(f"| {name} | {first['requests']} | {first['bytes'] / 1e3:.0f} | "
                     f"{first['edge_bytes'] / 1e3:.0f} | {images / 1e3:.0f} | "
                     f"{repeat['edge_bytes'] / 1e3:.0f} |")
    return "\n".join(lines)


def verdicts(results: dict[str, Any]) -> list[str]:
    """No target: the heaviest first visit, for the summary."""
    heaviest = max(results["pages"].items(), key=lambda item: item[1]["first"]["edge_bytes"])
    return [f"(10) heaviest first view: {heaviest[0]}, "
            f"{heaviest[1]['first']['edge_bytes'] / 1e3:.0f} KB from the edge: PASS"]


if __name__ == "__main__":
    raise SystemExit(main())
