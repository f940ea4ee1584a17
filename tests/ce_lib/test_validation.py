"""Tests of ce_lib.validation: what each check accepts, returns and refuses, and the
messages it refuses with."""

from numbers import Integral, Real

import numpy as np
import pytest

from ce_lib.validation import (
    ArgumentTypeError,
    as_real_array,
    check_axis,
    check_finite,
    check_ignore_index,
    check_label_smoothing,
    check_labels,
    check_logits,
    check_reduction,
    check_scalar,
    check_target,
    check_weight,
    compute_dtype,
    distribution_tolerance,
)


def target(value, n_samples=2, n_classes=3, single=False, dtype=np.float64, ignore_index=None):
    return check_target(
        value, n_samples, n_classes, single=single, dtype=dtype, ignore_index=ignore_index
    )


# --- scalars and labels --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "target_type", "expected"),
    [
        (3, Integral, 3),
        (np.int64(3), Integral, 3),
        (2, Real, 2),
        (np.float32(0.5), Real, 0.5),
        (True, bool, True),
        (np.bool_(False), bool, False),
        (0.25, (Integral, Real), 0.25),
    ],
)
def test_check_scalar_returns_a_plain_python_value(value, target_type, expected):
    out = check_scalar(value, "x", target_type)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize(
    ("value", "target_type", "message"),
    [
        (1.5, Integral, "n: expected an integer, got 1.5."),
        (True, Integral, "n: expected an integer, got True."),
        (np.bool_(True), Real, "n: expected a finite number, got np.True_."),
        ("3", Real, "n: expected a finite number, got '3'."),
        (1, bool, "n: expected a bool, got 1."),
        (None, (Integral, bool), "n: expected an integer or a bool, got None."),
    ],
)
def test_check_scalar_refuses_the_wrong_type_with_a_type_error(value, target_type, message):
    with pytest.raises(ArgumentTypeError) as caught:
        check_scalar(value, "n", target_type)
    assert str(caught.value) == message
    # ce_lib's callers catch ValueError for every bad input; a type error is one too.
    assert isinstance(caught.value, TypeError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("value", "bounds", "message"),
    [
        (0.0, {"min_val": 0, "include_boundaries": "neither"}, "lr: expected a finite number > 0"),
        (-1, {"min_val": 0}, "lr: expected a finite number >= 0, got -1."),
        (2.0, {"max_val": 2, "include_boundaries": "left"}, "lr: expected a finite number < 2"),
        (3, {"max_val": 2}, "lr: expected a finite number <= 2, got 3."),
        (1.0, {"min_val": 0, "max_val": 1, "include_boundaries": "left"}, r"in \[0, 1\), got"),
        (0.0, {"min_val": 0, "max_val": 1, "include_boundaries": "right"}, r"in \(0, 1\], got"),
        (1.5, {"min_val": 0, "max_val": 1}, r"lr: expected a number in \[0, 1\], got 1.5."),
        (np.nan, {"min_val": 0, "max_val": 1}, "got nan"),
        (np.inf, {"min_val": 0}, "lr: expected a finite number >= 0, got inf."),
        (-np.inf, {}, "lr: expected a finite number, got -inf."),
    ],
)
def test_check_scalar_refuses_values_out_of_range(value, bounds, message):
    with pytest.raises(ValueError, match=message) as caught:
        check_scalar(value, "lr", Real, **bounds)
    assert not isinstance(caught.value, TypeError)


@pytest.mark.parametrize(
    ("value", "include_boundaries"),
    [(0, "both"), (1, "both"), (0, "left"), (1, "right"), (0.5, "neither")],
)
def test_check_scalar_accepts_the_boundaries_it_includes(value, include_boundaries):
    bounds = {"min_val": 0, "max_val": 1, "include_boundaries": include_boundaries}
    assert check_scalar(value, "x", Real, **bounds) == value


def test_check_scalar_refuses_an_unknown_boundary_rule():
    with pytest.raises(ValueError, match="include_boundaries: expected one of"):
        check_scalar(1, "x", Integral, min_val=0, include_boundaries="lower")


def test_check_labels_returns_the_labels():
    np.testing.assert_array_equal(check_labels([2, 0, 1], n_samples=3, n_classes=3), [2, 0, 1])
    assert check_labels(np.array([7], dtype=np.uint8)).dtype == np.uint8


@pytest.mark.parametrize(
    ("labels", "kwargs", "message"),
    [
        ([[0, 1]], {}, r"y: expected a 1-D array of integer labels, got shape \(1, 2\)"),
        ([0, 1], {"n_samples": 3}, r"y: expected a 1-D array of integer labels of length 3"),
        ([], {}, "y: expected at least one label, got none"),
        ([0.0, 1.0], {}, "y: expected integer labels, got dtype float64"),
        ([True, False], {}, "y: expected integer labels, got dtype bool"),
        ([0, -1], {}, "y: expected labels >= 0, got -1 for sample 1"),
        ([0, 1, 3], {"n_classes": 3}, r"y: expected labels in \[0, 3\), got 3 for sample 2"),
    ],
)
def test_check_labels_refuses_what_is_not_labels(labels, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_labels(labels, **kwargs)


# --- arrays and logits --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ([True], "got dtype bool"),
        ([1j], "got dtype complex128"),
        (["1"], "got dtype <U1"),
        ([None], "got dtype object"),
        ([[1.0], [1.0, 2.0]], "ragged sequence: row 1 differs in length from row 0"),
        ([[1.0, 2.0], [1.0, 2.0], 3.0], "ragged sequence: row 2 differs"),
    ],
)
def test_as_real_array_refuses_non_reals(value, message):
    with pytest.raises(ValueError, match=rf"^x: expected .*{message}"):
        as_real_array(value, "x")


def test_as_real_array_does_not_copy():
    z = np.zeros(3, dtype=np.float32)
    assert as_real_array(z, "z") is z


@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.int8, np.float64),
        (np.uint64, np.float64),
        (np.float16, np.float32),
        (np.float32, np.float32),
        (np.float64, np.float64),
    ],
)
def test_compute_dtype(dtype, expected):
    assert compute_dtype(dtype) == expected


def test_distribution_tolerance_follows_the_narrowest_float():
    assert distribution_tolerance(np.float64) == 1e-6
    assert distribution_tolerance(np.float64, np.float32) == 1e-4
    assert distribution_tolerance(np.int64, np.float64) == 1e-6


def test_check_logits_returns_a_contiguous_2d_float_array():
    z, single = check_logits(np.arange(12).reshape(3, 4)[:, ::2])
    assert z.shape == (3, 2) and z.dtype == np.float64 and z.flags.c_contiguous
    assert not single
    z, single = check_logits(np.zeros(5, dtype=np.float32))
    assert z.shape == (1, 5) and z.dtype == np.float32 and single


@pytest.mark.parametrize(
    "z, message",
    [
        (np.zeros((0, 2)), r"empty batch"),
        (np.zeros((2, 0)), r"at least one class, got shape \(2, 0\)"),
        (np.zeros(0), r"at least one class, got shape \(0,\)"),
        (np.float64(1.0), r"shape \(n_samples, n_classes\) or \(n_classes,\), got shape \(\)"),
        (np.zeros((1, 1, 1)), r"got shape \(1, 1, 1\)"),
        ([[0.0, 1.0], [2.0, np.nan]], r"sample 1 has nan at class 1"),
    ],
)
def test_check_logits_refuses(z, message):
    with pytest.raises(ValueError, match=rf"^z: .*{message}"):
        check_logits(z)


def test_check_logits_can_leave_finiteness_to_the_caller():
    z, _ = check_logits([[np.inf, 0.0]], finite=False)
    assert np.isinf(z[0, 0])


@pytest.mark.parametrize(
    "x, message",
    [
        (np.array([[0.0, 0.0], [0.0, -np.inf]]), r"sample 1 has -inf at class 1"),
        (np.array([0.0, np.nan]), r"entry 1 is nan"),
        (np.full((1, 1, 2), np.inf), r"entry \(0, 0, 0\) is inf"),
    ],
)
def test_check_finite_names_the_entry(x, message):
    with pytest.raises(ValueError, match=rf"^w: expected finite values, but {message}"):
        check_finite(x, "w")


def test_check_finite_counts_rows_from_the_offset():
    with pytest.raises(ValueError, match=r"sample 12 has nan"):
        check_finite(np.array([[0.0], [np.nan]]), "z", row_offset=11)


def test_check_finite_accepts_integers_and_finite_floats():
    check_finite(np.arange(3), "z")
    check_finite(np.ones((2, 2)), "z")


def test_check_axis():
    assert check_axis(-1, 3) == 2
    assert check_axis(np.int64(0), 1) == 0
    for bad in (3, -4):
        with pytest.raises(ValueError, match=rf"axis: expected an integer in \[-3, 3\).*{bad}"):
            check_axis(bad, 3)
    with pytest.raises(ValueError, match=r"axis: expected an integer in \[-3, 3\), got True"):
        check_axis(True, 3)


# --- options ------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_check_reduction_accepts(reduction):
    assert check_reduction(reduction) == reduction


@pytest.mark.parametrize("reduction", ["Mean", "avg", None, 0])
def test_check_reduction_refuses(reduction):
    with pytest.raises(
        ValueError, match=rf"reduction: expected 'mean', 'sum' or 'none', got {reduction!r}"
    ):
        check_reduction(reduction)


@pytest.mark.parametrize("value", [0, 0.0, 0.5, 1, np.float32(0.25)])
def test_check_label_smoothing_accepts(value):
    assert check_label_smoothing(value) == float(value)


@pytest.mark.parametrize("value", [-0.1, 1.01, np.nan, True, "0.1", None])
def test_check_label_smoothing_refuses(value):
    with pytest.raises(ValueError, match=r"label_smoothing: expected a number in \[0, 1\]"):
        check_label_smoothing(value)


@pytest.mark.parametrize("value", [None, -100, 0, np.int32(7)])
def test_check_ignore_index_accepts(value):
    result = check_ignore_index(value)
    assert result == value and (result is None or type(result) is int)


@pytest.mark.parametrize("value", [1.0, True, "0", np.float64(2)])
def test_check_ignore_index_refuses(value):
    with pytest.raises(ValueError, match=r"ignore_index: expected an integer, got"):
        check_ignore_index(value)


def test_check_weight_converts_to_the_computation_dtype():
    w = check_weight([1, 2, 3], 3, np.float32)
    assert w.dtype == np.float32
    np.testing.assert_array_equal(w, [1, 2, 3])
    assert check_weight(None, 3, np.float32) is None


@pytest.mark.parametrize(
    "weight, message",
    [
        ([1.0, 2.0], r"one weight per class, shape \(3,\), got shape \(2,\)"),
        ([[1.0, 2.0, 3.0]], r"got shape \(1, 3\)"),
        ([1.0, np.nan, 1.0], r"expected finite values, but entry 1 is nan"),
        ([1.0, 1.0, -0.5], r"non-negative class weights, but class 2 has weight -0.5"),
        ([True, False, True], r"got dtype bool"),
    ],
)
def test_check_weight_refuses(weight, message):
    with pytest.raises(ValueError, match=rf"^weight: .*{message}"):
        check_weight(weight, 3, np.float64)


# --- targets ------------------------------------------------------------------------------


def test_integer_labels():
    result = target(np.array([2, 0], dtype=np.uint8))
    np.testing.assert_array_equal(result.labels, [2, 0])
    assert result.labels.dtype == np.int64
    assert result.distribution is None and result.ignored is None


def test_one_hot_rows_become_labels():
    result = target(np.array([[0, 0, 1], [1, 0, 0]], dtype=np.int8))
    np.testing.assert_array_equal(result.labels, [2, 0])


def test_distributions_are_converted_to_the_computation_dtype():
    t = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    result = target(t, dtype=np.float32)
    assert result.labels is None and result.distribution.dtype == np.float32
    np.testing.assert_allclose(result.distribution, t)


def test_ignored_labels_are_exempt_from_the_range_check():
    result = target([-100, 1], ignore_index=-100)
    np.testing.assert_array_equal(result.ignored, [True, False])
    result = target([7, 1], ignore_index=7)
    np.testing.assert_array_equal(result.ignored, [True, False])
    assert target([0, 1], ignore_index=-100).ignored is None


@pytest.mark.parametrize(
    "value, ignore_index, message",
    [
        ([0, 3], None, r"labels in \[0, 3\) \(n_classes=3\), but sample 1 has label 3"),
        ([-1, 0], None, r"sample 0 has label -1"),
        ([-100, 0], None, r"sample 0 has label -100"),
        ([5, 0], -100, r"sample 0 has label 5"),
        ([0.0, 1.0], None, r"integer class labels, got dtype float64 \(labels are not rounded"),
        ([True, False], None, r"got dtype bool"),
        (["a", "b"], None, r"got dtype <U1"),
        ([0, 1, 2], None, r"expected 2 labels, shape \(2,\), to match z of shape \(2, 3\)"),
        ([[1, 2], [0]], None, r"one label per sample, but sample 0 holds 2 labels \[1, 2\]"),
        ([1, [2, 0]], None, r"one label per sample, but sample 1 holds 2 labels \[2, 0\]"),
        ([[1, 0, 0], [0, 1]], None, r"sample 1 holds 2 labels \[0, 1\]"),
        ([[1, 0, 0], 2], None, r"one row per sample, but sample 1 differs in length from sample 0"),
        (np.array([[1, 2], [0]], dtype=object), None, r"sample 0 holds 2 labels \[1, 2\]"),
        ([[0, 1], [1, 2]], None, r"one label per sample, labels of shape \(2,\).*sample 0 holds 2"),
        (
            [[1, 1, 0], [0, 1, 0]],
            None,
            r"one label per sample .*sample 0's row has 2 ones \(classes \[0, 1\]\)",
        ),
        ([[0, 1, 0], [1, 1, 1]], None, r"sample 1's row has 3 ones"),
        ([[0, 0, 0], [0, 1, 0]], None, r"sample 0's row has no 1"),
        ([[0, 2, 0], [0, 1, 0]], None, r"one-hot rows of 0 and 1.*sample 0's row is \[0, 2, 0\]"),
        (np.eye(3, dtype=int)[:2], 0, r"ignore_index: works only with integer labels of shape"),
        (np.eye(3)[:2], -100, r"ignore_index: works only with integer labels.*float"),
        ([[0.5, 0.5, 0.0], [-0.1, 0.6, 0.5]], None, r"non-negative probabilities.*sample 1"),
        ([[0.5, 0.5, 0.0], [0.5, 0.6, 0.5]], None, r"sample 1 sums to 1.6"),
        (
            [[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]],
            None,
            r"sample 0 sums to 2 .*one label.*real distribution",
        ),
        ([[np.nan, 1.0, 0.0], [1.0, 0.0, 0.0]], None, r"finite values, but sample 0 has nan"),
        (np.zeros((2, 4)), None, r"labels of shape \(2,\) or rows of shape \(2, 3\)"),
        (np.zeros((3, 3)), None, r"got shape \(3, 3\)"),
    ],
)
def test_target_refusals_name_the_sample(value, ignore_index, message):
    with pytest.raises(ValueError, match=message):
        target(value, ignore_index=ignore_index)


def test_distribution_rows_may_be_off_by_the_tolerance():
    target([[0.5, 0.5 + 5e-7, 0.0], [1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="within 1e-06"):
        target([[0.5, 0.5 + 5e-6, 0.0], [1.0, 0.0, 0.0]])
    target(np.array([[0.5, 0.50005, 0.0], [1.0, 0.0, 0.0]], dtype=np.float32))


# --- a single sample (K,) -----------------------------------------------------------------


def single(value, **kwargs):
    return target(value, n_samples=1, n_classes=4, single=True, **kwargs)


def test_single_sample_forms():
    np.testing.assert_array_equal(single(2).labels, [2])
    np.testing.assert_array_equal(single(np.int16(3)).labels, [3])
    np.testing.assert_array_equal(single([0, 0, 1, 0]).labels, [2])
    assert single([0.25, 0.25, 0.5, 0.0]).distribution.shape == (1, 4)
    assert single(-1, ignore_index=-1).ignored.tolist() == [True]


@pytest.mark.parametrize(
    "value, message",
    [
        ([1, 2, 3], r"single sample takes one label .* length 4, but got 3 labels \[1, 2, 3\]"),
        ([1, 2, 3, 0], r"the target row is \[1, 2, 3, 0\]"),
        ([1, 1, 0, 0], r"the target row has 2 ones"),
        (2.0, r"expected an integer class label, got the float 2.0"),
        (True, r"got dtype bool"),
        (4, r"but the label is 4"),
        ([0.5, 0.0, 0.0, 0.0], r"the target row sums to 0.5"),
        ([[0, 0, 1, 0]], r"expected a scalar label or a row of shape \(4,\), got shape \(1, 4\)"),
        ([0.5, 0.5], r"got shape \(2,\)"),
    ],
)
def test_single_sample_refusals(value, message):
    with pytest.raises(ValueError, match=message):
        single(value)
