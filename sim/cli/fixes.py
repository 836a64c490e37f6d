"""What ``fix`` prints: per problem group, the verified proposals ranked, and plainly when
no count can help, which request no node group meets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .render import OutputFormat

if TYPE_CHECKING:
    from ..whatif.proposals import FixReport, Proposal, Unmet


def _problem(g: Any) -> str:
    if g.unplaced:
        return f"{g.key}: {g.status} {g.placed}/{g.count}, blocked by {g.blocking or '-'}"
    return f"{g.key}: {g.status} {g.placed}/{g.count} ({'; '.join(g.risks)})"


def _proposal_lines(rank: int, p: Proposal) -> list[str]:
    lines = [f"{rank}. {p.kind}: {p.change}" + (":" if p.hcl else "")]
    lines += [f"     {line}" for line in p.hcl.splitlines()]
    lines.append(f"   verified: {p.verified}")
    return lines


# Node groups named per unplaceable group in text (those that lack least); JSON has all.
NAMED_NODE_GROUPS = 6


def _unmet_lines(u: Unmet, max_count: int) -> list[str]:
    lines = [
        f"no count can help: up to {max_count} added nodes of any node group do not place "
        f"{u.group}; what each node group lacks:"
    ]
    shown = list(u.requests.items())[:NAMED_NODE_GROUPS]
    lines += [f"  {name}: {text}" for name, text in shown]
    more = len(u.requests) - len(shown)
    if more:
        lines.append(f"  ... and {more} more node groups (--format json lists every one)")
    return lines


def fix_text(report: FixReport, max_count: int, fmt: OutputFormat) -> str:
    if not report.problems:
        return "every task group places and every placement can start: nothing to fix"
    markdown = fmt is OutputFormat.markdown
    blocks = []
    for g in report.problems:
        body: list[str] = []
        unmet = next((u for u in report.unmet if u.group == g.key), None)
        if unmet is not None:
            body += _unmet_lines(unmet, max_count)
        mine = [p for p in report.proposals if p.group == g.key]
        for rank, p in enumerate(mine, 1):
            body += _proposal_lines(rank, p)
        if not mine:
            body.append("no verified fix: no single change above places it where it can start")
        if markdown:
            blocks.append(f"- **{_problem(g)}**\n" + "\n".join(f"    {line}" for line in body))
        else:
            blocks.append(_problem(g) + "\n" + "\n".join(f"  {line}" for line in body))
    return "\n\n".join(blocks)


def fix_json(report: FixReport, max_count: int) -> dict[str, Any]:
    return {
        "problems": [
            {
                "group": g.key,
                "status": g.status,
                "placed": g.placed,
                "count": g.count,
                "blocked_by": g.blocking or None,
                "risks": g.risks,
            }
            for g in report.problems
        ],
        "proposals": [
            {
                "group": p.group,
                "rank": [q for q in report.proposals if q.group == p.group].index(p) + 1,
                "kind": p.kind,
                "change": p.change,
                "hcl": p.hcl or None,
                "verified": p.verified,
                "nodes_added": p.nodes_added,
                "variables": p.variables or None,
            }
            for p in report.proposals
        ],
        "no_count_helps": [{"group": u.group, "node_groups": u.requests} for u in report.unmet],
        "max_count": max_count,
        "simulations": report.simulations,
        "settled": report.settled,
    }
