"""A stand-in Nomad on 127.0.0.1 (scripts/nomad_replay.py on pytest-httpserver), per test."""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from scripts.nomad_replay import Cluster, Replay, serve

REAL_API = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "real" / "api"

logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request otherwise

Serve = Callable[..., tuple[Replay, str]]


@pytest.fixture
def nomad() -> Iterator[Serve]:
    """``nomad(cluster, ssl_context=None)`` starts a replay server and gives its address."""
    servers: list[HTTPServer] = []

    def start(cluster: Cluster, ssl_context: ssl.SSLContext | None = None) -> tuple[Replay, str]:
        server = HTTPServer(host="127.0.0.1", port=0, ssl_context=ssl_context, threaded=True)
        replay = Replay(cluster)
        serve(server, replay)
        server.start()
        servers.append(server)
        scheme = "https" if ssl_context else "http"
        return replay, f"{scheme}://127.0.0.1:{server.port}"

    yield start
    for server in servers:
        server.clear()
        server.stop()
