"""Tests of ce_lib.cross_entropy: the seed's claims as properties, the options against a
loop oracle and hand-derived values, stability, dtypes and every refusal."""

import importlib
import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ce_lib import (
    cross_entropy,
    cross_entropy_grad,
    cross_entropy_with_grad,
    logsumexp,
    numerical_gradient,
    softmax,
)

# the package re-exports the function under the module's name, so fetch the module itself
ce_module = importlib.import_module("ce_lib.cross_entropy")

PROPERTY_SETTINGS = settings(deadline=None, max_examples=60, derandomize=bool(os.environ.get("CI")))


@st.composite
def logits_and_labels(draw, max_samples=6, max_classes=6, max_abs=30.0, dtype=np.float64):
    n_samples = draw(st.integers(1, max_samples))
    n_classes = draw(st.integers(2, max_classes))
    z = draw(
        hnp.arrays(
            dtype,
            (n_samples, n_classes),
            elements=st.floats(
                -max_abs, max_abs, allow_nan=False, width=8 * np.dtype(dtype).itemsize
            ),
        )
    )
    y = draw(hnp.arrays(np.int64, n_samples, elements=st.integers(0, n_classes - 1)))
    return z, y


# --- the seed's claims, for random logits and labels -------------------------------------


@PROPERTY_SETTINGS
@given(logits_and_labels())
def test_gradient_rows_sum_to_zero(case):
    z, y = case
    grad = cross_entropy_grad(z, y, reduction="none")
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-12)


@PROPERTY_SETTINGS
@given(logits_and_labels())
def test_true_class_entry_encourages_and_the_others_suppress(case):
    z, y = case
    grad = cross_entropy_grad(z, y, reduction="none")
    rows = np.arange(len(y))
    assert (grad[rows, y] <= 0).all()
    others = np.ones_like(grad, dtype=bool)
    others[rows, y] = False
    assert (grad[others] >= 0).all()


@PROPERTY_SETTINGS
@given(logits_and_labels(max_abs=10.0))
def test_gradient_matches_finite_differences(case):
    z, y = case
    numeric = numerical_gradient(lambda v: cross_entropy(v, y), z)
    np.testing.assert_allclose(cross_entropy_grad(z, y), numeric, atol=1e-7)


@PROPERTY_SETTINGS
@given(logits_and_labels(), st.floats(-1e3, 1e3, allow_nan=False))
def test_shifting_logits_changes_nothing(case, shift):
    z, y = case
    loss, grad = cross_entropy_with_grad(z, y)
    shifted_loss, shifted_grad = cross_entropy_with_grad(z + shift, y)
    np.testing.assert_allclose(shifted_loss, loss, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(shifted_grad, grad, atol=1e-9)


@PROPERTY_SETTINGS
@given(logits_and_labels())
def test_gradient_is_softmax_minus_one_hot(case):
    z, y = case
    expected = softmax(z) - np.eye(z.shape[1])[y]
    np.testing.assert_allclose(cross_entropy_grad(z, y, reduction="sum"), expected, atol=1e-12)


@PROPERTY_SETTINGS
@given(logits_and_labels())
def test_loss_has_the_documented_sign(case):
    # J = -z_y + log sum_k exp(z_k): the formula of the docstring, with its signs
    z, y = case
    expected = -z[np.arange(len(y)), y] + logsumexp(z)
    # the check itself cancels -z_y against log-sum-exp: allow rounding at the logits' size
    tolerance = 1e-14 * (1.0 + np.abs(z).max())
    np.testing.assert_allclose(
        cross_entropy(z, y, reduction="none"), expected, rtol=1e-12, atol=tolerance
    )
    assert (cross_entropy(z, y, reduction="none") >= 0).all()


@PROPERTY_SETTINGS
@given(
    logits_and_labels(max_samples=8),
    st.sampled_from(["mean", "sum", "none"]),
    st.floats(0.0, 1.0),
    st.booleans(),
)
def test_options_match_the_loop_oracle(reference, case, reduction, smoothing, weighted):
    z, y = case
    weight = np.linspace(0.5, 2.0, z.shape[1]) if weighted else None
    options = dict(weight=weight, label_smoothing=smoothing, reduction=reduction)
    loss, grad = cross_entropy_with_grad(z, y, **options)
    expected_loss, expected_grad = reference(z, y, **options)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-12)


@PROPERTY_SETTINGS
@given(logits_and_labels(max_abs=10.0), st.floats(0.0, 1.0), st.booleans())
def test_option_gradients_match_finite_differences(case, smoothing, weighted):
    z, y = case
    options = dict(
        weight=np.linspace(0.5, 2.0, z.shape[1]) if weighted else None,
        label_smoothing=smoothing,
    )
    numeric = numerical_gradient(lambda v: cross_entropy(v, y, **options), z)
    np.testing.assert_allclose(cross_entropy_grad(z, y, **options), numeric, atol=1e-7)


@st.composite
def logits_and_distributions(draw):
    z, _ = draw(logits_and_labels(max_abs=10.0))
    raw = draw(hnp.arrays(np.float64, z.shape, elements=st.floats(0.0, 1.0)))
    raw[:, 0] += 1e-3  # keep every row's total positive
    return z, raw / raw.sum(axis=1, keepdims=True)


@PROPERTY_SETTINGS
@given(logits_and_distributions(), st.sampled_from(["mean", "sum", "none"]), st.floats(0, 1))
def test_distributions_match_the_oracle_and_finite_differences(reference, case, reduction, eps):
    z, t = case
    weight = np.linspace(2.0, 0.5, z.shape[1])
    options = dict(weight=weight, label_smoothing=eps, reduction=reduction)
    loss, grad = cross_entropy_with_grad(z, t, **options)
    expected_loss, expected_grad = reference(z, t, **options)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-12)
    if reduction != "none":
        numeric = numerical_gradient(lambda v: cross_entropy(v, t, **options), z)
        np.testing.assert_allclose(grad, numeric, atol=1e-7)


@PROPERTY_SETTINGS
@given(logits_and_labels(max_samples=8), st.data())
def test_ignored_samples_match_the_oracle(reference, case, data):
    z, y = case
    y = y.copy()
    ignored = data.draw(hnp.arrays(bool, y.shape))
    ignored[0] = False  # at least one sample counts, so the mean is defined
    y[ignored] = -7
    options = dict(ignore_index=-7, label_smoothing=0.1, weight=np.arange(1, z.shape[1] + 1))
    loss, grad = cross_entropy_with_grad(z, y, **options)
    expected_loss, expected_grad = reference(z, y, **options)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-10)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-12)
    assert (grad[ignored] == 0).all()


# --- hand-derived values ------------------------------------------------------------------

# Logits log([1, 3]) give probabilities [1/4, 3/4].
Z_QUARTERS = np.log([[1.0, 3.0]])


def test_hand_derived_loss_and_gradient_of_one_sample():
    loss, grad = cross_entropy_with_grad(Z_QUARTERS, [1])
    assert loss == pytest.approx(-math.log(0.75))
    np.testing.assert_allclose(grad, [[0.25, -0.25]])


def test_hand_derived_label_smoothing():
    # eps = 0.5, K = 2: the target becomes [0.25, 0.75]
    loss, grad = cross_entropy_with_grad(Z_QUARTERS, [1], label_smoothing=0.5)
    assert loss == pytest.approx(-(0.25 * math.log(0.25) + 0.75 * math.log(0.75)))
    np.testing.assert_allclose(grad, [[0.0, 0.0]], atol=1e-15)


def test_hand_derived_class_weights_divide_by_the_summed_label_weights():
    z = np.log([[1.0, 3.0], [1.0, 1.0]])
    weight = [2.0, 1.0]
    loss, grad = cross_entropy_with_grad(z, [1, 0], weight=weight)
    # (1 * -log 3/4 + 2 * -log 1/2) / (1 + 2)
    assert loss == pytest.approx((-math.log(0.75) - 2 * math.log(0.5)) / 3)
    np.testing.assert_allclose(grad, [[0.25 / 3, -0.25 / 3], [2 * -0.5 / 3, 2 * 0.5 / 3]])


def test_hand_derived_weights_with_smoothing_follow_pytorch():
    # J = (1 - eps) w_y (-log a_y) + eps / K * sum_k w_k (-log a_k), mean over w_y
    weight, eps = [2.0, 1.0], 0.4
    expected = (0.6 * 1.0 * -math.log(0.75) + 0.2 * (2.0 * -math.log(0.25) + -math.log(0.75))) / 1.0
    assert cross_entropy(Z_QUARTERS, [1], weight=weight, label_smoothing=eps) == pytest.approx(
        expected
    )


def test_hand_derived_distribution_target_mean_divides_by_n():
    z = np.log([[1.0, 3.0], [1.0, 1.0]])
    t = [[0.5, 0.5], [1.0, 0.0]]
    weight = [2.0, 1.0]
    loss, grad = cross_entropy_with_grad(z, t, weight=weight)
    first = -(2.0 * 0.5 * math.log(0.25) + 1.0 * 0.5 * math.log(0.75))
    second = -(2.0 * math.log(0.5))
    assert loss == pytest.approx((first + second) / 2)
    # s_i a_i - c_i with c = w * t: row 0 has s = 1.5, c = [1, 0.5]
    np.testing.assert_allclose(grad[0], [(1.5 * 0.25 - 1.0) / 2, (1.5 * 0.75 - 0.5) / 2])


def test_hand_derived_ignore_index():
    z = np.log([[1.0, 3.0], [1.0, 1.0], [5.0, 1.0]])
    loss, grad = cross_entropy_with_grad(z, [1, -1, 0], ignore_index=-1)
    assert loss == pytest.approx((-math.log(0.75) - math.log(5 / 6)) / 2)
    np.testing.assert_array_equal(grad[1], [0.0, 0.0])
    np.testing.assert_allclose(grad[0], [0.125, -0.125])


def test_ignore_index_inside_the_class_range_ignores_that_class():
    z = np.log([[1.0, 3.0], [1.0, 1.0]])
    loss = cross_entropy(z, [1, 0], ignore_index=0, reduction="none")
    np.testing.assert_allclose(loss, [-math.log(0.75), 0.0])


def test_reductions_are_consistent(rng):
    z = 3 * rng.standard_normal((9, 4))
    y = rng.integers(0, 4, 9)
    per_sample = cross_entropy(z, y, reduction="none")
    assert per_sample.shape == (9,)
    assert cross_entropy(z, y, reduction="sum") == pytest.approx(per_sample.sum())
    assert cross_entropy(z, y) == pytest.approx(per_sample.mean())
    np.testing.assert_allclose(
        cross_entropy_grad(z, y, reduction="sum"), 9 * cross_entropy_grad(z, y), rtol=1e-12
    )


def test_reduction_none_rows_are_each_samples_own_gradient(rng):
    z = rng.standard_normal((5, 3))
    y = rng.integers(0, 3, 5)
    grad = cross_entropy_grad(z, y, reduction="none")
    for i in range(5):
        np.testing.assert_allclose(grad[i], cross_entropy_grad(z[i], int(y[i])))


# --- target forms -------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_one_hot_rows_equal_integer_labels(rng, reduction):
    z = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    options = dict(weight=[1.0, 2.0, 0.5, 1.5], label_smoothing=0.1, reduction=reduction)
    ours = cross_entropy_with_grad(z, np.eye(4, dtype=np.int32)[y], **options)
    expected = cross_entropy_with_grad(z, y, **options)
    np.testing.assert_allclose(ours[0], expected[0])
    np.testing.assert_allclose(ours[1], expected[1])


def test_float_one_hot_distributions_equal_labels_without_weights(rng):
    z = rng.standard_normal((6, 4))
    y = rng.integers(0, 4, 6)
    ours = cross_entropy_with_grad(z, np.eye(4)[y], label_smoothing=0.2)
    expected = cross_entropy_with_grad(z, y, label_smoothing=0.2)
    np.testing.assert_allclose(ours[0], expected[0])
    np.testing.assert_allclose(ours[1], expected[1])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_distributions_match_the_loop_oracle(reference, rng, reduction, weighted):
    z = 3 * rng.standard_normal((7, 5))
    t = rng.dirichlet(np.ones(5), 7)
    options = dict(
        weight=rng.uniform(0.1, 2, 5) if weighted else None,
        label_smoothing=0.3,
        reduction=reduction,
    )
    loss, grad = cross_entropy_with_grad(z, t, **options)
    expected_loss, expected_grad = reference(z, t, **options)
    np.testing.assert_allclose(loss, expected_loss, rtol=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "target",
    [2, np.array([0, 0, 1, 0]), np.array([0.1, 0.2, 0.3, 0.4])],
    ids=["label", "one_hot", "distribution"],
)
def test_single_sample(reference, reduction, target):
    z = np.array([0.5, -1.0, 2.0, 0.0])
    options = dict(weight=[1.0, 2.0, 3.0, 0.5], label_smoothing=0.1, reduction=reduction)
    loss, grad = cross_entropy_with_grad(z, target, **options)
    expected_loss, expected_grad = reference(z, target, **options)
    assert np.ndim(loss) == 0
    assert grad.shape == (4,)
    assert loss == pytest.approx(expected_loss)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-12, atol=1e-15)


def test_separate_functions_equal_the_one_pass_function(rng):
    z = rng.standard_normal((40, 7))
    y = rng.integers(0, 7, 40)
    options = dict(weight=np.arange(1, 8), label_smoothing=0.05, reduction="none")
    loss, grad = cross_entropy_with_grad(z, y, **options)
    np.testing.assert_array_equal(cross_entropy(z, y, **options), loss)
    np.testing.assert_array_equal(cross_entropy_grad(z, y, **options), grad)


def test_batch_spanning_several_blocks_matches_the_oracle(reference, rng, monkeypatch):
    monkeypatch.setattr(ce_module, "_BLOCK_BYTES", 8 * 5 * 3)  # blocks of 3 rows
    z = 3 * rng.standard_normal((10, 5))
    y = rng.integers(0, 5, 10)
    y[4] = 99
    options = dict(weight=rng.uniform(0.5, 2, 5), ignore_index=99, label_smoothing=0.1)
    for function in (cross_entropy_with_grad,):
        loss, grad = function(z, y, **options)
        expected_loss, expected_grad = reference(z, y, **options)
        assert loss == pytest.approx(expected_loss)
        np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-15)
    assert cross_entropy(z, y, **options) == pytest.approx(expected_loss)


# --- stability and dtypes -----------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("magnitude", [1e2, 1e3, 1e4])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_large_logits_stay_finite_and_correct(reference, rng, dtype, magnitude, smoothing):
    z = (magnitude * rng.uniform(-1, 1, (30, 6))).astype(dtype)
    z[0] = [magnitude, -magnitude, 0, 0, 0, 0]  # the true class far below the largest
    y = rng.integers(0, 6, 30)
    y[0] = 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = cross_entropy_with_grad(z, y, label_smoothing=smoothing)
    assert np.isfinite(loss) and np.isfinite(grad).all()
    assert loss.dtype == dtype and grad.dtype == dtype
    expected_loss, expected_grad = reference(z, y, label_smoothing=smoothing)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    assert loss == pytest.approx(expected_loss, rel=rtol)
    np.testing.assert_allclose(grad, expected_grad, rtol=rtol, atol=10 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_distribution_logits_stay_finite(rng, dtype):
    z = (1e4 * rng.uniform(-1, 1, (10, 4))).astype(dtype)
    t = rng.dirichlet(np.ones(4), 10)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss, grad = cross_entropy_with_grad(z, t)
    assert np.isfinite(loss) and np.isfinite(grad).all()


def test_float32_stays_float32_with_float64_weights_and_targets(rng):
    z = rng.standard_normal((5, 3)).astype(np.float32)
    weight = np.array([1.0, 2.0, 3.0])
    t = rng.dirichlet(np.ones(3), 5)
    for target in (rng.integers(0, 3, 5), t):
        loss, grad = cross_entropy_with_grad(z, target, weight=weight)
        assert loss.dtype == np.float32 and grad.dtype == np.float32


def test_integer_logits_are_computed_in_float64():
    loss, grad = cross_entropy_with_grad(np.array([[0, 0]]), [1])
    assert loss.dtype == np.float64 and grad.dtype == np.float64
    assert loss == pytest.approx(math.log(2))


def test_input_is_not_modified(rng):
    z = rng.standard_normal((4, 3))
    before = z.copy()
    cross_entropy_with_grad(z, [0, 1, 2, 0], label_smoothing=0.1)
    np.testing.assert_array_equal(z, before)


def test_non_contiguous_logits(rng):
    z = rng.standard_normal((6, 8))[:, ::2]
    y = rng.integers(0, 4, 6)
    np.testing.assert_allclose(
        cross_entropy_grad(z, y), cross_entropy_grad(np.ascontiguousarray(z), y)
    )


# --- refusals and errors ------------------------------------------------------------------


def test_several_labels_on_one_sample_is_refused():
    # the seed's case: one sample with labels 1, 2, 3, 4
    with pytest.raises(ValueError, match=r"target: a single sample takes one label.*4 labels"):
        cross_entropy(np.zeros(6), [1, 2, 3, 4])


@pytest.mark.parametrize(
    "target, message",
    [
        ([[1, 2], [0]], r"one label per sample, but sample 0 holds 2 labels \[1, 2\]"),
        ([1, [2, 3]], r"one label per sample, but sample 1 holds 2 labels \[2, 3\]"),
        ([[0, 1, 1, 0], [1, 0, 0, 0]], r"one label per sample .* sample 0's row has 2 ones"),
        ([[0, 1, 0, 0], [0, 0, 0, 0]], r"sample 1's row has no 1"),
        ([[1, 2], [0, 3]], r"one label per sample.*sample 0 holds 2 labels"),
        (
            [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0]],
            r"sample 0 sums to 2 .*one label per sample.*real distribution",
        ),
    ],
    ids=["ragged", "nested", "one_hot_two_ones", "one_hot_no_one", "label_pairs", "float_ones"],
)
def test_several_labels_per_sample_are_refused_naming_the_sample(target, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy_with_grad(np.zeros((2, 4)), target)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(target=[0, 5]), r"target: expected class labels in \[0, 4\).*sample 1 has label 5"),
        (dict(target=[-1, 0]), r"sample 0 has label -1"),
        (dict(target=[-100, 0]), r"sample 0 has label -100"),  # no default ignore_index
        (dict(target=[0.0, 1.0]), r"target: expected integer class labels, got dtype float64"),
        (dict(target=[True, False]), r"target: .*got dtype bool"),
        (dict(target=[0, 1, 2]), r"target: expected 2 labels"),
        (dict(target=np.zeros((2, 4)) - 0.25), r"non-negative probabilities.*sample 0"),
        (dict(target=np.full((2, 4), 0.3)), r"sample 0 sums to 1.2"),
        (dict(target=[0, 1], reduction="avg"), r"reduction: expected 'mean', 'sum' or 'none'"),
        (dict(target=[0, 1], label_smoothing=-0.1), r"label_smoothing: expected a number in"),
        (dict(target=[0, 1], label_smoothing=1.5), r"label_smoothing: .* got 1.5"),
        (dict(target=[0, 1], weight=[1.0, 2.0]), r"weight: expected one weight per class"),
        (dict(target=[0, 1], weight=[1.0, -2.0, 1.0, 1.0]), r"class 1 has weight -2.0"),
        (dict(target=[0, 1], ignore_index=0.5), r"ignore_index: expected an integer, got 0.5"),
        (dict(target=np.eye(4)[:2], ignore_index=-100), r"ignore_index: works only with"),
        (dict(target=np.eye(4, dtype=int)[:2], ignore_index=3), r"ignore_index: works only"),
    ],
)
@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad, cross_entropy_with_grad])
def test_bad_input_raises_a_clear_error(function, kwargs, message):
    with pytest.raises(ValueError, match=message):
        function(np.zeros((2, 4)), **kwargs)


@pytest.mark.parametrize(
    "z, message",
    [
        (np.zeros((0, 3)), r"z: expected at least one sample, got an empty batch"),
        (np.zeros((2, 0)), r"z: expected at least one class"),
        (np.zeros((2, 3, 1)), r"z: expected logits of shape"),
        ([[1, 2], [3]], r"z: expected a rectangular array"),
        (np.array([[1 + 2j, 0], [0, 0]]), r"z: expected real numbers.*complex128"),
    ],
)
def test_bad_logits_raise(z, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy_with_grad(z, [0, 1])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("column", [0, 2])
@pytest.mark.parametrize("kind", ["labels", "smoothing", "distribution"])
def test_non_finite_logits_raise_naming_sample_and_class(bad, column, kind, monkeypatch):
    monkeypatch.setattr(ce_module, "_BLOCK_BYTES", 8 * 3 * 4)  # the bad row is in block 2
    z = np.zeros((10, 3))
    z[6, column] = bad
    target = {"labels": np.zeros(10, dtype=int), "smoothing": np.zeros(10, dtype=int)}.get(
        kind, np.full((10, 3), 1 / 3)
    )
    smoothing = 0.1 if kind == "smoothing" else 0.0
    with pytest.raises(
        ValueError, match=rf"z: expected finite .*sample 6 has {bad} at class {column}"
    ):
        cross_entropy_with_grad(z, target, label_smoothing=smoothing)
    with pytest.raises(ValueError, match=r"sample 6"):
        cross_entropy(z, target, label_smoothing=smoothing)


@pytest.mark.parametrize(
    "target, options, message",
    [
        ([-1, -1], dict(ignore_index=-1), r"every sample is ignored"),
        ([0, 1], dict(weight=[0.0, 0.0, 1.0]), r"total weight of the samples' labels is zero"),
        ([0, 1], dict(weight=[0.0, 0.0, 1.0], label_smoothing=0.5), r"total weight .* zero"),
    ],
)
def test_undefined_means_are_refused(target, options, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(np.zeros((2, 3)), target, **options)


def test_sums_stay_defined_where_the_mean_is_refused():
    loss, grad = cross_entropy_with_grad(
        np.zeros((2, 3)), [-1, -1], ignore_index=-1, reduction="sum"
    )
    assert loss == 0.0
    np.testing.assert_array_equal(grad, 0.0)


@pytest.mark.parametrize(
    "target, message",
    [
        (1.0, r"expected an integer class label, got the float 1.0"),
        ([1], r"a single sample takes one label .* got 1 labels"),
        (np.zeros((1, 3)), r"expected a scalar label or a row of shape \(3,\)"),
        (np.array([0.5, 0.6, 0.0]), r"the target row sums to 1.1"),
        (np.array([0, 1, 1]), r"the target row has 2 ones"),
        (3, r"but the label is 3"),
    ],
)
def test_single_sample_errors(target, message):
    with pytest.raises(ValueError, match=message):
        cross_entropy(np.zeros(3), target)


def test_float32_target_rows_may_be_off_by_float32_rounding():
    z = np.zeros((1, 3), dtype=np.float32)
    loss = cross_entropy(z, np.array([[0.3, 0.3, 0.40005]], dtype=np.float32))
    assert np.isfinite(loss)
    with pytest.raises(ValueError, match="sums to"):
        cross_entropy(z.astype(np.float64), np.array([[0.3, 0.3, 0.40005]]))
