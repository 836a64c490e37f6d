"""python-hcl2 with plain serialization options, and syntax errors as InputError.

python-hcl2 ≥ 8 keeps quotes, comments and ``__is_block__`` markers unless told otherwise, so
the options are always passed explicitly.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from ..core.errors import InputError
from .nesting import check_hcl_nesting


@functools.cache
def _plain_loads() -> tuple[Any, type[Exception]]:
    """python-hcl2's ``loads`` with the PLAIN options, and its parser's error type: imported
    on the first HCL file, so that reading JSON never loads the HCL parser."""
    import hcl2
    from lark.exceptions import LarkError

    plain = hcl2.SerializationOptions(
        strip_string_quotes=True,
        with_comments=False,
        explicit_blocks=False,
        preserve_heredocs=False,
    )
    return functools.partial(hcl2.loads, serialization_options=plain), LarkError


def parse_hcl(text: str, source: str | Path) -> dict[str, Any]:
    """The PLAIN tree of an HCL2 file: blocks are lists of dicts, labels become dict keys."""
    check_hcl_nesting(text, source)
    loads, lark_error = _plain_loads()
    try:
        return loads(text)
    except lark_error as exc:
        line = getattr(exc, "line", None)
        column = getattr(exc, "column", None)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f" (column {column})" if isinstance(column, int) and column > 0 else ""
        raise InputError(
            f"HCL syntax error{where}: {first}",
            source=source,
            line=line if isinstance(line, int) and line > 0 else None,
        ) from None
    except Exception as exc:  # python-hcl2's transformer raises assorted errors on odd input
        raise InputError(f"HCL could not be read: {exc}", source=source) from None


def block_bodies(value: Any) -> list[Any]:
    """A block's bodies: PLAIN gives a list of dicts; ``name = {…}`` attribute form gives a dict."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return value
    return [value]


def labelled(value: Any) -> list[tuple[str, Any]]:
    """``(label, body)`` pairs of a labelled block (``group "web" {…}`` → ``{"web": {…}}``)."""
    pairs: list[tuple[str, Any]] = []
    for item in block_bodies(value):
        if isinstance(item, dict):
            pairs.extend(item.items())
        else:
            pairs.append(("", item))
    return pairs
