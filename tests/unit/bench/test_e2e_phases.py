"""Item 3's plumbing without a stack: polling, the two phases against a fake browser, the report."""

from __future__ import annotations

import itertools
import threading
import time
from typing import Any

import pytest

from bench import e2e_phases as phases
from bench import e2e_report as report
from bench.e2e_client import PipelineError, Upload, poll, ready_check
from bench.e2e_inputs import Photo, PhotoSpec
from bench.e2e_stats import summary


class FakeBrowser:
    """Images become ready after `ready_after` looks and searchable one look later."""

    def __init__(self, ready_after: int = 2, ending: str = "ready") -> None:
        self.ready_after, self.ending = ready_after, ending
        self.looks: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self._ids = itertools.count()
        self._lock = threading.Lock()

    def upload(self, photo: Photo, title: str) -> Upload:
        with self._lock:
            image_id = f"img{next(self._ids)}"
            self.titles[image_id] = title
        now = time.monotonic()
        return Upload(image_id, now, now)

    def image(self, image_id: str) -> dict[str, Any]:
        looks = self.looks[image_id] = self.looks.get(image_id, 0) + 1
        status = self.ending if looks >= self.ready_after else "processing"
        return {"id": image_id, "status": status, "reason": "corrupt_image"}

    def delete(self, image_id: str) -> None:
        with self._lock:
            self.titles.pop(image_id, None)

    def search(self, word: str) -> set[str]:
        with self._lock:
            titles = dict(self.titles)
        found = {i for i, title in titles.items() if word in title.split()}
        for image_id in found:
            self.looks[image_id] = self.looks.get(image_id, 0) + 1
        return {i for i in found if self.looks[i] > self.ready_after and self.ending == "ready"}


def _photos(count: int) -> list[Photo]:
    return [Photo(PhotoSpec(n, "12 MP", 4, 3, "a.jpg"), b"jpeg") for n in range(count)]


def test_poll_returns_once_the_check_holds_and_times_out_otherwise() -> None:
    answers = iter([False, False, True])
    assert poll(lambda: next(answers), 0, 5, "x") > 0
    with pytest.raises(PipelineError, match="not done"):
        poll(lambda: False, 0, 0, "never")


def test_a_rejected_image_is_an_error_not_a_wait() -> None:
    browser = FakeBrowser(ready_after=1, ending="rejected")
    with pytest.raises(PipelineError, match="rejected: corrupt_image"):
        ready_check(browser, "img0")()  # type: ignore[arg-type]


def test_one_at_a_time_times_every_photo_to_ready_then_searchable() -> None:
    # GIVEN a pipeline where images become ready, then searchable
    rows = phases.one_at_a_time(FakeBrowser(), _photos(3), "lat", 0)  # type: ignore[arg-type]
    # THEN each photo has both times, searchable never before ready
    assert [row["index"] for row in rows] == [0, 1, 2]
    assert all(0 <= row["ready_s"] <= row["searchable_s"] for row in rows)


def test_one_at_a_time_reports_a_failed_photo_and_carries_on() -> None:
    rows = phases.one_at_a_time(FakeBrowser(ending="failed"), _photos(2), "lat",  # type: ignore[arg-type]
                                0)
    assert all("ended failed" in row["error"] for row in rows)


def test_all_at_once_finds_every_photo_through_the_shared_round_word() -> None:
    # GIVEN two uploaders sharing one fake service
    browser = FakeBrowser()
    run = phases.all_at_once([browser, browser], _photos(7), "thra", 0)  # type: ignore[list-item]
    # THEN every upload was found by searching the round's word, and nothing failed
    assert run["found"] == 7 and run["errors"] == []
    assert all(phases.phase_word("thra") in title.split() for title in browser.titles.values())
    assert run["wall_s"] >= max(row["searchable_s"] for row in run["rows"])


def test_clearing_a_phase_deletes_its_images_until_search_finds_none() -> None:
    # GIVEN a finished round
    browser = FakeBrowser()
    run = phases.all_at_once([browser], _photos(3), "thrc", 0)  # type: ignore[list-item]
    assert browser.search(phases.phase_word("thrc"))
    # WHEN it is cleared THEN its images are gone and search finds none of them
    phases.clear(browser, run["image_ids"], "thrc")  # type: ignore[arg-type]
    assert browser.titles == {} and not browser.search(phases.phase_word("thrc"))


def test_all_at_once_stops_waiting_for_photos_that_ended_badly(monkeypatch:
                                                               pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phases, "STATUS_CHECK_SECONDS", 0.0)
    run = phases.all_at_once([FakeBrowser(ending="rejected")], _photos(2), "thrb",  # type: ignore[list-item]
                             0)
    assert run["found"] == 0 and len(run["errors"]) == 2
    assert all("ended rejected" in error for error in run["errors"])


def _results() -> dict[str, Any]:
    row = {"ready": summary([0.8, 0.9]), "searchable": summary([1.0, 1.2])}
    run = {"wall_s": 20.0, "found": 50, "errors": ["img9 not searchable after 300 s"],
           "photos_per_min": 150.0, "searchable": summary([5.0, 9.0]),
           "cpu_s": {"stack": 10.0, "workers": 22.0}, "snapshots_mb": [950.4]}
    rate = {"n": 1, "median": 150.0, "min": 150.0, "max": 150.0, "spread_pct": 0.0}
    capacity = {"processes": 2, "vips_concurrency": "default", "cpu_ms_per_photo": 300.0,
                "photos_per_min": {**rate, "median": 300.0, "min": 290.0, "max": 310.0},
                "cpu_s_by_class": {"12 MP": summary([0.4])}}
    return {"machine": {"cores": "2"}, "quick": False, "inputs": {"12 MP": {"median_mb": 0.8}},
            "config": {"photos": 50, "workers": 3, "uploaders": 4},
            "latency": {"rows": [{"index": 3, "size_class": "12 MP", "error": "ended failed"}],
                        "ready": row["ready"], "searchable": row["searchable"],
                        "snapshots_mb": [],
                        "by_class": {"12 MP": row}},
            "throughput": {"rounds": [run], "photos_per_min": rate}, "capacity": capacity}


def test_the_section_has_its_heading_tables_cpu_split_and_every_error() -> None:
    text = report.section(_results())
    assert text.startswith("## 3. End to end on the local stack")
    assert "| **12 MP** | 2 | 0.80 | 0.85 | 0.90 | 0.80-0.90 | 1.10 | 1.19 | 1.00-1.20 |" in text
    assert "| 1 | 50 | 20.0 | 150.0 | 7.00 / 8.80 | 10.0 | 22.0 | 950 |" in text
    assert "State snapshots saved meanwhile (MB): none" in text
    # 32 CPU s over 50 photos = 640 ms, against 300 ms of pixel work
    assert "Total 640 ms, 2.13x the pixel work" in text
    assert "latency, photo 3 (12 MP): ended failed" in text
    assert "throughput round 1: img9 not searchable after 300 s" in text


def test_the_verdicts_are_two_target_three_lines_and_errors_fail_them() -> None:
    lines = report.verdicts(_results())
    assert len(lines) == 2 and all(line.startswith("(3) ") for line in lines)
    assert all(line.endswith(": FAIL") for line in lines)
