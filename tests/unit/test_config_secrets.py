"""Where the cursor key comes from: the environment locally, Secrets Manager in Lambda, and
never printed (settings' repr, the startup log line)."""

from __future__ import annotations

import logging

import pytest

from chalicelib import bootstrap, config

IN_LAMBDA = ({"AWS_LAMBDA_FUNCTION_NAME": "stock-images-api"},
             {"AWS_EXECUTION_ENV": "AWS_Lambda_python3.12"})
ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:CursorSecret-AbCdEf"
KEY = "k3y-that-must-never-be-printed"


def test_locally_the_key_comes_from_the_environment_or_is_derived() -> None:
    assert config.load({"CURSOR_SECRET": KEY}).cursor_secret == KEY.encode()
    derived = config.load({"COGNITO_USER_POOL_ID": "pool", "RESOURCE_PREFIX": "p"})
    assert derived.cursor_secret == b"cursor:p:pool"


@pytest.mark.parametrize("marker", IN_LAMBDA)
def test_in_lambda_config_refuses_to_start_without_the_secrets_arn(marker: dict[str, str]) -> None:
    with pytest.raises(RuntimeError, match="CURSOR_SECRET_ARN"):
        config.load(marker)


@pytest.mark.parametrize("marker", IN_LAMBDA)
def test_in_lambda_a_key_in_a_plain_variable_is_refused(marker: dict[str, str]) -> None:
    with pytest.raises(RuntimeError, match="CURSOR_SECRET is set"):
        config.load({**marker, "CURSOR_SECRET": KEY, "CURSOR_SECRET_ARN": ARN})


@pytest.mark.parametrize("marker", IN_LAMBDA)
def test_in_lambda_the_arn_is_kept_and_no_key_derived(marker: dict[str, str]) -> None:
    settings = config.load({**marker, "CURSOR_SECRET_ARN": ARN})
    assert (settings.cursor_secret_arn, settings.cursor_secret) == (ARN, b"")


def test_a_chalice_import_alone_is_not_lambda() -> None:
    chalice_mark = {"AWS_EXECUTION_ENV": "AWS_Lambda aws-chalice/1.34.0"}
    assert config.load(chalice_mark).cursor_secret.startswith(b"cursor:")


def test_the_settings_repr_never_carries_the_key() -> None:
    settings = config.load({"CURSOR_SECRET": KEY})
    assert KEY not in repr(settings)
    assert KEY not in str(settings)


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_the_startup_log_line_names_sources_never_values(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a key in the environment and a handler on the composition root's logger
    monkeypatch.setenv("CURSOR_SECRET", KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    handler = Records()
    bootstrap.log.addHandler(handler)
    level = bootstrap.log.level
    bootstrap.log.setLevel(logging.INFO)  # LOG_LEVEL is INFO in Lambda
    bootstrap.override(None)
    try:
        # WHEN the services are built for the first time in this container
        bootstrap.services()
    finally:
        bootstrap.log.removeHandler(handler)
        bootstrap.log.setLevel(level)
        bootstrap.override(None)
    # THEN one line says where the key comes from, and nothing in it holds the key
    (line,) = [r for r in handler.records if r.getMessage() == "services built"]
    assert line.wiring == {"search_backend": "embedded", "cursor_key": "environment",  # type: ignore[attr-defined]
                           "origin_check": "off", "fault_injection": "off"}
    assert KEY not in repr(vars(line))
