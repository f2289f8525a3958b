"""Fixtures for token tests: our own RSA keys and a JWKS served from 127.0.0.1."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.auth.tokens import TokenVerifier

ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool"
CLIENT_ID = "allowedclient123"
KID = "test-key-1"


@dataclass
class JwksServer:
    """A JWKS endpoint whose answer tests can change, counting every fetch."""

    status: int = 200
    body: bytes = b""
    fetches: int = 0
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve_json(self, document: Any) -> None:
        """Answer 200 with this JSON document from now on."""
        self.status, self.body = 200, json.dumps(document).encode()


def _handler_for(state: JwksServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with state.lock:
                state.fetches += 1
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            self.wfile.write(state.body)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output quiet

    return Handler


def public_jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    """The public half of `key` as a JWK, shaped like Cognito's."""
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


def access_claims(**overrides: Any) -> dict[str, Any]:
    """Claims of a fresh Cognito access token; an override of None drops the claim."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "0b5c2f8e-sub",
        "client_id": CLIENT_ID,
        "token_use": "access",
        "username": "alice",
        "cognito:groups": ["contributors"],
        "iat": now,
        "exp": now + 3600,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def sign(key: rsa.RSAPrivateKey, claims: dict[str, Any], kid: str = KID) -> str:
    """An RS256 token over `claims`."""
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JWTs use."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(document: dict[str, Any]) -> str:
    """A JWT segment holding `document`."""
    return b64url(json.dumps(document).encode())


@pytest.fixture(scope="session")
def signing_key() -> rsa.RSAPrivateKey:
    """The key our fake pool signs with."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def stranger_key() -> rsa.RSAPrivateKey:
    """A key the JWKS does not publish."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def jwks_server(signing_key: rsa.RSAPrivateKey) -> Iterator[JwksServer]:
    """A live JWKS on a free 127.0.0.1 port publishing `signing_key`."""
    state = JwksServer()
    state.serve_json({"keys": [public_jwk(signing_key, KID)]})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/pool/.well-known/jwks.json"
    # A short poll keeps shutdown (once per test) from costing 0.5 s each time.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def verifier(jwks_server: JwksServer) -> TokenVerifier:
    """A verifier for our fake pool, fetching keys over HTTP like in Lambda."""
    return TokenVerifier(jwks_server.url, ISSUER, [CLIENT_ID])
