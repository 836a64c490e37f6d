"""The cluster edits (drain, remove, add, scale, job, priority) as options, and their moves
report.

``@edit_options`` gives a command ``--drain``, ``--remove``, ``--add``, ``--scale``,
``--plan`` and ``--priority`` and hands it one ``edits: list[Edit]`` (``whatif``, ``diff``,
``sweep``).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .render import OutputFormat, table

if TYPE_CHECKING:
    from ..whatif.outcome import ScenarioRun

Drains = Annotated[
    list[str] | None,
    typer.Option(
        "--drain", metavar="NODES", help="Drain nodes: NAME, ID or FIELD=VALUE[,...] (repeatable)."
    ),
]
Removals = Annotated[
    list[str] | None,
    typer.Option("--remove", metavar="NODES", help="Remove nodes, chosen as --drain (repeatable)."),
]
Additions = Annotated[
    list[str] | None,
    typer.Option("--add", metavar="N:NODE", help="Add N nodes like NODE (repeatable)."),
]
Scales = Annotated[
    list[str] | None,
    typer.Option("--scale", metavar="JOB[/GROUP]=N", help="Set a group's count (repeatable)."),
]
Priorities = Annotated[
    list[str] | None,
    typer.Option(
        "--priority",
        metavar="JOB=N",
        help="Set a job's priority (1-100); shows what it preempts or loses (repeatable).",
    ),
]
Plans = Annotated[
    list[Path] | None,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="Add or replace a job from a jobspec, as `nomad job plan` (repeatable).",
    ),
]


_KEYWORD = inspect.Parameter.KEYWORD_ONLY
_EDIT_PARAMETERS = [
    inspect.Parameter("drains", _KEYWORD, default=None, annotation=Drains),
    inspect.Parameter("removals", _KEYWORD, default=None, annotation=Removals),
    inspect.Parameter("additions", _KEYWORD, default=None, annotation=Additions),
    inspect.Parameter("scales", _KEYWORD, default=None, annotation=Scales),
    inspect.Parameter("plans", _KEYWORD, default=None, annotation=Plans),
    inspect.Parameter("priorities", _KEYWORD, default=None, annotation=Priorities),
]


def _evaluated(annotation: Any, command: Callable[..., Any]) -> Any:
    """A parameter's annotation as typer needs it: a string (postponed) evaluated where the
    command was defined."""
    return eval(annotation, command.__globals__) if isinstance(annotation, str) else annotation


def edit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command the cluster edit options; it receives them as ``edits: list[Edit]``
    (in ``edits_from``'s order). Goes below ``@cluster_options``. ``edits`` is not evaluated:
    its command module imports ``Edit`` for type checking only (the edits load with the
    command that takes them)."""
    own = [
        p.replace(kind=_KEYWORD, annotation=_evaluated(p.annotation, command))
        for p in inspect.signature(command).parameters.values()
        if p.name != "edits"
    ]
    signature = inspect.Signature([*own, *_EDIT_PARAMETERS])
    names = [p.name for p in _EDIT_PARAMETERS]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        from ..whatif.edits import edits_from

        specs = [kwargs.pop(name, None) or [] for name in names]
        return command(edits=edits_from(*specs), **kwargs)

    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper


def _nodes(counts: dict[str, int]) -> str:
    return ", ".join(f"{name}×{n}" if n > 1 else name for name, n in counts.items()) or "-"


def moves_report(before: ScenarioRun, after: ScenarioRun, fmt: OutputFormat) -> str:
    """What moved where, then what no longer places."""
    from ..whatif.moves import losses, moves

    parts = []
    moved = moves(before, after)
    if moved:
        rows: list[list[Any]] = [[m.group, _nodes(m.left), _nodes(m.arrived)] for m in moved]
        parts.append("Moves:\n" + table(fmt, ["JOB/GROUP", "LEFT", "PLACED ON"], rows))
    lost = losses(before, after)
    if lost:
        rows = [[g.group, g.before, g.after, g.blocking or "-"] for g in lost]
        header = ["JOB/GROUP", "PLACED BEFORE", "PLACED AFTER", "BLOCKED BY"]
        parts.append("No longer places:\n" + table(fmt, header, rows))
    return "\n\n".join(parts)


def moves_json(before: ScenarioRun, after: ScenarioRun) -> dict[str, Any]:
    from ..whatif.moves import losses, moves

    return {
        "Moves": [
            {"Group": m.group, "Left": m.left, "PlacedOn": m.arrived} for m in moves(before, after)
        ],
        "NoLongerPlaces": [
            {
                "Group": g.group,
                "PlacedBefore": g.before,
                "PlacedAfter": g.after,
                "BlockedBy": g.blocking or None,
            }
            for g in losses(before, after)
        ],
    }
