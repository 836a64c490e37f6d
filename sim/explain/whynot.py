"""The why-not table: every check that fails, per computed node class or for one node.

Nomad records only the first failing check per node, and after the first node of a class it
records ``computed class ineligible`` instead of the constraint (hashicorp/nomad#17435). This
table lists every failing check with the node's actual value, notes nodes that never reached
the checks (not ready, other pool or datacenter), and flags the class-cache blind spots: nodes
of one class that differ in driver health, devices or networks, which Nomad's cache cannot see.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Node

from ..core.class_labels import table_class_labels
from ..core.nodetable import NodeTable
from ..feasibility import Finding, GroupFeasibility, node_findings
from ..placement.deployment import group_start_problems

_UNHASHED_FAMILIES = ("driver", "device", "network")


@dataclass
class ClassExplanation:
    """Why one computed class (or one node) is, or is not, feasible for a group."""

    label: str
    node_count: int
    example: str
    findings: list[Finding]
    blind_spots: list[str] = field(default_factory=list)
    start_risks: list[str] = field(default_factory=list)
    class_code: int | None = None

    @property
    def feasible(self) -> bool:
        return not self.findings

    @property
    def can_start(self) -> bool:
        """False when the group, placed here, could never start (Bug #17, Nomad cannot see it)."""
        return not self.start_risks


def _blind_spots(nodes: list[Node], feasibility: GroupFeasibility) -> list[str]:
    """Nodes whose unhashed checks disagree with the node that decided for the class."""
    checkers = [c for c in feasibility.stack.group_checkers if c.family in _UNHASHED_FAMILIES]
    if len(nodes) < 2 or feasibility.stack.group_escaped:
        return []
    decider = nodes[0]
    verdict = not any(c.findings(decider) for c in checkers)
    disagree = [n.name for n in nodes[1:] if (not any(c.findings(n) for c in checkers)) != verdict]
    if not disagree:
        return []
    outcome = "feasible" if verdict else "ineligible"
    shown = ", ".join(disagree[:5]) + (" ..." if len(disagree) > 5 else "")
    return [
        f"class-cache blind spot: {decider.name} decided the class {outcome}, but "
        f"{len(disagree)} node(s) differ in drivers, devices or networks ({shown})"
    ]


def _start_risks(node: Node, findings: list[Finding], feasibility: GroupFeasibility) -> list[str]:
    """Why the group could not start on a node the scheduler may choose; the Docker OS type is
    an attribute, so the class's first node speaks for the class as it does for feasibility."""
    return [] if findings else group_start_problems(feasibility.group, node)


def explain_group(
    table: NodeTable, feasibility: GroupFeasibility, node_name: str | None = None
) -> list[ClassExplanation]:
    """Per computed class (first node in visit order speaks for it), or one named node."""
    if node_name is not None:
        index = table.name_index.get(node_name)
        if index is None:
            raise KeyError(node_name)
        node = table.nodes[index]
        findings = node_findings(node, feasibility)
        risks = _start_risks(node, findings, feasibility)
        code = int(table.class_codes[index])
        return [ClassExplanation(node.name, 1, node.name, findings, [], risks, code)]
    candidates = set(feasibility.order.tolist())
    visit = list(feasibility.order.tolist()) + [i for i in range(table.n) if i not in candidates]
    members: dict[int, list[int]] = {}
    for index in visit:
        members.setdefault(int(table.class_codes[index]), []).append(index)
    labels = table_class_labels(table)
    out = []
    for code, indices in members.items():
        nodes = [table.nodes[i] for i in indices]
        findings = node_findings(nodes[0], feasibility)
        out.append(
            ClassExplanation(
                labels[code],
                len(nodes),
                nodes[0].name,
                findings,
                _blind_spots([n for i, n in zip(indices, nodes) if i in candidates], feasibility),
                _start_risks(nodes[0], findings, feasibility),
                code,
            )
        )
    return out
