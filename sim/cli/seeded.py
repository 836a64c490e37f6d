"""``--seeds``, ``--workers`` and ``--scheduler``: the Monte Carlo options of check, whatif,
capacity, resilience and sweep, declared once.

``@with_seeds(NAME)`` goes above ``@cluster_options()``. Without ``--seeds`` the command runs
exactly as it always has (one seed, the same output); with ``--seeds`` the run goes to
``sim.cli.montecarlo``'s ``NAME_seeds`` handler, which reports distributions over the seeds.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

import msgspec
import typer

from ..core.errors import InputError
from ..montecarlo.executor import Executor, Progress, executor_for
from ..montecarlo.seeds import parse_seeds
from .cluster import Cluster

Seeds = Annotated[
    str | None,
    typer.Option(
        "--seeds",
        metavar="N|A-B",
        help="Run every seed of Nomad's node shuffle (N: seeds 0..N-1; A-B: A to B) and "
        "report distributions instead of one outcome.",
        show_default=False,
    ),
]
Workers = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        metavar="N",
        help="Dask worker processes on this machine; 1 runs in this process (default: the "
        "cluster at $DASK_SCHEDULER_ADDRESS if set, else one process per core).",
        show_default=False,
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="Run the units on the existing Dask cluster at this address.",
        show_default=False,
    ),
]
SeedsPlot = Annotated[
    Path | None,
    typer.Option(
        "--plot",
        metavar="FILE",
        help="With --seeds: chart the probabilities, FILE.png or FILE.svg.",
        show_default=False,
    ),
]

_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_OPTIONS = [
    inspect.Parameter("seeds", _KEYWORD, default=None, annotation=Seeds),
    inspect.Parameter("workers", _KEYWORD, default=None, annotation=Workers),
    inspect.Parameter("scheduler", _KEYWORD, default=None, annotation=Scheduler),
]
_PLOT = inspect.Parameter("plot", _KEYWORD, default=None, annotation=SeedsPlot)
_CLUSTER_NAMES = ("scenario", "jobs", "nodes", "sets", "var_files", "fmt", "seed")

_EXECUTOR: ContextVar[Executor | None] = ContextVar("sweep_executor", default=None)


class Runs(msgspec.Struct, frozen=True):
    """The seeds to run and where: ``workers`` local processes or the cluster at
    ``scheduler`` (see :func:`sim.montecarlo.executor_for`)."""

    seeds: range
    workers: int | None = None
    scheduler: str | None = None

    @contextmanager
    def executor(self, units: int, label: str) -> Iterator[tuple[Executor, Progress]]:
        """An executor for ``units`` units and a progress bar on stderr; closed afterwards."""
        chosen = executor_for(self.workers if units > 1 else 1, self.scheduler)
        try:
            with typer.progressbar(length=units, label=label, file=sys.stderr) as bar:
                yield chosen, bar.update
        finally:
            chosen.close()

    def to_json(self) -> dict[str, int]:
        return {"first": self.seeds.start, "last": self.seeds[-1], "count": len(self.seeds)}

    @property
    def label(self) -> str:
        return f"seeds {self.seeds.start}..{self.seeds[-1]}"


def with_seeds(
    name: str, *, plot: bool = False, distributes: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``--seeds``/``--workers``/``--scheduler`` (and ``--plot`` when ``plot``) to a
    command decorated with ``@cluster_options()``.

    ``distributes``: without ``--seeds`` the command itself runs its units on the executor
    that ``--workers``/``--scheduler`` name (:func:`current_executor`); otherwise those two
    options need ``--seeds``.
    """

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        own = list(inspect.signature(command).parameters.values())
        signature = inspect.Signature([*own, *_OPTIONS, *([_PLOT] if plot else [])])

        @functools.wraps(command)
        def wrapper(**given: Any) -> Any:
            bound = signature.bind(**given)
            bound.apply_defaults()  # ``ctx.invoke(check)`` (no COMMAND) passes no options
            kwargs = dict(bound.arguments)
            seeds, workers, scheduler = (kwargs.pop(k) for k in ("seeds", "workers", "scheduler"))
            chart = kwargs.pop("plot") if plot else None
            if seeds is None:
                if chart is not None:
                    raise InputError("--plot goes with --seeds here")
                if workers is None and scheduler is None:
                    return command(**kwargs)
                if not distributes:
                    raise InputError("--workers and --scheduler go with --seeds")
                chosen = executor_for(workers, scheduler)
                token = _EXECUTOR.set(chosen)
                try:
                    return command(**kwargs)
                finally:
                    _EXECUTOR.reset(token)
                    chosen.close()
            if kwargs.get("seed"):
                raise InputError("give --seed or --seeds, not both")
            runs = Runs(parse_seeds(seeds), workers, scheduler)
            options = {k: kwargs.pop(k) for k in _CLUSTER_NAMES if k in kwargs}
            from . import montecarlo

            handler = getattr(montecarlo, f"{name}_seeds")
            extra = {"plot": chart} if plot else {}
            return handler(Cluster.from_options(**options), runs, **kwargs, **extra)

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
        return wrapper

    return decorate


def current_executor() -> Executor | None:
    """The executor ``--workers``/``--scheduler`` chose for a one-seed run, if any."""
    return _EXECUTOR.get()
