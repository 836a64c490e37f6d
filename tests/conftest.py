"""Suite-wide hypothesis settings: no per-example deadline, the same examples on every run.

Hypothesis' default 200 ms deadline is a timing assertion, which fails on a busy machine
(speed is measured in ``benchmarks/``), and its default random seed makes a run depend on
luck. Tests that set ``@settings`` keep their own example counts on top of this profile.
"""

from hypothesis import settings

settings.register_profile("suite", deadline=None, derandomize=True)
settings.load_profile("suite")
