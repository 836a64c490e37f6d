"""What happens after placement: can the client start the tasks, and what the deployment says.

The scheduler's job ends when a node is chosen (``scheduler/generic_sched.go:
computePlacements``): an allocation on a node where its
tasks can never start stays ``pending`` and, for a service job with an ``update`` block, the
deployment fails when the group's progress deadline passes (``Failed due to progress
deadline``, nomad/deploymentwatcher/deployment_watcher.go). The one start failure modelled is
the Bug #17 one: a Docker image for one OS on a Docker daemon of the other
(``attr.driver.docker.os_type``). Nomad cannot see this; the simulator warns about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models import Node, Task, TaskGroup

from ..core.gofmt import go_quote

WINDOWS_IMAGE_HINTS = ("mcr.microsoft.com/windows", "nanoserver", "servercore")
PLACED = "placed"
CANNOT_START = "placed-but-cannot-start"
NOT_PLACED = "not-placed"
PARTIAL = "partially-placed"
PROGRESS_DEADLINE = "Failed due to progress deadline"
UNHEALTHY = "Failed due to unhealthy allocations"


def image_os(task: Task) -> str:
    """``windows`` when the image names a Windows base or the task meta says so, else ``linux``."""
    if task.meta.get("os", "").lower() == "windows":
        return "windows"
    image = str(task.config.get("image", "")).lower()
    return "windows" if any(h in image for h in WINDOWS_IMAGE_HINTS) else "linux"


def start_problem(task: Task, node: Node) -> str | None:
    """Why ``task`` cannot start on ``node``, or None when nothing is known against it."""
    if task.driver != "docker":
        return None
    daemon = node.attributes.get("driver.docker.os_type", "")
    wanted = image_os(task)
    if not daemon or daemon == wanted:
        return None
    image = str(task.config.get("image", ""))
    return (
        f"task {go_quote(task.name)}: {wanted.capitalize()} image {go_quote(image)} on a "
        f"{daemon.capitalize()} Docker node (attr.driver.docker.os_type = {daemon}); "
        "the allocation stays pending"
    )


def group_start_problems(group: TaskGroup, node: Node) -> list[str]:
    return [p for t in group.tasks if (p := start_problem(t, node)) is not None]


def start_problems_per_node(group: TaskGroup, nodes: list[Node]) -> list[list[str]]:
    """``group_start_problems`` for many nodes, computed once per Docker OS type seen."""
    seen: dict[str, list[str]] = {}
    out = []
    for node in nodes:
        daemon = node.attributes.get("driver.docker.os_type", "")
        if daemon not in seen:
            seen[daemon] = group_start_problems(group, node)
        out.append(seen[daemon])
    return out


def go_duration(ns: int) -> str:
    """Go ``time.Duration.String`` for whole seconds and above: ``10m0s``, ``1h0m0s``."""
    seconds, rem = divmod(int(ns), 1_000_000_000)
    if rem or seconds == 0:
        return f"{ns / 1e9:g}s"
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if hours:
        return f"{hours}h{minutes}m{seconds}s"
    if minutes:
        return f"{minutes}m{seconds}s"
    return f"{seconds}s"


@dataclass
class DeploymentOutcome:
    """The predicted end state of a job: placement status and, for services, the deployment."""

    status: str
    reasons: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    deployment_status: str | None = None
    deployment_description: str | None = None
    after: str | None = None

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def predict(
    job_type: str, groups: list[tuple[TaskGroup, int, list[tuple[str, Node]]]]
) -> DeploymentOutcome:
    """``groups``: (group, unplaced count, [(alloc name, node)]) per task group."""
    reasons: list[str] = []
    pending: list[str] = []
    deadlines: list[int] = []
    unplaced = sum(u for _, u, _ in groups)
    placed = sum(len(a) for _, _, a in groups)
    for group, _, allocs in groups:
        stuck = False
        problems_per_node = start_problems_per_node(group, [node for _, node in allocs])
        for (name, node), problems in zip(allocs, problems_per_node, strict=True):
            if problems:
                stuck = True
                pending.append(name)
                reasons.extend(f"{name} on {node.name}: {p}" for p in problems)
        if stuck and job_type == "service" and group.update is not None:
            deadlines.append(group.update.progress_deadline)
    if pending:
        status = CANNOT_START
    elif unplaced:
        status = PARTIAL if placed else NOT_PLACED
    else:
        status = PLACED
    outcome = DeploymentOutcome(status, reasons, pending)
    if deadlines:
        deadline = min(deadlines)
        outcome.deployment_status = "failed"
        if deadline == 0:
            outcome.deployment_description = UNHEALTHY
        else:
            outcome.deployment_description = PROGRESS_DEADLINE
            outcome.after = go_duration(deadline)
    return outcome
