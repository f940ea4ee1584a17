"""The package re-exports the numerics and imports nothing heavier than NumPy."""

import subprocess
import sys

import ce_lib

NUMERICS = [
    "softmax",
    "log_softmax",
    "logsumexp",
    "cross_entropy",
    "cross_entropy_grad",
    "cross_entropy_with_grad",
    "numerical_gradient",
    "gradient_relative_error",
]


def test_numerics_are_exported():
    assert set(NUMERICS) <= set(ce_lib.__all__)
    for name in NUMERICS:
        assert callable(getattr(ce_lib, name))


def test_import_needs_numpy_only():
    heavy = ["scipy", "sympy", "matplotlib", "sklearn", "torch", "ce_lib.symbolic", "ce_lib.plots"]
    code = f"import sys, ce_lib; print(','.join(m for m in {heavy!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
