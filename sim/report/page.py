"""The report as one HTML page: a Jinja2 template with autoescaping, styles, script and
pictures inlined, written whole or not at all.

Every value on the page is user input somewhere (node names, meta values, job names), so
autoescaping covers text and attributes alike; the only markup let through unescaped is the
package's own stylesheet and script (``templates/report.css``, ``report.js``). The pictures
are ``data:`` URIs of SVG (:mod:`sim.report.pictures`).
"""

from __future__ import annotations

from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import networkx as nx

from ..core.outfile import write_whole
from ..placement import PlacementPlan
from ..planning.headroom import UNITS, HeadroomRow, use_cell
from ..whatif import GroupResult, ScenarioRun
from .content import Content, WhyNot
from .pictures import (
    drawn_graph,
    graph_picture,
    headroom_picture,
    resilience_picture,
    sweep_picture,
)

NAMED_NODES = 5
"""Nodes named in a table cell; beyond it, a count per node class."""


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.report", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.do"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _with_filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters["loss_text"] = lambda g: f"{g.key} -{g.unplaced}: {g.reason}"
    env.filters["point_value"] = lambda name, point: point.values[name]
    return env


def _asset(name: str) -> str:
    return resources.files("sim.report").joinpath("templates", name).read_text("utf-8")


def placed_on(run: ScenarioRun, group: GroupResult) -> str:
    """Nodes that got the group's allocations: named when few, else counted per class."""
    per_node = Counter(group.placements or group.nodes)
    if len(per_node) <= NAMED_NODES:
        return ", ".join(f"{n} ×{k}" if k > 1 else n for n, k in per_node.items())
    table = run.table
    per_class: Counter[int] = Counter()
    for name, k in per_node.items():
        per_class[int(table.class_codes[table.name_index[name]])] += k
    return (
        f"{len(per_node)} nodes in {len(per_class)} classes ("
        + ", ".join(f"#{code} ×{k}" for code, k in per_class.most_common())
        + ")"
    )


def dry_runs(plan: PlacementPlan) -> list[tuple[str, str]]:
    """``nomad job plan``'s placement-failure block of each job that does not fully place."""
    return [(o.job.id, o.dry_run()) for o in plan.jobs if o.failed]


def implied(plan: PlacementPlan) -> list[tuple[str, str, str]]:
    """(group, constraint, why) for filtering constraints Nomad added at registration."""
    rows = []
    for outcome in plan.jobs:
        for group in outcome.job.task_groups:
            metric = outcome.failed.get(group.name)
            if metric is None:
                continue
            added = {
                str(c): c.implied_by
                for c in [*group.constraints, *(c for t in group.tasks for c in t.constraints)]
                if c.implied_by
            }
            rows += [
                (f"{outcome.job.id}/{group.name}", text, added[text])
                for text in metric.constraint_filtered
                if text in added
            ]
    return rows


def deployments(plan: PlacementPlan) -> list[tuple[str, str, str, str]]:
    """(job, pending allocations, Nomad's deployment description, after) per failing job."""
    return [
        (
            o.job.id,
            ", ".join(o.deployment.pending),
            o.deployment.deployment_description or "",
            o.deployment.after or "",
        )
        for o in plan.jobs
        if o.deployment.deployment_description
    ]


def state(group: GroupResult | None) -> str:
    """A group's status in one cell of the before → after table."""
    if group is None:
        return "(absent)"
    return f"{group.status} {group.placed}/{group.count}"


def headroom_cells(content: Content) -> tuple[list[str], list[list[Any]]]:
    """The headroom table as ``nomad-sim headroom`` prints it."""
    rows = content.headroom
    dims = HeadroomRow.dimensions(rows)
    header = ["scope", "value", "nodes"] + [
        f"{d}{'' if UNITS[d] == d else ' ' + UNITS[d]} used/capacity (largest fit)" for d in dims
    ]
    body = [[r.scope, r.value, r.nodes] + [use_cell(r.use[d], d) for d in dims] for r in rows]
    return header, body


CANNOT_START_CHECK = "placed but cannot start"  # as ``explain`` names the Bug #17 row


def why_not_rows(table: WhyNot) -> list[list[Any]]:
    """``explain``'s rows: feasible, cannot start, each failing check, each blind spot."""
    rows: list[list[Any]] = []
    for item in table.rows:
        base = [item.label, f"#{item.class_code}", item.node_count]
        if not item.findings:
            rows.append([*base, "feasible", "", ""])
        rows += [
            [*base, CANNOT_START_CHECK, "the tasks can start on the node", risk]
            for risk in item.start_risks
        ]
        rows += [[*base, f.check, f.required, f.actual] for f in item.findings]
        rows += [[*base, "note", spot, ""] for spot in item.blind_spots]
    return rows


def node_rows(content: Content) -> list[list[Any]]:
    return [
        [
            r.node_group,
            f"#{r.class_code}",
            r.label,
            r.node_class,
            r.datacenter,
            r.pool,
            r.kernel,
            r.nodes,
        ]
        for r in content.node_rows
    ]


def edge_rows(G: nx.Graph) -> list[list[Any]]:
    """Group, class, feasible nodes, allocations that fit, and the start problem if any."""
    rows = []
    for u, v, d in G.edges(data=True):
        group, klass = (u, v) if G.nodes[u].get("bipartite") == 0 else (v, u)
        rows.append(
            [
                G.nodes[group].get("name", str(group)),
                G.nodes[klass].get("label", str(klass)),
                d.get("weight", ""),
                d.get("fit", ""),
                d.get("start_problem") or "",
            ]
        )
    return rows


def render(content: Content, title: str = "") -> str:
    """The whole page as a string."""
    drawn, hidden = drawn_graph(content.graph)
    pictures = {
        "graph": graph_picture(drawn) if drawn.number_of_nodes() else "",
        "headroom": headroom_picture(content.headroom) if content.headroom else "",
        "resilience": [resilience_picture(r) for r in content.resilience],
        "sweep": (sweep_picture(content.sweep.points, content.sweep.grid) if content.sweep else ""),
    }
    run = content.run
    before = {g.key: g for g in content.change.before.groups} if content.change else {}
    template = _with_filters(_environment()).get_template("report.html.j2")
    return template.render(
        c=content,
        run=run,
        title=title or content.resolved.scenario.name or str(content.resolved.source),
        css=_asset("report.css"),
        script=_asset("report.js"),
        pictures=pictures,
        hidden_classes=hidden,
        dry_runs=dry_runs(run.plan),
        implied=implied(run.plan),
        deployments=deployments(run.plan),
        before=before,
        placed_on=placed_on,
        state=state,
        headroom=headroom_cells(content),
        node_rows=node_rows(content),
        why_not_rows=why_not_rows,
        edges=edge_rows(content.graph),
    )


def write_report(content: Content, path: Path, title: str = "") -> Path:
    """Render and write the page in one step (the old file stays until the new one is whole)."""
    text = render(content, title)
    return write_whole(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), suffix=".html")
