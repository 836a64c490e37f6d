"""Run work units serially or on a Dask cluster, and hand back results in the units' order.

A unit is ``function(shared, item)``: ``shared`` is what every unit reads (a resolved
scenario, a sweep's inputs) and is shipped once per worker; ``item`` is the unit's own small
part (a seed, a grid point). Both executors yield ``function(shared, item)`` for each item in
the order of ``items``, so a report is the same whichever ran it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

Progress = Callable[[int], None]

SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
# Units in flight per worker: enough to keep every worker busy while results come back,
# few enough that the results waiting for an earlier one stay a small, bounded buffer.
IN_FLIGHT_PER_WORKER = 32
CONNECT_TIMEOUT = "20s"


class Executor(Protocol):
    workers: int

    def map(
        self,
        function: Callable[[Any, Any], Any],
        shared: Any,
        items: Iterable[Any],
        progress: Progress | None = None,
    ) -> Iterator[Any]: ...

    def close(self) -> None: ...


class SerialExecutor:
    """Every unit in this process, one after another: the reference the others must match."""

    workers = 1

    def map(
        self,
        function: Callable[[Any, Any], Any],
        shared: Any,
        items: Iterable[Any],
        progress: Progress | None = None,
    ) -> Iterator[Any]:
        for item in items:
            result = function(shared, item)
            if progress is not None:
                progress(1)
            yield result

    def close(self) -> None:
        pass


class DaskExecutor:
    """Units on a ``distributed`` cluster: an embedded LocalCluster of ``workers`` processes,
    or the existing cluster whose scheduler is at ``address``.

    ``shared`` is scattered to every worker once (``broadcast``); at most
    ``IN_FLIGHT_PER_WORKER`` units per worker are submitted ahead of the first unfinished one,
    so memory holds that window, not every unit. A worker that dies has its units rescheduled
    by the Dask scheduler on the others (``distributed.scheduler.allowed-failures``).
    """

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        import logging

        from distributed import Client, LocalCluster

        # The report goes to stdout and progress to stderr; Dask's INFO chatter would bury both.
        logging.getLogger("distributed").setLevel(logging.CRITICAL)
        self._cluster = None
        if address:
            self._client = Client(address, timeout=CONNECT_TIMEOUT)
        else:
            self._cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # any free port: 8787 may be taken
                silence_logs=logging.CRITICAL,
            )
            self._client = Client(self._cluster)
        self.workers = max(len(self._client.scheduler_info(n_workers=-1)["workers"]), 1)

    def map(
        self,
        function: Callable[[Any, Any], Any],
        shared: Any,
        items: Iterable[Any],
        progress: Progress | None = None,
    ) -> Iterator[Any]:
        from distributed import as_completed

        client = self._client
        [inputs] = client.scatter([shared], broadcast=True, hash=False)
        window = IN_FLIGHT_PER_WORKER * self.workers
        pending = iter(enumerate(items))
        index_of: dict[object, int] = {}
        finished = as_completed()
        ready: dict[int, Any] = {}
        submitted = next_out = 0

        def submit_up_to(limit: int) -> None:
            nonlocal submitted
            while submitted < limit:
                step = next(pending, None)
                if step is None:
                    return
                index, item = step
                future = client.submit(function, inputs, item, pure=False)
                index_of[future.key] = index
                finished.add(future)
                submitted += 1

        try:
            submit_up_to(window)
            for future in finished:
                ready[index_of.pop(future.key)] = future.result()
                future.release()
                if progress is not None:
                    progress(1)
                while next_out in ready:
                    yield ready.pop(next_out)
                    next_out += 1
                submit_up_to(next_out + window)
        finally:
            client.cancel(list(finished.futures))
            inputs.release()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def executor_for(workers: int | None, address: str | None) -> Executor:
    """The scheduler at ``address``; without one, ``workers`` local processes (one worker:
    serially, in this process); with neither, ``DASK_SCHEDULER_ADDRESS`` when it is set,
    else one local worker process per core."""
    if workers is None and not address:
        address = os.environ.get(SCHEDULER_ENV) or None
    if address:
        return DaskExecutor(address=address)
    count = workers if workers is not None else os.cpu_count() or 1
    return DaskExecutor(workers=count) if count > 1 else SerialExecutor()
