"""What the runner writes: each request with its token redacted to its kind, and a failure as
a curl command line and a Python snippet that send the same bytes again."""

from __future__ import annotations

import json
from typing import Any

from infra.fuzz.strategies import FuzzRequest
from infra.fuzz.verdict import Verdict

EXCERPT_CHARS = 200
# The users the runner signs in (`make token USER=... GROUP=...` gives their tokens again).
USERS = {"contributor": ("fuzz-alice", "contributors"), "other": ("fuzz-bob", "contributors"),
         "admin": ("fuzz-admin", "admins")}


def redacted_headers(request: FuzzRequest) -> dict[str, str]:
    """The headers, the Authorization value replaced by its kind (never a token in a file)."""
    shown = dict(request.headers)
    if "Authorization" in shown:
        shown["Authorization"] = f"<{request.token_kind}>"
    return shown


def excerpt(body: bytes | None, limit: int = EXCERPT_CHARS) -> str | None:
    """The first `limit` characters of a body, undecodable bytes escaped."""
    if body is None:
        return None
    text = body.decode("utf-8", "backslashreplace")
    return text if len(text) <= limit else f"{text[:limit]}... ({len(body)} bytes)"


def record(request: FuzzRequest, verdict: Verdict | None, failure: str | None) -> dict[str, Any]:
    """One JSON line: what was sent and what came back."""
    return {"method": request.method, "path": request.path, "query": list(request.query),
            "headers": redacted_headers(request), "body": excerpt(request.body),
            "status": verdict.status if verdict else None,
            "code": verdict.code if verdict else None, "failure": failure}


def _token_command(kind: str) -> str:
    user, group = USERS.get(kind, USERS["contributor"])
    return f"make -s token USER={user} GROUP={group}"


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _printf_format(body: bytes) -> str:
    """`body` as a printf format: printable ASCII kept, everything else as \\xHH."""
    out = []
    for byte in body:
        char = chr(byte)
        if char == "%":
            out.append("%%")
        elif char == "\\":
            out.append("\\\\")
        elif 0x20 <= byte < 0x7F:
            out.append(char)
        else:
            out.append(f"\\x{byte:02x}")
    return "".join(out)


def _curl_header(request: FuzzRequest, name: str, value: str) -> str:
    if not value:  # `-H 'Name:'` would remove the header; `Name;` sends it empty
        return f"-H {_shell_quote(f'{name};')}"
    if name != "Authorization" or request.token_kind not in (*USERS, "not_bearer"):
        return f"-H {_shell_quote(f'{name}: {value}')}"
    scheme = value.split(" ", 1)[0]
    return f'-H "{name}: {scheme} $({_token_command(request.token_kind)})"'


def curl(request: FuzzRequest, base_url: str) -> str:
    """A shell command line that sends the request again (valid tokens fetched afresh)."""
    parts = ["curl", "-sS", "-i", "-X", request.method, "--globoff", "--path-as-is",
             _shell_quote(base_url + request.target)]
    parts += [_curl_header(request, name, value) for name, value in request.headers.items()]
    if "Content-Type" not in request.headers:  # curl would add a form Content-Type of its own
        parts.append("-H 'Content-Type:'")
    if request.body is None:
        return " ".join(parts)
    command = " ".join([*parts, "--data-binary", "@-"])
    return f"printf {_shell_quote(_printf_format(request.body))} | {command}"


def python(request: FuzzRequest, base_url: str) -> str:
    """A Python snippet (requests) that sends the same bytes again."""
    headers = {name: value for name, value in request.headers.items()}
    lines = ["import subprocess", "import requests", "",
             f"headers = {redacted_headers(request)!r}"]
    if "Authorization" in headers and request.token_kind in (*USERS, "not_bearer"):
        scheme = headers["Authorization"].split(" ", 1)[0]
        command = _token_command(request.token_kind).split()
        lines.append(f"token = subprocess.run({command!r}, capture_output=True, text=True,"
                     " check=True).stdout.split()[-1]")
        lines.append(f'headers["Authorization"] = "{scheme} " + token')
    elif "Authorization" in headers:
        lines.append(f'headers["Authorization"] = {headers["Authorization"]!r}')
    lines += [
        "session = requests.Session()",
        f"sent = requests.Request({request.method!r}, 'http://placeholder', headers=headers,"
        f" data={request.body!r})",
        "prepared = session.prepare_request(sent)",
        f"prepared.url = {base_url + request.target!r}  # exactly these bytes, not re-quoted",
        "answer = session.send(prepared, timeout=30)",
        "print(answer.status_code, answer.text[:300])",
    ]
    return "\n".join(lines)


def failure_entry(request: FuzzRequest, verdict: Verdict | None, failure: str,
                  base_url: str) -> dict[str, Any]:
    """A failure with its minimal reproducer in both forms."""
    return {**record(request, verdict, failure), "curl": curl(request, base_url),
            "python": python(request, base_url)}


def dumps(entry: dict[str, Any]) -> str:
    """One JSON line (lone surrogates escaped, never an encoding error)."""
    return json.dumps(entry, ensure_ascii=True)
