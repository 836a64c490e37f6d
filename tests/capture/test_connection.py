"""Connection settings read as the nomad CLI reads them (api/api.go:DefaultConfig)."""

from __future__ import annotations

import pytest

from sim.capture.connection import DEFAULT_ADDRESS, Connection, parse_go_bool
from sim.core.errors import InputError


def test_defaults_and_environment():
    assert Connection.from_env({}).address == DEFAULT_ADDRESS
    env = {
        "NOMAD_ADDR": "https://nomad.service:4646",
        "NOMAD_TOKEN": "t",
        "NOMAD_REGION": "eu",
        "NOMAD_NAMESPACE": "ops",
        "NOMAD_HTTP_AUTH": "user",
        "NOMAD_TLS_SERVER_NAME": "server.eu.nomad",
        "NOMAD_SKIP_VERIFY": "1",
    }
    c = Connection.from_env(env)
    assert (c.address, c.token, c.region, c.namespace) == (
        "https://nomad.service:4646",
        "t",
        "eu",
        "ops",
    )
    assert c.uses_tls and c.skip_verify and c.tls_server_name == "server.eu.nomad"
    assert c.basic_auth() == ("user", "")


def test_flags_override_the_environment():
    c = Connection.from_env({"NOMAD_ADDR": "http://a:4646", "NOMAD_SKIP_VERIFY": "true"},
                            address="http://b:4646", skip_verify=False, token=None)  # fmt: skip
    assert c.address == "http://b:4646"
    assert c.skip_verify is False


def test_skip_verify_parsed_like_go():
    assert [parse_go_bool(v) for v in ("1", "t", "TRUE", "0", "F", "yes")] == [
        True,
        True,
        True,
        False,
        False,
        None,
    ]
    assert Connection.from_env({"NOMAD_SKIP_VERIFY": "yes"}).skip_verify is False  # ignored


def test_client_cert_needs_its_key():
    with pytest.raises(InputError, match="Both client cert and client key"):
        Connection.from_env({"NOMAD_CLIENT_KEY": "k.pem"})


def test_missing_ca_file_is_one_line():
    c = Connection(address="https://x:4646", ca_cert="/nonexistent/ca.pem")
    with pytest.raises(InputError, match="TLS configuration"):
        c.ssl_context()
