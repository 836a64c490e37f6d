"""Read-only HTTP access to Nomad: GET with retries, paging, and one clear line per failure.

Requests carry what ``api/api.go:newRequest`` adds to every request: ``X-Nomad-Token``,
``?region=``, basic auth from ``NOMAD_HTTP_AUTH``, ``Accept-Encoding: gzip`` (httpx unwraps
it). Lists are read page by page: ``per_page`` and ``next_token``, the token coming from the
``X-Nomad-NextToken`` response header, which is sent only while more results exist
(``command/agent/http.go:setNextToken``). Only GET is ever sent.
"""

from __future__ import annotations

import ssl
import time
from typing import Any

import httpx

from ..core.errors import NomadSimError
from .connection import Connection

NEXT_TOKEN = "X-Nomad-NextToken"

# The ACL capability each endpoint needs (nomad/*_endpoint.go ACL checks).
_CAPABILITIES = (
    ("/v1/node/pool", 'node_pool read (a node_pool policy with policy = "read")'),
    ("/v1/node", "node:read"),
    ("/v1/job", "the read-job (and list-jobs) capability on the namespaces"),
    ("/v1/allocation", "the read-job capability on the namespaces"),
    ("/v1/operator", "operator:read"),
    ("/v1/namespace", "any capability on the namespaces (e.g. read-job)"),
    ("/v1/agent", "agent:read"),
)


class CaptureError(NomadSimError):
    """The cluster could not be read: unreachable, refused, or an answer that is not usable."""


def capability_for(path: str) -> str:
    for prefix, capability in _CAPABILITIES:
        if path.startswith(prefix):
            return capability
    return "a token allowed to read it"


class NomadClient:
    """A pooled, thread-safe HTTP client for one Nomad agent (httpx under the hood)."""

    def __init__(
        self,
        connection: Connection,
        *,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        pool: int = 8,
    ):
        self.connection = connection
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        address = connection.address.rstrip("/")
        transport = None
        if address.startswith("unix://"):
            transport = httpx.HTTPTransport(uds=address.removeprefix("unix://"))
            address = "http://localhost"
        headers = {"Accept-Encoding": "gzip"}
        if connection.token:
            headers["X-Nomad-Token"] = connection.token
        self._extensions = (
            {"sni_hostname": connection.tls_server_name} if connection.tls_server_name else {}
        )
        self._http = httpx.Client(
            base_url=address,
            headers=headers,
            auth=connection.basic_auth(),
            verify=connection.ssl_context() if connection.uses_tls else True,
            timeout=timeout,
            limits=httpx.Limits(max_connections=pool, max_keepalive_connections=pool),
            transport=transport,
            http2=False,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> NomadClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """One GET, retried with exponential backoff on timeouts, dropped connections and 5xx."""
        query = dict(params or {})
        if self.connection.region:
            query.setdefault("region", self.connection.region)
        where = f"{self.connection.address.rstrip('/')}{path}"
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            try:
                response = self._http.get(path, params=query, extensions=self._extensions)
            except httpx.TimeoutException:
                if last:
                    raise CaptureError(
                        f"{where}: no answer within {self.timeout:g}s ({self.retries + 1} attempts)"
                    ) from None
            except httpx.TransportError as exc:
                failure = _transport_failure(exc, self.connection)
                if failure is not None or last:
                    raise CaptureError(failure or f"{where}: {exc}") from None
            else:
                if response.status_code < 500:
                    return _checked(response, path, where)
                if last:
                    raise CaptureError(
                        f"{where}: {response.status_code} {_body(response)} "
                        f"({self.retries + 1} attempts)"
                    )
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.get(path, params)
        try:
            return response.json()
        except ValueError:
            raise CaptureError(
                f"{response.request.url}: the answer is not JSON ({_body(response)[:80]!r})"
            ) from None

    def pages(self, path: str, params: dict[str, Any] | None = None, per_page: int = 1000):
        """Every item of a list endpoint, page after page, as Nomad's paginator hands them."""
        query = {**(params or {}), "per_page": per_page}
        while True:
            response = self.get(path, query)
            try:
                items = response.json()
            except ValueError:
                raise CaptureError(f"{response.request.url}: the answer is not JSON") from None
            if not isinstance(items, list):
                raise CaptureError(f"{response.request.url}: expected a JSON array")
            yield from items
            token = response.headers.get(NEXT_TOKEN, "")
            if not token:
                return
            query["next_token"] = token


def _body(response: httpx.Response) -> str:
    text = response.text.strip().splitlines()
    return text[0] if text else response.reason_phrase


def _checked(response: httpx.Response, path: str, where: str) -> httpx.Response:
    status = response.status_code
    if status < 400:
        return response
    body = _body(response)
    if status == 403:
        raise CaptureError(
            f"{where}: 403 {body}: the token (NOMAD_TOKEN / --token) needs {capability_for(path)}"
        )
    if status == 404:
        raise CaptureError(f"{where}: 404 {body or 'not found'} (is this a Nomad HTTP API?)")
    raise CaptureError(f"{where}: {status} {body}")


def _transport_failure(exc: httpx.TransportError, connection: Connection) -> str | None:
    """A failure that retrying cannot cure, in one line; ``None`` for a transient one."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return (
                f"TLS with {connection.address} failed: {cause.verify_message or cause.reason} "
                "(give the CA with NOMAD_CACERT / --ca-cert, or the name with "
                "NOMAD_TLS_SERVER_NAME)"
            )
        if isinstance(cause, ssl.SSLError):
            return f"TLS with {connection.address} failed: {cause.reason or cause}"
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot reach Nomad at {connection.address}: {exc} (set NOMAD_ADDR or --address)"
    return None
