r"""The symbols of the derivation: logits, probabilities and targets of one sample.

Symbols are named ``z_1 ... z_K`` (logits), ``a_1 ... a_K`` (probabilities), ``y_1 ... y_K``
(one-hot labels) and ``t_1 ... t_K`` (target distributions), counted from 1 as in the
derivation on paper. These helpers only name symbols: the derivations that use them live in
:mod:`ce_lib.symbolic`, so a lesson that asks the student to derive the gradient can offer
the symbols without the answer.
"""

import numbers

import sympy as sp

__all__ = ["logit_symbols", "probability_symbols", "target_symbols"]


def _check_n_classes(n_classes, name="n_classes"):
    if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= 2, got {n_classes!r}.")
    if n_classes < 2:
        raise ValueError(f"{name} must be an integer >= 2, got {n_classes}.")
    return int(n_classes)


def _check_class(true_class, n_classes, name="true_class"):
    if isinstance(true_class, bool) or not isinstance(true_class, numbers.Integral):
        raise ValueError(f"{name} must be an integer in 1..{n_classes}, got {true_class!r}.")
    if not 1 <= true_class <= n_classes:
        raise ValueError(
            f"{name} must be in 1..{n_classes} (classes are counted from 1 in the "
            f"derivation), got {true_class}."
        )
    return int(true_class)


def logit_symbols(n_classes):
    r"""Real symbols ``z_1 ... z_K`` for the logits of one sample.

    >>> logit_symbols(3)
    (z_1, z_2, z_3)
    """
    n_classes = _check_n_classes(n_classes)
    return sp.symbols(f"z_1:{n_classes + 1}", real=True)


def probability_symbols(n_classes):
    r"""Positive symbols ``a_1 ... a_K`` standing for the softmax probabilities.

    >>> probability_symbols(2)
    (a_1, a_2)
    """
    n_classes = _check_n_classes(n_classes)
    return sp.symbols(f"a_1:{n_classes + 1}", positive=True)


def target_symbols(n_classes, name="y"):
    r"""Real symbols ``y_1 ... y_K`` (one-hot labels) or ``t_1 ... t_K`` (distributions).

    >>> target_symbols(3, "t")
    (t_1, t_2, t_3)
    """
    n_classes = _check_n_classes(n_classes)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a short identifier such as 'y' or 't', got {name!r}.")
    return sp.symbols(f"{name}_1:{n_classes + 1}", real=True)
