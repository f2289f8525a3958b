"""The verdict on one answer: fine, or which way it breaks the contract."""

from __future__ import annotations

import json
from dataclasses import dataclass

from infra.fuzz.contract import Operation

# Codes the local front answers itself before the API sees the request (infra/local/front.py
# and framing.py): the HTTP runner meets them, the document describes the API alone.
FRONT_CODES = {
    "bad_request": 400, "invalid_framing": 400, "unsupported_transfer_encoding": 400,
    "invalid_content_length": 400, "incomplete_body": 400, "invalid_chunked_body": 400,
    "unsupported_http_version": 400, "method_not_allowed": 405, "length_required": 411,
    "payload_too_large": 413, "uri_too_long": 414, "misdirected": 421,
    "header_fields_too_large": 431,
}
ERROR_KEYS = {"code", "message"}
OPTIONAL_KEYS = {"retry_after"}  # beside code and message on a 429 (the document's Error)


@dataclass(frozen=True)
class Verdict:
    """`failure` is None when the answer keeps the contract; `code` is the error code seen."""

    status: int
    code: str | None
    failure: str | None


def _error_code(body: bytes) -> tuple[str | None, str | None]:
    """(code, problem): the error code, or what is wrong with the error shape."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return None, "a 4xx whose body is not JSON"
    if not isinstance(parsed, dict) or set(parsed) != {"error"}:
        return None, "a 4xx not shaped {\"error\": {...}}"
    error = parsed["error"]
    if not isinstance(error, dict) or not ERROR_KEYS <= set(error) <= ERROR_KEYS | OPTIONAL_KEYS:
        return None, "a 4xx whose error is not exactly {code, message}"
    if not isinstance(error["code"], str) or not isinstance(error["message"], str):
        return None, "a 4xx whose code or message is not a string"
    return error["code"], None


def judge(op: Operation, status: int, body: bytes, front: bool = False) -> Verdict:
    """The verdict on (status, body) for a request to `op`; `front`: through the local front."""
    if status >= 500:
        code, _ = _error_code(body)
        return Verdict(status, code, f"status {status}")
    if status < 400:
        return Verdict(status, None, None if 200 <= status < 300 else f"status {status}")
    if status in op.html_statuses and not body.lstrip().startswith(b"{"):
        return Verdict(status, None, None)  # an HTML page the document describes (link previews)
    code, problem = _error_code(body)
    if problem or code is None:
        return Verdict(status, code, problem)
    listed = op.statuses.get(code) or (FRONT_CODES.get(code) if front else None)
    if listed is None:
        return Verdict(status, code, f"code {code!r} is not listed for {op.method} {op.path}")
    if listed != status:
        return Verdict(status, code, f"code {code!r} came with {status}, listed with {listed}")
    return Verdict(status, code, None)
