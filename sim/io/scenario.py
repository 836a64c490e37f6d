"""Scenario files: YAML → variables resolved → node groups expanded → jobs loaded.

Precedence of variable values: scenario defaults ← each ``--var-file`` in order ← ``--set``.
Node groups expand to ``count`` nodes named ``<group>-<i>``, with IDs derived from scenario,
group and index (see ``_id_prefix``), so runs, diffs and explanations are reproducible.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, ValidationError

from models import Job, Node
from models.scenario import Allocation, JobFile, NodeGroup, Scenario, count_error

from ..core import limits
from ..core.errors import InputError
from .detect import is_snapshot
from .files import read_text
from .interpolate import ExpressionError, Scope, render_tree
from .loaders import check_job, load_jobs, load_nodes, registered
from .not_scenario import explain_failure, refuse_before_yaml
from .pydantic_errors import field_path, input_error
from .resolved import ResolvedScenario
from .strict import unknown_key
from .tfvars import load_tfvars
from .variables import Declared, layer_values, type_of
from .yaml_source import YamlDocument, parse_yaml

_ID_NAMESPACE = uuid.UUID("6f1c1d52-6a55-4d0e-9b5e-6e6f6d61642d")
_BARE_VAR = re.compile(r"var\.[A-Za-z_][\w-]*")
_VAR_NAME = re.compile(r"var\.([A-Za-z_][\w-]*)")


def load_scenario(
    path: str | Path,
    overrides: Mapping[str, object] | None = None,
    var_files: Iterable[str | Path] = (),
) -> ResolvedScenario:
    path = Path(path)
    if is_snapshot(path):
        raise InputError(
            "a nomad-sim snapshot, not a scenario: it has no variables to set or vary; "
            "change it with whatif --drain/--remove/--add/--scale/--job",
            path,
        )
    doc, scenario = _read(path, ())
    loader = _Loader(path, doc, scenario)
    values = loader.variables(overrides or {}, [Path(f) for f in var_files])
    nodes, group_of = loader.nodes({"var": values})
    jobs = loader.jobs({"var": values})
    allocations = loader.allocations(nodes, jobs)
    return ResolvedScenario(
        scenario, values, nodes, group_of, jobs, allocations, path, loader.warnings
    )


def _read(path: Path, chain: tuple[Path, ...]) -> tuple[YamlDocument, Scenario]:
    """Parse and validate one file, with its ``extends`` base merged under it."""
    text = read_text(path)
    refuse_before_yaml(path, text)
    try:
        doc = parse_yaml(text, path)
    except InputError as error:
        raise explain_failure(path, error) from None
    if not isinstance(doc.data, dict):
        not_mapping = InputError("expected a mapping with name, node_groups and jobs", path, 1)
        raise explain_failure(path, not_mapping)
    data = doc.data
    try:
        scenario = Scenario.model_validate(data)
        if scenario.extends is not None:
            data = {**_base_data(path, scenario.extends, chain), **data}
            scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, path, line_of=doc.line_of) from None
    return doc, scenario


def _base_data(path: Path, extends: str, chain: tuple[Path, ...]) -> dict[str, Any]:
    """The base scenario as data, its relative paths made relative to the extending file."""
    base_path = path.parent / extends
    if base_path.resolve() in chain or base_path.resolve() == path.resolve():
        raise InputError(f"`extends` loops back to {extends}", path)
    _, base = _read(base_path, (*chain, path.resolve()))
    where = base_path.parent
    groups = [
        g.model_copy(update={"from_": str(where / g.from_)}) if g.from_ else g
        for g in base.node_groups
    ]
    jobs = [
        j.model_copy(update={"file": str(where / j.file)}) if isinstance(j, JobFile) else j
        for j in base.jobs
    ]
    # Field names, not aliases: every scenario model also accepts them (populate_by_name).
    based = base.model_copy(update={"node_groups": groups, "jobs": jobs})
    return based.model_dump(exclude={"extends"})


class _Loader:
    """The steps of load_scenario, sharing the file, its YAML positions and the warnings."""

    def __init__(self, source: Path, doc: YamlDocument, scenario: Scenario):
        self.source, self.doc, self.scenario = source, doc, scenario
        self.base = source.parent
        self.warnings: list[str] = []
        self.origins: dict[str, str] = {}  # variable -> the var file or `--set NAME` giving it

    def fail(self, loc: tuple[Any, ...], message: str) -> InputError:
        return InputError(message, self.source, self.doc.line_of(loc))

    def render(self, value: Any, loc: tuple[Any, ...], scope: Scope, *, strict: bool) -> Any:
        try:
            return render_tree(value, scope, strict=strict)
        except ExpressionError as exc:
            where = ".".join(str(p) for p in loc)
            raise self.fail(loc, f"{where}: {exc}") from None

    def variables(self, overrides: Mapping[str, object], var_files: list[Path]) -> dict[str, Any]:
        declared = {
            name: Declared(name, v.default, type_of(v.default))
            if v.default is not None
            else Declared(name)
            for name, v in self.scenario.variables.items()
        }
        layers: list[tuple[Mapping[str, Any], str | None]] = []
        for var_file in var_files:
            values = load_tfvars(var_file)
            layers.append((values, str(var_file)))
            ignored = sorted(set(values) - set(declared))
            if ignored:
                self.warnings.append(
                    f"{var_file}: ignored {len(ignored)} value(s) this scenario does not use: "
                    + ", ".join(ignored)
                )
        layers.append((overrides, None))
        return layer_values(declared, layers, self.source, self.origins, set_flag="--set")

    def nodes(self, scope: Scope) -> tuple[list[Node], list[str]]:
        nodes: list[Node] = []
        group_of: list[str] = []
        for g, group in enumerate(self.scenario.node_groups):
            count = self._count(group, g, scope)
            if limits.NODES.exceeded(len(nodes) + count):
                raise self._blame(
                    group, g, limits.NODES.message(len(nodes) + count, "the scenario's node count")
                )
            template = self._template(group, g, scope)
            prefix = _id_prefix(self.scenario.name, group.name)
            for i in range(count):
                name = f"{group.name}-{i}"
                attributes = {**template.attributes, "unique.hostname": name}
                update = {"id": f"{prefix}{i:012x}", "name": name, "attributes": attributes}
                nodes.append(template.model_copy(update=update))
            group_of.extend([group.name] * count)
        return nodes, group_of

    def _count(self, group: NodeGroup, g: int, scope: Scope) -> int:
        raw = group.count
        if isinstance(raw, str) and _BARE_VAR.fullmatch(raw.strip()):
            raw = "${" + raw.strip() + "}"
        value = self.render(raw, ("node_groups", g, "count"), scope, strict=True)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._blame(group, g, count_error(group.name, value))
        return value

    def _blame(self, group: NodeGroup, g: int, message: str) -> InputError:
        """An error about a group's count, against the var file or ``--set`` that gave it."""
        loc = ("node_groups", g, "count")
        names = _VAR_NAME.findall(str(group.count))
        given_by = {self.origins[n] for n in names if n in self.origins}
        if len(given_by) != 1:
            return self.fail(loc, message)
        line = self.doc.line_of(loc)
        used = f"{self.source}:{line}" if line else str(self.source)
        return InputError(f"{message} (used by {field_path(loc)} in {used})", given_by.pop())

    def _template(self, group: NodeGroup, g: int, scope: Scope) -> Node:
        """One validated Node per group; expansion then only copies it."""
        if group.from_ is not None:
            base = self._from_node(group, group.from_, g)
            data = _deep_merge(base, _field_names(Node, group.overrides))
            loc: tuple[Any, ...] = ("node_groups", g, "overrides")
        else:
            data, loc = _with_host_network(group.template or {}), ("node_groups", g, "template")
        data = self.render(data, loc, scope, strict=True)
        self._refuse_unknown(Node, group.overrides if group.from_ else data, loc)
        try:
            return Node.model_validate(data)
        except ValidationError as exc:
            raise input_error(exc, self.source, loc, self.doc.line_of) from None

    def _refuse_unknown(self, model: type[BaseModel], data: Any, loc: tuple[Any, ...]) -> None:
        found = unknown_key(model, data)
        if found is not None:
            where, hint = (*loc, *found[0]), found[1]
            raise self.fail(where, f"{field_path(where)}: {hint}")

    def _from_node(self, group: NodeGroup, source: str, g: int) -> dict[str, Any]:
        loaded = load_nodes(self.base / source)
        self.warnings.extend(loaded.warnings)
        if len(loaded.nodes) != 1:
            raise self.fail(
                ("node_groups", g, "from"),
                f"node group {group.name!r}: `from` must name one node, "
                f"{source} has {len(loaded.nodes)}",
            )
        return loaded.nodes[0].model_dump()

    def jobs(self, scope: Scope) -> list[Job]:
        jobs: list[Job] = []
        where: dict[tuple[str, str], int] = {}
        for j, entry in enumerate(self.scenario.jobs):
            if isinstance(entry, JobFile):
                found = load_jobs(self.base / entry.file, entry.variables or None)
            else:
                data = self.render(entry, ("jobs", j), scope, strict=False)
                self._refuse_unknown(Job, data, ("jobs", j))
                try:
                    found = [registered(Job.model_validate(data), self.source)]
                except ValidationError as exc:
                    raise input_error(exc, self.source, ("jobs", j), self.doc.line_of) from None
                check_job(found[0], self.source, self.doc.line_of(("jobs", j)))
            for job in found:
                key = (job.namespace, job.id)
                if key in where:
                    raise self.fail(("jobs", j), f"job {job.id!r} is also jobs[{where[key]}]")
                where[key] = j
            jobs.extend(found)
        return jobs

    def allocations(self, nodes: list[Node], jobs: list[Job]) -> list[Allocation]:
        names = {node.name for node in nodes}
        by_id = {job.id: job for job in jobs}
        out = []
        per_job: dict[str, int] = {}
        for a, alloc in enumerate(self.scenario.allocations):
            loc = ("allocations", a)
            per_job[alloc.job] = per_job.get(alloc.job, 0) + alloc.count
            if limits.JOB_MAX_COUNT.exceeded(per_job[alloc.job]):
                what = f"allocations[{a}]: running allocations of job {alloc.job!r}"
                raise self.fail(
                    (*loc, "count"), limits.JOB_MAX_COUNT.message(per_job[alloc.job], what)
                )
            if alloc.node not in names:
                raise self.fail((*loc, "node"), f"allocations[{a}]: no node named {alloc.node!r}")
            job = by_id.get(alloc.job)
            if job is None:
                if alloc.resources is None:
                    raise self.fail(
                        loc,
                        f"allocations[{a}]: job {alloc.job!r} is not in the scenario; "
                        "give its resources",
                    )
                out.append(alloc)
                continue
            groups = [group.name for group in job.task_groups]
            group = alloc.group or (groups[0] if len(groups) == 1 else "")
            if group not in groups:
                raise self.fail(
                    (*loc, "group"),
                    f"allocations[{a}]: job {alloc.job!r} has groups {', '.join(groups)}; "
                    f"got {alloc.group!r}",
                )
            out.append(alloc.model_copy(update={"group": group}))
        return out


def _id_prefix(scenario: str, group: str) -> str:
    """The first 24 hex digits of uuid5(scenario/group); the index fills the last 12.

    One uuid5 per group instead of per node: hashing dominated expanding 5,000 nodes.
    """
    return str(uuid.uuid5(_ID_NAMESPACE, f"{scenario}/{group}"))[:24]


DEFAULT_HOST_NETWORK = {"mode": "host", "device": "eth0", "m_bits": 1000}


def _with_host_network(template: dict[str, Any]) -> dict[str, Any]:
    """A template that says nothing of networks gets the host network every client fingerprints.

    Nomad's NetworkChecker filters nodes without a host-mode network as ``missing network``
    even for groups with no ``network`` block; a real client always reports one. An explicit
    ``networks: []`` is kept as written.
    """
    resources = template.get("node_resources", template.get("NodeResources")) or {}
    if any(key in resources for key in ("networks", "Networks")):
        return template
    return {**template, "node_resources": {**resources, "networks": [DEFAULT_HOST_NETWORK]}}


def _deep_merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _field_names(model: type[BaseModel], data: Mapping[str, Any]) -> dict[str, Any]:
    """Rename keys to field names (``class``/``NodeClass`` → ``node_class``), recursively.

    Overrides may use any spelling the model accepts; the dumped ``from`` node uses field
    names, so both must agree before the deep merge or both spellings would survive.
    """
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        choices = (
            info.validation_alias.choices if isinstance(info.validation_alias, AliasChoices) else []
        )
        for alias in (name, info.alias, *choices):
            if isinstance(alias, str):
                names[alias] = name
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = names.get(key, key)
        field_info = model.model_fields.get(name)
        sub = field_info.annotation if field_info else None
        if isinstance(value, Mapping) and isinstance(sub, type) and issubclass(sub, BaseModel):
            value = _field_names(sub, value)
        out[name] = value
    return out
