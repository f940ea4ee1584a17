"""Shared oracles for the ce_lib tests.

The oracles compute the cross-entropy from its definition, one sample and one class at a
time with Python floats, so they share no code with the vectorised implementation.
"""

import math

import numpy as np
import pytest


def loop_cross_entropy(
    z, target, *, weight=None, ignore_index=None, label_smoothing=0.0, reduction="mean"
):
    """Loss and gradient from the definitions (PyTorch's conventions), with loops.

    Integer labels: J_i = -(1 - eps) w_y log a_y - (eps / K) sum_k w_k log a_k, the mean
    divided by the summed w_y of the samples not ignored. Distributions t: the target is
    (1 - eps) t + eps / K, J_i = -sum_k w_k t_k log a_k, the mean divided by N.
    """
    z = np.asarray(z, dtype=np.float64)
    single = z.ndim == 1
    z = np.atleast_2d(z)
    n_samples, n_classes = z.shape
    w = [1.0] * n_classes if weight is None else [float(v) for v in weight]
    target = np.asarray(target)
    is_distribution = target.dtype.kind == "f"
    if single:
        target = target.reshape(1, -1) if target.ndim == 1 else target.reshape(1)
    if not is_distribution and target.ndim == 2:  # one-hot rows encode labels
        target = np.array([list(row).index(1) for row in target])

    losses, grads, divisor = [], [], 0.0
    for i in range(n_samples):
        row = [float(v) for v in z[i]]
        top = max(row)
        total = sum(math.exp(v - top) for v in row)
        log_a = [v - top - math.log(total) for v in row]
        a = [math.exp(v) for v in log_a]
        if is_distribution:
            coef = [
                w[k] * ((1 - label_smoothing) * float(target[i][k]) + label_smoothing / n_classes)
                for k in range(n_classes)
            ]
            divisor += 1.0
        elif ignore_index is not None and int(target[i]) == ignore_index:
            coef = [0.0] * n_classes
        else:
            y = int(target[i])
            coef = [label_smoothing / n_classes * w[k] for k in range(n_classes)]
            coef[y] += (1 - label_smoothing) * w[y]
            divisor += w[y]
        losses.append(-sum(c * la for c, la in zip(coef, log_a, strict=True)))
        # dJ_i/dz_ik = sum_j c_j (a_k - [j = k])
        grads.append([sum(coef) * a[k] - coef[k] for k in range(n_classes)])

    losses, grads = np.array(losses), np.array(grads)
    if reduction == "none":
        loss = losses[0] if single else losses
    elif reduction == "sum":
        loss = losses.sum()
    else:
        loss, grads = losses.sum() / divisor, grads / divisor
    return loss, (grads[0] if single else grads)


@pytest.fixture(scope="session")
def reference():
    """The loop oracle ``reference(z, target, **options) -> (loss, grad)``."""
    return loop_cross_entropy


@pytest.fixture
def rng():
    return np.random.default_rng(20240611)
