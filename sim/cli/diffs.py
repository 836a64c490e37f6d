"""What ``diff`` applied to which side, said under the table and in JSON: ``--set`` reaches
both A and B, ``--set-a``/``--set-b`` one side, the cluster edits B only."""

from __future__ import annotations

from typing import Any

import msgspec


class DiffOverrides(msgspec.Struct, frozen=True):
    both: list[str]
    a: list[str]
    b: list[str]
    edits_b: list[str]

    def lines(self) -> list[str]:
        out = []
        if self.both:
            out.append(f"applied to both A and B: {', '.join(self.both)}")
        if self.a:
            out.append(f"--set-a applied to A only: {', '.join(self.a)}")
        if self.b:
            out.append(f"--set-b applied to B only: {', '.join(self.b)}")
        if self.edits_b:
            out.append(f"edits applied to B only: {', '.join(self.edits_b)}")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"Both": self.both, "A": self.a, "B": self.b, "EditsB": self.edits_b}
