r"""Softmax, log-softmax and log-sum-exp, stable for any finite logits.

All three subtract the largest logit first. The shift changes nothing mathematically,

.. math::

    \frac{e^{z_k}}{\sum_j e^{z_j}} = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}},
    \qquad m = \max_j z_j,

but afterwards every exponent is at most 0, so nothing overflows, and the largest term is
exactly 1, so the sum never underflows to 0 either.
"""

from __future__ import annotations

import numpy as np

from ce_lib.validation import as_real_array, check_axis, check_finite, compute_dtype

__all__ = ["log_softmax", "logsumexp", "softmax"]


def _prepare(z, axis) -> tuple[np.ndarray, int, np.dtype]:
    arr = as_real_array(z, "z")
    if arr.ndim == 0:
        raise ValueError("z: expected logits with at least one dimension, got a scalar.")
    axis = check_axis(axis, arr.ndim)
    if arr.shape[axis] == 0:
        raise ValueError(
            f"z: expected at least one class along axis {axis}, got shape {arr.shape}."
        )
    dtype = compute_dtype(arr.dtype)
    check_finite(arr, "z")
    return arr, axis, dtype


def _shifted(arr: np.ndarray, axis: int, dtype) -> np.ndarray:
    """A new array ``z - max(z)`` along ``axis`` in the computation dtype."""
    work = arr.astype(dtype, copy=True)
    work -= work.max(axis=axis, keepdims=True)
    return work


def softmax(z, axis=-1) -> np.ndarray:
    r"""Probabilities from logits.

    .. math::

        a_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}
            = \frac{e^{z_k - m}}{\sum_{j=1}^{K} e^{z_j - m}}, \qquad m = \max_j z_j

    Parameters
    ----------
    z : array-like
        Finite real logits, for example ``(n_samples, n_classes)``.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    numpy.ndarray
        ``a``, same shape as ``z``, non-negative, summing to one along ``axis``. Float32
        logits give float32; integer logits are computed in float64 (float16 in float32).

    Raises
    ------
    ValueError
        If ``z`` is not real, has NaN or infinite entries, or no class along ``axis``.

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax([1000.0, 1000.0])  # no overflow
    array([0.5, 0.5])
    """
    arr, axis, dtype = _prepare(z, axis)
    a = _shifted(arr, axis, dtype)
    np.exp(a, out=a)
    a /= a.sum(axis=axis, keepdims=True)
    return a


def log_softmax(z, axis=-1) -> np.ndarray:
    r"""Log-probabilities from logits, computed without taking the log of a probability.

    .. math::

        \log a_k = z_k - \log \sum_{j=1}^{K} e^{z_j}
                 = (z_k - m) - \log \sum_{j=1}^{K} e^{z_j - m}

    Parameters
    ----------
    z : array-like
        Finite real logits.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    numpy.ndarray
        ``log a``, same shape and float dtype as :func:`softmax` returns. Entries are
        finite even where ``a`` underflows to zero.

    Examples
    --------
    >>> log_softmax([0.0, 0.0]).round(4)
    array([-0.6931, -0.6931])
    >>> log_softmax([0.0, 1000.0])  # log(softmax) would give -inf
    array([-1000.,     0.])
    """
    arr, axis, dtype = _prepare(z, axis)
    shifted = _shifted(arr, axis, dtype)
    log_sum = np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    shifted -= log_sum
    return shifted


def logsumexp(z, axis=-1):
    r"""The log of the sum of exponentials, :math:`\log \sum_k e^{z_k}`, without overflow.

    .. math::

        \log \sum_{k=1}^{K} e^{z_k} = m + \log \sum_{k=1}^{K} e^{z_k - m},
        \qquad m = \max_k z_k

    Parameters
    ----------
    z : array-like
        Finite real logits.
    axis : int, default -1
        The axis to reduce.

    Returns
    -------
    numpy.ndarray or numpy.floating
        ``z`` reduced along ``axis`` (a NumPy scalar for 1-D input).

    Examples
    --------
    >>> float(logsumexp([0.0, 0.0]).round(4))
    0.6931
    >>> float(logsumexp([1000.0, 1000.0]).round(4))
    1000.6931
    """
    arr, axis, dtype = _prepare(z, axis)
    m = arr.max(axis=axis, keepdims=True).astype(dtype)
    shifted = arr.astype(dtype, copy=True)
    shifted -= m
    np.exp(shifted, out=shifted)
    result = np.squeeze(m, axis=axis) + np.log(shifted.sum(axis=axis))
    return result[()] if result.ndim == 0 else result
