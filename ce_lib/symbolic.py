r"""The gradient of softmax cross-entropy, derived with SymPy.

The gradient at three levels of generality, then the Hessian:

* :func:`derive_seed_gradient` walks the derivation for a fixed number of classes and one
  true class (``K = 3``, true class 3 by default): write :math:`J = -\log a_3`, rewrite it
  as :math:`-z_3 + \log \sum_k e^{z_k}`, differentiate by every :math:`z_k`.
* :func:`derive_target_gradient` does the same with symbolic targets :math:`t_k` (one-hot
  labels :math:`y_k` are the special case), giving :math:`a_k \sum_j t_j - t_k`.
* :func:`derive_general_gradient` works with a *symbolic* number of classes :math:`K`,
  indexed symbols :math:`z_k, t_k` and sums, so the result holds for every :math:`K`, not
  only for the sizes that were tried.
* :func:`derive_hessian` (fixed ``K``) and :func:`derive_general_hessian` (symbolic ``K``)
  give :math:`\operatorname{diag}(a) - a a^\top`, positive semi-definite, so the loss is
  convex in the logits.

Each derivation checks its result against the closed form before returning it; a result
that differs raises :class:`ArithmeticError` (a bug in the derivation, not a user error).

Helpers turn any derived expression into LaTeX (:func:`to_latex`), into a NumPy function
(:func:`to_numpy`), and decide whether two expressions are equal (:func:`expressions_equal`).
For a grader that must not parse untrusted strings, :func:`draw_points` draws valid points
for a constraint, :func:`evaluate` evaluates a trusted expression at them and
:func:`compare_values` compares the numbers an answer produced elsewhere with the reference's.
Reference expressions for grading: :func:`seed_loss_reference`,
:func:`seed_gradient_reference`, :func:`target_loss_reference`,
:func:`target_gradient_reference` and :func:`hessian_reference`.

Symbols are named ``z_1 ... z_K`` (logits), ``a_1 ... a_K`` (probabilities), ``y_1 ... y_K``
(one-hot labels) and ``t_1 ... t_K`` (target distributions), counted from 1 as in the
derivation on paper.
"""

from __future__ import annotations

import multiprocessing
import numbers
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ce_lib.symbols import (
    _check_class,
    _check_n_classes,
    logit_symbols,
    probability_symbols,
    target_symbols,
)

__all__ = [
    "CONSTRAINTS",
    "Derivation",
    "EqualityResult",
    "GeneralDerivation",
    "derive_general_gradient",
    "derive_general_hessian",
    "derive_hessian",
    "derive_seed_gradient",
    "derive_target_gradient",
    "compare_values",
    "draw_points",
    "evaluate",
    "expressions_equal",
    "hessian_reference",
    "in_probabilities",
    "logit_symbols",
    "probability_symbols",
    "seed_gradient_reference",
    "seed_loss_reference",
    "softmax_expressions",
    "target_gradient_reference",
    "target_loss_reference",
    "target_symbols",
    "to_latex",
    "to_numpy",
]

#: Constraints a target vector may satisfy: ``"one_label"`` (one-hot ``y``) or
#: ``"sum_to_one"`` (``t`` on the probability simplex). ``None`` means no constraint.
CONSTRAINTS = (None, "one_label", "sum_to_one")


# ----------------------------------------------------------------------------- symbols


def softmax_expressions(z):
    r"""The softmax of logit symbols, one expression per class.

    .. math:: a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}

    >>> softmax_expressions(logit_symbols(2))[0]
    exp(z_1)/(exp(z_1) + exp(z_2))
    """
    z = _check_symbols(z, "z")
    denominator = sp.Add(*[sp.exp(v) for v in z])
    return [sp.exp(v) / denominator for v in z]


def _check_symbols(symbols, name):
    if isinstance(symbols, sp.Symbol) or not isinstance(symbols, Sequence):
        raise ValueError(f"{name} must be a sequence of SymPy symbols, got {symbols!r}.")
    symbols = tuple(symbols)
    for i, s in enumerate(symbols):
        if not isinstance(s, sp.Symbol):
            raise ValueError(f"{name} must hold SymPy symbols; entry {i} is {s!r}.")
    if len(symbols) < 2:
        raise ValueError(f"{name} must hold at least 2 symbols, got {len(symbols)}.")
    return symbols


# ---------------------------------------------------------------------- fixed K derivations


def _aligned(lines):
    # Notebooks render text/latex with MathJax: one aligned block, equals signs lined up.
    return (
        r"$\begin{aligned}"
        + r"\\ ".join(line.replace("=", "&=", 1) for line in lines)
        + r"\end{aligned}$"
    )


@dataclass(frozen=True)
class Derivation:
    r"""Every stage of a derivation for a fixed number of classes.

    Attributes
    ----------
    z : tuple of Symbol
        The logit symbols.
    loss : Expr
        :math:`J` as first written, with the softmax inside the log.
    loss_rewritten : Expr
        :math:`J` after expanding the log: :math:`-\sum_k t_k z_k + (\sum_k t_k)
        \log \sum_j e^{z_j}`.
    gradient : list of Expr
        :math:`\partial J / \partial z_k` straight from differentiation, in ``z``.
    gradient_simplified : list of Expr
        The same, written with probability symbols ``a_k``.
    expected : list of Expr
        The closed form it was checked against (with ``a_k``), e.g. ``a_k - y_k``.
    a : tuple of Symbol
        The probability symbols used in ``gradient_simplified``.
    targets : tuple of Symbol
        The target symbols (empty for the one-class seed derivation).
    """

    z: tuple
    loss: sp.Expr
    loss_rewritten: sp.Expr
    gradient: list
    gradient_simplified: list
    expected: list
    a: tuple
    targets: tuple = ()

    def latex(self):
        r"""LaTeX lines for a notebook: the loss, its rewritten form and each derivative."""
        lines = [
            rf"J = {to_latex(self.loss)}",
            rf"J = {to_latex(self.loss_rewritten)}",
        ]
        for zk, g in zip(self.z, self.gradient_simplified, strict=True):
            lines.append(rf"\frac{{\partial J}}{{\partial {sp.latex(zk)}}} = {to_latex(g)}")
        return lines

    def _repr_latex_(self):
        return _aligned(self.latex())


def _verify(holds, message):
    # A derivation that does not reach its closed form is a bug, not a user error.
    if not holds:
        raise ArithmeticError(message)


def in_probabilities(expr, z, a=None):
    r"""Rewrite an expression in ``z`` with probability symbols ``a_k``.

    Replaces the softmax denominator :math:`\sum_j e^{z_j}` by a symbol :math:`S` and
    every :math:`z_k` by :math:`\log(a_k S)`, so ratios such as
    :math:`e^{z_k} / \sum_j e^{z_j}` become :math:`a_k`. Works on the raw output of
    differentiation (before ``simplify`` reorders the denominator).

    >>> z = logit_symbols(2)
    >>> in_probabilities(sp.diff(sp.log(sp.exp(z[0]) + sp.exp(z[1])), z[0]), z)
    a_1
    """
    z = _check_symbols(z, "z")
    a = probability_symbols(len(z)) if a is None else _check_symbols(a, "a")
    if len(a) != len(z):
        raise ValueError(f"a must hold {len(z)} symbols like z, got {len(a)}.")
    if not isinstance(expr, sp.Basic):
        raise ValueError(f"expr must be a SymPy expression, got {type(expr).__name__}.")
    total = sp.Dummy("S", positive=True)
    denominator = sp.Add(*[sp.exp(v) for v in z])
    out = expr.xreplace({denominator: total})
    # z_k = log(a_k S) turns exp(z_k), exp(2 z_k), ... into powers of a_k S.
    out = out.subs({v: sp.log(ak * total) for v, ak in zip(z, a, strict=True)})
    out = sp.factor_terms(sp.expand(sp.powsimp(out)))
    if total in out.free_symbols:
        # A form the substitution cannot clear (for instance log S in a loss): leave it.
        return expr
    return out


def _loss_from_targets(z, targets):
    a = softmax_expressions(z)
    loss = -sp.Add(*[t * sp.log(ak) for t, ak in zip(targets, a, strict=True)])
    rewritten = sp.expand(sp.expand_log(loss, force=True))
    return loss, rewritten


def derive_seed_gradient(n_classes=3, true_class=3):
    r"""The derivation of the seed: one sample, one label, fixed ``K``.

    .. math::

        J = -\log a_y = -z_y + \log \sum_k e^{z_k}, \qquad
        \frac{\partial J}{\partial z_k} = a_k - [k = y]

    Each derivative is checked with ``simplify`` against :math:`a_k - [k = y]` before it is
    returned; a failed check raises ``ArithmeticError``.

    Parameters
    ----------
    n_classes : int, default 3
        Number of classes ``K`` (at least 2).
    true_class : int, default 3
        The label ``y``, counted from 1 as in the derivation.

    Returns
    -------
    Derivation

    Examples
    --------
    >>> d = derive_seed_gradient()
    >>> d.loss_rewritten
    -z_3 + log(exp(z_1) + exp(z_2) + exp(z_3))
    >>> d.gradient_simplified
    [a_1, a_2, a_3 - 1]
    """
    n_classes = _check_n_classes(n_classes)
    true_class = _check_class(true_class, n_classes)
    z = logit_symbols(n_classes)
    a = probability_symbols(n_classes)
    a_of_z = softmax_expressions(z)
    loss = -sp.log(a_of_z[true_class - 1])
    rewritten = sp.expand_log(loss, force=True)
    gradient = [sp.diff(rewritten, v) for v in z]
    onehot = [sp.Integer(int(k == true_class - 1)) for k in range(n_classes)]
    for g, ak, yk in zip(gradient, a_of_z, onehot, strict=True):
        _verify(sp.simplify(g - (ak - yk)) == 0, "derivative differs from a_k - y_k")
    expected = [ak - yk for ak, yk in zip(a, onehot, strict=True)]
    simplified = [in_probabilities(g, z, a) for g in gradient]
    return Derivation(z, loss, rewritten, gradient, simplified, expected, a)


def derive_target_gradient(n_classes=3, target="t"):
    r"""Differentiate :math:`J = -\sum_k t_k \log a_k` for symbolic targets.

    .. math::

        \frac{\partial J}{\partial z_k} = a_k \sum_j t_j - t_k

    which is :math:`a_k - t_k` only when the targets sum to one (one-hot labels ``y`` and
    probability distributions ``t`` do; a row with several ones does not).

    Parameters
    ----------
    n_classes : int, default 3
    target : str, default "t"
        Name of the target symbols, ``"y"`` for one-hot labels or ``"t"``.

    Returns
    -------
    Derivation
        ``expected`` holds :math:`a_k \sum_j t_j - t_k`.

    Examples
    --------
    >>> d = derive_target_gradient(2)
    >>> d.gradient_simplified[0]
    a_1*(t_1 + t_2) - t_1
    >>> t_1, t_2 = d.targets
    >>> a_1 = softmax_expressions(d.z)[0]
    >>> sp.simplify(d.gradient[0].subs(t_2, 1 - t_1) - (a_1 - t_1))  # once t_1 + t_2 = 1
    0
    """
    n_classes = _check_n_classes(n_classes)
    z = logit_symbols(n_classes)
    a = probability_symbols(n_classes)
    t = target_symbols(n_classes, target)
    a_of_z = softmax_expressions(z)
    loss, rewritten = _loss_from_targets(z, t)
    gradient = [sp.diff(rewritten, v) for v in z]
    total = sp.Add(*t)
    for g, ak, tk in zip(gradient, a_of_z, t, strict=True):
        _verify(sp.simplify(g - (ak * total - tk)) == 0, "derivative differs from a_k sum(t) - t_k")
    expected = [ak * total - tk for ak, tk in zip(a, t, strict=True)]
    simplified = [
        sp.collect(sp.expand(in_probabilities(g, z, a)), a, evaluate=True) for g in gradient
    ]
    simplified = [_regroup_sum(g, a, t) for g in simplified]
    return Derivation(z, loss, rewritten, gradient, simplified, expected, a, t)


def _regroup_sum(expr, a, t):
    # Present a_k*t_1 + ... + a_k*t_K - t_k as a_k*(t_1 + ... + t_K) - t_k.
    total = sp.Add(*t)
    for ak in a:
        coefficient = sp.expand(expr).coeff(ak)
        if sp.expand(coefficient - total) == 0:
            return ak * total + sp.expand(expr - ak * total)
    return expr


def derive_hessian(n_classes=3):
    r"""The Hessian of :math:`J` in ``z`` for a fixed ``K``.

    .. math:: \frac{\partial^2 J}{\partial z_k \partial z_m} = a_k [k = m] - a_k a_m,
       \qquad H = \operatorname{diag}(a) - a a^\top

    It does not depend on the label. :math:`H` is positive semi-definite because
    :math:`v^\top H v = \sum_k a_k v_k^2 - (\sum_k a_k v_k)^2` is the variance of
    :math:`v` under :math:`a`, so :math:`J` is convex in ``z``; this identity is checked
    symbolically before returning.

    Returns
    -------
    hessian : Matrix
        Straight from differentiation, in ``z``.
    hessian_in_a : Matrix
        The same written with ``a_k`` symbols; equals ``diag(a) - a a^T``.

    Examples
    --------
    >>> H, H_a = derive_hessian(2)
    >>> H_a
    Matrix([
    [a_1*(1 - a_1),      -a_1*a_2],
    [     -a_1*a_2, a_2*(1 - a_2)]])
    """
    n_classes = _check_n_classes(n_classes)
    z = logit_symbols(n_classes)
    a = probability_symbols(n_classes)
    # The label only adds a constant to the gradient, so any label gives the same Hessian.
    rewritten = sp.expand_log(-sp.log(softmax_expressions(z)[0]), force=True)
    gradient = [sp.diff(rewritten, v) for v in z]
    hessian = sp.Matrix(n_classes, n_classes, lambda i, j: sp.diff(gradient[i], z[j]))
    hessian_in_a = hessian.applyfunc(lambda e: in_probabilities(e, z, a))
    expected = sp.diag(*a) - sp.Matrix(a) * sp.Matrix(a).T
    a_of_z = softmax_expressions(z)
    to_z = dict(zip(a, a_of_z, strict=True))
    difference = (hessian - expected.subs(to_z)).applyfunc(sp.simplify)
    _verify(difference == sp.zeros(n_classes), "Hessian differs from diag(a) - a a^T")
    v = sp.symbols(f"v_1:{n_classes + 1}", real=True)
    mean = sum(ak * vk for ak, vk in zip(a, v, strict=True))
    variance = sum(ak * (vk - mean) ** 2 for ak, vk in zip(a, v, strict=True))
    quadratic = (sp.Matrix(v).T * expected * sp.Matrix(v))[0]
    # The variance form expands to the quadratic form once sum(a) = 1.
    gap = sp.expand(variance - quadratic).subs(a[-1], 1 - sum(a[:-1]))
    _verify(sp.expand(gap) == 0, "v^T H v is not the variance of v under a")
    return hessian, hessian_in_a


def hessian_reference(n_classes=3):
    r"""``diag(a) - a a^T`` written in ``z`` (to evaluate or compare numerically).

    >>> hessian_reference(2)[0, 1]
    -exp(z_1)*exp(z_2)/(exp(z_1) + exp(z_2))**2
    """
    n_classes = _check_n_classes(n_classes)
    a = softmax_expressions(logit_symbols(n_classes))
    return sp.diag(*a) - sp.Matrix(a) * sp.Matrix(a).T


def seed_gradient_reference(n_classes=3, true_class=3):
    r"""The reference gradient ``a_k - [k = y]`` in ``z_1 ... z_K`` (a list, one per class).

    >>> seed_gradient_reference(2, 1)
    [-1 + exp(z_1)/(exp(z_1) + exp(z_2)), exp(z_2)/(exp(z_1) + exp(z_2))]
    """
    n_classes = _check_n_classes(n_classes)
    true_class = _check_class(true_class, n_classes)
    a = softmax_expressions(logit_symbols(n_classes))
    return [ak - int(k == true_class - 1) for k, ak in enumerate(a)]


def seed_loss_reference(n_classes=3, true_class=3):
    r"""The reference loss :math:`J = -\log a_y` in ``z_1 ... z_K`` (classes from 1).

    >>> seed_loss_reference(2, 2)
    -log(exp(z_2)/(exp(z_1) + exp(z_2)))
    """
    n_classes = _check_n_classes(n_classes)
    true_class = _check_class(true_class, n_classes)
    return -sp.log(softmax_expressions(logit_symbols(n_classes))[true_class - 1])


def target_loss_reference(n_classes=3, target="t"):
    r"""The reference loss :math:`J = -\sum_k t_k \log a_k` in ``z`` and target symbols.

    >>> target_loss_reference(2, "y")
    -y_1*log(exp(z_1)/(exp(z_1) + exp(z_2))) - y_2*log(exp(z_2)/(exp(z_1) + exp(z_2)))
    """
    n_classes = _check_n_classes(n_classes)
    a = softmax_expressions(logit_symbols(n_classes))
    t = target_symbols(n_classes, target)
    return -sp.Add(*[tk * sp.log(ak) for tk, ak in zip(t, a, strict=True)])


def target_gradient_reference(n_classes=3, target="y", *, assume_sum_to_one=True):
    r"""The reference gradient in ``z`` and target symbols, one expression per class.

    With ``assume_sum_to_one`` it is :math:`a_k - t_k` (one-hot labels, distributions);
    without it :math:`a_k \sum_j t_j - t_k`, valid for any targets.

    >>> target_gradient_reference(2, "y")[1]
    -y_2 + exp(z_2)/(exp(z_1) + exp(z_2))
    """
    n_classes = _check_n_classes(n_classes)
    if not isinstance(assume_sum_to_one, bool):
        raise ValueError(f"assume_sum_to_one must be a bool, got {assume_sum_to_one!r}.")
    a = softmax_expressions(logit_symbols(n_classes))
    t = target_symbols(n_classes, target)
    total = sp.Integer(1) if assume_sum_to_one else sp.Add(*t)
    return [ak * total - tk for ak, tk in zip(a, t, strict=True)]


# ----------------------------------------------------------------------- symbolic K


@dataclass(frozen=True)
class GeneralDerivation:
    r"""A derivation for a symbolic number of classes ``K``.

    Attributes
    ----------
    K : Symbol
        The number of classes, a positive integer symbol.
    index : Symbol
        The class the derivative is taken for (``m``), assumed in ``1..K``.
    loss : Expr
        :math:`J` with ``Sum`` over indexed symbols.
    derivative : Expr
        :math:`\partial J / \partial z_m` after evaluating the Kronecker deltas.
    in_probabilities : Expr
        The derivative written with :math:`a_m`.
    result : Expr
        ``in_probabilities`` once the targets are known to sum to one.
    """

    K: sp.Symbol
    index: sp.Symbol
    loss: sp.Expr
    derivative: sp.Expr
    in_probabilities: sp.Expr
    result: sp.Expr

    def latex(self):
        """LaTeX lines for a notebook."""
        m = sp.latex(self.index)
        return [
            rf"J = {sp.latex(self.loss)}",
            rf"\frac{{\partial J}}{{\partial z_{{{m}}}}} = {sp.latex(self.derivative)}",
            rf"\frac{{\partial J}}{{\partial z_{{{m}}}}} = {sp.latex(self.in_probabilities)}",
            rf"\frac{{\partial J}}{{\partial z_{{{m}}}}} = {sp.latex(self.result)}",
        ]

    def _repr_latex_(self):
        return _aligned(self.latex())


def _indexed_setup():
    K = sp.Symbol("K", integer=True, positive=True)
    j, k, m, n = sp.symbols("j k m n", integer=True, positive=True)
    z = sp.IndexedBase("z", real=True)
    return K, j, k, m, n, z


def _drop_range_conditions(expr, *indices_and_bound):
    # d/dz_m of a Sum over 1..K yields Piecewise((..., m <= K), (0, True)); m is a class,
    # so 1 <= m <= K holds and the Piecewise is its first branch.
    *indices, K = indices_and_bound
    assumptions = sp.And(*[sp.Q.le(i, K) for i in indices])
    return sp.refine(expr, assumptions)


def derive_general_gradient(target="one_label"):
    r"""Differentiate the loss for a symbolic number of classes ``K``.

    With ``target="one_label"`` the loss is :math:`J = -z_y + \log \sum_{j=1}^K e^{z_j}` for
    an integer symbol ``y``; differentiating by :math:`z_m` gives a Kronecker delta,
    :math:`a_m - \delta_{my}`. With ``target="distribution"`` the loss is
    :math:`J = -\sum_{k=1}^K t_k z_k + (\sum_{k=1}^K t_k) \log \sum_{j=1}^K e^{z_j}` and the
    derivative is :math:`a_m \sum_k t_k - t_m`, which becomes :math:`a_m - t_m` when the
    targets sum to one. ``K``, ``y`` and ``m`` stay symbols throughout: this is a proof
    for every ``K``, not a loop over sizes. The only assumption used is
    :math:`1 \le m, y \le K`.

    Returns
    -------
    GeneralDerivation

    Examples
    --------
    >>> derive_general_gradient().result
    -KroneckerDelta(m, y) + a[m]
    >>> derive_general_gradient("distribution").in_probabilities
    a[m]*Sum(t[k], (k, 1, K)) - t[m]
    """
    if target not in ("one_label", "distribution"):
        raise ValueError(f"target must be 'one_label' or 'distribution', got {target!r}.")
    K, j, k, m, n, z = _indexed_setup()
    a = sp.IndexedBase("a", positive=True)
    total_exp = sp.Sum(sp.exp(z[j]), (j, 1, K))
    if target == "one_label":
        y = sp.Symbol("y", integer=True, positive=True)
        loss = -z[y] + sp.log(total_exp)
        derivative = _drop_range_conditions(sp.diff(loss, z[m]).doit(), m, y, K)
        total_targets = sp.Integer(1)
        delta = sp.KroneckerDelta(m, y)
    else:
        t = sp.IndexedBase("t", real=True)
        total_targets = sp.Sum(t[k], (k, 1, K))
        loss = -sp.Sum(t[k] * z[k], (k, 1, K)) + total_targets * sp.log(total_exp)
        derivative = _drop_range_conditions(sp.diff(loss, z[m]).doit(), m, K)
        delta = t[m]
    in_a = sp.expand(derivative.subs(sp.exp(z[m]), a[m] * total_exp))
    expected = a[m] * total_targets - delta
    _verify(sp.simplify(in_a - expected) == 0, "general derivative differs from a_m sum(t) - t_m")
    result = in_a.subs(total_targets, 1)
    return GeneralDerivation(K, m, loss, derivative, in_a, result)


def derive_general_hessian():
    r"""The Hessian entry :math:`\partial a_m / \partial z_n` for symbolic ``K``.

    .. math:: \frac{\partial^2 J}{\partial z_m \partial z_n}
       = \frac{\partial a_m}{\partial z_n} = a_m \delta_{mn} - a_m a_n

    (the targets enter the gradient only through the constant :math:`-t_m`, so this holds
    for every target that sums to one).

    Returns
    -------
    derivative : Expr
        In ``z`` with ``Sum`` over ``1..K``.
    in_probabilities : Expr
        Written with ``a[m]`` and ``a[n]``.

    Examples
    --------
    >>> derive_general_hessian()[1]
    KroneckerDelta(m, n)*a[m] - a[m]*a[n]
    """
    K, j, k, m, n, z = _indexed_setup()
    a = sp.IndexedBase("a", positive=True)
    total_exp = sp.Sum(sp.exp(z[j]), (j, 1, K))
    a_m = sp.exp(z[m]) / total_exp
    derivative = _drop_range_conditions(sp.diff(a_m, z[n]).doit(), m, n, K)
    in_a = sp.expand(
        derivative.subs({sp.exp(z[m]): a[m] * total_exp}).subs({sp.exp(z[n]): a[n] * total_exp})
    )
    expected = a[m] * sp.KroneckerDelta(m, n) - a[m] * a[n]
    _verify(sp.simplify(in_a - expected) == 0, "general Hessian differs from diag(a) - a a^T")
    return derivative, in_a


# ----------------------------------------------------------------------- display, numpy


def to_latex(expr, **options):
    r"""LaTeX of an expression (or a list of them) for display in a notebook.

    Lists become a column vector. ``options`` pass to :func:`sympy.latex`.

    >>> to_latex(probability_symbols(2)[0] - 1)
    'a_{1} - 1'
    """
    if isinstance(expr, (list, tuple)):
        expr = sp.Matrix(expr)
    if not isinstance(expr, sp.Basic | sp.MatrixBase):
        raise ValueError(f"expr must be a SymPy expression or a list of them, got {expr!r}.")
    return sp.latex(expr, **options)


def to_numpy(expr, *symbol_groups):
    r"""Turn a SymPy expression into a vectorised NumPy function.

    Parameters
    ----------
    expr : Expr, Matrix or list of Expr
        What to evaluate. A list or a column gives one output per entry.
    *symbol_groups : sequence of Symbol
        One group per argument of the returned function, e.g. ``z`` and then ``y``. The
        function takes one array per group whose **last axis** runs over that group's
        symbols, so a batch ``(N, K)`` is evaluated in one call.

    Returns
    -------
    callable
        ``f(*arrays) -> ndarray`` of float64. For a list of ``M`` expressions the last axis
        of the result has length ``M``; a Matrix keeps its shape at the end.

    Examples
    --------
    >>> z = logit_symbols(2)
    >>> f = to_numpy(softmax_expressions(z), z)
    >>> f(np.array([[0.0, 0.0], [0.0, np.log(3.0)]]))
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    if not symbol_groups:
        raise ValueError("to_numpy needs at least one group of symbols, got none.")
    groups = [_check_symbol_group(g, i) for i, g in enumerate(symbol_groups)]
    shape = None
    if isinstance(expr, sp.MatrixBase):
        shape = expr.shape
        flat = list(expr)
    elif isinstance(expr, (list, tuple)):
        shape = (len(expr),)
        flat = [sp.sympify(e) for e in expr]
    elif isinstance(expr, sp.Basic):
        flat = [expr]
    else:
        raise ValueError(f"expr must be a SymPy expression or a list of them, got {expr!r}.")
    known = set().union(*[set(g) for g in groups])
    unknown = set().union(*[e.free_symbols for e in flat]) - known
    if unknown:
        names = ", ".join(sorted(str(s) for s in unknown))
        raise ValueError(f"expr uses symbols that are in no symbol group: {names}.")
    compiled = sp.lambdify(groups, flat, modules="numpy")

    def function(*arrays):
        if len(arrays) != len(groups):
            raise ValueError(
                f"expected {len(groups)} arrays (one per symbol group), got {len(arrays)}."
            )
        unpacked = []
        for i, (array, group) in enumerate(zip(arrays, groups, strict=True)):
            array = np.asarray(array, dtype=np.float64)
            if array.ndim == 0 or array.shape[-1] != len(group):
                raise ValueError(
                    f"array {i} must have a last axis of length {len(group)}, got shape "
                    f"{array.shape}."
                )
            unpacked.append(list(np.moveaxis(array, -1, 0)))
        values = compiled(*unpacked)
        batch = np.broadcast_shapes(*[np.shape(v) for v in values])
        out = np.stack([np.broadcast_to(np.asarray(v, dtype=np.float64), batch) for v in values])
        if shape is None:
            return out[0]
        return np.moveaxis(out, 0, -1).reshape(batch + shape)

    return function


def _check_symbol_group(group, index):
    if isinstance(group, sp.Symbol):
        return (group,)
    if not isinstance(group, Sequence) or not all(isinstance(s, sp.Symbol) for s in group):
        raise ValueError(
            f"symbol group {index} must be a sequence of SymPy symbols, got {group!r}."
        )
    return tuple(group)


# ---------------------------------------------------------- points for grading, evaluate


def draw_points(
    n_classes,
    constraint="one_label",
    *,
    n_points=10,
    rng=None,
    logit_scale=3.0,
    logits="z",
    targets=None,
    probabilities=None,
):
    r"""Draw valid values for the logit and target symbols.

    Logits are ``logit_scale * standard normal``. Targets follow the constraint:

    * ``"one_label"``: ``y_1 ... y_K`` one-hot; the classes cycle so that every class is
      the label at least once when ``n_points >= K``;
    * ``"sum_to_one"``: ``t_1 ... t_K`` from a flat Dirichlet (on the simplex);
    * ``None``: no target symbols.

    Parameters
    ----------
    n_classes : int
    constraint : {"one_label", "sum_to_one", None}
    n_points : int, default 10
    rng : numpy.random.Generator, int or None
    logit_scale : float, default 3.0
    logits : str, default "z"
        Name of the logit symbols.
    targets : str or None
        Name of the target symbols; ``"y"`` for one-hot and ``"t"`` for distributions.
    probabilities : str or None
        When given (e.g. ``"a"``), also the values ``a_k = softmax(z)_k`` under that name,
        for expressions written with probability symbols.

    Returns
    -------
    dict
        Symbol name -> float64 array of shape ``(n_points,)``.

    Examples
    --------
    >>> p = draw_points(3, "one_label", n_points=4, rng=0)
    >>> sorted(p)
    ['y_1', 'y_2', 'y_3', 'z_1', 'z_2', 'z_3']
    >>> p["y_1"] + p["y_2"] + p["y_3"]
    array([1., 1., 1., 1.])
    """
    n_classes = _check_n_classes(n_classes)
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {CONSTRAINTS}, got {constraint!r}.")
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer, got {n_points!r}.")
    if not isinstance(logit_scale, numbers.Real) or not np.isfinite(logit_scale) or logit_scale < 0:
        raise ValueError(f"logit_scale must be a finite number >= 0, got {logit_scale!r}.")
    rng = np.random.default_rng(rng)
    points = {}
    z = logit_scale * rng.standard_normal((n_points, n_classes))
    for k in range(n_classes):
        points[f"{logits}_{k + 1}"] = z[:, k]
    if probabilities is not None:
        a = np.exp(z - z.max(axis=1, keepdims=True))
        a /= a.sum(axis=1, keepdims=True)
        points.update({f"{probabilities}_{k + 1}": a[:, k] for k in range(n_classes)})
    if constraint is None:
        return points
    if targets is None:
        targets = "y" if constraint == "one_label" else "t"
    if constraint == "one_label":
        labels = (np.arange(n_points) + rng.integers(n_classes)) % n_classes
        labels = rng.permutation(labels)
        t = np.eye(n_classes)[labels]
    else:
        t = rng.dirichlet(np.ones(n_classes), size=n_points)
    for k in range(n_classes):
        points[f"{targets}_{k + 1}"] = t[:, k]
    return points


def evaluate(expr, points):
    r"""Evaluate a trusted SymPy expression at points given as ``{name: values}``.

    Parameters
    ----------
    expr : Expr, Matrix or list of Expr
        The (reference) expression. Only trusted expressions belong here: this function
        compiles the expression.
    points : Mapping[str, float or array_like]
        A value (or a 1-D array of values, one per point) for every free symbol of
        ``expr``; extra names are ignored.

    Returns
    -------
    ndarray of float64
        Shape ``(n_points,)`` for one expression and ``(n_points, M)`` for ``M``
        expressions (a Matrix is flattened row by row).

    Examples
    --------
    >>> z = logit_symbols(2)
    >>> evaluate(softmax_expressions(z), {"z_1": [0.0, 0.0], "z_2": [0.0, np.log(3.0)]})
    array([[0.5 , 0.5 ],
           [0.25, 0.75]])
    """
    flat, single = _flatten_expressions(expr, "expr")
    if not isinstance(points, Mapping):
        raise ValueError(f"points must be a mapping from symbol name to values, got {points!r}.")
    symbols = sorted(set().union(*[e.free_symbols for e in flat]), key=str)
    values = []
    for s in symbols:
        if str(s) not in points:
            raise ValueError(f"points has no value for symbol {s} (names given: {sorted(points)}).")
        v = np.atleast_1d(np.asarray(points[str(s)], dtype=np.float64))
        if v.ndim != 1:
            raise ValueError(
                f"points[{str(s)!r}] must be a number or a 1-D array, got shape {v.shape}."
            )
        values.append(v)
    n_points = max((len(v) for v in values), default=1)
    for s, v in zip(symbols, values, strict=True):
        if len(v) not in (1, n_points):
            raise ValueError(
                f"points[{str(s)!r}] has {len(v)} values; expected {n_points} like the others."
            )
    compiled = sp.lambdify(symbols, flat, modules="numpy")
    with np.errstate(all="ignore"):
        results = compiled(*values)
    out = np.stack(
        [np.broadcast_to(np.asarray(r, dtype=np.float64), (n_points,)) for r in results], axis=-1
    )
    return out[:, 0] if single else out


def _flatten_expressions(expr, name):
    if isinstance(expr, sp.MatrixBase):
        return list(expr), False
    if isinstance(expr, (list, tuple)):
        if not expr:
            raise ValueError(f"{name} must not be an empty list.")
        flat = []
        for i, e in enumerate(expr):
            if not isinstance(e, sp.Expr | numbers.Number):
                raise ValueError(f"{name}[{i}] must be a SymPy expression, got {type(e).__name__}.")
            flat.append(sp.sympify(e))
        return flat, False
    if isinstance(expr, sp.Expr):
        return [expr], True
    raise ValueError(f"{name} must be a SymPy expression or a list of them, got {expr!r}.")


# ------------------------------------------------------------------------- equality


@dataclass(frozen=True)
class EqualityResult:
    """Outcome of :func:`expressions_equal`.

    Attributes
    ----------
    equal : bool
    reason : str
        Why: which entry differs and where, or how equality was established.
    method : str
        ``"symbolic"`` (the difference simplified to zero), ``"numeric"`` (values agree at
        every drawn point; simplification gave no verdict in time) or ``"form"`` (the
        answer is not a comparable expression).
    """

    equal: bool
    reason: str
    method: str = "numeric"
    details: dict = field(default_factory=dict, compare=False)

    def __bool__(self):
        return self.equal


def _simplify_to_zero(differences, timeout):
    """Simplify each difference in a child process; None when it did not finish in time."""
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform: give no symbolic verdict
        return None
    parent, child = context.Pipe(duplex=False)

    def work():
        # Report failures through the pipe: the child must not write to the parent's streams.
        try:
            results = []
            for d in differences:
                simplified = sp.simplify(sp.cancel(sp.expand(d)))
                results.append((bool(simplified == 0), str(simplified)))
        except Exception:
            results = None
        child.send(results)

    process = context.Process(target=work, daemon=True)
    try:
        with warnings.catch_warnings():
            # Python >= 3.12 warns about fork in a threaded process (a Jupyter kernel); the
            # child only simplifies and writes to its pipe, so it takes no shared lock.
            warnings.simplefilter("ignore", DeprecationWarning)
            process.start()
    except OSError:  # no processes allowed here (a sandbox): give no symbolic verdict
        parent.close()
        child.close()
        return None
    child.close()
    try:
        if parent.poll(timeout):
            return parent.recv()
        return None
    except EOFError:
        return None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()


def _constraint_cases(constraint, targets):
    if constraint is None:
        return [{}]
    if constraint == "one_label":
        return [
            {t: sp.Integer(int(i == k)) for i, t in enumerate(targets)} for k in range(len(targets))
        ]
    return [{targets[-1]: 1 - sp.Add(*targets[:-1])}]


def expressions_equal(
    student,
    reference,
    *,
    logits=None,
    targets=None,
    constraint=None,
    n_points=20,
    rng=None,
    rtol=1e-7,
    atol=1e-9,
    timeout=2.0,
):
    r"""Decide whether a SymPy answer equals a reference expression.

    The answer is first evaluated at random points drawn under the constraint (fast and
    decisive when the two differ). When every point agrees, a symbolic check in a child
    process, stopped after ``timeout`` seconds, tries to simplify the difference to zero
    under the constraint: every one-hot assignment of the targets for ``"one_label"``, or
    :math:`t_K = 1 - \sum_{k<K} t_k` for ``"sum_to_one"``. When the values differ, the
    same bounded simplification is used only to explain the difference.

    Probability symbols ``a_1 ... a_K`` may appear in either expression: they stand for
    :math:`e^{z_k} / \sum_j e^{z_j}` and are replaced by it, so ``a_3 - 1`` and
    ``-(a_1 + a_2)`` are both equal to the seed's gradient entry.

    Parameters
    ----------
    student : Expr, Matrix or list of Expr
        The answer. Anything else gives ``equal=False`` with a reason.
    reference : Expr, Matrix or list of Expr
        The trusted reference; ``ValueError`` if it is not an expression.
    logits : sequence of Symbol, optional
        Default: the reference's symbols named ``z_*`` (or ``z_1 ... z_K`` when the
        reference is written with ``a_1 ... a_K`` only).
    targets : sequence of Symbol, optional
        Default: the reference's symbols named ``y_*`` or ``t_*``. Required by a
        constraint.
    constraint : {None, "one_label", "sum_to_one"}
    n_points : int, default 20
    rng : numpy.random.Generator, int or None
    rtol, atol : float
        Tolerance of the numeric comparison.
    timeout : float, default 2.0
        Seconds allowed for symbolic simplification.

    Returns
    -------
    EqualityResult

    Examples
    --------
    >>> z, y = logit_symbols(3), target_symbols(3)
    >>> reference = target_gradient_reference(3, "y")
    >>> a = softmax_expressions(z)
    >>> expressions_equal([a[k] * sum(y) - y[k] for k in range(3)], reference,
    ...                   constraint="one_label", rng=0).equal
    True
    >>> result = expressions_equal(a, reference, constraint="one_label", rng=0)
    >>> result.equal, result.reason.split(" at ")[0]
    (False, 'entry 1 differs from the reference')
    >>> a_1, a_2, a_3 = probability_symbols(3)
    >>> expressions_equal([a_1, a_2, -(a_1 + a_2)], seed_gradient_reference(), rng=0).equal
    True
    """
    reference_flat, _ = _flatten_expressions(reference, "reference")
    if constraint not in CONSTRAINTS:
        raise ValueError(f"constraint must be one of {CONSTRAINTS}, got {constraint!r}.")
    if isinstance(n_points, bool) or not isinstance(n_points, numbers.Integral) or n_points < 1:
        raise ValueError(f"n_points must be a positive integer, got {n_points!r}.")
    if not isinstance(timeout, numbers.Real) or not timeout > 0:
        raise ValueError(f"timeout must be a positive number of seconds, got {timeout!r}.")
    logits, targets, probabilities = _problem_symbols(reference_flat, logits, targets)
    if constraint is not None and len(targets) != len(logits):
        raise ValueError(
            f"constraint {constraint!r} needs {len(logits)} target symbols like the logits; "
            f"got {targets}."
        )

    try:
        student_flat, _ = _flatten_expressions(student, "the answer")
    except ValueError as error:
        return EqualityResult(False, str(error), "form")
    if len(student_flat) != len(reference_flat):
        return EqualityResult(
            False, f"expected {len(reference_flat)} expressions, got {len(student_flat)}.", "form"
        )
    # a_k is softmax(z)_k: write both sides in z so that one set of points serves both.
    a_of_z = dict(zip(probabilities, softmax_expressions(logits), strict=True))
    reference_flat = [e.xreplace(a_of_z) for e in reference_flat]
    allowed = set(logits) | set(targets) | set().union(*[e.free_symbols for e in reference_flat])
    by_name = {str(s): s for s in allowed | set(probabilities)}
    # A symbol built without the same assumptions (sp.Symbol("z_1") rather than real=True)
    # is still the same variable to a student: match symbols by name.
    student_flat = [
        e.xreplace({s: by_name[str(s)] for s in e.free_symbols if str(s) in by_name}).xreplace(
            a_of_z
        )
        for e in student_flat
    ]
    extra = sorted(str(s) for s in set().union(*[e.free_symbols for e in student_flat]) - allowed)
    if extra:
        return EqualityResult(
            False, f"uses symbols the problem does not define: {', '.join(extra)}.", "form"
        )

    rng = np.random.default_rng(rng)
    points = draw_points(
        len(logits),
        constraint,
        n_points=n_points,
        rng=rng,
        logits=str(logits[0]).rsplit("_", 1)[0],
        targets=str(targets[0]).rsplit("_", 1)[0] if targets else None,
    )
    if constraint is None and targets:
        values = rng.standard_normal((n_points, len(targets)))
        points.update({str(s): values[:, i] for i, s in enumerate(targets)})
    for s in sorted(allowed - set(logits) - set(targets), key=str):
        points[str(s)] = rng.standard_normal(n_points)
    expected = evaluate(reference_flat, points)
    try:
        got = evaluate(student_flat, points)
    except (TypeError, ValueError, NameError, AttributeError, ZeroDivisionError) as error:
        return EqualityResult(False, f"the answer cannot be evaluated numerically: {error}", "form")

    cases = _constraint_cases(constraint, targets)
    numeric = compare_values(got, expected, points, rtol=rtol, atol=atol)
    if not numeric.equal:
        entry = numeric.details["entry"]
        verdict = _simplify_to_zero(
            [(student_flat[entry] - reference_flat[entry]).subs(case) for case in cases], timeout
        )
        if verdict is not None and len(verdict) == 1 and len(verdict[0][1]) <= 200:
            reason = (
                numeric.reason[:-1] + f"; answer minus reference simplifies to {verdict[0][1]}."
            )
            return EqualityResult(False, reason, "numeric", numeric.details)
        return numeric

    under = {
        None: "",
        "one_label": " for every one-hot label",
        "sum_to_one": " when the targets sum to one",
    }[constraint]
    differences = [
        (s - r).subs(case)
        for s, r in zip(student_flat, reference_flat, strict=True)
        for case in cases
    ]
    verdict = _simplify_to_zero(differences, timeout)
    if verdict is not None and all(is_zero for is_zero, _ in verdict):
        return EqualityResult(True, f"the difference simplifies to 0{under}.", "symbolic")
    if verdict is None:
        how = f"symbolic simplification gave no verdict within {timeout:g} s"
    else:
        how = "symbolic simplification did not reach 0"
    return EqualityResult(
        True,
        f"agrees with the reference at all {n_points} points drawn{under} ({how}).",
        "numeric",
    )


def _problem_symbols(reference_flat, logits, targets):
    """The logit, target and probability symbols of a problem, from the reference."""
    found = sorted(set().union(*[e.free_symbols for e in reference_flat]), key=str)
    named = {
        prefix: sorted(
            (s for s in found if re.fullmatch(rf"{prefix}_\d+", str(s))),
            key=lambda s: int(str(s).split("_")[1]),
        )
        for prefix in "zyta"
    }
    if logits is None:
        logits = named["z"] or (logit_symbols(len(named["a"])) if len(named["a"]) >= 2 else ())
    logits = tuple(logits)
    if len(logits) < 2 or not all(isinstance(s, sp.Symbol) for s in logits):
        raise ValueError(f"logits must be at least 2 SymPy symbols (z_1, z_2, ...); got {logits}.")
    targets = tuple(named["y"] + named["t"]) if targets is None else tuple(targets)
    if not all(isinstance(s, sp.Symbol) for s in targets):
        raise ValueError(f"targets must be SymPy symbols, got {targets}.")
    probabilities = probability_symbols(len(logits))
    return logits, targets, probabilities


def compare_values(got, expected, points=None, *, rtol=1e-7, atol=1e-9):
    r"""Compare an answer's values with the reference's at the same points.

    This is the trusted side of grading an expression: the answer was evaluated elsewhere
    (for instance in a sandbox, at points from :func:`draw_points`) and only its numbers
    come back.

    Parameters
    ----------
    got, expected : array_like, shape (n_points,) or (n_points, n_entries)
        As returned by :func:`evaluate`.
    points : Mapping[str, array_like], optional
        The points, to name one where the values differ. Leave it out to keep the points
        secret (hidden tests).
    rtol, atol : float
        Tolerances of :func:`numpy.isclose`; NaN or infinity never match a finite value.

    Returns
    -------
    EqualityResult
        ``details`` holds ``entry`` (0-based) and ``n_mismatched`` when they differ.

    Examples
    --------
    >>> compare_values([[1.0, 2.0]], [[1.0, 2.5]]).reason
    'entry 2 differs from the reference at 1 of 1 points: it is 2, expected 2.5.'
    """
    for name, value in (("rtol", rtol), ("atol", atol)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    try:
        got = np.asarray(got, dtype=np.float64)
        expected = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"got and expected must be arrays of numbers: {error}") from error
    if expected.ndim == 1:
        got, expected = got.reshape(-1, 1) if got.ndim == 1 else got, expected.reshape(-1, 1)
    if expected.ndim != 2:
        raise ValueError(f"expected must have shape (n_points, n_entries), got {expected.shape}.")
    if got.shape != expected.shape:
        return EqualityResult(
            False, f"expected values of shape {expected.shape}, got {got.shape}.", "form"
        )
    close = np.isclose(got, expected, rtol=rtol, atol=atol)
    if close.all():
        return EqualityResult(True, f"agrees at all {got.shape[0]} points.", "numeric")
    entry = int(np.argmax(~close.all(axis=0)))
    bad = np.flatnonzero(~close[:, entry])
    i = int(bad[0])
    where = ""
    if points is not None:
        where = " at " + ", ".join(f"{n}={np.ravel(points[n])[i]:.4g}" for n in sorted(points))
    reason = (
        f"entry {entry + 1} differs from the reference at {len(bad)} of {got.shape[0]} points:"
        f"{where} it is {got[i, entry]:.6g}, expected {expected[i, entry]:.6g}."
    )
    return EqualityResult(False, reason, "numeric", {"entry": entry, "n_mismatched": len(bad)})
