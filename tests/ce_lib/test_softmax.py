"""Tests of ce_lib.softmax against scipy.special, for random shapes, axes and logits."""

import os
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ce_lib import log_softmax, logsumexp, softmax

PROPERTY_SETTINGS = settings(deadline=None, max_examples=60, derandomize=bool(os.environ.get("CI")))
FUNCTIONS = [softmax, log_softmax, logsumexp]
ORACLES = {
    softmax: scipy.special.softmax,
    log_softmax: scipy.special.log_softmax,
    logsumexp: scipy.special.logsumexp,
}


@st.composite
def logits_and_axis(draw, max_abs=1e4):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
    z = draw(hnp.arrays(np.float64, shape, elements=st.floats(-max_abs, max_abs)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return z, axis


@PROPERTY_SETTINGS
@given(logits_and_axis(), st.sampled_from(FUNCTIONS))
def test_matches_scipy(case, function):
    z, axis = case
    expected = ORACLES[function](z, axis=axis)
    np.testing.assert_allclose(function(z, axis=axis), expected, rtol=1e-12, atol=1e-12)


@PROPERTY_SETTINGS
@given(logits_and_axis())
def test_softmax_is_a_distribution_along_the_axis(case):
    z, axis = case
    a = softmax(z, axis=axis)
    assert (a >= 0).all() and (a <= 1).all()
    np.testing.assert_allclose(a.sum(axis=axis), 1.0, rtol=1e-12)


@PROPERTY_SETTINGS
@given(logits_and_axis(max_abs=100.0), st.floats(-1e3, 1e3))
def test_shifting_logits_changes_no_probability(case, shift):
    z, axis = case
    np.testing.assert_allclose(softmax(z + shift, axis=axis), softmax(z, axis=axis), atol=1e-12)
    np.testing.assert_allclose(
        logsumexp(z + shift, axis=axis), logsumexp(z, axis=axis) + shift, rtol=1e-12
    )


def test_hand_derived_values():
    z = np.log([1.0, 3.0])
    np.testing.assert_allclose(softmax(z), [0.25, 0.75])
    np.testing.assert_allclose(log_softmax(z), np.log([0.25, 0.75]))
    assert logsumexp(z) == pytest.approx(np.log(4.0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("function", FUNCTIONS)
def test_large_logits_stay_finite_without_warnings(dtype, function):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = function(z)
    assert result.dtype == dtype
    assert np.isfinite(result).all()
    np.testing.assert_allclose(result, ORACLES[function](z.astype(np.float64), axis=-1), rtol=1e-6)


def test_log_softmax_is_finite_where_softmax_underflows():
    z = np.array([0.0, 1e4])
    assert softmax(z)[0] == 0.0
    assert log_softmax(z)[0] == -1e4


@pytest.mark.parametrize("function", FUNCTIONS)
def test_integer_logits_are_computed_in_float64(function):
    assert np.asarray(function([1, 2, 3])).dtype == np.float64


def test_logsumexp_of_one_sample_is_a_scalar_of_the_dtype():
    result = logsumexp(np.array([0.0, 0.0], dtype=np.float32))
    assert np.ndim(result) == 0 and result.dtype == np.float32


@pytest.mark.parametrize("function", FUNCTIONS)
def test_input_is_not_modified(function):
    z = np.array([[3.0, 1.0], [0.0, 2.0]])
    before = z.copy()
    function(z)
    np.testing.assert_array_equal(z, before)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize(
    "z, kwargs, message",
    [
        ([1.0, np.nan], {}, r"z: expected finite values, but entry 1 is nan"),
        ([[0.0, 1.0], [np.inf, 0.0]], {}, r"sample 1 has inf at class 0"),
        ([-np.inf, 0.0], {}, r"entry 0 is -inf"),
        (np.zeros((2, 0)), {}, r"z: expected at least one class along axis 1"),
        (3.0, {}, r"z: expected logits with at least one dimension"),
        ([True, False], {}, r"z: expected real numbers .*bool"),
        (["a", "b"], {}, r"z: expected real numbers"),
        ([[1.0], [1.0, 2.0]], {}, r"z: expected a rectangular array"),
        ([1.0, 2.0], {"axis": 1}, r"axis: expected an integer in \[-1, 1\)"),
        ([1.0, 2.0], {"axis": 0.5}, r"axis: expected an integer in \[-1, 1\), got 0.5"),
    ],
)
def test_bad_input_raises_a_clear_error(function, z, kwargs, message):
    with pytest.raises(ValueError, match=message):
        function(z, **kwargs)
