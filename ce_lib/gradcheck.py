r"""Finite-difference gradient checking.

A gradient formula is checked against central differences of the function itself,

.. math::

    \frac{\partial f}{\partial z_j} \approx \frac{f(z + h e_j) - f(z - h e_j)}{2h},

whose error is of order :math:`h^2`. Nothing here asserts: the caller decides what
relative error is small enough (about 1e-7 or less for a correct float64 gradient).
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from ce_lib.validation import as_real_array, check_finite, check_scalar

__all__ = ["gradient_relative_error", "numerical_gradient"]


def _scalar(value, name: str) -> float:
    arr = np.asarray(value)
    if arr.ndim != 0 or arr.dtype.kind not in "iuf":
        raise ValueError(
            f"{name}: expected f to return a real scalar, got {type(value).__name__} "
            f"with shape {arr.shape}."
        )
    return float(arr)


def numerical_gradient(f, z, eps=1e-6) -> np.ndarray:
    r"""Central-difference estimate of the gradient of a scalar function.

    .. math::

        g_j = \frac{f(z + \epsilon e_j) - f(z - \epsilon e_j)}{2 \epsilon}

    Parameters
    ----------
    f : callable
        ``f(z) -> scalar``. It is called with float64 arrays of the shape of ``z``.
    z : array-like
        The point, finite reals of any shape.
    eps : float, default 1e-6
        The step :math:`\epsilon`.

    Returns
    -------
    numpy.ndarray
        float64 array of the shape of ``z``.

    Examples
    --------
    >>> numerical_gradient(lambda z: (z**2).sum(), np.array([1.0, -2.0])).round(6)
    array([ 2., -4.])
    """
    eps = float(check_scalar(eps, "eps", Real, min_val=0, include_boundaries="neither"))
    point = as_real_array(z, "z").astype(np.float64, copy=True)
    check_finite(point, "z")
    grad = np.empty_like(point)
    flat, grad_flat = point.reshape(-1), grad.reshape(-1)
    for j in range(flat.size):
        original = flat[j]
        flat[j] = original + eps
        upper = _scalar(f(point.copy()), "f")
        flat[j] = original - eps
        lower = _scalar(f(point.copy()), "f")
        flat[j] = original
        grad_flat[j] = (upper - lower) / (2.0 * eps)
    return grad


def gradient_relative_error(f, grad_f, z, eps=1e-6) -> float:
    r"""Relative error between an analytic gradient and finite differences.

    .. math::

        \text{error} = \frac{\lVert g - \hat g \rVert}{\max(\lVert g \rVert +
        \lVert \hat g \rVert,\ 10^{-300})}

    where :math:`g` is ``grad_f(z)`` and :math:`\hat g` the central-difference estimate.
    It is 0 for equal gradients and at most 1.

    Parameters
    ----------
    f : callable
        ``f(z) -> scalar``.
    grad_f : callable
        ``grad_f(z) -> array`` of the shape of ``z``.
    z : array-like
        The point.
    eps : float, default 1e-6
        The finite-difference step.

    Returns
    -------
    float

    Examples
    --------
    >>> f = lambda z: (z**3).sum()
    >>> gradient_relative_error(f, lambda z: 3 * z**2, np.array([0.5, -1.0])) < 1e-8
    True
    >>> round(gradient_relative_error(f, lambda z: -3 * z**2, np.array([0.5, -1.0])), 6)
    1.0
    """
    point = as_real_array(z, "z").astype(np.float64, copy=True)
    analytic = as_real_array(grad_f(point.copy()), "grad_f(z)")
    if analytic.shape != point.shape:
        raise ValueError(
            f"grad_f(z): expected a gradient of the shape of z, {point.shape}, "
            f"got shape {analytic.shape}."
        )
    analytic = analytic.astype(np.float64)
    check_finite(analytic, "grad_f(z)")
    numeric = numerical_gradient(f, point, eps)
    denominator = max(float(np.linalg.norm(analytic) + np.linalg.norm(numeric)), 1e-300)
    return float(np.linalg.norm(analytic - numeric)) / denominator
