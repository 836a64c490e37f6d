"""SecretsProviderChecker: every task secret's provider is fingerprinted on the node.

A provider ``P`` is present when the node reports the attribute ``plugins.secrets.P.version``
(``SecretsProviderChecker``, scheduler/feasible/feasible.go). The attribute is part of the
computed class, so the check is class-cached like the other group checkers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import Node

from ..core.nodetable import NodeTable
from .checker import Finding, first_failures
from .reasons import MISSING_SECRETS_PROVIDER, ReasonTable


def provider_attribute(provider: str) -> str:
    return f"plugins.secrets.{provider}.version"


@dataclass
class SecretsProviderChecker:
    providers: list[str]
    family: str = "secrets provider"

    def verdicts(self, table: NodeTable, rows: np.ndarray, reasons: ReasonTable) -> np.ndarray:
        reason = reasons.id(MISSING_SECRETS_PROVIDER)
        checks = []
        for provider in self.providers:
            column = table.column("${attr." + provider_attribute(provider) + "}")
            checks.append((column.found_array[column.codes[rows]], reason))
        return first_failures(rows, checks)

    def findings(self, node: Node) -> list[Finding]:
        return [
            Finding(f"secrets provider {p}", f"attribute {provider_attribute(p)}", "(not set)")
            for p in self.providers
            if provider_attribute(p) not in node.attributes
        ]
