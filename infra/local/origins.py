"""Who may talk to the local stack: its own Host names and its own web origin, nothing else.

A page the developer visits elsewhere (https://evil.example) must neither read nor change the
stack: the moto server refuses its cross-origin requests (a no-cors form POST included, which a
browser sends without asking), and both servers refuse a Host that is not theirs (a DNS-rebinding
page reaches 127.0.0.1 under its own name). Requests without an Origin or Referer (boto3, the
workers, curl) are not a browser's cross-origin requests and pass.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = (LOOPBACK, "localhost", "[::1]")
WILDCARDS = frozenset({"0.0.0.0", "::", ""})


def is_wildcard(host: str) -> bool:
    """True for an address that binds every interface (0.0.0.0, ::)."""
    return host.strip("[]") in WILDCARDS


def url_host(host: str) -> str:
    """`host` as it appears in a URL: IPv6 addresses in brackets."""
    bare = host.strip("[]")
    try:
        return f"[{bare}]" if ipaddress.ip_address(bare).version == 6 else bare
    except ValueError:
        return host  # a name


def advertised_host(bind_host: str) -> str:
    """The host the stack's URLs name (config.json, presigned posts): the bind address, or
    127.0.0.1 when bound to every interface (a wildcard is no address a browser can use)."""
    return LOOPBACK if is_wildcard(bind_host) else url_host(bind_host)


def host_names(port: int, bind_host: str = LOOPBACK) -> frozenset[str]:
    """The Host header values a server on `port` answers: loopback names, and the bind address
    when it is a specific one."""
    names = set(LOOPBACK_NAMES)
    if not is_wildcard(bind_host):
        names.add(url_host(bind_host))
    return frozenset(f"{name}:{port}".lower() for name in names)


def web_origins(port: int, bind_host: str = LOOPBACK) -> frozenset[str]:
    """The web app's own origins: http://<each host name>."""
    return frozenset(f"http://{name}" for name in host_names(port, bind_host))


def host_allowed(host: str | None, allowed: Collection[str]) -> bool:
    """True when a request's Host header names this server (a missing one never does)."""
    return bool(host) and str(host).strip().lower() in allowed


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else "null"


def foreign_source(headers: Mapping[str, str], allowed_origins: Collection[str]) -> str:
    """The Origin (or Referer's origin) of a request made from another site, "" if none.

    `Origin: null` (a sandboxed frame, a file:// page) counts as foreign.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    origin = lowered.get("origin")
    if origin is not None and origin.strip().lower() not in allowed_origins:
        return origin.strip() or "null"
    referer = lowered.get("referer")
    if referer and _origin_of(referer) not in allowed_origins:
        return _origin_of(referer)
    return ""


class OriginGuard:
    """WSGI middleware in front of moto: only its own Host names, only the web app's origin.

    A refusal is a 403 (421 for a wrong Host) with no CORS headers, before moto sees the
    request. For the web app's own origin, moto's wildcard Access-Control-Allow-Origin is
    narrowed to that origin.
    """

    def __init__(
        self, app: Callable[..., Iterable[bytes]], hosts: Collection[str],
        origins: Collection[str],
    ) -> None:
        self._app = app
        self._hosts = frozenset(h.lower() for h in hosts)
        self._origins = frozenset(o.lower() for o in origins)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not host_allowed(environ.get("HTTP_HOST"), self._hosts):
            return _refuse(start_response, "421 Misdirected Request",
                           "MisdirectedRequest", "This server does not answer for that Host.")
        headers = {"Origin": environ.get("HTTP_ORIGIN"), "Referer": environ.get("HTTP_REFERER")}
        present = {name: value for name, value in headers.items() if value is not None}
        foreign = foreign_source(present, self._origins)
        if foreign:
            return _refuse(start_response, "403 Forbidden", "CrossOriginRefused",
                           f"The local stack does not answer pages from {foreign}.")
        origin = environ.get("HTTP_ORIGIN")
        if origin is None:
            return self._app(environ, start_response)
        return self._app(environ, _exact_origin(start_response, origin))


def _exact_origin(start_response: Callable[..., Any], origin: str) -> Callable[..., Any]:
    """start_response that names the requesting (allowed) origin instead of moto's `*`."""

    def narrowed(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        kept = [(n, v) for n, v in headers if n.lower() != "access-control-allow-origin"]
        if len(kept) != len(headers):
            kept += [("Access-Control-Allow-Origin", origin), ("Vary", "Origin")]
        return start_response(status, kept, *exc_info)

    return narrowed


def _refuse(start_response: Callable[..., Any], status: str, code: str, message: str
            ) -> list[bytes]:
    body = (f"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code>"
            f"<Message>{escape(message)}</Message></Error>").encode()
    start_response(status, [("Content-Type", "application/xml"),
                            ("Content-Length", str(len(body)))])
    return [body]


def exposure_warning(bind_host: str, port: int, moto_port: int) -> str:
    """What a developer must know before the stack listens beyond loopback; "" on loopback."""
    bare = bind_host.strip("[]")
    try:
        if ipaddress.ip_address(bare).is_loopback:
            return ""
    except ValueError:
        if bare == "localhost":
            return ""
    reach = ("every network this machine is on" if is_wildcard(bind_host)
             else f"anyone who can reach {bind_host}")
    lines = [
        f"WARNING: the local stack listens on {bind_host or '*'} (ports {port} and {moto_port}):"
        f" {reach} can use it.",
        "  There is no real authentication locally: the moto server takes any AWS credentials,",
        f"  so whoever reaches port {moto_port} can read and change every table, bucket,",
        "  queue and user,"
        " and mint access tokens for any user or group (as `make token` does).",
        "  Only on a network you trust; never with real data.",
    ]
    if is_wildcard(bind_host):
        lines.append(f"  The web app and upload URLs name {LOOPBACK}: from another machine, pass"
                     " this machine's address as --host instead of a wildcard.")
    return "\n".join(lines)
