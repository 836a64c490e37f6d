"""Constraint, Affinity and Spread: the three placement rules a job, group or task carries."""

from typing import Any

from pydantic import AliasChoices, Field, model_validator

from .base import NomadModel, empty_list


def _hcl_style_keys(data: Any) -> Any:
    """Accept the HCL words (attribute/operator/value) in the project's own files.

    Nomad's API JSON with no ``Operand`` key decodes to an empty operand (which
    ``Constraint.Validate`` rejects); HCL and snake_case input default it to ``=`` as
    jobspec2's ``decodeConstraint`` does.
    """
    if not isinstance(data, dict):
        return data
    if not ({"Operand", "operand", "operator"} & data.keys()) and "LTarget" not in data:
        data = {**data, "operand": "="}
    return data


class Constraint(NomadModel):
    """A hard placement rule: ``LTarget Operand RTarget`` (nomad/structs/structs.go)."""

    l_target: str = Field("", validation_alias=AliasChoices("LTarget", "l_target", "attribute"))
    r_target: str = Field("", validation_alias=AliasChoices("RTarget", "r_target", "value"))
    operand: str = Field("", validation_alias=AliasChoices("Operand", "operand", "operator"))
    implied_by: str = ""
    """What made Nomad add this constraint at registration (``""``: written in the job)."""

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return _hcl_style_keys(data)

    def __str__(self) -> str:
        # Constraint.String(): joined by single spaces, never trimmed (is_set keeps a trailing
        # space); this string keys AllocMetric.ConstraintFiltered.
        return f"{self.l_target} {self.operand} {self.r_target}"

    def __hash__(self) -> int:
        return hash((self.l_target, self.r_target, self.operand))


class Affinity(NomadModel):
    """A soft placement preference; evaluated with the constraint operators (rank.go)."""

    l_target: str = Field("", validation_alias=AliasChoices("LTarget", "l_target", "attribute"))
    r_target: str = Field("", validation_alias=AliasChoices("RTarget", "r_target", "value"))
    operand: str = Field("", validation_alias=AliasChoices("Operand", "operand", "operator"))
    weight: int = Field(50, validation_alias=AliasChoices("Weight", "weight"))

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        return _hcl_style_keys(data)

    def __str__(self) -> str:
        return f"{self.l_target} {self.operand} {self.r_target}"


class SpreadTarget(NomadModel):
    value: str = ""
    percent: int = 0


class Spread(NomadModel):
    """Spread allocations over the values of one node attribute (spread.go)."""

    attribute: str = ""
    weight: int = 50
    spread_target: list[SpreadTarget] = Field(
        default_factory=empty_list,
        validation_alias=AliasChoices("SpreadTarget", "spread_target", "targets"),
    )
