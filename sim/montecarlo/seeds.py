"""Which seeds a Monte Carlo run covers: ``--seeds 100`` (seeds 0..99) or ``--seeds 1-100``."""

from __future__ import annotations

from ..core.errors import InputError

MAX_SEEDS = 1_000_000


def parse_seeds(spec: str) -> range:
    """``N`` → ``range(0, N)`` (seed 0 is the single-seed default, so it comes first);
    ``A-B`` → ``range(A, B + 1)``, both ends included."""
    text = spec.strip()
    low, sep, high = text.partition("-")
    try:
        seeds = range(int(low), int(high) + 1) if sep else range(int(text))
    except ValueError:
        raise InputError(
            f"--seeds {spec!r}: expected a count N or a range A-B, like 1-100"
        ) from None
    if not seeds:
        raise InputError(f"--seeds {spec!r}: no seeds (give N >= 1 or A-B with A <= B)")
    if len(seeds) > MAX_SEEDS:
        raise InputError(f"--seeds {spec!r}: {len(seeds):,} seeds, more than {MAX_SEEDS:,}")
    return seeds
