"""Where and how to reach Nomad, read exactly as the ``nomad`` CLI reads it.

Environment first (``api/api.go:DefaultConfig``), command-line flags over it. TLS follows
``api/api.go:ConfigureTLS``: a CA file or directory, a client certificate and key given
together, ``NOMAD_SKIP_VERIFY`` parsed like Go's ``strconv.ParseBool`` (an invalid value is
ignored), ``NOMAD_TLS_SERVER_NAME`` for the name checked in the server's certificate, and
TLS 1.2 at least.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from ..core.errors import InputError

DEFAULT_ADDRESS = "http://127.0.0.1:4646"
_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_FALSE = {"0", "f", "F", "FALSE", "false", "False"}

ENVIRONMENT = {
    "address": "NOMAD_ADDR",
    "token": "NOMAD_TOKEN",
    "region": "NOMAD_REGION",
    "namespace": "NOMAD_NAMESPACE",
    "http_auth": "NOMAD_HTTP_AUTH",
    "ca_cert": "NOMAD_CACERT",
    "ca_path": "NOMAD_CAPATH",
    "client_cert": "NOMAD_CLIENT_CERT",
    "client_key": "NOMAD_CLIENT_KEY",
    "tls_server_name": "NOMAD_TLS_SERVER_NAME",
    "skip_verify": "NOMAD_SKIP_VERIFY",
}


def parse_go_bool(text: str) -> bool | None:
    """``strconv.ParseBool``; ``None`` for anything it rejects."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


@dataclass(frozen=True)
class Connection:
    """Everything needed to talk to one Nomad agent; empty strings mean "not set"."""

    address: str = DEFAULT_ADDRESS
    token: str = ""
    region: str = ""
    namespace: str = ""
    http_auth: str = ""
    ca_cert: str = ""
    ca_path: str = ""
    client_cert: str = ""
    client_key: str = ""
    tls_server_name: str = ""
    skip_verify: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str], **flags: str | bool | None) -> Connection:
        """The environment as the ``nomad`` CLI reads it, then every flag that was given."""
        values: dict[str, Any] = {}
        for name, variable in ENVIRONMENT.items():
            raw = env.get(variable, "")
            if not raw:
                continue
            if name == "skip_verify":
                parsed = parse_go_bool(raw)
                if parsed is not None:
                    values[name] = parsed
            else:
                values[name] = raw
        known = {f.name for f in fields(cls)}
        for name, value in flags.items():
            if name not in known:
                raise TypeError(f"unknown connection setting {name!r}")
            if value is not None and value != "":
                values[name] = value
        connection = replace(cls(), **values)
        if bool(connection.client_cert) != bool(connection.client_key):
            raise InputError("Both client cert and client key must be provided")
        return connection

    @property
    def uses_tls(self) -> bool:
        return self.address.startswith("https://")

    def basic_auth(self) -> tuple[str, str] | None:
        """``NOMAD_HTTP_AUTH`` is ``user[:pass]`` (api.go ``HttpBasicAuth``)."""
        if not self.http_auth:
            return None
        user, _, password = self.http_auth.partition(":")
        return user, password

    def ssl_context(self) -> ssl.SSLContext:
        """The TLS settings of ``api/api.go:ConfigureTLS`` as one context."""
        try:
            context = ssl.create_default_context(
                cafile=self.ca_cert or None, capath=self.ca_path or None
            )
            if self.client_cert:
                context.load_cert_chain(self.client_cert, self.client_key)
        except (OSError, ssl.SSLError) as exc:
            raise InputError(f"TLS configuration: {exc}") from None
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if self.skip_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context
