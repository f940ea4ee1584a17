"""Settings shared by the whole test suite."""

import importlib.util
import os

import matplotlib
import pytest
from hypothesis import settings

# The browser's fixtures, for tests/browser and for the lessons run in JupyterLab. They need
# Jupyter's packages, which the numerics run on the newest Python (tests/ce_lib only, from
# requirements/lock-numerics.txt) does not install; the main suite always has them.
pytest_plugins = ["tests.browser.plugin"] if importlib.util.find_spec("nbformat") else []

# Figures are drawn off-screen; a learner's notebook uses the inline backend instead.
matplotlib.use("Agg")

# Property-based tests: no per-example deadline (the machine is shared with notebook kernels),
# and in CI a derandomised run so that a red build always reproduces.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


#: Set (as CI does) to make a missing bubblewrap a failure instead of a skip.
REQUIRE_SANDBOX_ENV_VAR = "CE_REQUIRE_SANDBOX"


@pytest.fixture(scope="session")
def bubblewrap():
    r"""The path of a working ``bwrap``; skip (or, with ``CE_REQUIRE_SANDBOX=1``, fail) if none.

    Tests that grade student code in the sandbox use this fixture: without bubblewrap
    ``ce-grade autograde`` refuses to grade, so there is nothing to test.
    """
    from autograder.sandbox.launcher import BWRAP_MISSING, bubblewrap_path

    path = bubblewrap_path()
    if path is None:
        if os.environ.get(REQUIRE_SANDBOX_ENV_VAR):
            pytest.fail(f"{REQUIRE_SANDBOX_ENV_VAR} is set but {BWRAP_MISSING}")
        pytest.skip(f"the sandbox cannot run here: {BWRAP_MISSING}")
    return path
