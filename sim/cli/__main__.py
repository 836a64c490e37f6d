"""``python -m sim.cli``: the ``nomad-sim`` console script."""

from . import run

run()
