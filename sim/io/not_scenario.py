"""Files given where a scenario belongs that are plainly something else: say what they are
and where they go, instead of the YAML parser's complaint about line 5.

Recognised cheaply: by the name Terraform and Nomad give such files, by JSON content (a
scenario is YAML, never a JSON document), and, only once YAML has failed, by what the HCL
parser makes of the file (:func:`sim.io.detect.detect`).
"""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputError
from .detect import NODE_CAPTURE_RECIPE, Detected, Kind, detect
from .files import looks_like_json

_SUFFIXES = (
    ((".tfvars", ".tfvars.json"), Kind.TFVARS),
    ((".tf",), Kind.TERRAFORM),
    ((".nomad", ".hcl"), Kind.HCL_JOB),
)


def _advice(kind: Kind, name: str) -> str:
    """What a file of ``kind`` is and how to use it, in one sentence."""
    if kind is Kind.TFVARS:
        return (
            "Terraform variable values (a tfvars file), not a scenario: give a scenario and "
            f"pass this file with --var-file, e.g. `nomad-sim check SCENARIO --var-file {name}`"
        )
    if kind is Kind.VARIABLES_TF:
        return (
            "Terraform variable declarations, not a scenario: a scenario YAML declares the "
            "variables it uses (`nomad-sim schema`); pass their values with --var-file "
            "terraform.tfvars"
        )
    if kind is Kind.TERRAFORM:
        return (
            "a Terraform configuration, not a scenario: describe its node groups in a scenario "
            "YAML (as scenarios/hashistack.yaml does) and pass the values with --var-file "
            "terraform.tfvars"
        )
    if kind in (Kind.HCL_JOB, Kind.JOB, Kind.JOBS):
        return (
            f"a Nomad job ({kind}), not a scenario: list it under a scenario's `jobs:` "
            f"(`- file: {name}`), or check it on Nomad's node JSON with "
            f"`--job {name} --nodes nodes.json`"
        )
    if kind is Kind.NODE_STUBS:
        return (
            "Nomad's node list (stubs without resources), not a scenario: capture full nodes "
            f"with `{NODE_CAPTURE_RECIPE}`, then use --nodes nodes.json --job JOBFILE"
        )
    return (
        f"Nomad {kind}, not a scenario: check jobs on it with `--nodes {name} --job JOBFILE`, "
        f"or use it in a scenario's `node_groups:` (`- from: {name}`)"
    )


def _detected(path: Path) -> Detected | None:
    try:
        return detect(path)
    except InputError:
        return None


def _named_kind(path: Path) -> Kind | None:
    """The kind of a file whose name is one Terraform or Nomad gives (content decides when it
    parses, the suffix when it does not)."""
    name = path.name.lower()
    by_name = next((kind for suffixes, kind in _SUFFIXES if name.endswith(suffixes)), None)
    if by_name is None:
        return None
    found = _detected(path)
    return found.kind if found is not None else by_name


def refuse_before_yaml(path: Path, text: str) -> None:
    """Refuse a tfvars, Terraform or jobspec file by its name, and any JSON job or node file
    by its content, before the YAML parser reads it."""
    kind = _named_kind(path)
    if kind is None and looks_like_json(text):
        found = _detected(path)
        kind = found.kind if found is not None else None
    if kind is not None:
        raise InputError(_advice(kind, path.name), path)


def explain_failure(path: Path, error: InputError) -> InputError:
    """The error to show when ``path`` is not a YAML mapping: what the file is when HCL
    recognises it (a tfvars file without its usual name), else ``error``."""
    found = _detected(path)
    if found is None:
        return error
    return InputError(_advice(found.kind, path.name), path)
