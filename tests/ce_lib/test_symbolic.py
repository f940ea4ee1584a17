"""Tests of ce_lib.symbolic: the derivations agree with ce_lib's numerics."""

import numpy as np
import pytest
import sympy as sp

from ce_lib.cross_entropy import cross_entropy, cross_entropy_grad
from ce_lib.gradcheck import numerical_gradient
from ce_lib.softmax import softmax
from ce_lib.symbolic import (
    EqualityResult,
    compare_values,
    derive_general_gradient,
    derive_general_hessian,
    derive_hessian,
    derive_seed_gradient,
    derive_target_gradient,
    draw_points,
    evaluate,
    expressions_equal,
    hessian_reference,
    in_probabilities,
    logit_symbols,
    probability_symbols,
    seed_gradient_reference,
    seed_loss_reference,
    softmax_expressions,
    target_gradient_reference,
    target_loss_reference,
    target_symbols,
    to_latex,
    to_numpy,
)


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)


# ------------------------------------------------------------------ seed derivation


def test_seed_derivation_for_three_classes_matches_the_seed():
    d = derive_seed_gradient()
    z1, z2, z3 = d.z
    a1, a2, a3 = d.a
    total = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)
    assert d.loss == -sp.log(sp.exp(z3) / total)
    assert d.loss_rewritten == -z3 + sp.log(total)
    assert d.gradient_simplified == [a1, a2, a3 - 1]
    assert d.expected == [a1, a2, a3 - 1]


@pytest.mark.parametrize(("n_classes", "true_class"), [(2, 1), (3, 3), (4, 2), (5, 5)])
def test_seed_gradient_equals_cross_entropy_grad(n_classes, true_class, rng):
    d = derive_seed_gradient(n_classes, true_class)
    gradient = to_numpy(d.gradient, d.z)
    z = 3.0 * rng.standard_normal((20, n_classes))
    labels = np.full(20, true_class - 1)
    # reduction="sum" makes row i the gradient of sample i's own loss.
    np.testing.assert_allclose(
        gradient(z), cross_entropy_grad(z, labels, reduction="sum"), rtol=1e-10, atol=1e-12
    )


def test_seed_reference_is_the_derived_gradient(rng):
    d = derive_seed_gradient(4, 2)
    z = rng.standard_normal((5, 4))
    np.testing.assert_allclose(
        to_numpy(seed_gradient_reference(4, 2), d.z)(z), to_numpy(d.gradient, d.z)(z)
    )


def test_loss_references_equal_cross_entropy(rng):
    z = 2.0 * rng.standard_normal((10, 4))
    seed = to_numpy(seed_loss_reference(4, 2), logit_symbols(4))
    np.testing.assert_allclose(seed(z), cross_entropy(z, np.full(10, 1), reduction="none"))
    t = rng.dirichlet(np.ones(4), size=10)
    soft = to_numpy(target_loss_reference(4), logit_symbols(4), target_symbols(4, "t"))
    np.testing.assert_allclose(soft(z, t), cross_entropy(z, t, reduction="none"))


def test_derivative_of_the_loss_reference_is_the_gradient_reference():
    z = logit_symbols(3)
    J = seed_loss_reference(3, 1)
    result = expressions_equal([sp.diff(J, v) for v in z], seed_gradient_reference(3, 1), rng=0)
    assert result.equal and result.method == "symbolic"


def test_derivation_latex_shows_each_step():
    lines = derive_seed_gradient().latex()
    assert lines[0].startswith("J = ")
    assert r"\log" in lines[1]
    assert lines[-1] == r"\frac{\partial J}{\partial z_{3}} = a_{3} - 1"
    assert r"\begin{aligned}" in derive_seed_gradient()._repr_latex_()


# --------------------------------------------------------------------- soft targets


def test_target_gradient_is_a_times_sum_of_t_minus_t():
    d = derive_target_gradient(3)
    t1, t2, t3 = d.targets
    a1, _a2, _a3 = d.a
    total = t1 + t2 + t3
    assert [sp.expand(g - e) for g, e in zip(d.gradient_simplified, d.expected, strict=True)] == [
        0,
        0,
        0,
    ]
    assert sp.expand(d.gradient_simplified[0] - (a1 * total - t1)) == 0


def test_target_gradient_matches_ce_lib_for_distributions(rng):
    d = derive_target_gradient(4)
    gradient = to_numpy(d.gradient, d.z, d.targets)
    z = 2.0 * rng.standard_normal((30, 4))
    t = rng.dirichlet(np.ones(4), size=30)
    np.testing.assert_allclose(
        gradient(z, t), cross_entropy_grad(z, t, reduction="sum"), rtol=1e-10, atol=1e-12
    )


def test_target_gradient_is_not_a_minus_t_when_targets_do_not_sum_to_one(rng):
    d = derive_target_gradient(3, "y")
    gradient = to_numpy(d.gradient, d.z, d.targets)
    z = rng.standard_normal((10, 3))
    several_ones = np.tile([1.0, 1.0, 0.0], (10, 1))
    a = softmax(z)
    np.testing.assert_allclose(gradient(z, several_ones), 2.0 * a - several_ones, rtol=1e-12)
    assert not np.allclose(gradient(z, several_ones), a - several_ones)


def test_target_reference_with_and_without_the_sum_to_one_assumption(rng):
    z, t = logit_symbols(3), target_symbols(3, "t")
    general = target_gradient_reference(3, "t", assume_sum_to_one=False)
    simple = target_gradient_reference(3, "t")
    zs, ts = rng.standard_normal((6, 3)), rng.dirichlet(np.ones(3), size=6)
    np.testing.assert_allclose(to_numpy(general, z, t)(zs, ts), to_numpy(simple, z, t)(zs, ts))
    ts_off = 2.0 * ts
    assert not np.allclose(to_numpy(general, z, t)(zs, ts_off), to_numpy(simple, z, t)(zs, ts_off))


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
    derived = to_numpy(hessian, logit_symbols(3))(z)
    numeric = np.stack(
        [
            numerical_gradient(lambda v, k=k: cross_entropy_grad(v, label, reduction="sum")[k], z)
            for k in range(3)
        ]
    )
    np.testing.assert_allclose(derived, numeric, atol=1e-7)
    np.testing.assert_allclose(to_numpy(hessian_reference(3), logit_symbols(3))(z), derived)


def test_hessian_is_positive_semidefinite(rng):
    f = to_numpy(hessian_reference(5), logit_symbols(5))
    for z in 3.0 * rng.standard_normal((20, 5)):
        eigenvalues = np.linalg.eigvalsh(f(z))
        assert eigenvalues.min() > -1e-12
        # The constant direction is the one flat direction: softmax ignores a shift of z.
        np.testing.assert_allclose(f(z) @ np.ones(5), 0.0, atol=1e-12)


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
    np.testing.assert_allclose(to_numpy(concrete, logit_symbols(n_classes))(z), expected)


def test_general_distribution_gradient_needs_sum_to_one(rng):
    d = derive_general_gradient("distribution")
    a, t = sp.IndexedBase("a", positive=True), sp.IndexedBase("t", real=True)
    m = sp.Symbol("m", integer=True, positive=True)
    assert d.result == a[m] - t[m]
    concrete = _concrete(d.derivative, 4, m=2)
    z, ts = rng.standard_normal((5, 4)), rng.dirichlet(np.ones(4), size=5)
    f = to_numpy(concrete, logit_symbols(4), target_symbols(4, "t"))
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
    H = to_numpy(hessian_reference(4), logit_symbols(4))(z)
    for mm, nn in [(1, 1), (2, 4)]:
        entry = _concrete(derivative, 4, m=mm, n=nn)
        assert to_numpy(entry, logit_symbols(4))(z) == pytest.approx(H[mm - 1, nn - 1])


def test_general_gradient_rejects_unknown_target():
    with pytest.raises(ValueError, match="target must be 'one_label' or 'distribution'"):
        derive_general_gradient("soft")


# ------------------------------------------------------------- helpers and their errors


def test_in_probabilities_rewrites_softmax_ratios():
    z, a = logit_symbols(3), probability_symbols(3)
    total = sum(sp.exp(v) for v in z)
    assert in_probabilities(sp.exp(z[1]) / total - 1, z) == a[1] - 1
    assert in_probabilities(sp.exp(2 * z[0]) / total**2, z) == a[0] ** 2
    # A loss keeps log S: returned unchanged.
    assert in_probabilities(sp.log(total), z) == sp.log(total)
    with pytest.raises(ValueError, match="expr must be a SymPy expression, got str"):
        in_probabilities("exp(z_1)", z)
    with pytest.raises(ValueError, match="a must hold 3 symbols"):
        in_probabilities(z[0], z, probability_symbols(2))


def test_softmax_expressions_sum_to_one(rng):
    z = logit_symbols(4)
    values = to_numpy(softmax_expressions(z), z)(rng.standard_normal((3, 4)))
    np.testing.assert_allclose(values.sum(axis=-1), 1.0)


@pytest.mark.parametrize("bad", [1, 1.5, True, "3"])
def test_symbol_helpers_reject_bad_class_counts(bad):
    with pytest.raises(ValueError, match="n_classes must be an integer >= 2"):
        logit_symbols(bad)


def test_bad_arguments_raise_value_errors():
    with pytest.raises(ValueError, match=r"true_class must be in 1\.\.3"):
        derive_seed_gradient(3, 0)
    with pytest.raises(ValueError, match="true_class must be an integer"):
        seed_gradient_reference(3, 1.0)
    with pytest.raises(ValueError, match="name must be a short identifier"):
        target_symbols(3, "not a name")
    with pytest.raises(ValueError, match="z must be a sequence of SymPy symbols"):
        softmax_expressions(sp.Symbol("z"))
    with pytest.raises(ValueError, match="z must hold SymPy symbols; entry 1"):
        softmax_expressions([sp.Symbol("z"), 2])
    with pytest.raises(ValueError, match="assume_sum_to_one must be a bool"):
        target_gradient_reference(3, assume_sum_to_one=1)
    with pytest.raises(ValueError, match="expr must be a SymPy expression"):
        to_latex("a - y")


def test_to_latex_of_a_list_is_a_column():
    assert to_latex([probability_symbols(2)[0], 1]).startswith(r"\left[\begin{matrix}")


def test_to_numpy_shapes_and_errors(rng):
    z, y = logit_symbols(3), target_symbols(3)
    single = to_numpy(z[0] - y[0], z, y)
    assert single(np.ones(3), np.zeros(3)) == 1.0
    matrix = to_numpy(hessian_reference(3), z)
    assert matrix(rng.standard_normal((7, 3))).shape == (7, 3, 3)
    constant = to_numpy([z[0], sp.Integer(2)], z)
    np.testing.assert_array_equal(constant(np.zeros((4, 3)))[:, 1], 2.0)
    with pytest.raises(ValueError, match="in no symbol group: y_1"):
        to_numpy(z[0] - y[0], z)
    with pytest.raises(ValueError, match="at least one group"):
        to_numpy(z[0])
    with pytest.raises(ValueError, match="last axis of length 3"):
        single(np.ones(2), np.zeros(3))
    with pytest.raises(ValueError, match="expected 2 arrays"):
        single(np.ones(3))
    with pytest.raises(ValueError, match="symbol group 0 must be a sequence"):
        to_numpy(z[0], [z[0], 1])


# ----------------------------------------------------------------- points, evaluate


def test_draw_points_one_label_is_one_hot_and_covers_every_class():
    points = draw_points(4, "one_label", n_points=8, rng=1)
    y = np.stack([points[f"y_{k}"] for k in range(1, 5)], axis=1)
    np.testing.assert_array_equal(y.sum(axis=1), 1.0)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert set(y.argmax(axis=1)) == {0, 1, 2, 3}
    assert all(points[f"z_{k}"].shape == (8,) for k in range(1, 5))


def test_draw_points_sum_to_one_is_on_the_simplex_and_repeatable():
    points = draw_points(3, "sum_to_one", n_points=50, rng=7)
    t = np.stack([points[f"t_{k}"] for k in range(1, 4)], axis=1)
    assert np.all(t >= 0)
    np.testing.assert_allclose(t.sum(axis=1), 1.0)
    again = draw_points(3, "sum_to_one", n_points=50, rng=7)
    assert all(np.array_equal(points[name], again[name]) for name in points)
    assert sorted(draw_points(3, None, rng=0)) == ["z_1", "z_2", "z_3"]


def test_draw_points_can_add_consistent_probabilities():
    points = draw_points(3, "one_label", n_points=5, rng=2, probabilities="a")
    z = np.stack([points[f"z_{k}"] for k in range(1, 4)], axis=1)
    a = np.stack([points[f"a_{k}"] for k in range(1, 4)], axis=1)
    np.testing.assert_allclose(a, softmax(z))
    a1, a2, a3 = probability_symbols(3)
    np.testing.assert_allclose(
        evaluate([a1, a2, a3 - 1], points), evaluate(seed_gradient_reference(), points)
    )


def test_draw_points_rejects_bad_arguments():
    with pytest.raises(ValueError, match="constraint must be one of"):
        draw_points(3, "one-hot")
    with pytest.raises(ValueError, match="n_points must be a positive integer"):
        draw_points(3, n_points=0)
    with pytest.raises(ValueError, match="logit_scale must be a finite number"):
        draw_points(3, logit_scale=np.inf)


def test_evaluate_reference_at_drawn_points_matches_cross_entropy_grad():
    reference = target_gradient_reference(3, "y")
    points = draw_points(3, "one_label", n_points=12, rng=3)
    values = evaluate(reference, points)
    z = np.stack([points[f"z_{k}"] for k in range(1, 4)], axis=1)
    y = np.stack([points[f"y_{k}"] for k in range(1, 4)], axis=1).argmax(axis=1)
    assert values.shape == (12, 3)
    np.testing.assert_allclose(
        values, cross_entropy_grad(z, y, reduction="sum"), rtol=1e-10, atol=1e-14
    )
    scalar = evaluate(reference[0], {**points, "unused": 1.0})
    np.testing.assert_allclose(scalar, values[:, 0])


def test_evaluate_errors():
    z = logit_symbols(2)
    with pytest.raises(ValueError, match="points has no value for symbol z_2"):
        evaluate(z[0] + z[1], {"z_1": 1.0})
    with pytest.raises(ValueError, match="must be a number or a 1-D array"):
        evaluate(z[0], {"z_1": np.ones((2, 2))})
    with pytest.raises(ValueError, match="has 2 values; expected 3"):
        evaluate(z[0] + z[1], {"z_1": [1.0, 2.0, 3.0], "z_2": [1.0, 2.0]})
    with pytest.raises(ValueError, match="points must be a mapping"):
        evaluate(z[0], [1.0])
    with pytest.raises(ValueError, match="expr must be a SymPy expression"):
        evaluate("z_1", {"z_1": 1.0})
    with pytest.raises(ValueError, match="must not be an empty list"):
        evaluate([], {})


# ---------------------------------------------------------------- expressions_equal


@pytest.fixture
def symbols3():
    z, y, t = logit_symbols(3), target_symbols(3, "y"), target_symbols(3, "t")
    a = softmax_expressions(z)
    return z, y, t, a


def test_a_students_own_derivation_is_equal_symbolically(symbols3):
    z, *_ = symbols3
    J = -z[2] + sp.log(sum(sp.exp(v) for v in z))
    answer = [sp.diff(J, v) for v in z]
    result = expressions_equal(answer, seed_gradient_reference(3, 3), rng=0)
    assert isinstance(result, EqualityResult)
    assert result.equal and bool(result)
    assert result.method == "symbolic"
    assert "simplifies to 0" in result.reason


def test_symbols_without_assumptions_are_matched_by_name(symbols3):
    plain = sp.symbols("z_1:4")
    answer = [sp.exp(v) / sum(sp.exp(w) for w in plain) for v in plain]
    answer[2] -= 1
    assert expressions_equal(answer, seed_gradient_reference(3, 3), rng=0).equal


def test_one_label_constraint_accepts_forms_equal_only_for_one_hot(symbols3):
    _z, y, _t, a = symbols3
    reference = target_gradient_reference(3, "y")
    times_sum = [a[k] * sum(y) - y[k] for k in range(3)]
    # a_k * y_k**2 equals a_k * y_k only because y_k is 0 or 1.
    squared = [a[k] - y[k] ** 2 for k in range(3)]
    for answer in (times_sum, squared):
        result = expressions_equal(answer, reference, constraint="one_label", rng=0)
        assert result.equal, result.reason
        assert result.method == "symbolic"
        assert "one-hot" in result.reason
    # Without the constraint y is any real vector, and both differ.
    unconstrained = expressions_equal(times_sum, reference, rng=0)
    assert not unconstrained.equal


def test_sum_to_one_constraint(symbols3):
    _z, _y, t, a = symbols3
    reference = target_gradient_reference(3, "t")
    answer = [a[k] * sum(t) - t[k] for k in range(3)]
    result = expressions_equal(answer, reference, constraint="sum_to_one", rng=0)
    assert result.equal and "sum to one" in result.reason
    general = target_gradient_reference(3, "t", assume_sum_to_one=False)
    plain = [a[k] - t[k] for k in range(3)]
    assert not expressions_equal(plain, general, rng=0).equal
    assert expressions_equal(plain, general, constraint="sum_to_one", rng=0).equal


@pytest.mark.parametrize(
    ("mistake", "entry"),
    [
        ("missing_true_class_term", 1),
        ("sign_flipped", 1),
        ("sigmoid_derivative", 1),
        ("derivative_wrt_probability", 1),
    ],
)
def test_misconceptions_are_not_equal_and_the_reason_locates_them(symbols3, mistake, entry):
    _z, y, _t, a = symbols3
    answers = {
        "missing_true_class_term": list(a),
        "sign_flipped": [y[k] - a[k] for k in range(3)],
        "sigmoid_derivative": [a[k] * (1 - a[k]) for k in range(3)],
        "derivative_wrt_probability": [-y[k] / a[k] for k in range(3)],
    }
    result = expressions_equal(
        answers[mistake], target_gradient_reference(3, "y"), constraint="one_label", rng=0
    )
    assert not result.equal
    assert result.reason.startswith(f"entry {entry} differs from the reference")
    assert "expected" in result.reason
    assert result.details["n_mismatched"] >= 1


def test_the_reason_shows_a_short_simplified_difference(symbols3):
    reference = seed_gradient_reference(3, 3)
    answer = [reference[0] + 1, reference[1], reference[2]]
    result = expressions_equal(answer, reference, rng=0)
    assert not result.equal
    assert "simplifies to 1" in result.reason


def test_simplification_is_bounded_in_time(symbols3):
    z, *_ = symbols3
    reference = sp.exp(z[0]) / sum(sp.exp(v) for v in z)
    # Equal, but written in a long form that takes SymPy a good fraction of a second to
    # cancel (P * ref / P would cancel on construction); a tiny budget gives a numeric verdict.
    long = sp.expand((1 + sp.exp(z[1])) ** 12)
    answer = sp.expand(long * sp.exp(z[0])) / sp.expand(long * sum(sp.exp(v) for v in z))
    assert answer != reference
    result = expressions_equal(answer, reference, rng=0, timeout=1e-4)
    assert result.equal
    assert result.method == "numeric"
    assert "no verdict within" in result.reason


def test_answers_that_are_not_comparable_get_a_reason(symbols3):
    _z, _y, _t, a = symbols3
    reference = target_gradient_reference(3, "y")
    cases = {
        "expected 3 expressions, got 2": [a[0], a[1]],
        "uses symbols the problem does not define: x": [a[0] + sp.Symbol("x"), a[1], a[2]],
        "must be a SymPy expression": "a - y",
        "the answer[1] must be a SymPy expression": [a[0], "a_2", a[2]],
    }
    for reason, answer in cases.items():
        result = expressions_equal(answer, reference, constraint="one_label", rng=0)
        assert not result.equal
        assert result.method == "form"
        assert reason in result.reason


def test_expressions_equal_rejects_bad_arguments(symbols3):
    _z, _y, _t, a = symbols3
    reference = target_gradient_reference(3, "y")
    with pytest.raises(ValueError, match="reference must be a SymPy expression"):
        expressions_equal(a, "a - y")
    with pytest.raises(ValueError, match="constraint must be one of"):
        expressions_equal(a, reference, constraint="onehot")
    with pytest.raises(ValueError, match="needs 3 target symbols like the logits"):
        expressions_equal(a, seed_gradient_reference(), constraint="one_label")
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        expressions_equal(a, reference, timeout=0)
    with pytest.raises(ValueError, match="n_points must be a positive integer"):
        expressions_equal(a, reference, n_points=0)


def test_answers_in_probability_symbols_are_compared_through_softmax(symbols3):
    _z, y, _t, a = symbols3
    a1, a2, a3 = probability_symbols(3)
    seed = seed_gradient_reference(3, 3)
    for answer in ([a1, a2, a3 - 1], [a1, a2, -(a1 + a2)]):
        result = expressions_equal(answer, seed, rng=0)
        assert result.equal and result.method == "symbolic", result.reason
    assert not expressions_equal([a1, a2, a3], seed, rng=0).equal
    # A reference written with a_k only: the answer may use z.
    reference_in_a = [a1 - y[0], a2 - y[1], a3 - y[2]]
    answer_in_z = [a[k] - y[k] for k in range(3)]
    assert expressions_equal(answer_in_z, reference_in_a, constraint="one_label", rng=0).equal
    # Symbols whose names only start like a_k are not probabilities.
    alpha = sp.Symbol("alpha")
    assert "alpha" in expressions_equal([a1 + alpha, a2, a3 - 1], seed, rng=0).reason


def test_compare_values_locates_a_difference_and_can_hide_the_points():
    points = {"z_1": np.array([0.5, 1.5]), "z_2": np.array([2.0, -1.0])}
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert compare_values(expected.copy(), expected, points).equal
    got = expected.copy()
    got[1, 1] = 5.0
    shown = compare_values(got, expected, points)
    assert not shown.equal
    assert shown.details == {"entry": 1, "n_mismatched": 1}
    assert "z_1=1.5, z_2=-1" in shown.reason and "it is 5, expected 4" in shown.reason
    hidden = compare_values(got, expected)
    assert "z_1" not in hidden.reason
    got[0, 0] = np.nan
    assert compare_values(got, expected).details["entry"] == 0
    assert compare_values([1.0, 2.0], [1.0, 2.0]).equal
    wrong_shape = compare_values(np.ones((2, 3)), expected)
    assert not wrong_shape.equal and wrong_shape.method == "form"
    with pytest.raises(ValueError, match="expected must have shape"):
        compare_values(np.ones((1, 1, 1)), np.ones((1, 1, 1)))
    with pytest.raises(ValueError, match="rtol must be a number >= 0"):
        compare_values([1.0], [1.0], rtol=-1.0)
    with pytest.raises(ValueError, match="must be arrays of numbers"):
        compare_values(["x"], [1.0])
