"""Fault injection: the plan's spellings, when a rule fires, and that each fault is the error
the real service gives, shaped as our adapters and handlers see it."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ReadTimeoutError
from opensearchpy.exceptions import ConnectionError as SearchConnectionError
from pynamodb.exceptions import GetError, UpdateError

from chalicelib import bootstrap, config, ports
from chalicelib.adapters.dynamodb.open_work import conditional_failure
from chalicelib.adapters.faults import FaultInjector, blobs, queue, repository, search
from chalicelib.domain.model import Image, Status
from chalicelib.faultplan import PORT_METHODS, FaultPlan, FaultRule, parse_plan
from chalicelib.ports import RenderTask
from tests.fake_repo import FakeRepo
from tests.fakes import FakeQueue, FakeSearchIndex, FakeStore, make_deps


class Ticks:
    """A clock that moves only when told to (seconds)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _plan(*rules: FaultRule, seed: int = 0) -> FaultInjector:
    return FaultInjector(FaultPlan(rules, seed))


def _outcomes(store: object, calls: int) -> list[bool]:
    """Which of `calls` puts failed."""
    failed = []
    for n in range(calls):
        try:
            store.put(f"k{n}", b"x", "image/jpeg")  # type: ignore[attr-defined]
            failed.append(False)
        except ClientError:
            failed.append(True)
    return failed


def test_the_short_spelling_gives_rates_and_a_seed() -> None:
    plan = parse_plan("s3_slowdown:0.05, dynamodb_throttle:0.5 ,seed:7")
    assert plan == FaultPlan(
        (FaultRule("s3_slowdown", rate=0.05), FaultRule("dynamodb_throttle", rate=0.5)), 7
    )


def test_the_json_spelling_says_everything_a_rule_can() -> None:
    plan = parse_plan(
        '{"seed": 3, "faults": [{"kind": "search_down", "window": [0, 60]},'
        ' {"kind": "dynamodb_throttle", "every": 3, "methods": ["finish", "add"]},'
        ' {"kind": "s3_timeout", "nth": [2], "targets": ["originals"]}]}'
    )
    assert plan is not None and plan.seed == 3
    assert plan.rules[0].window == (0.0, 60.0)
    assert plan.rules[1].methods == ("finish", "add") and plan.rules[1].every == 3
    assert plan.rules[2].nth == (2,) and plan.rules[2].targets == ("originals",)
    assert parse_plan("  ") is None


@pytest.mark.parametrize("spec", [
    "s3_slowdown", "volcano:0.5", "s3_slowdown:1.5", '{"faults": [{"kind": "sqs_send"}]}',
    '{"faults": [{"kind": "dynamodb_race", "methods": ["get"], "every": 1}]}',
    '{"faults": [{"kind": "sqs_send", "every": 1, "colour": "red"}]}', '{"seed": 1}',
])
def test_a_plan_that_cannot_mean_anything_is_refused(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_plan(spec)


def test_config_reads_the_plan_locally_and_refuses_it_in_lambda() -> None:
    assert config.load({"FAULT_INJECTION": "sqs_send:0.1"}).fault_plan == FaultPlan(
        (FaultRule("sqs_send", rate=0.1),)
    )
    assert config.load({}).fault_plan is None
    # In Lambda, config also wants the cursor key's ARN (tests/unit/test_config_secrets.py).
    key = {"CURSOR_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:k"}
    for lambda_marker in ({"AWS_LAMBDA_FUNCTION_NAME": "ingest", **key},
                          {"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", **key}):
        with pytest.raises(RuntimeError, match="local only"):
            config.load({"FAULT_INJECTION": "sqs_send:0.1", **lambda_marker})
        assert config.load(lambda_marker).fault_plan is None  # no plan, no refusal
    # Importing a Chalice app marks any process so; the local stack's are not in Lambda.
    chalice_mark = {"AWS_EXECUTION_ENV": "AWS_Lambda aws-chalice/1.32.0"}
    assert config.load({"FAULT_INJECTION": "sqs_send:0.1", **chalice_mark}).fault_plan


def test_the_local_stack_process_with_the_app_imported_accepts_a_plan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    import app  # noqa: F401  (Chalice writes AWS_EXECUTION_ENV at import)

    assert os.environ.get("AWS_EXECUTION_ENV", "").startswith("AWS_Lambda aws-chalice/")
    monkeypatch.setenv("FAULT_INJECTION", "sqs_send:0.1")
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert config.load(dict(os.environ)).fault_plan is not None


def test_nth_and_every_count_the_calls_of_the_rule() -> None:
    injector = _plan(FaultRule("s3_slowdown", nth=(2,)), FaultRule("s3_slowdown", every=4))
    store = blobs(FakeStore(), injector, "renditions")
    assert _outcomes(store, 8) == [False, True, False, True, False, False, False, True]
    assert injector.injected() == {"s3_slowdown": 3}


def test_a_rate_is_the_same_draw_for_the_same_seed_and_another_for_another() -> None:
    def run(seed: int) -> list[bool]:
        return _outcomes(blobs(FakeStore(), _plan(FaultRule("s3_slowdown", rate=0.3),
                                                  seed=seed), "uploads"), 200)

    first = run(11)
    assert first == run(11) and first != run(12)
    assert 30 < sum(first) < 90  # about 0.3 of 200


def test_a_window_fails_every_call_while_the_clock_is_inside_it() -> None:
    clock = Ticks()
    injector = FaultInjector(FaultPlan((FaultRule("search_down", window=(10, 70)),)), clock)
    index = search(FakeSearchIndex(), injector)
    index.suggest("f", 5)  # at 0 s: up
    clock.now += 10
    with pytest.raises(SearchConnectionError) as down:
        index.suggest("f", 5)
    assert down.value.status_code == "N/A" and isinstance(down.value.info, ConnectionRefusedError)
    clock.now += 59.9
    with pytest.raises(SearchConnectionError):
        index.apply([])
    clock.now += 0.1
    assert index.suggest("f", 5) == []  # back at 70 s


def test_methods_and_targets_narrow_a_rule() -> None:
    injector = _plan(FaultRule("s3_slowdown", every=1, methods=("put",), targets=("originals",)))
    originals, uploads = FakeStore(versioned=True), FakeStore(versioned=True)
    kept, other = blobs(originals, injector, "originals"), blobs(uploads, injector, "uploads")
    other.put("a", b"1", "image/jpeg")
    with pytest.raises(ClientError):
        kept.put("a", b"1", "image/jpeg")
    assert kept.head("a") is None and "a" not in originals.objects  # refused: nothing stored
    assert kept.url("a").endswith("/a") and kept.versioned is True  # the rest passes through


def test_s3_errors_are_botocores_with_s3s_codes_and_a_timed_out_write_may_have_landed() -> None:
    store = FakeStore(versioned=True)
    slow = blobs(store, _plan(FaultRule("s3_slowdown", every=1)), "uploads")
    with pytest.raises(ClientError) as refused:
        slow.read("k")
    assert refused.value.response["Error"]["Code"] == "SlowDown"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503
    assert refused.value.operation_name == "GetObject"
    with pytest.raises(ClientError) as head:
        slow.head("k")
    assert head.value.response["Error"]["Code"] == "503"  # HEAD answers carry no body
    timing_out = blobs(store, _plan(FaultRule("s3_timeout", every=1)), "uploads")
    with pytest.raises(ReadTimeoutError):
        timing_out.put("k", b"bytes", "image/jpeg")
    assert store.objects["k"][0] == b"bytes"  # the answer was lost, not the write


def test_throttling_is_pynamodbs_error_around_provisioned_throughput_exceeded() -> None:
    real = FakeRepo()
    repo = repository(real, _plan(FaultRule("dynamodb_throttle", every=1)))
    with pytest.raises(UpdateError) as update:
        repo.finish("x", "now")
    assert update.value.cause_response_code == "ProvisionedThroughputExceededException"
    assert not conditional_failure(update.value)  # so the repository raises it on
    with pytest.raises(GetError):
        repo.get("x")


def test_a_lost_race_answers_as_the_conditional_write_does_and_writes_nothing() -> None:
    real = FakeRepo()
    real.add(Image("a" * 32, "sub", "Ann", Status.PENDING, "t0"))
    repo = repository(real, _plan(FaultRule("dynamodb_race", nth=(1, 2))))
    assert repo.start_processing("a" * 32, "t1") is None
    assert repo.fail("a" * 32, "why", "t1") is False
    assert repo.get("a" * 32).status is Status.PENDING  # type: ignore[union-attr]
    assert repo.start_processing("a" * 32, "t2") is not None  # the third call goes through


def test_a_refused_send_is_an_sqs_client_error_and_sends_nothing() -> None:
    real = FakeQueue()
    with pytest.raises(ClientError) as refused:
        queue(real, _plan(FaultRule("sqs_send", every=1))).publish([RenderTask("i", "thumb")])
    assert refused.value.response["Error"]["Code"] == "RequestThrottled"
    assert refused.value.operation_name == "SendMessageBatch" and real.sent == []


def test_bootstrap_puts_every_port_behind_the_plan_and_counts_by_kind() -> None:
    deps = make_deps()
    plan = FaultPlan((FaultRule("sqs_send", every=1), FaultRule("search_down", every=1)))
    wrapped, injector = bootstrap.with_faults(deps, plan)
    assert injector is not None
    assert {type(p).__name__ for p in (wrapped.repo, wrapped.uploads, wrapped.renditions,
                                       wrapped.originals, wrapped.queue)} == {"FaultyPort"}
    with pytest.raises(ClientError):
        wrapped.queue.publish([RenderTask("i", "thumb")])
    with pytest.raises(SearchConnectionError):
        wrapped.search_index().suggest("a", 1)
    assert injector.injected() == {"sqs_send": 1, "search_down": 1}
    assert bootstrap.with_faults(deps, None) == (deps, None)


def test_the_deployed_template_never_sets_a_fault_plan() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    assert "FAULT_INJECTION" not in (root / "template.yaml").read_text()


# Port methods that never call the service: signing and URL building happen in the client.
LOCAL_ONLY = {"presign_post", "presign_get", "url"}


@pytest.mark.parametrize(("port", "protocols"), [
    ("blobs", (ports.BlobStore,)),
    ("repository", (ports.ImageRepository,)),
    ("queue", (ports.RenderQueue, ports.IngestQueue)),
    ("search", (ports.SearchIndex,)),
])
def test_every_port_method_that_calls_a_service_can_be_faulted(
    port: str, protocols: tuple[type, ...]
) -> None:
    # A method added to a port later must be covered, or faults would silently skip it.
    declared = {name for protocol in protocols for name in vars(protocol)
                if not name.startswith("_") and callable(getattr(protocol, name))}
    assert declared - LOCAL_ONLY <= set(PORT_METHODS[port])
