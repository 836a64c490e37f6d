"""``nomad-sim snapshot OUT``: a live cluster, read with GETs only, into one snapshot file.

Annotations are evaluated once, here (no ``from __future__ import annotations``): typer reads
the command's sixteen options on every run of every command, and would evaluate them twice.
"""

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from .outputs import writable


def _flag(name: str, help_: str) -> typer.models.OptionInfo:
    return typer.Option(name, help=help_)


@contextlib.contextmanager
def _bar(label: str, total: int) -> Iterator[Callable[[int], None]]:
    """One progress bar on stderr per phase; workers advance it from several threads."""
    lock = threading.Lock()
    with typer.progressbar(length=total, label=f"reading {label}", file=sys.stderr) as bar:

        def advance(n: int) -> None:
            with lock:
                bar.update(n)

        yield advance


def snapshot(
    output: Annotated[Path, typer.Argument(help="Snapshot file to write.")],
    address: Annotated[str | None, _flag("--address", "Nomad's address (NOMAD_ADDR).")] = None,
    token: Annotated[str | None, _flag("--token", "ACL token (NOMAD_TOKEN).")] = None,
    region: Annotated[str | None, _flag("--region", "Region (NOMAD_REGION).")] = None,
    namespace: Annotated[
        str | None, _flag("--namespace", "Only this namespace (NOMAD_NAMESPACE; default: all).")
    ] = None,
    ca_cert: Annotated[str | None, _flag("--ca-cert", "CA file (NOMAD_CACERT).")] = None,
    ca_path: Annotated[str | None, _flag("--ca-path", "CA directory (NOMAD_CAPATH).")] = None,
    client_cert: Annotated[
        str | None, _flag("--client-cert", "Client certificate (NOMAD_CLIENT_CERT).")
    ] = None,
    client_key: Annotated[
        str | None, _flag("--client-key", "Client key (NOMAD_CLIENT_KEY).")
    ] = None,
    tls_server_name: Annotated[
        str | None, _flag("--tls-server-name", "Name to verify (NOMAD_TLS_SERVER_NAME).")
    ] = None,
    tls_skip_verify: Annotated[
        bool | None,
        typer.Option(
            "--tls-skip-verify/--tls-verify", help="Skip TLS verification (NOMAD_SKIP_VERIFY)."
        ),
    ] = None,
    anonymized: Annotated[
        bool, _flag("--anonymize", "Hash node names, IDs, addresses and meta values.")
    ] = False,
    salt: Annotated[str, _flag("--salt", "Key of the --anonymize hashes.")] = "",
    parallel: Annotated[int, _flag("--parallel", "Requests at once.")] = 8,
    timeout: Annotated[float, _flag("--timeout", "Seconds per request.")] = 30.0,
    retries: Annotated[int, _flag("--retries", "Retries on timeouts and 5xx.")] = 3,
    per_page: Annotated[int, _flag("--per-page", "Items per list page.")] = 1000,
) -> None:
    """Capture a live cluster (nodes, jobs, running allocations, scheduler configuration,
    node pools, namespaces) into OUT, which every command then reads in place of a scenario.
    Connects as the nomad CLI does (NOMAD_ADDR, NOMAD_TOKEN, NOMAD_CACERT, ...)."""
    writable(output)  # before the cluster is read
    from ..capture import Connection, NomadClient, anonymize, capture_cluster, write_snapshot

    connection = Connection.from_env(
        os.environ,
        address=address,
        token=token,
        region=region,
        namespace=namespace,
        ca_cert=ca_cert,
        ca_path=ca_path,
        client_cert=client_cert,
        client_key=client_key,
        tls_server_name=tls_server_name,
        skip_verify=tls_skip_verify,
    )
    with NomadClient(connection, timeout=timeout, retries=retries, pool=parallel) as client:
        document = capture_cluster(client, parallel=parallel, per_page=per_page, progress=_bar)
    if anonymized:
        document, notes = anonymize(document, salt)
        for note in notes:
            typer.echo(f"note: {note}", err=True)
    written = write_snapshot(document, output)
    typer.echo(
        f"wrote {written}: {len(document['Nodes'])} nodes, {len(document['Jobs'])} jobs, "
        f"{len(document['Allocations'])} running allocations"
        + (" (anonymized)" if anonymized else "")
    )
