"""Tests of ce_lib.symbolic: the derivations agree with ce_lib's numerics."""

import numpy as np
import pytest
import sympy as sp

from ce_lib.cross_entropy import cross_entropy_grad
from ce_lib.gradcheck import numerical_gradient
from ce_lib.softmax import softmax
from ce_lib.symbolic import (
    derive_general_gradient,
    derive_general_hessian,
    derive_hessian,
    hessian_reference,
    in_probabilities,
    logit_symbols,
    probability_symbols,
    seed_gradient_reference,
    softmax_expressions,
    target_gradient_reference,
    target_symbols,
)
from ce_sandbox.answers import evaluate_expression


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


def numeric(expr, *groups):
    """``expr`` as a function of one 2-D batch per symbol group, row by row (SymPy's lambdify)."""
    f = sp.lambdify([tuple(g) for g in groups], expr, modules="numpy")

    def at(*batches):
        rows = zip(*[np.atleast_2d(b) for b in batches], strict=True)
        return np.array([np.array(f(*row), dtype=np.float64) for row in rows])

    return at


# ------------------------------------------------------------------------ references


@pytest.mark.parametrize(("n_classes", "true_class"), [(2, 1), (3, 3), (4, 2), (5, 5)])
def test_seed_gradient_reference_equals_cross_entropy_grad(n_classes, true_class, rng):
    gradient = numeric(seed_gradient_reference(n_classes, true_class), logit_symbols(n_classes))
    z = 3.0 * rng.standard_normal((20, n_classes))
    labels = np.full(20, true_class - 1)
    # reduction="sum" makes row i the gradient of sample i's own loss.
    np.testing.assert_allclose(
        gradient(z), cross_entropy_grad(z, labels, reduction="sum"), rtol=1e-10, atol=1e-12
    )


def test_seed_gradient_reference_is_the_derivative_of_the_seed_loss():
    z = logit_symbols(3)
    loss = -sp.log(softmax_expressions(z)[0])
    for v, reference in zip(z, seed_gradient_reference(3, 1), strict=True):
        assert sp.simplify(sp.diff(loss, v) - reference) == 0


def test_the_graders_evaluator_reads_the_references_as_ce_lib_computes_them(rng):
    z = 3.0 * rng.standard_normal(3)
    t = rng.uniform(0.1, 2.0, 3)
    point = {f"z_{k + 1}": z[k] for k in range(3)} | {f"t_{k + 1}": t[k] for k in range(3)}
    np.testing.assert_allclose(
        evaluate_expression(seed_gradient_reference(3, 3), point),
        cross_entropy_grad(z, 2, reduction="sum"),
        rtol=1e-12,
    )
    soft = target_gradient_reference(3, "t", assume_sum_to_one=False)
    np.testing.assert_allclose(
        evaluate_expression(soft, point), softmax(z) * t.sum() - t, rtol=1e-12
    )


# --------------------------------------------------------------------- soft targets


def test_target_gradient_reference_matches_ce_lib_for_distributions(rng):
    z_symbols, t_symbols = logit_symbols(4), target_symbols(4, "t")
    z = 2.0 * rng.standard_normal((30, 4))
    t = rng.dirichlet(np.ones(4), size=30)
    for assume_sum_to_one in (True, False):
        reference = target_gradient_reference(4, "t", assume_sum_to_one=assume_sum_to_one)
        np.testing.assert_allclose(
            numeric(reference, z_symbols, t_symbols)(z, t),
            cross_entropy_grad(z, t, reduction="sum"),
            rtol=1e-10,
            atol=1e-12,
        )


def test_target_gradient_is_not_a_minus_t_when_targets_do_not_sum_to_one(rng):
    reference = target_gradient_reference(3, "y", assume_sum_to_one=False)
    gradient = numeric(reference, logit_symbols(3), target_symbols(3, "y"))
    z = rng.standard_normal((10, 3))
    several_ones = np.tile([1.0, 1.0, 0.0], (10, 1))
    a = softmax(z)
    np.testing.assert_allclose(gradient(z, several_ones), 2.0 * a - several_ones, rtol=1e-12)
    assert not np.allclose(gradient(z, several_ones), a - several_ones)
    simple = numeric(target_gradient_reference(3, "y"), logit_symbols(3), target_symbols(3, "y"))
    np.testing.assert_allclose(simple(z, several_ones), a - several_ones, rtol=1e-12)


# ------------------------------------------------------------------------- Hessian


@pytest.mark.parametrize("n_classes", [2, 3, 4])
def test_hessian_is_diag_a_minus_a_a_transpose(n_classes):
    _, hessian_in_a = derive_hessian(n_classes)
    a = sp.Matrix(probability_symbols(n_classes))
    assert (hessian_in_a - (sp.diag(*a) - a * a.T)).applyfunc(sp.expand) == sp.zeros(n_classes)


@pytest.mark.parametrize("label", [0, 2])
def test_hessian_matches_finite_differences_of_cross_entropy_grad(label, rng):
    hessian, _ = derive_hessian(3)
    z = 2.0 * rng.standard_normal(3)
    derived = numeric(hessian, logit_symbols(3))(z)[0]
    finite_differences = np.stack(
        [
            numerical_gradient(lambda v, k=k: cross_entropy_grad(v, label, reduction="sum")[k], z)
            for k in range(3)
        ]
    )
    np.testing.assert_allclose(derived, finite_differences, atol=1e-7)
    np.testing.assert_allclose(numeric(hessian_reference(3), logit_symbols(3))(z)[0], derived)


def test_hessian_is_positive_semidefinite(rng):
    f = numeric(hessian_reference(5), logit_symbols(5))
    for z in 3.0 * rng.standard_normal((20, 5)):
        eigenvalues = np.linalg.eigvalsh(f(z)[0])
        assert eigenvalues.min() > -1e-12
        # The constant direction is the one flat direction: softmax ignores a shift of z.
        np.testing.assert_allclose(f(z)[0] @ np.ones(5), 0.0, atol=1e-12)


# ---------------------------------------------------------------------- symbolic K


def _concrete(expr, n_classes, **indices):
    """Substitute K and the indices, evaluate sums, and turn z[k] into z_k symbols."""
    K = sp.Symbol("K", integer=True, positive=True)
    values = {K: n_classes}
    for name, value in indices.items():
        values[sp.Symbol(name, integer=True, positive=True)] = value
    expr = expr.subs(values).doit()
    z = logit_symbols(n_classes)
    t = target_symbols(n_classes, "t")
    replace = {}
    for indexed in expr.atoms(sp.Indexed):
        k = int(indexed.indices[0]) - 1
        replace[indexed] = {"z": z, "t": t}[str(indexed.base)][k]
    return expr.xreplace(replace)


def test_general_one_label_gradient_is_a_minus_kronecker_delta():
    d = derive_general_gradient()
    a = sp.IndexedBase("a", positive=True)
    m, y = sp.symbols("m y", integer=True, positive=True)
    assert d.result == a[m] - sp.KroneckerDelta(m, y)
    assert isinstance(d.K, sp.Symbol) and d.K.is_integer


@pytest.mark.parametrize(("n_classes", "m", "y"), [(3, 1, 3), (3, 3, 3), (5, 2, 4)])
def test_general_gradient_specialises_to_the_fixed_k_derivation(n_classes, m, y, rng):
    d = derive_general_gradient()
    concrete = _concrete(d.derivative, n_classes, m=m, y=y)
    z = rng.standard_normal((4, n_classes))
    expected = cross_entropy_grad(z, np.full(4, y - 1), reduction="sum")[:, m - 1]
    np.testing.assert_allclose(numeric(concrete, logit_symbols(n_classes))(z), expected)


def test_general_distribution_gradient_needs_sum_to_one(rng):
    d = derive_general_gradient("distribution")
    a, t = sp.IndexedBase("a", positive=True), sp.IndexedBase("t", real=True)
    m = sp.Symbol("m", integer=True, positive=True)
    assert d.result == a[m] - t[m]
    concrete = _concrete(d.derivative, 4, m=2)
    z, ts = rng.standard_normal((5, 4)), rng.dirichlet(np.ones(4), size=5)
    f = numeric(concrete, logit_symbols(4), target_symbols(4, "t"))
    np.testing.assert_allclose(f(z, ts), cross_entropy_grad(z, ts, reduction="sum")[:, 1])
    assert "Sum" in str(d.loss)
    assert d._repr_latex_().count(r"\frac{\partial J}{\partial z_{m}}") == 3
    assert r"\sum_{k=1}^{K}" in d._repr_latex_()


def test_general_hessian_entry(rng):
    derivative, in_a = derive_general_hessian()
    a = sp.IndexedBase("a", positive=True)
    m, n = sp.symbols("m n", integer=True, positive=True)
    assert sp.expand(in_a - (a[m] * sp.KroneckerDelta(m, n) - a[m] * a[n])) == 0
    z = rng.standard_normal(4)
    H = numeric(hessian_reference(4), logit_symbols(4))(z)[0]
    for mm, nn in [(1, 1), (2, 4)]:
        entry = _concrete(derivative, 4, m=mm, n=nn)
        assert numeric(entry, logit_symbols(4))(z)[0] == pytest.approx(H[mm - 1, nn - 1])


def test_general_gradient_rejects_unknown_target():
    with pytest.raises(ValueError, match=r"target: expected 'one_label' or 'distrib.*got 'soft'"):
        derive_general_gradient("soft")


# ------------------------------------------------------------- helpers and their errors


def test_in_probabilities_rewrites_softmax_ratios():
    z, a = logit_symbols(3), probability_symbols(3)
    total = sum(sp.exp(v) for v in z)
    assert in_probabilities(sp.exp(z[1]) / total - 1, z) == a[1] - 1
    assert in_probabilities(sp.exp(2 * z[0]) / total**2, z) == a[0] ** 2
    # A loss keeps log S: returned unchanged.
    assert in_probabilities(sp.log(total), z) == sp.log(total)
    with pytest.raises(ValueError, match="expr: expected a SymPy expression, got str"):
        in_probabilities("exp(z_1)", z)
    with pytest.raises(ValueError, match="a: expected 3 symbols like z, got 2"):
        in_probabilities(z[0], z, probability_symbols(2))


def test_softmax_expressions_sum_to_one(rng):
    z = logit_symbols(4)
    values = numeric(softmax_expressions(z), z)(rng.standard_normal((3, 4)))
    np.testing.assert_allclose(values.sum(axis=-1), 1.0)


@pytest.mark.parametrize("bad", [1, 1.5, True, "3"])
def test_symbol_helpers_reject_bad_class_counts(bad):
    with pytest.raises(ValueError, match="n_classes: expected an integer >= 2"):
        logit_symbols(bad)


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match=r"true_class: expected an integer in \[1, 3\], got 0"):
        seed_gradient_reference(3, 0)
    with pytest.raises(ValueError, match="true_class: expected an integer"):
        seed_gradient_reference(3, 1.0)
    with pytest.raises(ValueError, match="name: expected a short identifier"):
        target_symbols(3, "not a name")
    with pytest.raises(ValueError, match="z: expected a sequence of SymPy symbols"):
        softmax_expressions(sp.Symbol("z"))
    with pytest.raises(ValueError, match="z: expected SymPy symbols, got 2 at entry 1"):
        softmax_expressions([sp.Symbol("z"), 2])
    with pytest.raises(ValueError, match="assume_sum_to_one: expected a bool, got 1"):
        target_gradient_reference(3, assume_sum_to_one=1)
