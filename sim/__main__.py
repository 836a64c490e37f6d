"""``python -m sim``: the ``nomad-sim`` console script."""

from .cli import run

run()
