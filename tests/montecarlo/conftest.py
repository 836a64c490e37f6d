"""A real Dask cluster on the loopback address, shared by the module's distributed tests:
two worker processes behind nannies (a killed worker comes back), no dashboard."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def dask_cluster() -> Iterator[object]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # any free port: 8787 may be taken
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster
