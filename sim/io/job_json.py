"""Job API JSON (``nomad job run -output``, ``nomad job inspect`` ±``-json``, GET /v1/job/:id).

Detection has already unwrapped ``{"Job": …}``; ``models.Job`` drops the ``null``s of the
non-canonical ``-output`` form and applies the server's defaults.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models import Job

from .pydantic_errors import input_error


def job_from_api(data: Any, source: str | Path, prefix: tuple[Any, ...] = ()) -> Job:
    try:
        return Job.model_validate(data)
    except ValidationError as exc:
        raise input_error(exc, source, prefix) from None


def jobs_from_api(items: list[Any], source: str | Path) -> list[Job]:
    return [job_from_api(item, source, ("job", i)) for i, item in enumerate(items)]
