"""The two phases on a running stack: one photo at a time (latency), then all at once (throughput).

Every time is measured from the end of the photo's S3 POST (the upload finished) to the
arrival of the first answer that shows the image ready, or found by search.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.e2e_client import Browser, PipelineError, Upload, found_check, poll, ready_check
from bench.e2e_inputs import Photo, title_word

TIMEOUT_SECONDS = 300.0
# Throughput phase: how often uploads still not found are checked for rejected or failed.
STATUS_CHECK_SECONDS = 2.0


def one_at_a_time(browser: Browser, photos: Sequence[Photo], phase: str,
                  interval: float) -> list[dict[str, Any]]:
    """Each photo uploaded only once the previous one is searchable; one row per photo."""
    rows = []
    for photo in photos:
        word = title_word(phase, photo.spec.index)
        row: dict[str, Any] = {"index": photo.spec.index, "size_class": photo.spec.size_class,
                               "bytes": len(photo.data)}
        try:
            sent = browser.upload(photo, f"Bench photo {word} {phase_word(phase)}")
            row["image_id"] = sent.image_id
            ready = poll(ready_check(browser, sent.image_id), interval, TIMEOUT_SECONDS,
                         f"{sent.image_id} ready")
            # Only ready images are indexed: searching before that would only add load.
            found = poll(found_check(browser, sent.image_id, word), interval, TIMEOUT_SECONDS,
                         f"{sent.image_id} searchable")
        except (PipelineError, OSError) as error:
            rows.append({**row, "error": str(error)})
            continue
        rows.append({**row, "upload_s": sent.finished - sent.started,
                     "ready_s": ready - sent.finished, "searchable_s": found - sent.finished})
    return rows


class _Watcher:
    """Which uploads anonymous search finds, and when each was first found."""

    def __init__(self, browser: Browser, word: str) -> None:
        self._browser, self._word = browser, word
        self.uploads: dict[str, Upload] = {}
        self.found_at: dict[str, float] = {}
        self._lock = threading.Lock()

    def sent(self, upload: Upload) -> None:
        with self._lock:
            self.uploads[upload.image_id] = upload

    def look(self) -> None:
        hits = self._browser.search(self._word)
        now = time.monotonic()
        for image_id in hits:
            self.found_at.setdefault(image_id, now)

    def missing(self) -> list[str]:
        with self._lock:
            return sorted(set(self.uploads) - set(self.found_at))

    def ended_badly(self) -> list[str]:
        """Uploads not found yet that ended rejected or failed: they never will be."""
        errors = []
        for image_id in self.missing():
            image = self._browser.image(image_id)
            if image.get("status") in ("rejected", "failed"):
                errors.append(f"{image_id} ended {image['status']}: {image.get('reason', '')}")
        return errors


def all_at_once(browsers: Sequence[Browser], photos: Sequence[Photo], phase: str,
                interval: float) -> dict[str, Any]:
    """Every photo through `len(browsers)` concurrent uploaders; per-photo searchable times
    and the wall time from the first upload's start to the last photo found by search."""
    watcher = _Watcher(browsers[0], phase_word(phase))
    jobs: list[tuple[Browser, Photo]] = [(browsers[i % len(browsers)], photo)
                                         for i, photo in enumerate(photos)]
    began = time.monotonic()
    with ThreadPoolExecutor(len(browsers)) as uploaders:
        # One browser per uploader thread: each keeps its own connections.
        lanes = [jobs[lane::len(browsers)] for lane in range(len(browsers))]
        done = [uploaders.submit(_send_lane, lane, phase, watcher.sent) for lane in lanes]
        errors = _watch(watcher, interval, lambda: all(f.done() for f in done))
        errors += [str(f.exception()) for f in done if f.exception() is not None]
    rows = [{"image_id": image_id, "upload_s": sent.finished - sent.started,
             "searchable_s": watcher.found_at[image_id] - sent.finished}
            for image_id, sent in watcher.uploads.items() if image_id in watcher.found_at]
    last = max(watcher.found_at.values(), default=time.monotonic())
    return {"photos": len(photos), "uploaders": len(browsers), "found": len(rows),
            "image_ids": sorted(watcher.uploads),
            "wall_s": last - began, "rows": rows, "errors": errors}


def clear(browser: Browser, image_ids: Sequence[str], phase: str) -> float:
    """Delete a phase's images and wait until search no longer finds any; seconds it took.

    Every phase then starts from a nearly empty stack: the stack's snapshots (which pickle
    every stored object) stay the size of one phase's data instead of growing all run."""
    began = time.monotonic()
    for image_id in image_ids:
        browser.delete(image_id)
    poll(lambda: not browser.search(phase_word(phase)), 0.2, TIMEOUT_SECONDS, f"clear {phase}")
    return time.monotonic() - began


def phase_word(phase: str) -> str:
    """The word every photo of a phase shares (a throughput round searches it for them all)."""
    return f"qx{phase}all"


def _send_lane(lane: Sequence[tuple[Browser, Photo]], phase: str,
               sent: Callable[[Upload], None]) -> None:
    for browser, photo in lane:
        word = title_word(phase, photo.spec.index)
        sent(browser.upload(photo, f"Bench photo {word} {phase_word(phase)}"))


def _watch(watcher: _Watcher, interval: float, uploads_done: Callable[[], bool]) -> list[str]:
    """Poll search until every upload is found or ended badly; the errors, if any."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    next_status_check = time.monotonic() + STATUS_CHECK_SECONDS
    while time.monotonic() < deadline:
        watcher.look()
        if uploads_done() and not watcher.missing():
            return []
        if uploads_done() and time.monotonic() > next_status_check:
            errors = watcher.ended_badly()
            if errors and len(errors) == len(watcher.missing()):
                return errors
            next_status_check = time.monotonic() + STATUS_CHECK_SECONDS
        time.sleep(interval)
    return [f"{image_id} not searchable after {TIMEOUT_SECONDS:.0f} s"
            for image_id in watcher.missing()]
