"""Lesson 6 (beyond one-hot): the references match ce_lib's options and the derived formulas."""

import numpy as np
import pytest
from scipy.special import expit

from autograder import definitions
from ce_lib import cross_entropy, cross_entropy_grad, gradient_relative_error, log_softmax
from ce_lib.dynamics import descend_logits

from .test_lesson4 import SECRETS, function_tests, solution_namespace

LESSON = "lesson6_beyond_one_hot"


@pytest.mark.parametrize("test", function_tests(LESSON), ids=lambda test: test.id)
@pytest.mark.parametrize("secret", SECRETS)
def test_solution_functions_pass_hidden_cases_of_any_secret(test, secret):
    function = solution_namespace(LESSON)[test.name]
    result = test.run_in_process(function, hidden=True, secret=secret)
    assert result.passed, result.message


@pytest.mark.parametrize("secret", SECRETS)
def test_smoothed_targets_give_ce_lib_label_smoothing_gradient(secret):
    test = definitions.get_test("l6_smoothed_targets")
    rng = np.random.default_rng(0)
    for case in test.cases(hidden=True, secret=secret):
        y, n_classes, eps = case.args
        t = test.expected(case)
        np.testing.assert_allclose(t.sum(axis=1), 1.0)
        z = rng.standard_normal((len(y), n_classes))
        np.testing.assert_allclose(
            cross_entropy_grad(z, t), cross_entropy_grad(z, y, label_smoothing=eps), atol=1e-12
        )


@pytest.mark.parametrize("secret", SECRETS)
def test_weighted_reference_is_the_derived_formula(secret):
    test = definitions.get_test("l6_weighted_grad")
    for case in test.cases(hidden=True, secret=secret):
        z, y, weight = case.args
        a = np.exp(log_softmax(z))
        a[np.arange(len(y)), y] -= 1.0
        expected = a * weight[y][:, None] / weight[y].sum()
        np.testing.assert_allclose(test.expected(case), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("secret", SECRETS)
def test_soft_target_reference_matches_finite_differences(secret):
    test = definitions.get_test("l6_soft_target_grad")
    cases = test.cases(hidden=True, secret=secret)
    assert any(not np.allclose(case.args[1].sum(axis=1), 1.0) for case in cases)
    for case in cases:
        z, t = case.args
        error = gradient_relative_error(
            lambda logits, t=t: float(np.mean(-(t * log_softmax(logits)).sum(axis=1))),
            lambda logits, t=t: test.reference(logits, t),
            z,
        )
        assert error < 1e-6


@pytest.mark.parametrize("secret", SECRETS)
def test_temperature_reference_matches_finite_differences(secret):
    test = definitions.get_test("l6_temperature_grad")
    for case in test.cases(hidden=True, secret=secret):
        z, y, T = case.args
        error = gradient_relative_error(
            lambda logits, y=y, T=T: cross_entropy(logits / T, y),
            lambda logits, y=y, T=T: test.reference(logits, y, T),
            z,
        )
        assert error < 1e-6


@pytest.mark.parametrize("secret", SECRETS)
def test_smoothed_gap_reference_is_where_descent_stops(secret):
    test = definitions.get_test("l6_smoothed_gap")
    for case in test.cases(hidden=True, secret=secret)[:4]:
        eps, n_classes = case.args
        # From equal logits the gaps grow towards their limit; a large step gets there fast.
        descent = descend_logits(np.zeros(n_classes), 0, lr=5.0, n_steps=3000, label_smoothing=eps)
        gaps = descent.logits[-1, 0] - descent.logits[-1, 1:]
        np.testing.assert_allclose(gaps, test.expected(case), rtol=1e-6)


@pytest.mark.parametrize("secret", SECRETS)
def test_binary_gradient_reference_is_ce_lib_gradient_with_two_classes(secret):
    test = definitions.get_test("l6_binary_gradient")
    for case in test.cases(hidden=True, secret=secret):
        a_1, y = case.args
        z = np.array([0.0, np.log(a_1 / (1 - a_1))])  # softmax gives a_1 = sigmoid(z_1 - z_0)
        assert expit(z[1] - z[0]) == pytest.approx(a_1)
        assert test.expected(case) == pytest.approx(cross_entropy_grad(z, y)[1])


@pytest.mark.parametrize("secret", SECRETS)
def test_hot_probability_reference_is_the_limit_of_large_temperatures(secret):
    test = definitions.get_test("l6_hot_probability")
    rng = np.random.default_rng(0)
    for case in test.cases(hidden=True, secret=secret):
        (n_classes,) = case.args
        probabilities = np.exp(log_softmax(rng.normal(size=n_classes) / 1e9))
        np.testing.assert_allclose(probabilities, test.expected(case), rtol=1e-8)


def test_soft_target_gradient_assuming_unit_sum_loses_points():
    # a - t is right only for real distributions; the rows that do not sum to one catch it.
    def student(z, t):
        return (np.exp(log_softmax(z)) - t) / t.shape[0]

    result = definitions.get_test("l6_soft_target_grad").run_in_process(student)
    assert 0 < result.points < result.max_points


@pytest.mark.parametrize("secret", SECRETS)
def test_entropy_and_divergence_references_match_scipy(secret):
    from scipy.stats import entropy as scipy_entropy

    for case in definitions.get_test("l6_entropy").cases(hidden=True, secret=secret):
        (t,) = case.args
        assert definitions.get_test("l6_entropy").expected(case) == pytest.approx(
            scipy_entropy(t), rel=1e-12, abs=1e-15
        )
    test = definitions.get_test("l6_kl_divergence")
    for case in test.cases(hidden=True, secret=secret):
        t, z = case.args
        a = np.exp(log_softmax(z))
        if np.all(a[t > 0] > 0):  # SciPy's KL is inf where a_k underflows
            assert test.expected(case) == pytest.approx(scipy_entropy(t, a), rel=1e-9, abs=1e-12)
        else:
            assert np.isfinite(test.expected(case)) and test.expected(case) > 0


@pytest.mark.parametrize("secret", SECRETS)
def test_the_divergence_cases_break_what_they_claim_to(secret):
    test = definitions.get_test("l6_kl_divergence")
    cases = test.cases(hidden=True, secret=secret)
    large = [case for case in cases if case.requirement == "stable"]
    zeros = [case for case in cases if case.requirement == "zero_entries"]
    # Each large case puts target mass on a class whose probability underflows to 0.
    assert large and all(
        np.any((case.args[0] > 0) & (np.exp(log_softmax(case.args[1])) == 0)) for case in large
    )
    assert zeros and all(np.any(case.args[0] == 0) for case in zeros)


def test_ce_minus_entropy_reference_is_the_identity():
    import sympy

    test = definitions.get_test("l6_ce_minus_entropy")
    t = sympy.symbols("t_1:4", positive=True)
    a = sympy.symbols("a_1:4", positive=True)
    entropy = -sum(t_k * sympy.log(t_k) for t_k in t)
    cross_entropy_ta = -sum(t_k * sympy.log(a_k) for t_k, a_k in zip(t, a, strict=True))
    difference = sympy.expand_log(cross_entropy_ta - entropy - test.reference(), force=True)
    assert sympy.simplify(difference) == 0
