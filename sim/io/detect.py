"""Which artifact is this file? Decided by content, not by its name.

JSON first (a file whose first non-blank byte is ``{`` or ``[``), then HCL. Artifacts that
look usable but are not (HCL-JSON jobspecs, job list stubs, Terraform templates) are
rejected here with the reason and what to capture instead.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import msgspec

from ..core.errors import InputError
from .files import looks_like_json, parse_json, read_text
from .hcl import parse_hcl

NODE_CAPTURE_RECIPE = (
    "nomad node status -json | jq -r '.[].ID' | xargs -n1 nomad node status -json "
    "| jq -s . > nodes.json"
)
SNAPSHOT_MARKER = "NomadSimSnapshot"  # the first key of a `nomad-sim snapshot` file
_SNIFF_BYTES = 4096
_TERRAFORM_BLOCKS = {"resource", "data", "module", "provider", "terraform", "output", "locals"}


class Kind(StrEnum):
    JOB = "job JSON"
    JOBS = "array of job JSON"
    NODES = "node JSON"
    NODE_STUBS = "node list stubs"
    EMPTY = "empty JSON array"
    HCL_JOB = "HCL jobspec"
    TFVARS = "Terraform variable values"
    VARIABLES_TF = "Terraform variable declarations"
    TERRAFORM = "Terraform configuration"


class Detected(msgspec.Struct, frozen=True):
    """The kind of a file and its parsed content: API dicts, a node list, a jobspec's
    ``Document``, or the PLAIN tree of other HCL."""

    kind: Kind
    data: Any
    source: Path


def detect(path: str | Path) -> Detected:
    path = Path(path)
    text = read_text(path)
    if path.name.endswith(".tpl"):
        raise InputError(
            "a template (Terraform templatefile or Nomad Pack), not a jobspec: render it first",
            source=path,
        )
    if looks_like_json(text):
        return Detected(*_classify_json(parse_json(text, path), path), source=path)
    from .hcl_body import parse_document  # HCL's parser only for HCL: JSON never loads it

    document = parse_document(text, path)
    if any(block.type == "job" for block in document.body.blocks):
        return Detected(Kind.HCL_JOB, document, source=path)
    return Detected(*_classify_hcl(parse_hcl(text, path), path), source=path)


def is_snapshot(path: str | Path) -> bool:
    """A ``nomad-sim snapshot`` file, known by its first bytes (its name does not matter)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    text = head.decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")
    return text.startswith("{") and text[1:].lstrip().startswith(f'"{SNAPSHOT_MARKER}"')


def _classify_json(data: Any, path: Path) -> tuple[Kind, Any]:
    if isinstance(data, dict):
        return _classify_object(data, path)
    if not isinstance(data, list):
        raise InputError("expected a JSON object or array", source=path)
    if not data:
        return Kind.EMPTY, []
    if not all(isinstance(item, dict) for item in data):
        raise InputError("expected an array of objects (jobs or nodes)", source=path)
    if all("TaskGroups" in item for item in data):
        return Kind.JOBS, data
    if any("JobSummary" in item or "ParentID" in item for item in data):
        raise InputError(
            "a list of job stubs (`nomad job inspect -json` without a job id, or GET /v1/jobs): "
            "stubs have no task groups; capture each job with `nomad job inspect -json <id>`",
            source=path,
        )
    if all(_is_node(item) for item in data):
        return (Kind.NODES if all(map(_is_full_node, data)) else Kind.NODE_STUBS), data
    raise InputError(
        "an array that is neither jobs (objects with TaskGroups) nor nodes "
        "(objects with ID, Status and Drivers)",
        source=path,
    )


def _classify_object(data: dict[str, Any], path: Path) -> tuple[Kind, Any]:
    if isinstance(data.get("Job"), dict):
        return Kind.JOB, data["Job"]  # command/helpers.go unwraps {"Job": …} the same way
    if "TaskGroups" in data:
        return Kind.JOB, data
    if "job" in data:
        raise InputError(
            'a jobspec in HCL\'s JSON syntax ({"job": {…}}), which nomad-sim does not read: '
            "use the HCL file, or the API JSON of `nomad job run -output` / `nomad job inspect`",
            source=path,
        )
    if _is_node(data):
        return (Kind.NODES if _is_full_node(data) else Kind.NODE_STUBS), [data]
    if path.name.endswith(".tfvars.json"):
        return Kind.TFVARS, data
    raise InputError(
        'unrecognised JSON: expected a job ({"Job": …} or an object with TaskGroups), '
        "a node (ID with Attributes/NodeResources/Drivers) or an array of either",
        source=path,
    )


def _is_node(item: dict[str, Any]) -> bool:
    return "ID" in item and any(k in item for k in ("Attributes", "NodeResources", "Drivers"))


def _is_full_node(item: dict[str, Any]) -> bool:
    """Stubs lack NodeResources and carry at most ``Attributes: {"os.name": …}``."""
    has_resources = bool(item.get("NodeResources") or item.get("Resources"))
    return has_resources and len(item.get("Attributes") or {}) > 1


def _classify_hcl(tree: dict[str, Any], path: Path) -> tuple[Kind, Any]:
    if "variable" in tree:
        return Kind.VARIABLES_TF, tree
    if _TERRAFORM_BLOCKS & tree.keys():
        return Kind.TERRAFORM, tree
    return Kind.TFVARS, tree
