"""Every fault: one clear line on stderr, exit 2, no snapshot file (whole or partial) left."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import trustme
from typer.testing import CliRunner

from scripts.nomad_replay import synthetic_cluster
from sim.capture import Connection, NomadClient, capture_cluster
from sim.cli import app

runner = CliRunner()
FAST = ["--timeout", "0.5", "--retries", "2"]


@pytest.fixture(scope="module")
def small():
    return synthetic_cluster(20, 3, seed=4)


def _snapshot(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    result = runner.invoke(app, ["snapshot", str(out / "cluster.snap"), *FAST, *args], env=env)
    return result, sorted(p.name for p in out.iterdir())


def _one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("prefix", "capability"),
    [
        ("/v1/nodes", "node:read"),
        ("/v1/jobs", "read-job"),
        ("/v1/allocations", "read-job"),
        ("/v1/operator/scheduler", "operator:read"),
        ("/v1/node/pools", "node_pool read"),
    ],
)
def test_permission_denied_names_the_capability(nomad, small, tmp_path, prefix, capability):
    replay, address = nomad(small)
    replay.fail(prefix, 403, "Permission denied")
    result, left = _snapshot(tmp_path, "--address", address)
    line = _one_error_line(result)
    assert "403 Permission denied" in line
    assert capability in line
    assert left == []


def test_not_found(nomad, small, tmp_path):
    replay, address = nomad(small)
    replay.fail("/v1/node/", 404, "node not found", times=1)
    result, left = _snapshot(tmp_path, "--address", address)
    line = _one_error_line(result)
    assert "404 node not found" in line
    assert left == []


def test_server_error_then_success_is_retried(nomad, small, tmp_path):
    replay, address = nomad(small)
    replay.fail("/v1/nodes", 500, "No cluster leader", times=2)
    result, left = _snapshot(tmp_path, "--address", address)
    assert result.exit_code == 0, result.output
    assert left == ["cluster.snap"]
    assert sum(r.startswith("/v1/nodes?") for r in replay.requests) == 3


def test_server_error_that_persists(nomad, small, tmp_path):
    replay, address = nomad(small)
    replay.fail("/v1/jobs", 500, "No cluster leader")
    result, left = _snapshot(tmp_path, "--address", address)
    line = _one_error_line(result)
    assert "500 No cluster leader (3 attempts)" in line
    assert left == []


def test_slow_endpoint_times_out(nomad, small, tmp_path):
    replay, address = nomad(small)
    replay.slow("/v1/operator", 1.5)
    result, left = _snapshot(tmp_path, "--address", address, "--retries", "1")
    line = _one_error_line(result)
    assert "no answer within 0.5s (2 attempts)" in line
    assert left == []


def test_unreachable_address(tmp_path):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result, left = _snapshot(tmp_path, env={"NOMAD_ADDR": f"http://127.0.0.1:{port}"})
    line = _one_error_line(result)
    assert f"cannot reach Nomad at http://127.0.0.1:{port}" in line
    assert left == []


def test_interrupted_capture_leaves_nothing(nomad, small, tmp_path):
    """A failure after most of the cluster was read: still no file, not even a temporary."""
    replay, address = nomad(small)
    replay.fail("/v1/namespaces", 403, "Permission denied")
    result, left = _snapshot(tmp_path, "--address", address)
    _one_error_line(result)
    assert left == []


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _tls_server(nomad, small, ca: trustme.CA, name: str = "127.0.0.1"):
    cert = ca.issue_cert(name)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    return nomad(small, ssl_context=context)


def test_tls_with_the_cluster_ca(nomad, small, ca, tmp_path):
    _, address = _tls_server(nomad, small, ca)
    with ca.cert_pem.tempfile() as ca_file:
        result, left = _snapshot(tmp_path, env={"NOMAD_ADDR": address, "NOMAD_CACERT": ca_file})
    assert result.exit_code == 0, result.output
    assert left == ["cluster.snap"]


def test_tls_server_name_checks_another_name(nomad, small, ca, tmp_path):
    _, address = _tls_server(nomad, small, ca, name="server.global.nomad")
    with ca.cert_pem.tempfile() as ca_file:
        env = {"NOMAD_ADDR": address, "NOMAD_CACERT": ca_file}
        wrong, left = _snapshot(tmp_path, env=env)
        assert "TLS with" in _one_error_line(wrong)
        assert left == []
        right, left = _snapshot(tmp_path, "--tls-server-name", "server.global.nomad", env=env)
    assert right.exit_code == 0, right.output
    assert left == ["cluster.snap"]


def test_tls_failure_without_the_ca(nomad, small, ca, tmp_path):
    _, address = _tls_server(nomad, small, ca)
    result, left = _snapshot(tmp_path, "--address", address)
    line = _one_error_line(result)
    assert f"TLS with {address} failed" in line
    assert "NOMAD_CACERT" in line
    assert left == []


def test_skip_verify_from_the_environment(nomad, small, ca, tmp_path):
    _, address = _tls_server(nomad, small, ca)
    result, left = _snapshot(tmp_path, env={"NOMAD_ADDR": address, "NOMAD_SKIP_VERIFY": "true"})
    assert result.exit_code == 0, result.output
    assert left == ["cluster.snap"]


def test_client_certificate(nomad, small, ca, tmp_path):
    """Mutual TLS: the server asks for a client certificate signed by the CA."""
    server_cert = ca.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_cert.configure_cert(context)
    ca.configure_trust(context)
    context.verify_mode = ssl.CERT_REQUIRED
    _, address = nomad(small, ssl_context=context)
    client = ca.issue_cert("client.global.nomad")
    with (
        ca.cert_pem.tempfile() as ca_file,
        client.cert_chain_pems[0].tempfile() as cert_file,
        client.private_key_pem.tempfile() as key_file,
    ):
        connection = Connection(
            address=address, ca_cert=ca_file, client_cert=cert_file, client_key=key_file
        )
        with NomadClient(connection, timeout=5, retries=0) as nomad_client:
            doc = capture_cluster(nomad_client)
    assert len(doc["Nodes"]) == len(small.nodes)


def test_cert_without_key_is_refused(tmp_path):
    result, left = _snapshot(tmp_path, env={"NOMAD_CLIENT_CERT": "/x.pem"})
    line = _one_error_line(result)
    assert "Both client cert and client key must be provided" in line
    assert left == []


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl for the CA hash name")
def test_tls_with_a_ca_directory(nomad, small, ca, tmp_path):
    """``NOMAD_CAPATH``: a directory of CA certificates named by their subject hash."""
    _, address = _tls_server(nomad, small, ca)
    folder = tmp_path / "cas"
    folder.mkdir()
    pem = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    digest = subprocess.run(
        ["openssl", "x509", "-hash", "-noout", "-in", str(pem)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pem.rename(folder / f"{digest}.0")
    result, left = _snapshot(tmp_path, env={"NOMAD_ADDR": address, "NOMAD_CAPATH": str(folder)})
    assert result.exit_code == 0, result.output
    assert left == ["cluster.snap"]


def test_output_folder_missing_or_a_directory(nomad, small, tmp_path):
    replay, address = nomad(small)
    missing = runner.invoke(
        app, ["snapshot", str(tmp_path / "no" / "x.snap"), "--address", address]
    )
    assert "the folder" in _one_error_line(missing)
    assert replay.requests == []  # checked before the cluster is read
    onto_folder = runner.invoke(app, ["snapshot", str(tmp_path), "--address", address])
    assert "is a directory" in _one_error_line(onto_folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == []
