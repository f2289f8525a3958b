"""The `reprocess` command's output: the dry run's count and cost estimate (the README's
prices), a progress bar with an ETA on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from chalicelib.domain import costs
from chalicelib.domain.costs import ReprocessAssumptions, reprocess_estimate
from chalicelib.domain.model import Facts, Image, Status
from chalicelib.entrypoints import reprocess_cli
from tests.fakes import make_deps

README = Path(__file__).resolve().parents[2] / "README.md"


def _older(deps, count: int) -> None:  # type: ignore[no-untyped-def]
    for n in range(count):
        deps.repo.add(Image(f"{n:032x}", "sub-a", "a", Status.READY, "2026-01-01T00:00:00Z",
                            facts=Facts(40, 30, "landscape", "jpeg", 9)))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_dry_run_prints_the_count_and_the_estimate_and_sends_nothing(tmp_path: Path) -> None:
    deps = make_deps()
    _older(deps, 3)
    out = io.StringIO()
    assert reprocess_cli.reprocess(deps, tmp_path / "c.json", True, None, 5.0, out) == 3
    text = out.getvalue()
    assert f"3 ready images on an older profile than {deps.profile_version}" in text
    expected = reprocess_estimate(3, ReprocessAssumptions(renditions=2))
    assert f"{expected.invocations:>12,}" in text and "Lambda invocations" in text
    assert f"${expected.dollars:,.2f}" in text and "GB-seconds" in text
    assert "SQS requests" in text and "GB read" in text and "1s at 5 images/s" in text
    assert deps.queue.sent == [] and not (tmp_path / "c.json").exists()


def test_a_run_on_a_terminal_draws_a_bar_with_an_eta_and_ends_with_a_summary(
    tmp_path: Path,
) -> None:
    deps = make_deps()
    _older(deps, 2)
    out = _Tty()
    assert reprocess_cli.reprocess(deps, tmp_path / "c.json", False, None, 0, out) == 2
    text = out.getvalue()
    assert "\rreprocess: [" in text and "2/2" in text and "ETA" in text
    assert text.rstrip().endswith("the scan is through (images flip as their renditions land)")
    assert len(deps.queue.sent) == 4


def test_plain_lines_off_a_terminal_every_hundred_and_at_the_end() -> None:
    out = io.StringIO()
    times = iter([0.0, 1.0, 2.0, 3.0])
    show = reprocess_cli.reporter(out, lambda: next(times))
    show(1, 100)
    show(100, 100)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\r" not in out.getvalue()
    assert lines[0].startswith("reprocess: [##############################]     100/100 100%")


def test_the_progress_line_estimates_the_time_left() -> None:
    line = reprocess_cli.progress_line(120, 500, 24.0)
    assert "120/500" in line and "24%" in line and "5.0/s" in line and "ETA 1m16s" in line
    assert reprocess_cli.duration(3723) == "1h02m03s" and reprocess_cli.duration(6) == "6s"


@pytest.mark.parametrize(("text", "value"), [
    ("Lambda $0.0000133334 per GB-s", costs.LAMBDA_GB_SECOND),
    ("and $0.20 per million requests", costs.LAMBDA_PER_MILLION),
    ("SQS $0.40 per million", costs.SQS_PER_MILLION),
    ("S3 Standard $0.005 per 1,000 PUT", costs.S3_PUT_PER_THOUSAND),
    ("$0.0004 per\n1,000 GET", costs.S3_GET_PER_THOUSAND),
    ("DynamoDB on demand $0.625 per million write", costs.DYNAMODB_WRITE_PER_MILLION),
    ("$0.125 per\nmillion read", costs.DYNAMODB_READ_PER_MILLION),
    ("then $0.005 per path", costs.CLOUDFRONT_INVALIDATION_PATH),
])
def test_the_prices_are_the_readme_cost_tables(text: str, value: float) -> None:
    readme = README.read_text()
    found = re.search(re.escape(text).replace("\\\n", r"\s+"), readme)
    assert found, f"README no longer says {text!r}: update chalicelib/domain/costs.py with it"
    assert float(re.findall(r"\$([0-9.]+)", text)[0]) == value


def test_the_estimate_is_the_readme_arithmetic_for_one_image() -> None:
    e = reprocess_estimate(1, ReprocessAssumptions(renditions=4, render_seconds=0.25))
    assert e.invocations == 5 and e.s3_gets == 4 and e.sqs_requests == 12
    assert e.gb_seconds == pytest.approx(4 * 1.769 * 0.25 + 0.5 * 0.1)
    assert e.dollars == pytest.approx(
        e.gb_seconds * 0.0000133334 + 5 * 0.2e-6 + 12 * 0.4e-6 + 4 * 0.005e-3 + 4 * 0.0004e-3
        + 10 * 0.625e-6 + 4 * 0.125e-6 + 0.005
    )
