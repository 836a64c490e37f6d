"""The file-level entry points for jobs and nodes: detect the artifact, then read it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from models import Job

from ..core import limits
from ..core.errors import InputError
from ..core.gofmt import go_quote
from ..core.implied import apply_registration_hooks
from ..core.jobvalidate import validate_job
from .detect import Detected, Kind, detect
from .files import MappedText
from .job_json import job_from_api, jobs_from_api
from .node_decode import decode_nodes
from .node_json import NodeLoad, nodes_from_api
from .node_records import decode_records

ENV_VAR_PREFIX = "NOMAD_VAR_"
"""Environment variables that set a jobspec's variables (jobspec2 ``VarEnvPrefix``)."""


def load_jobs(
    path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> list[Job]:
    """Every job in a jobspec (HCL, one job) or job JSON (one object or an array).

    ``env``, ``var_files`` and ``overrides`` set a jobspec's variables as ``NOMAD_VAR_*``,
    ``-var-file`` and ``-var`` do (the CLI passes its environment; the library reads none
    unless given). Parsed jobs are cached per (file, modification time, overrides, env), so
    what-ifs and sweeps that reload a scenario do not parse its jobspecs again; treat the
    jobs as read-only.
    """
    env_vars = {k: v for k, v in (env or {}).items() if k.startswith(ENV_VAR_PREFIX)}
    if var_files:
        return _load_jobs(path, overrides, var_files, env_vars)
    try:
        stat = Path(path).stat()
    except OSError:
        return _load_jobs(path, overrides, (), env_vars)
    key = json.dumps([overrides, env_vars], sort_keys=True, default=str)
    return list(_cached_jobs(str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size, key))


@lru_cache(maxsize=256)
def _cached_jobs(path: str, _mtime: int, _size: int, key: str) -> tuple[Job, ...]:
    overrides, env = json.loads(key)
    return tuple(_load_jobs(path, overrides, (), env))


def _load_jobs(
    path: str | Path,
    overrides: Mapping[str, Any] | None,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> list[Job]:
    """Read, register (Nomad's mutators), then validate, in the order ``Job.Register`` does."""
    found = detect(path)
    return [
        check_job(registered(job, found.source), found.source)
        for job in _read_jobs(found, overrides, var_files, env)
    ]


def _read_jobs(
    found: Detected,
    overrides: Mapping[str, Any] | None,
    var_files: Sequence[str | Path],
    env: Mapping[str, str] | None,
) -> list[Job]:
    if found.kind is Kind.HCL_JOB:
        from .hcl_job import job_from_hcl  # the HCL machinery only for HCL jobspecs

        return [job_from_hcl(found.source, overrides, found.data, var_files, env)]
    if overrides or var_files:
        raise InputError("variables can only be set for HCL jobspecs", source=found.source)
    if found.kind is Kind.JOB:
        return [job_from_api(found.data, found.source)]
    if found.kind is Kind.JOBS:
        return jobs_from_api(found.data, found.source)
    if found.kind is Kind.EMPTY:
        raise InputError("an empty JSON array: expected at least one job", source=found.source)
    raise _wrong_kind(found, "a job")


def check_job(job: Job, source: str | Path, line: int | None = None) -> Job:
    """Refuse a job Nomad would refuse at submission (``Job.Validate``), with its messages."""
    problems = validate_job(job)
    if not problems:
        return job
    shown = "; ".join(str(p) for p in problems[:3])
    more = f" (and {len(problems) - 3} more problem(s))" if len(problems) > 3 else ""
    raise InputError(f"job {go_quote(job.id)}: {shown}{more}", source, line)


def registered(job: Job, source: str | Path) -> Job:
    """The job as Nomad stores it once registered: its implied constraints and proxy tasks.

    Every command reads jobs through here, so feasibility, placement and explanations all
    see what Nomad's scheduler sees. A job Nomad's hooks refuse is an input error.
    """
    try:
        return apply_registration_hooks(job)
    except InputError as exc:
        raise InputError(f"job {go_quote(job.id)}: {exc.message}", source=source) from None


def load_job(
    path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    var_files: Sequence[str | Path] = (),
    env: Mapping[str, str] | None = None,
) -> Job:
    """Exactly one job from an HCL jobspec or job JSON."""
    jobs = load_jobs(path, overrides, var_files=var_files, env=env)
    if len(jobs) != 1:
        raise InputError(f"expected one job, found {len(jobs)}; use load_jobs", source=path)
    return jobs[0]


def load_nodes(path: str | Path) -> NodeLoad:
    """Full node JSON (one object or an array); list stubs load with a warning.

    Full nodes in Nomad's API shape take the bulk path (``sim.io.node_decode``); anything
    else, including every malformed file, goes through detection and ``Node.model_validate``.
    """
    return _bulk(path, decode_nodes) or load_nodes_validated(path)


def load_node_records(path: str | Path) -> NodeLoad:
    """``load_nodes`` for the engine: full nodes in Nomad's API shape as node records
    (``sim.io.node_records``: decoded in C, no pydantic object per node), anything else
    through ``load_nodes``, which reads, warns and words every error as always."""
    return _bulk(path, decode_records) or load_nodes(path)


BulkDecoder = Callable[[bytes | memoryview, Callable[[int], None] | None], list[Any] | None]


def _bulk(path: str | Path, decode: BulkDecoder) -> NodeLoad | None:
    """The nodes of a full node JSON file through a bulk ``decode`` (given the mapped bytes and
    a release callback), or None where that path declines or the node limit is passed."""
    mapped = None if str(path).endswith(".tpl") else MappedText.open(path)
    if mapped is None:
        return None
    try:
        nodes = decode(mapped.data, mapped.release)
    finally:
        mapped.close()
    if nodes is None or limits.NODES.exceeded(len(nodes)):
        return None
    return NodeLoad(nodes)


def load_nodes_validated(path: str | Path) -> NodeLoad:
    """``load_nodes`` with every node through ``Node.model_validate``: the reference the bulk
    path is tested against, and the path that words every error."""
    found = detect(path)
    if found.kind in (Kind.NODES, Kind.NODE_STUBS, Kind.EMPTY):
        limits.NODES.check(len(found.data), found.source)
        return nodes_from_api(found.data, found.source, stubs=found.kind is Kind.NODE_STUBS)
    raise _wrong_kind(found, "node JSON")


def _wrong_kind(found: Detected, wanted: str) -> InputError:
    return InputError(f"expected {wanted}, but this is {found.kind.value}", source=found.source)
