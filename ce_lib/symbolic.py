r"""The gradient and Hessian of softmax cross-entropy, derived with SymPy.

Two derivations for a *symbolic* number of classes :math:`K`, the Hessian for a fixed
``K``, and the references the grader of lesson 2 compares answers with:

* :func:`derive_general_gradient` differentiates the loss with indexed symbols
  :math:`z_k, t_k` and sums over ``1..K``, so the result, :math:`a_m - \delta_{my}` (one
  label) or :math:`a_m \sum_k t_k - t_m` (any targets), holds for every :math:`K`, not only
  for the sizes that were tried.
* :func:`derive_hessian` (fixed ``K``) and :func:`derive_general_hessian` (symbolic ``K``)
  give :math:`\operatorname{diag}(a) - a a^\top`, positive semi-definite, so the loss is
  convex in the logits.
* :func:`seed_gradient_reference`, :func:`target_gradient_reference` and
  :func:`hessian_reference` are the closed forms written in ``z`` (and the targets), and
  :func:`softmax_expressions` the softmax of logit symbols.

Each derivation checks its result against the closed form before returning it; a result
that differs raises :class:`ArithmeticError` (a bug in the derivation, not a user error).
Answers are evaluated at points by the grader's one evaluator,
:func:`ce_sandbox.answers.evaluate_expression`; nothing here evaluates or compares them.

Symbols are named ``z_1 ... z_K`` (logits), ``a_1 ... a_K`` (probabilities), ``y_1 ... y_K``
(one-hot labels) and ``t_1 ... t_K`` (target distributions), counted from 1 as in the
derivation on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral

import sympy as sp

from ce_lib.symbols import logit_symbols, probability_symbols, target_symbols
from ce_lib.validation import check_scalar

__all__ = [
    "GeneralDerivation",
    "derive_general_gradient",
    "derive_general_hessian",
    "derive_hessian",
    "hessian_reference",
    "in_probabilities",
    "logit_symbols",
    "probability_symbols",
    "seed_gradient_reference",
    "softmax_expressions",
    "target_gradient_reference",
    "target_symbols",
]


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
        raise ValueError(f"{name}: expected a sequence of SymPy symbols, got {symbols!r}.")
    symbols = tuple(symbols)
    for i, s in enumerate(symbols):
        if not isinstance(s, sp.Symbol):
            raise ValueError(f"{name}: expected SymPy symbols, got {s!r} at entry {i}.")
    if len(symbols) < 2:
        raise ValueError(f"{name}: expected at least 2 symbols, got {len(symbols)}.")
    return symbols


# ------------------------------------------------------------ fixed K: Hessian, references


def _aligned(lines):
    # Notebooks render text/latex with MathJax: one aligned block, equals signs lined up.
    return (
        r"$\begin{aligned}"
        + r"\\ ".join(line.replace("=", "&=", 1) for line in lines)
        + r"\end{aligned}$"
    )


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
        raise ValueError(f"a: expected {len(z)} symbols like z, got {len(a)}.")
    if not isinstance(expr, sp.Basic):
        raise ValueError(f"expr: expected a SymPy expression, got {type(expr).__name__}.")
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
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
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
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    a = softmax_expressions(logit_symbols(n_classes))
    return sp.diag(*a) - sp.Matrix(a) * sp.Matrix(a).T


def seed_gradient_reference(n_classes=3, true_class=3):
    r"""The reference gradient ``a_k - [k = y]`` in ``z_1 ... z_K`` (a list, one per class).

    >>> seed_gradient_reference(2, 1)
    [-1 + exp(z_1)/(exp(z_1) + exp(z_2)), exp(z_2)/(exp(z_1) + exp(z_2))]
    """
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    true_class = check_scalar(true_class, "true_class", Integral, min_val=1, max_val=n_classes)
    a = softmax_expressions(logit_symbols(n_classes))
    return [ak - int(k == true_class - 1) for k, ak in enumerate(a)]


def target_gradient_reference(n_classes=3, target="y", *, assume_sum_to_one=True):
    r"""The reference gradient in ``z`` and target symbols, one expression per class.

    With ``assume_sum_to_one`` it is :math:`a_k - t_k` (one-hot labels, distributions);
    without it :math:`a_k \sum_j t_j - t_k`, valid for any targets.

    >>> target_gradient_reference(2, "y")[1]
    -y_2 + exp(z_2)/(exp(z_1) + exp(z_2))
    """
    n_classes = check_scalar(n_classes, "n_classes", Integral, min_val=2)
    assume_sum_to_one = check_scalar(assume_sum_to_one, "assume_sum_to_one", bool)
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
        raise ValueError(f"target: expected 'one_label' or 'distribution', got {target!r}.")
    K, j, k, m, _n, z = _indexed_setup()
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
    K, j, _k, m, n, z = _indexed_setup()
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
