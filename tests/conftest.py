"""Settings shared by the whole test suite."""

import os

import matplotlib
from hypothesis import settings

# Figures are drawn off-screen; a learner's notebook uses the inline backend instead.
matplotlib.use("Agg")

# Property-based tests: no per-example deadline (the machine is shared with notebook kernels),
# and in CI a derandomised run so that a red build always reproduces.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")
