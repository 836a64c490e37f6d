"""``LimitIterator`` and ``MaxScoreIterator`` over ranked options pulled one at a time.

Written from scheduler/feasible/select.go (``LimitIterator.Next``, ``MaxScoreIterator.Next``):
the limit counts returned options; up to ``MAX_SKIP`` options scoring at most
``SKIP_THRESHOLD`` are set aside and handed back only when the source runs dry. The scalar
reference and the preemption path pick their node with it; its own module so the engine's
preemption does not import the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

SKIP_THRESHOLD = 0.0  # skipScoreThreshold
MAX_SKIP = 3  # maxSkip


@dataclass
class Ranked:
    """``RankedNode``."""

    node: int
    scores: list[float] = field(default_factory=list)
    final: float = 0.0
    victims: tuple[int, ...] = ()  # ``PreemptedAllocs``: indices into ``Cluster.allocs``


Source = Callable[[], Ranked | None]


def limit_iterator(
    source: Source, limit: int, max_skip: int = MAX_SKIP, threshold: float = SKIP_THRESHOLD
) -> Iterator[Ranked]:
    """``LimitIterator.Next`` as a generator over ``source()`` (select.go)."""
    seen, skipped_index = 0, 0
    skipped: list[Ranked] = []

    def next_option() -> Ranked | None:
        nonlocal skipped_index
        option = source()
        if option is None and skipped_index < len(skipped):
            skipped_index += 1
            return skipped[skipped_index - 1]
        return option

    while seen != limit:
        option = next_option()
        if option is None:
            return
        while option is not None and option.final <= threshold and len(skipped) < max_skip:
            skipped.append(option)
            option = source()
        seen += 1
        if option is None:
            option = next_option()
            if option is None:
                return
        yield option


def limit_options(
    scores: Sequence[float],
    limit: int,
    max_skip: int = MAX_SKIP,
    threshold: float = SKIP_THRESHOLD,
) -> list[int]:
    """Indices of the options ``LimitIterator`` returns, in order, over options scored
    ``scores`` (a static source, as select_test.go builds it)."""
    options = iter([Ranked(i, final=float(s)) for i, s in enumerate(scores)])
    returned = limit_iterator(lambda: next(options, None), limit, max_skip, threshold)
    return [option.node for option in returned]


def max_score(source: Source, limit: int) -> Ranked | None:
    """``MaxScoreIterator.Next``: the first option of the highest final score."""
    best = None
    for option in limit_iterator(source, limit):
        if best is None or option.final > best.final:
            best = option
    return best
