r"""The symbols of the derivation: logits, probabilities and targets of one sample.

Symbols are named ``z_1 ... z_K`` (logits), ``a_1 ... a_K`` (probabilities), ``y_1 ... y_K``
(one-hot labels) and ``t_1 ... t_K`` (target distributions), counted from 1 as in the
derivation on paper. These helpers only name symbols: the derivations that use them live in
:mod:`ce_lib.symbolic`, so a lesson that asks the student to derive the gradient can offer
the symbols without the answer.
"""

from numbers import Integral

import sympy as sp

from ce_lib.validation import check_scalar

__all__ = ["logit_symbols", "probability_symbols", "target_symbols"]


def logit_symbols(n_classes):
    r"""Real symbols ``z_1 ... z_K`` for the logits of one sample.

    >>> logit_symbols(3)
    (z_1, z_2, z_3)
    """
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    return sp.symbols(f"z_1:{n_classes + 1}", real=True)


def probability_symbols(n_classes):
    r"""Positive symbols ``a_1 ... a_K`` standing for the softmax probabilities.

    >>> probability_symbols(2)
    (a_1, a_2)
    """
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    return sp.symbols(f"a_1:{n_classes + 1}", positive=True)


def target_symbols(n_classes, name="y"):
    r"""Real symbols ``y_1 ... y_K`` (one-hot labels) or ``t_1 ... t_K`` (distributions).

    >>> target_symbols(3, "t")
    (t_1, t_2, t_3)
    """
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name: expected a short identifier such as 'y' or 't', got {name!r}.")
    return sp.symbols(f"{name}_1:{n_classes + 1}", real=True)
