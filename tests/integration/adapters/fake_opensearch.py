"""A fake OpenSearch endpoint over HTTPS that records requests and checks SigV4 like AWS."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import re
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from chalicelib.adapters.search.opensearch.query import FACET_SIZES

# Two dummy key pairs the tests sign with; the endpoint knows their secrets, as IAM would.
SECRETS = {"AKIDFIRST": "first-secret", "AKIDSECOND": "second-secret"}
_AUTH = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, "
    r"SignedHeaders=(?P<signed>[^,]+), Signature=(?P<sig>[0-9a-f]{64})"
)
_EMPTY_SEARCH = {
    "hits": {"total": {"value": 0}, "hits": []},
    "aggregations": {n: {"values": {"buckets": []}} for n in FACET_SIZES},  # every facet asked
}


@dataclass
class Received:
    """One request as the endpoint saw it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def auth(self) -> re.Match[str]:
        """The parsed Authorization header (fails the test when it is not SigV4)."""
        match = _AUTH.fullmatch(self.headers.get("authorization", ""))
        assert match, f"not a SigV4 Authorization header: {self.headers.get('authorization')!r}"
        return match


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def expected_signature(request: Received, secret: str) -> str:
    """The SigV4 signature AWS would compute for `request` with `secret`."""
    auth = request.auth()
    url = urlsplit(request.path)
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}"
                     for k, v in sorted(parse_qsl(url.query, keep_blank_values=True)))
    names = auth["signed"].split(";")
    headers = "".join(f"{n}:{' '.join(request.headers[n].split())}\n" for n in names)
    canonical = "\n".join([request.method, quote(url.path, safe="/-_.~"), query, headers,
                           auth["signed"], hashlib.sha256(request.body).hexdigest()])
    scope = f"{auth['date']}/{auth['region']}/{auth['service']}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", request.headers["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (auth["date"], auth["region"], auth["service"], "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class FakeOpenSearch(BaseHTTPRequestHandler):
    """Answers like a fresh domain: no aliases yet, creates and bulks succeed, empty search."""

    protocol_version = "HTTP/1.1"
    received: list[Received]

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.received.append(Received(self.command, self.path, headers, body))
        status, answer = self._answer()
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _answer(self) -> tuple[int, dict[str, object]]:
        path = urlsplit(self.path).path
        if path.startswith("/_alias/"):
            return 404, {"error": {"type": "aliases_not_found_exception"}, "status": 404}
        if path.endswith("/_search"):
            return 200, _EMPTY_SEARCH
        if path == "/_bulk":
            return 200, {"took": 1, "errors": False, "items": []}
        return 200, {"acknowledged": True}

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _handle

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: pytest shows failures."""


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A throwaway self-signed certificate for 127.0.0.1."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file
