"""nomad-sim's engine: Nomad's constraint semantics, feasibility, placement and what-ifs."""

from .errors import InputError, NomadSimError
from .operators import check_constraint, node_satisfies
from .targets import resolve_target
from .validation import validate_constraint

__all__ = [
    "InputError",
    "NomadSimError",
    "check_constraint",
    "node_satisfies",
    "resolve_target",
    "validate_constraint",
]
