r"""ce_lib: the softmax cross-entropy loss and its gradient, for the course's lessons.

The numerics are re-exported here::

    from ce_lib import softmax, cross_entropy, cross_entropy_grad

The SymPy derivation, dynamics, plots and regression live in submodules imported on
demand (``ce_lib.symbolic``, ``ce_lib.dynamics``, ``ce_lib.plots``,
``ce_lib.regression``), so ``import ce_lib`` needs NumPy only.
"""

from ce_lib.cross_entropy import cross_entropy, cross_entropy_grad, cross_entropy_with_grad
from ce_lib.gradcheck import gradient_relative_error, numerical_gradient
from ce_lib.softmax import log_softmax, logsumexp, softmax

__all__ = [
    "cross_entropy",
    "cross_entropy_grad",
    "cross_entropy_with_grad",
    "gradient_relative_error",
    "log_softmax",
    "logsumexp",
    "numerical_gradient",
    "softmax",
]
