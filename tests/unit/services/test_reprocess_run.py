"""The reprocess run: finds the older images, sends their messages paced, resumes after a
crash from its checkpoint, stops at a limit."""

from __future__ import annotations

import pytest

from chalicelib.domain.model import Facts, Image, Rendition, Status
from chalicelib.ports import RenderTask
from chalicelib.services import reprocess_run
from chalicelib.services.deps import Deps
from chalicelib.services.reprocess_run import Pacer, RunOptions, run
from tests.fake_profiles import FakeCheckpoint
from tests.fakes import make_deps


def _catalogue(deps: Deps, older: int, current: int = 0) -> list[str]:
    """GIVEN ready images: `older` on no version yet, `current` on the deployed one."""
    ids = []
    for n in range(older + current):
        image_id = f"{n:032x}"
        version = deps.profile_version if n >= older else ""
        deps.repo.add(Image(image_id, "sub-a", "a", Status.READY, "2026-01-01T00:00:00Z",
                            facts=Facts(40, 30, "landscape", "jpeg", 9), profile_version=version,
                            renditions={"thumb": Rendition("thumb", f"{image_id}/thumb.webp",
                                                           20, 15, "webp", 1)}))
        if n < older:
            ids.append(image_id)
    deps.repo.add(Image("f" * 32, "sub-a", "a", Status.PROCESSING, "2026-01-01T00:00:00Z"))
    return ids


class _FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _sent_images(deps: Deps) -> list[str]:
    return [t.image_id for t in deps.queue.sent if t.rendition == "thumb"]


def test_every_older_ready_image_gets_one_message_per_public_rendition() -> None:
    deps = make_deps()
    older = _catalogue(deps, older=5, current=2)
    checkpoint = FakeCheckpoint()
    progress: list[tuple[int, int]] = []
    report = run(deps, checkpoint, RunOptions(rate=0, page_size=2), Pacer(0),
                 lambda sent, total: progress.append((sent, total)))
    assert report.total == 5 and report.sent == 5 and report.finished
    assert sorted(_sent_images(deps)) == older
    assert deps.queue.sent[:2] == [RenderTask(older[0], "thumb", deps.profile_version),
                                  RenderTask(older[0], "large", deps.profile_version)]
    assert progress == [(n, 5) for n in range(1, 6)]
    assert checkpoint.state is None and checkpoint.saves >= 2  # a save per page, cleared at end


def test_the_pace_holds_the_rate_without_sleeping_more_than_needed() -> None:
    clock = _FakeTime()
    pacer = Pacer(4.0, clock.clock, clock.sleep)
    for _ in range(5):
        pacer.wait()
    assert clock.slept == pytest.approx([0.25] * 4)  # the first goes at once
    clock.now += 10  # a slow publish: the schedule is already behind, no sleep
    pacer.wait()
    assert len(clock.slept) == 4


def test_a_crashed_run_resumes_from_its_checkpoint_and_covers_every_image() -> None:
    deps = make_deps()
    older = _catalogue(deps, older=7)
    checkpoint = FakeCheckpoint()
    real_publish, calls = deps.queue.publish, {"n": 0}

    def dies_on_the_fifth(tasks: list[RenderTask]) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise ConnectionError("the operator's laptop lost the network")
        real_publish(tasks)

    deps.queue.publish = dies_on_the_fifth  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        run(deps, checkpoint, RunOptions(rate=0, page_size=2), Pacer(0))
    assert checkpoint.state == {"version": deps.profile_version, "cursor": older[3]}
    deps.queue.publish = real_publish  # type: ignore[method-assign]
    report = run(deps, checkpoint, RunOptions(rate=0, page_size=2), Pacer(0))
    # THEN the second run starts after the last finished page: nothing is lost, and only the
    # dead page's sent image comes again (harmless: the render side is idempotent)
    assert report.resumed and report.total == 3 and report.finished
    assert sorted(set(_sent_images(deps))) == older
    assert len(_sent_images(deps)) == 4 + 3


def test_a_limit_stops_the_run_and_the_next_goes_on() -> None:
    deps = make_deps()
    older = _catalogue(deps, older=5)
    checkpoint = FakeCheckpoint()
    first = run(deps, checkpoint, RunOptions(limit=3, rate=0, page_size=2), Pacer(0))
    assert first.sent == 3 and not first.finished and first.total == 3
    assert checkpoint.state is not None
    second = run(deps, checkpoint, RunOptions(rate=0, page_size=2), Pacer(0))
    assert second.finished and second.resumed
    assert sorted(set(_sent_images(deps))) == older


def test_a_checkpoint_of_another_profile_version_is_ignored() -> None:
    deps = make_deps()
    older = _catalogue(deps, older=3)
    checkpoint = FakeCheckpoint()
    checkpoint.save({"version": "0ld", "cursor": older[1]})
    report = run(deps, checkpoint, RunOptions(rate=0), Pacer(0))
    assert not report.resumed and report.sent == 3


def test_the_count_reads_the_whole_scan() -> None:
    deps = make_deps()
    _catalogue(deps, older=4, current=3)
    assert reprocess_run.count_older(deps, page_size=2) == 4
