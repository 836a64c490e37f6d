"""Capturing a live Nomad cluster over its HTTP API into a snapshot file (GET only)."""

from .anonymize import anonymize
from .client import CaptureError, NomadClient
from .cluster import capture_cluster
from .connection import Connection
from .store import write_snapshot

__all__ = [
    "CaptureError",
    "Connection",
    "NomadClient",
    "anonymize",
    "capture_cluster",
    "write_snapshot",
]
