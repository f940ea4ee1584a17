r"""The softmax cross-entropy loss and its gradient with respect to the logits.

For one sample with logits :math:`z \in \mathbb{R}^K`, probabilities :math:`a =
\operatorname{softmax}(z)` and exactly one label :math:`y`,

.. math::

    J = -\log a_y = -z_y + \log \sum_{k=1}^{K} e^{z_k},
    \qquad
    \frac{\partial J}{\partial z} = a - \operatorname{onehot}(y).

The true-class entry :math:`a_y - 1 \le 0` makes gradient descent raise :math:`z_y`
("encourage"); every other entry :math:`a_k \ge 0` lowers its logit ("suppress").

Every option reduces to one form. Each sample :math:`i` has non-negative coefficients
:math:`c_{ik}` with sum :math:`s_i = \sum_k c_{ik}`, and

.. math::

    J_i = -\sum_k c_{ik} \log a_{ik} = s_i \log \sum_k e^{z_{ik}} - \sum_k c_{ik} z_{ik},
    \qquad
    \frac{\partial J_i}{\partial z_i} = s_i\, a_i - c_i.

With class weights :math:`w` and label smoothing :math:`\varepsilon` (PyTorch's formulas):

* integer labels: :math:`c_{ik} = (1 - \varepsilon)\, w_{y_i} [k = y_i] +
  \tfrac{\varepsilon}{K} w_k`, zero for an ignored sample; the mean divides by
  :math:`\sum_i w_{y_i}` over the samples not ignored;
* distributions :math:`t`: :math:`c_{ik} = w_k \big((1 - \varepsilon) t_{ik} +
  \tfrac{\varepsilon}{K}\big)`; the mean divides by :math:`N`.

How the one-pass computation saves time (see :func:`cross_entropy_with_grad`):

1. **Shift by the true-class logit.** Any shift :math:`r_i` gives the same softmax. With
   :math:`r_i = z_{iy_i}` the loss is simply :math:`\log S_i` with
   :math:`S_i = \sum_k e^{z_{ik} - z_{iy_i}} \ge 1`, and no pass is spent finding the row
   maximum. Only a row where some logit exceeds the true one by more than the float range
   allows (:math:`S_i` overflows) is redone with the exact maximum.
2. **Blocks that fit in cache.** Rows are processed a block at a time, so the block is read
   from memory once and every further pass runs in cache.
3. **In place.** The shifted logits are written straight into the gradient array; the
   exponential, the scaling and the subtraction of the target all happen there.
4. **BLAS row sums.** :math:`S_i` and the (weighted) sum of the shifted logits are
   matrix-vector products, which BLAS does faster than a reduction along rows.
5. **Validation folded in.** Logits are not scanned for NaN or infinity on their own. A
   NaN or infinite logit makes its row's sum of shifted logits (computed anyway for label
   smoothing) or :math:`S_i` non-finite, so one test of the block's total finds it; only
   then are the rows of that block searched for the offending entry.
"""

from __future__ import annotations

import numpy as np

from ce_lib.validation import (
    Target,
    check_finite,
    check_ignore_index,
    check_label_smoothing,
    check_logits,
    check_reduction,
    check_target,
    check_weight,
)

__all__ = ["cross_entropy", "cross_entropy_grad", "cross_entropy_with_grad"]

# Bytes of logits handled per block: small enough that a block and its gradient stay in
# the per-core L2 cache between the passes over it.
_BLOCK_BYTES = 256 * 1024


def _validate(z, target, weight, ignore_index, label_smoothing, reduction):
    z2, single = check_logits(z, finite=False)
    n_samples, n_classes = z2.shape
    reduction = check_reduction(reduction)
    eps = check_label_smoothing(label_smoothing)
    ignore_index = check_ignore_index(ignore_index)
    w = check_weight(weight, n_classes, z2.dtype)
    tgt = check_target(
        target, n_samples, n_classes, single=single, dtype=z2.dtype, ignore_index=ignore_index
    )
    return z2, single, tgt, w, eps, reduction


def _label_coefficients(tgt: Target, w, eps: float, n_classes: int, dtype):
    r"""Per-sample parts of :math:`c_{ik} = (1-\varepsilon) w_{y_i} [k=y_i] +
    \tfrac{\varepsilon}{K} w_k`.

    Returns the safe labels (0 where ignored), ``true_coef`` :math:`(1-\varepsilon)
    w_{y_i}`, ``smooth_coef`` :math:`\varepsilon / K` (0 where ignored), ``s`` the row sums
    :math:`s_i`, and ``counted_total`` the mean's divisor :math:`\sum_i w_{y_i}` over the
    samples not ignored. Each part is a scalar when it is the same for every sample, which
    spares the common case (no weights, nothing ignored) building arrays.
    """
    labels, ignored = tgt.labels, tgt.ignored
    total_w = dtype.type(n_classes if w is None else w.sum(dtype=np.float64))
    smooth_coef = dtype.type(eps / n_classes)
    if w is None and ignored is None:
        true_coef = dtype.type(1.0 - eps)
        return labels, true_coef, smooth_coef, true_coef + smooth_coef * total_w, len(labels)
    if ignored is not None:
        labels = np.where(ignored, 0, labels)
    counted = np.ones(labels.shape, dtype) if w is None else w[labels]
    if ignored is not None:
        counted[ignored] = 0
        smooth_coef = np.where(ignored, dtype.type(0), smooth_coef)
    true_coef = dtype.type(1.0 - eps) * counted
    s = true_coef + smooth_coef * total_w
    return labels, true_coef, smooth_coef, s, counted.sum(dtype=np.float64)


def _rows(x, lo: int, hi: int):
    """Rows lo:hi of a per-sample array, or the scalar shared by all samples."""
    return x[lo:hi] if isinstance(x, np.ndarray) else x


def _exact_shift_rows(zb, rows, out, v, labels_b, row_offset):
    r"""Redo ``rows`` of a block with the exact row maximum as shift.

    Used for rows whose fast pass overflowed or met a non-finite logit; raises if a logit
    really is NaN or infinite. Returns the sums of shifted logits, the exponential sums and
    the shifted true-class logits of those rows.
    """
    raw = zb[rows]
    bad = ~np.isfinite(raw)
    if bad.any():
        j, k = np.unravel_index(int(np.argmax(bad)), raw.shape)
        raise ValueError(
            f"z: expected finite logits, but sample {row_offset + rows[j]} has "
            f"{raw[j, k].item()} at class {k}."
        )
    shifted = raw - raw.max(axis=1, keepdims=True)
    zdot = shifted @ v
    shifted_true = shifted[np.arange(rows.size), labels_b[rows]]
    np.exp(shifted, out=shifted)
    out[rows] = shifted
    return zdot, shifted.sum(axis=1), shifted_true


def _reduce(loss_rows: np.ndarray, reduction: str, divisor, dtype):
    if reduction == "none":
        return loss_rows
    total = loss_rows.sum(dtype=np.float64)
    if reduction == "mean":
        total /= divisor
    return dtype.type(total)


def _mean_divisor(counted_total, what: str):
    if not counted_total > 0:
        raise ValueError(
            f"target: the mean is undefined because {what}; use reduction='sum' or "
            "reduction='none', or give a sample that counts."
        )
    return counted_total


def _labels_pass(z2, tgt, w, eps, reduction, need_loss, need_grad):
    n_samples, n_classes = z2.shape
    dtype = z2.dtype
    labels, true_coef, smooth_coef, s, counted_total = _label_coefficients(
        tgt, w, eps, n_classes, dtype
    )
    divisor = 1.0
    if reduction == "mean":
        if tgt.ignored is not None and tgt.ignored.all():
            _mean_divisor(0, "every sample is ignored (all labels equal ignore_index)")
        divisor = _mean_divisor(counted_total, "the total weight of the samples' labels is zero")
    scale = dtype.type(1.0 / divisor)
    ones = np.ones(n_classes, dtype)
    # v weights the sum of shifted logits: the smoothing term needs w . (z - r)
    v = ones if w is None else w

    grad = np.empty_like(z2) if need_grad else None
    loss_rows = np.empty(n_samples, dtype) if need_loss else None
    block_rows = min(n_samples, max(1, _BLOCK_BYTES // (n_classes * dtype.itemsize)))
    scratch = None if need_grad else np.empty((block_rows, n_classes), dtype)
    all_rows = np.arange(block_rows)

    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        for lo in range(0, n_samples, block_rows):
            hi = min(lo + block_rows, n_samples)
            zb, yb, rows = z2[lo:hi], labels[lo:hi], all_rows[: hi - lo]
            out = grad[lo:hi] if need_grad else scratch[: hi - lo]
            # 1. shift by the true-class logit, written straight into the gradient array
            np.subtract(zb, zb[rows, yb][:, None], out=out)
            # 2. (weighted) sum of shifted logits: the smoothing term, and a finiteness probe
            zdot = out @ v
            # 3. exponentials in place, and their row sums S_i
            np.exp(out, out=out)
            sums = out @ ones
            # shifted true-class logits: 0, except in rows redone with the exact maximum
            shifted_true = None
            if not np.isfinite(sums.sum() + zdot.sum()):  # one test for the whole block
                suspect = np.flatnonzero(~np.isfinite(sums + zdot))
                if suspect.size:
                    shifted_true = np.zeros(hi - lo, dtype)
                    zdot[suspect], sums[suspect], shifted_true[suspect] = _exact_shift_rows(
                        zb, suspect, out, v, yb, lo
                    )
            if need_loss:
                # J_i = s_i log S_i - sum_k c_ik (z_ik - r_i)
                loss = _rows(s, lo, hi) * np.log(sums)
                if shifted_true is not None:
                    loss -= _rows(true_coef, lo, hi) * shifted_true
                if eps:
                    loss -= _rows(smooth_coef, lo, hi) * zdot
                loss_rows[lo:hi] = loss
            if need_grad:
                # 4. gradient s_i a_i - c_i, scaled for the reduction
                out *= ((scale * _rows(s, lo, hi)) / sums)[:, None]
                if eps:
                    out -= np.multiply.outer(scale * _rows(smooth_coef, lo, hi), v)
                out[rows, yb] -= scale * _rows(true_coef, lo, hi)
    return loss_rows, grad, divisor


def _distribution_pass(z2, t, w, eps, reduction, need_loss, need_grad):
    n_samples, n_classes = z2.shape
    dtype = z2.dtype
    c = t * dtype.type(1.0 - eps) + dtype.type(eps / n_classes) if eps else t.copy()
    if w is not None:
        c *= w
    s = c.sum(axis=1)
    divisor = float(n_samples) if reduction == "mean" else 1.0
    scale = dtype.type(1.0 / divisor)
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        shifted = z2 - z2.max(axis=1, keepdims=True)
        czs = np.einsum("ik,ik->i", c, shifted)
        if not np.isfinite(czs).all():
            check_finite(z2, "z")
        np.exp(shifted, out=shifted)
        sums = shifted.sum(axis=1)
    loss_rows = s * np.log(sums) - czs if need_loss else None
    grad = None
    if need_grad:
        shifted *= (scale * s / sums)[:, None]
        shifted -= scale * c
        grad = shifted
    return loss_rows, grad, divisor


def _cross_entropy(
    z, target, weight, ignore_index, label_smoothing, reduction, need_loss, need_grad
):
    z2, single, tgt, w, eps, reduction = _validate(
        z, target, weight, ignore_index, label_smoothing, reduction
    )
    if tgt.labels is not None:
        loss_rows, grad, divisor = _labels_pass(z2, tgt, w, eps, reduction, need_loss, need_grad)
    else:
        loss_rows, grad, divisor = _distribution_pass(
            z2, tgt.distribution, w, eps, reduction, need_loss, need_grad
        )
    loss = None
    if need_loss:
        loss = _reduce(loss_rows, reduction, divisor, z2.dtype)
        if single and reduction == "none":
            loss = loss[0]
    if need_grad and single:
        grad = grad[0]
    return loss, grad


def cross_entropy(
    z, target, *, weight=None, ignore_index=None, label_smoothing=0.0, reduction="mean"
):
    r"""The softmax cross-entropy loss.

    .. math::

        J_i = -\sum_{k=1}^{K} c_{ik} \log a_{ik}, \qquad a_i = \operatorname{softmax}(z_i),

    which for one label :math:`y_i` and no options is :math:`J_i = -\log a_{iy_i} =
    -z_{iy_i} + \log \sum_k e^{z_{ik}}` (the coefficients :math:`c_{ik}` for the options
    are in the module docstring). The values equal PyTorch's
    ``torch.nn.functional.cross_entropy`` with the same options.

    Parameters
    ----------
    z : array-like
        Logits ``(n_samples, n_classes)`` or one sample ``(n_classes,)``; finite reals.
        Float32 is computed in float32, integers in float64 (float16 in float32).
    target : array-like
        Integer labels ``(n_samples,)`` (a scalar int for one sample), a one-hot integer
        matrix ``(n_samples, n_classes)`` with exactly one 1 per row, or float target
        distributions of that shape (non-negative rows summing to one).
    weight : array-like of shape (n_classes,), optional
        Non-negative class weights :math:`w`.
    ignore_index : int, optional
        Samples whose label equals it contribute nothing (integer labels only; such labels
        are exempt from the range check).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes :math:`(1 - \varepsilon)
        \operatorname{onehot}(y) + \varepsilon / K`.
    reduction : {"mean", "sum", "none"}, default "mean"
        How the per-sample losses are combined. The weighted mean divides by the summed
        weights of the counted samples' labels for integer labels, by N for distributions.

    Returns
    -------
    loss : numpy.floating or numpy.ndarray
        A scalar for ``"mean"`` and ``"sum"`` (and for one sample), else ``(n_samples,)``,
        in the logits' float dtype.

    Raises
    ------
    ValueError
        On invalid input; the message names the argument, what was expected and the
        offending value or sample index (for example a sample with several labels).

    Examples
    --------
    >>> z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    >>> float(cross_entropy(z, [0, 1]).round(4))
    0.3185
    >>> float(cross_entropy([0.0, 0.0], 1).round(4))  # -log(1/2)
    0.6931
    >>> cross_entropy(z, [[1, 1, 0], [0, 1, 0]])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: target: expected one label per sample ... sample 0's row has 2 ones ...
    """
    loss, _ = _cross_entropy(
        z, target, weight, ignore_index, label_smoothing, reduction, need_loss=True, need_grad=False
    )
    return loss


def cross_entropy_grad(
    z, target, *, weight=None, ignore_index=None, label_smoothing=0.0, reduction="mean"
):
    r"""The gradient of :func:`cross_entropy` with respect to the logits.

    .. math::

        \frac{\partial J_i}{\partial z_i} = s_i\, a_i - c_i,
        \qquad s_i = \sum_k c_{ik},

    which for one label and no options is :math:`a_i - \operatorname{onehot}(y_i)`: the
    true-class entry :math:`a_{iy_i} - 1 \le 0`, every other entry :math:`a_{ik} \ge 0`,
    and each row sums to zero. With ``reduction="mean"`` the rows are divided by the
    mean's divisor; with ``"none"`` row ``i`` is the gradient of sample ``i``'s own loss.

    Parameters
    ----------
    z : array-like
        Logits ``(n_samples, n_classes)`` or one sample ``(n_classes,)``; finite reals.
        Float32 is computed in float32, integers in float64 (float16 in float32).
    target : array-like
        Integer labels ``(n_samples,)`` (a scalar int for one sample), a one-hot integer
        matrix ``(n_samples, n_classes)`` with exactly one 1 per row, or float target
        distributions of that shape (non-negative rows summing to one).
    weight : array-like of shape (n_classes,), optional
        Non-negative class weights :math:`w`.
    ignore_index : int, optional
        Samples whose label equals it contribute nothing (integer labels only; such labels
        are exempt from the range check).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes :math:`(1 - \varepsilon)
        \operatorname{onehot}(y) + \varepsilon / K`.
    reduction : {"mean", "sum", "none"}, default "mean"
        How the per-sample losses are combined. The weighted mean divides by the summed
        weights of the counted samples' labels for integer labels, by N for distributions.

    Returns
    -------
    numpy.ndarray
        ``dJ/dz``, same shape as ``z``, in the logits' float dtype.

    Raises
    ------
    ValueError
        On invalid input; the message names the argument, what was expected and the
        offending value or sample index (for example a sample with several labels).

    Examples
    --------
    >>> cross_entropy_grad([0.0, 0.0], 1)
    array([ 0.5, -0.5])
    >>> g = cross_entropy_grad(np.array([[2.0, 1.0, 0.1]]), [0])
    >>> bool(g[0, 0] <= 0 and (g[0, 1:] >= 0).all() and abs(g.sum()) < 1e-12)
    True
    """
    _, grad = _cross_entropy(
        z, target, weight, ignore_index, label_smoothing, reduction, need_loss=False, need_grad=True
    )
    return grad


def cross_entropy_with_grad(
    z, target, *, weight=None, ignore_index=None, label_smoothing=0.0, reduction="mean"
):
    r"""The loss and its gradient in one pass over the logits.

    Returns what :func:`cross_entropy` and :func:`cross_entropy_grad` return, computed
    together: the exponentials are shared, and the work is arranged for speed (the module
    docstring explains each step: shift by the true-class logit, cache-sized blocks,
    in-place work, BLAS row sums, finiteness checked inside sums computed anyway).

    .. math::

        J = \frac{1}{D} \sum_i J_i, \qquad
        \frac{\partial J}{\partial z_i} = \frac{1}{D} \left(s_i\, a_i - c_i\right),

    with :math:`D` the mean's divisor (:math:`D = 1` for ``"sum"`` and ``"none"``).

    Parameters
    ----------
    z : array-like
        Logits ``(n_samples, n_classes)`` or one sample ``(n_classes,)``; finite reals.
        Float32 is computed in float32, integers in float64 (float16 in float32).
    target : array-like
        Integer labels ``(n_samples,)`` (a scalar int for one sample), a one-hot integer
        matrix ``(n_samples, n_classes)`` with exactly one 1 per row, or float target
        distributions of that shape (non-negative rows summing to one).
    weight : array-like of shape (n_classes,), optional
        Non-negative class weights :math:`w`.
    ignore_index : int, optional
        Samples whose label equals it contribute nothing (integer labels only; such labels
        are exempt from the range check).
    label_smoothing : float, default 0.0
        :math:`\varepsilon \in [0, 1]`: the target becomes :math:`(1 - \varepsilon)
        \operatorname{onehot}(y) + \varepsilon / K`.
    reduction : {"mean", "sum", "none"}, default "mean"
        How the per-sample losses are combined. The weighted mean divides by the summed
        weights of the counted samples' labels for integer labels, by N for distributions.

    Returns
    -------
    loss : numpy.floating or numpy.ndarray
        As :func:`cross_entropy` returns it.
    grad : numpy.ndarray
        As :func:`cross_entropy_grad` returns it.

    Raises
    ------
    ValueError
        On invalid input; the message names the argument, what was expected and the
        offending value or sample index (for example a sample with several labels).

    Examples
    --------
    >>> loss, grad = cross_entropy_with_grad(np.log([[1.0, 3.0]]), [1])
    >>> float(loss.round(4)), grad.round(4)
    (0.2877, array([[ 0.25, -0.25]]))
    """
    return _cross_entropy(
        z, target, weight, ignore_index, label_smoothing, reduction, need_loss=True, need_grad=True
    )
