"""Filter reasons as Nomad records them, interned so per-node verdicts are small integers."""

from __future__ import annotations

COMPUTED_CLASS_INELIGIBLE = "computed class ineligible"
MISSING_DRIVERS = "missing drivers"
MISSING_DEVICES = "missing devices"
MISSING_NETWORK = "missing network"
MISSING_HOST_VOLUMES = "missing compatible host volumes"
MISSING_SECRETS_PROVIDER = "missing secrets provider"
PASS = -1


class ReasonTable:
    """Reason strings ↔ small integer ids; id -1 (``PASS``) means the node passed."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self._ids: dict[str, int] = {}

    def id(self, text: str) -> int:
        found = self._ids.get(text)
        if found is None:
            found = self._ids[text] = len(self.texts)
            self.texts.append(text)
        return found
