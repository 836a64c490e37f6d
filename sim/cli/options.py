"""The options every command that reads a cluster shares, declared once.

``@cluster_options`` appends SCENARIO, ``--job``, ``--nodes``, ``--set``, ``--var-file``,
``--format`` and ``--seed`` to a command's signature (typer reads ``__signature__``) and hands
the command one :class:`Cluster` instead of seven parameters, so each command declares only
what is its own and every command reads its cluster the same way.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.models import ArgumentInfo

from .cluster import Cluster
from .render import OutputFormat

ScenarioArg = Annotated[
    Path | None,
    typer.Argument(
        metavar="SCENARIO",
        help="Scenario YAML (default: the bundled hashistack scenario).",
        show_default=False,
    ),
]


def _file_option(name: str, help: str) -> Any:
    return typer.Option(name, metavar="FILE", help=help)


JobFiles = Annotated[
    list[Path] | None,
    _file_option(
        "--job",
        "Nomad jobspec (HCL2) or job JSON instead of a scenario (repeatable; needs --nodes).",
    ),
]
NodesFile = Annotated[
    Path | None,
    _file_option(
        "--nodes",
        "Nomad node JSON (`nomad node status -json`) instead of a scenario (needs --job).",
    ),
]
Sets = Annotated[
    list[str] | None,
    typer.Option("--set", metavar="NAME=VALUE", help="Scenario variable (repeatable)."),
]
VarFiles = Annotated[
    list[Path] | None,
    _file_option(
        "--var-file", "terraform.tfvars or .tfvars.json with scenario variables (repeatable)."
    ),
]
Format = Annotated[
    OutputFormat, typer.Option("--format", help="What to print: a table, JSON or Markdown.")
]
Seed = Annotated[
    int,
    typer.Option(
        "--seed",
        min=0,
        metavar="N",
        help="Seed of the node shuffle Nomad does before it checks nodes (placement order).",
    ),
]

FailOnRisk = Annotated[
    bool,
    typer.Option(
        "--fail-on-risk/--no-fail-on-risk",
        help="Exit 3 also when a placement (after the change, or a replacement) cannot start.",
    ),
]

MaxPoints = Annotated[
    int,
    typer.Option(
        "--max-points",
        min=1,
        metavar="N",
        help="Refuse a search of more points than this (each point is one simulation).",
    ),
]

_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_SCENARIO = inspect.Parameter("scenario", _KEYWORD, default=None, annotation=ScenarioArg)
_FORMAT = inspect.Parameter("fmt", _KEYWORD, default=OutputFormat.table, annotation=Format)
_SOURCES = [
    inspect.Parameter("jobs", _KEYWORD, default=None, annotation=JobFiles),
    inspect.Parameter("nodes", _KEYWORD, default=None, annotation=NodesFile),
    inspect.Parameter("sets", _KEYWORD, default=None, annotation=Sets),
    inspect.Parameter("var_files", _KEYWORD, default=None, annotation=VarFiles),
]
_SEED = inspect.Parameter("seed", _KEYWORD, default=0, annotation=Seed)


def _is_argument(parameter: inspect.Parameter) -> bool:
    return any(
        isinstance(m, ArgumentInfo) for m in getattr(parameter.annotation, "__metadata__", ())
    )


def cluster_options(
    *, scenario: bool = True, output_format: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the common options; it receives them as ``cluster: Cluster``.

    ``scenario=False`` leaves out the SCENARIO argument (``diff`` names its own two);
    ``output_format=False`` leaves out ``--format`` (``graph`` writes files of other formats).
    """
    common_arguments = [_SCENARIO] if scenario else []
    common_options = [*_SOURCES, *([_FORMAT] if output_format else []), _SEED]

    def decorate(command: Callable[..., Any]) -> Callable[..., Any]:
        own = [
            p.replace(kind=_KEYWORD)
            for p in inspect.signature(command, eval_str=True).parameters.values()
            if p.name != "cluster"
        ]
        arguments = [p for p in own if _is_argument(p)]
        options = [p for p in own if not _is_argument(p)]
        parameters = [*arguments, *common_arguments, *options, *common_options]
        signature = inspect.Signature(parameters)

        @functools.wraps(command)
        def wrapper(**kwargs: Any) -> Any:
            bound = signature.bind(**kwargs)
            bound.apply_defaults()
            values = dict(bound.arguments)
            shared = {p.name: values.pop(p.name) for p in (*common_arguments, *common_options)}
            return command(cluster=Cluster.from_options(**shared), **values)

        wrapper.__signature__ = signature  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in parameters}
        return wrapper

    return decorate
