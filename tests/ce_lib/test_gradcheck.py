"""Tests of ce_lib.gradcheck on functions whose gradients are known in closed form."""

import numpy as np
import pytest

from ce_lib import cross_entropy, cross_entropy_grad, gradient_relative_error, numerical_gradient


def cubic(z):
    return float((z**3).sum() + z.ravel()[0] * z.ravel()[-1])


def cubic_grad(z):
    grad = 3 * z**2
    flat = grad.reshape(-1)
    flat[0] += z.ravel()[-1]
    flat[-1] += z.ravel()[0]
    return grad


@pytest.mark.parametrize("shape", [(4,), (3, 2)])
def test_numerical_gradient_of_a_cubic(rng, shape):
    z = rng.standard_normal(shape)
    np.testing.assert_allclose(numerical_gradient(cubic, z), cubic_grad(z), atol=1e-8)


def test_numerical_gradient_is_float64_and_leaves_the_input_alone(rng):
    z = rng.standard_normal(3).astype(np.float32)
    before = z.copy()
    grad = numerical_gradient(lambda v: float((v**2).sum()), z)
    assert grad.dtype == np.float64 and grad.shape == (3,)
    np.testing.assert_array_equal(z, before)


def test_numerical_gradient_accepts_numpy_scalars():
    grad = numerical_gradient(lambda v: np.float32(v.sum()), np.zeros(2), eps=1e-3)
    np.testing.assert_allclose(grad, [1.0, 1.0], rtol=1e-3)


def test_a_correct_gradient_has_a_tiny_relative_error(rng):
    z = rng.standard_normal((3, 4))
    assert gradient_relative_error(cubic, cubic_grad, z) < 1e-8


def test_the_cross_entropy_gradient_passes_the_check(rng):
    z = 3 * rng.standard_normal((5, 4))
    y = rng.integers(0, 4, 5)
    error = gradient_relative_error(
        lambda v: cross_entropy(v, y), lambda v: cross_entropy_grad(v, y), z
    )
    assert error < 1e-7


@pytest.mark.parametrize(
    "wrong_grad, lowest",
    [
        (lambda z: -cubic_grad(z), 0.99),  # sign flipped: error 1
        (lambda z: 2 * cubic_grad(z), 0.3),  # twice the gradient: error 1/3
        (lambda z: np.zeros_like(z), 0.99),
    ],
)
def test_a_wrong_gradient_has_a_large_relative_error(rng, wrong_grad, lowest):
    z = rng.standard_normal(5) + 2.0
    error = gradient_relative_error(cubic, wrong_grad, z)
    assert lowest <= error <= 1.0 + 1e-12


def test_equal_zero_gradients_have_zero_error():
    assert gradient_relative_error(lambda z: 1.0, np.zeros_like, np.ones(3)) == 0.0


def test_the_step_is_used(rng):
    z = rng.standard_normal(3)
    # central differences are exact for a quadratic whatever the step
    for eps in (1e-2, 1e-4):
        np.testing.assert_allclose(
            numerical_gradient(lambda v: float((v**2).sum()), z, eps=eps), 2 * z, rtol=1e-6
        )


@pytest.mark.parametrize("eps", [0.0, -1e-6, np.nan, "small", True])
def test_bad_step_raises(eps):
    with pytest.raises(ValueError, match=r"eps: expected a finite number > 0"):
        numerical_gradient(cubic, np.ones(2), eps=eps)


def test_non_scalar_function_raises():
    with pytest.raises(ValueError, match=r"f: expected f to return a real scalar.*shape \(2,\)"):
        numerical_gradient(lambda v: v * 2, np.ones(2))


def test_gradient_of_the_wrong_shape_raises():
    with pytest.raises(ValueError, match=r"grad_f\(z\): expected a gradient of the shape of z"):
        gradient_relative_error(cubic, lambda z: np.zeros(5), np.ones(2))


def test_non_finite_gradient_raises():
    with pytest.raises(ValueError, match=r"grad_f\(z\): expected finite values, but entry 1"):
        gradient_relative_error(cubic, lambda z: np.array([0.0, np.nan]), np.ones(2))


@pytest.mark.parametrize("z", [[1.0, np.inf], ["a", "b"]])
def test_bad_point_raises(z):
    with pytest.raises(ValueError, match=r"z: expected"):
        numerical_gradient(cubic, z)
