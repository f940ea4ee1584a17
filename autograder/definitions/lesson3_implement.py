r"""Graded tests of lesson 3: implement ``softmax``, ``cross_entropy`` and ``cross_entropy_grad``.

For a batch of logits ``z`` of shape ``(N, K)`` and integer labels ``y`` of shape ``(N,)``:

.. math::

    a = \mathrm{softmax}(z), \qquad
    J = \frac{1}{N} \sum_i -\log a_{i, y_i}, \qquad
    \frac{\partial J}{\partial z} = \frac{a - \mathrm{onehot}(y)}{N}

The cases include rows of logits spanning -1000 to 1000, where only a softmax shifted by the
row maximum stays finite, with labels on the smallest logit, where only the log-sum-exp form of
the loss stays finite. ce_lib's reference numerics, and every module or
library that computes them (SciPy, scikit-learn, PyTorch, ...), are absent from the sandbox
that runs the lesson's graded code.
"""

import numpy as np

import autograder.misconceptions as mc
from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Case,
    FunctionTest,
    Requirement,
)
from autograder.sandbox.view import LessonView

LESSON = "lesson3_implement"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)


def _reference_softmax(z):
    from ce_lib import softmax

    return softmax(z)


def _reference_loss(z, y):
    from ce_lib import cross_entropy

    return cross_entropy(z, y)


def _reference_grad(z, y):
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(z, y)


def _logits(rng, n_samples, n_classes, scale=3.0):
    return scale * rng.standard_normal((n_samples, n_classes))


def _labels(rng, n_samples, n_classes):
    return rng.integers(0, n_classes, size=n_samples).astype(np.int64)


def _large_logits(rng, n_samples, n_classes):
    # Rows span about -1000 to 1000: exp overflows for the largest logit and underflows for
    # the smallest, so a shift by the row mean (or by none) overflows. The last row lies wholly
    # near -1000, where a shift by a constant (rather than by the row's own maximum)
    # underflows to 0 / 0.
    z = rng.uniform(-900.0, 900.0, size=(n_samples, n_classes))
    for row in z:
        high, low = rng.choice(n_classes, size=2, replace=False)
        row[high] = rng.uniform(850.0, 1000.0)
        row[low] = rng.uniform(-1000.0, -850.0)
    z[-1] = rng.uniform(-1000.0, -760.0, size=n_classes)
    return z


def _underflow_batch(rng, n_samples, n_classes):
    # Labels on the smallest logit of rows spanning -1000 to 1000: a_y underflows to 0, so
    # -log a_y is finite only in the log-sum-exp form -z_y + logsumexp(z).
    z = _large_logits(rng, n_samples, n_classes)
    z[-1] = rng.uniform(-900.0, 900.0, size=n_classes)
    return z, np.argmin(z, axis=1).astype(np.int64)


def _stable_batch(rng, n_samples, n_classes):
    # Large logits with each label 1 to 20 below its row's maximum: a max-shifted softmax is
    # enough, and every sample's loss is far from 0, so a sum and a mean differ.
    z = _large_logits(rng, n_samples, n_classes)
    top = np.argmax(z, axis=1)
    y = (top + rng.integers(1, n_classes, size=n_samples)) % n_classes
    z[np.arange(n_samples), y] = z[np.arange(n_samples), top] - rng.uniform(1.0, 20.0, n_samples)
    return z, y.astype(np.int64)


def _sizes(rng):
    return int(rng.integers(2, 9)), int(rng.integers(3, 8))


# ----------------------------------------------------------------------------- softmax cases


def _public_logits(rng):
    return [
        Case((_logits(rng, 4, 3),), "4 samples, 3 classes"),
        Case((_logits(rng, 6, 10, scale=1.0),), "6 samples, 10 classes"),
        Case((np.zeros((2, 4)),), "equal logits"),
    ]


def _hidden_logits(rng):
    return [(_logits(rng, *_sizes(rng)),) for _ in range(4)]


def _public_large_logits(rng):
    return [Case((_large_logits(rng, 3, 4),), "logits from -1000 to 1000 (needs the max shift)")]


def _hidden_large_logits(rng):
    return [(_large_logits(rng, *_sizes(rng)),) for _ in range(2)]


def _public_shapes(rng):
    return [
        Case((_logits(rng, 1, 5),), "1 sample, 5 classes"),
        Case((_logits(rng, 3, 2),), "3 samples, 2 classes"),
    ]


def _hidden_shapes(rng):
    return [
        (_logits(rng, 1, int(rng.integers(2, 9))),),
        (_logits(rng, int(rng.integers(2, 9)), 2),),
    ]


def _public_float32(rng):
    return [Case((_logits(rng, 3, 4).astype(np.float32),), "float32 logits")]


def _hidden_float32(rng):
    return [(_logits(rng, *_sizes(rng)).astype(np.float32),) for _ in range(2)]


# ------------------------------------------------------------------------------ batch cases


def _public_batches(rng):
    return [
        Case((_logits(rng, 4, 3), _labels(rng, 4, 3)), "4 samples, 3 classes"),
        Case((_logits(rng, 8, 10, 1.0), _labels(rng, 8, 10)), "8 samples, 10 classes"),
    ]


def _hidden_batches(rng):
    cases = []
    for _ in range(4):
        n_samples, n_classes = _sizes(rng)
        cases.append((_logits(rng, n_samples, n_classes), _labels(rng, n_samples, n_classes)))
    return cases


def _public_stable_batches(rng):
    return [Case(_stable_batch(rng, 3, 4), "logits from -1000 to 1000 (needs the max shift)")]


def _hidden_stable_batches(rng):
    return [_stable_batch(rng, *_sizes(rng)) for _ in range(2)]


def _public_underflow_batches(rng):
    return [
        Case(
            _underflow_batch(rng, 3, 4),
            "logits from -1000 to 1000, labels on the smallest: a_y underflows",
        )
    ]


def _hidden_underflow_batches(rng):
    return [_underflow_batch(rng, *_sizes(rng)) for _ in range(2)]


def _public_batch_shapes(rng):
    return [
        Case((_logits(rng, 1, 5), _labels(rng, 1, 5)), "1 sample, 5 classes"),
        Case((_logits(rng, 3, 2), _labels(rng, 3, 2)), "3 samples, 2 classes"),
    ]


def _hidden_batch_shapes(rng):
    n_classes = int(rng.integers(2, 9))
    n_samples = int(rng.integers(2, 9))
    return [
        (_logits(rng, 1, n_classes), _labels(rng, 1, n_classes)),
        (_logits(rng, n_samples, 2), _labels(rng, n_samples, 2)),
    ]


# Tolerances. Softmax and loss keep the framework's rtol=1e-6, atol=1e-9: any correct float64
# order of operations (loops, log-softmax, logaddexp) is within about 1e-15, while every slip
# the lesson warns about is off by far more. The gradient uses GRADIENT_RTOL/ATOL, which
# accept closed forms and reject finite differences of the student's own loss.
#: float32 logits are compared at float32 precision (a float32 result is off by about 1e-7).
FLOAT32_TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


TESTS = [
    FunctionTest(
        id="l3_softmax",
        lesson=LESSON,
        name="softmax",
        points=3,
        description="softmax(z) of a batch of logits, stable for large logits",
        reference=_reference_softmax,
        requirements=(
            Requirement(
                "values",
                "the probabilities of ordinary logits, each row summing to 1",
                0.4,
                _public_logits,
                _hidden_logits,
            ),
            Requirement(
                "stable",
                "stays finite for rows spanning -1000 to 1000 (shift by the row max)",
                0.3,
                _public_large_logits,
                _hidden_large_logits,
            ),
            Requirement(
                "shapes",
                "any batch size N (including 1) and any number of classes K",
                0.1,
                _public_shapes,
                _hidden_shapes,
            ),
            Requirement(
                "float32",
                "accepts float32 logits",
                0.1,
                _public_float32,
                _hidden_float32,
                **FLOAT32_TOLERANCE,
            ),
        ),
        misconceptions={
            "unstable_softmax": mc.softmax_unstable,
            "wrong_axis": mc.softmax_wrong_axis,
        },
    ),
    FunctionTest(
        id="l3_cross_entropy",
        lesson=LESSON,
        name="cross_entropy",
        points=3,
        description="cross_entropy(z, y): the mean of -log a_y over the batch",
        reference=_reference_loss,
        requirements=(
            Requirement(
                "values",
                "the mean of -log a_y over the batch",
                0.4,
                _public_batches,
                _hidden_batches,
            ),
            Requirement(
                "stable",
                "stays finite for rows spanning -1000 to 1000",
                0.2,
                _public_stable_batches,
                _hidden_stable_batches,
            ),
            Requirement(
                "log_sum_exp",
                "stays finite where a_y underflows (the log-sum-exp form)",
                0.2,
                _public_underflow_batches,
                _hidden_underflow_batches,
            ),
            Requirement(
                "shapes",
                "any batch size N (including 1) and any number of classes K",
                0.1,
                _public_batch_shapes,
                _hidden_batch_shapes,
            ),
        ),
        misconceptions={
            "not_averaged": mc.loss_not_averaged,
            "unstable_softmax": mc.loss_unstable,
            "wrong_axis": mc.loss_wrong_axis,
            "several_labels_summed": mc.loss_several_labels_summed,
            "missing_log": mc.loss_missing_log,
        },
    ),
    FunctionTest(
        id="l3_cross_entropy_grad",
        lesson=LESSON,
        name="cross_entropy_grad",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=4,
        description="cross_entropy_grad(z, y): (a - onehot(y)) / N",
        reference=_reference_grad,
        requirements=(
            Requirement(
                "values",
                "(a - onehot(y)) / N for ordinary logits",
                0.5,
                _public_batches,
                _hidden_batches,
            ),
            Requirement(
                "stable",
                "stays finite for rows spanning -1000 to 1000",
                0.2,
                _public_underflow_batches,
                _hidden_underflow_batches,
            ),
            Requirement(
                "shapes",
                "any batch size N (including 1) and any number of classes K",
                0.2,
                _public_batch_shapes,
                _hidden_batch_shapes,
            ),
        ),
        misconceptions={
            "missing_true_class_term": mc.grad_missing_true_class_term,
            "sign_flipped": mc.grad_sign_flipped,
            "not_averaged": mc.grad_not_averaged,
            "sigmoid_derivative": mc.grad_sigmoid_derivative,
            "true_class_only": mc.grad_true_class_only,
            "derivative_wrt_probability": mc.grad_derivative_wrt_probability,
            "unstable_softmax": mc.grad_unstable,
            "wrong_axis": mc.grad_wrong_axis,
        },
    ),
]
