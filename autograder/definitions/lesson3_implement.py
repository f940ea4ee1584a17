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
from autograder.definitions.framework import GRADIENT_ATOL, GRADIENT_RTOL, Case, FunctionTest
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


def _large_logits(rng, n_samples, n_classes):
    # Every row spans about -1000 to 1000: exp overflows for the largest logit and underflows
    # for the smallest, so only a shift by the row maximum keeps the softmax finite (a shift by
    # the mean, or by a constant, still overflows).
    z = rng.uniform(-900.0, 900.0, size=(n_samples, n_classes))
    for row in z:
        high, low = rng.choice(n_classes, size=2, replace=False)
        row[high] = rng.uniform(850.0, 1000.0)
        row[low] = rng.uniform(-1000.0, -850.0)
    return z


def _large_batch(rng, n_samples, n_classes):
    # Labels on the smallest logit of some rows: there a_y underflows to 0 and -log a_y is
    # finite only in the log-sum-exp form -z_y + logsumexp(z).
    z = _large_logits(rng, n_samples, n_classes)
    y = _labels(rng, n_samples, n_classes)
    y[: max(1, n_samples // 2)] = np.argmin(z[: max(1, n_samples // 2)], axis=1)
    return z, y


def _labels(rng, n_samples, n_classes):
    return rng.integers(0, n_classes, size=n_samples).astype(np.int64)


def _public_logits(rng):
    return [
        Case((_logits(rng, 4, 3),), "4 samples, 3 classes"),
        Case((_logits(rng, 1, 5),), "1 sample, 5 classes"),
        Case((_logits(rng, 6, 10, scale=1.0),), "6 samples, 10 classes"),
        Case((np.zeros((2, 4)),), "equal logits"),
        Case((_large_logits(rng, 3, 4),), "logits from -1000 to 1000 (needs the max shift)"),
    ]


def _hidden_logits(rng):
    cases = []
    for _ in range(4):
        n_samples, n_classes = int(rng.integers(2, 9)), int(rng.integers(2, 8))
        cases.append((_logits(rng, n_samples, n_classes),))
    cases.append((_large_logits(rng, int(rng.integers(2, 6)), int(rng.integers(3, 7))),))
    return cases


def _public_batches(rng):
    cases = []
    for label, (n_samples, n_classes, scale) in {
        "4 samples, 3 classes": (4, 3, 3.0),
        "1 sample, 5 classes": (1, 5, 3.0),
        "8 samples, 10 classes": (8, 10, 1.0),
    }.items():
        z = _logits(rng, n_samples, n_classes, scale)
        cases.append(Case((z, _labels(rng, n_samples, n_classes)), label))
    cases.append(
        Case(_large_batch(rng, 3, 4), "logits from -1000 to 1000, a_y underflows (log-sum-exp)")
    )
    return cases


def _hidden_batches(rng):
    cases = []
    for _ in range(4):
        n_samples, n_classes = int(rng.integers(2, 9)), int(rng.integers(2, 8))
        z = _logits(rng, n_samples, n_classes)
        cases.append((z, _labels(rng, n_samples, n_classes)))
    n_samples, n_classes = int(rng.integers(2, 6)), int(rng.integers(3, 7))
    cases.append(_large_batch(rng, n_samples, n_classes))
    return cases


TESTS = [
    FunctionTest(
        id="l3_softmax",
        lesson=LESSON,
        name="softmax",
        points=3,
        description="softmax(z) of a batch of logits, stable for large logits",
        reference=_reference_softmax,
        public=_public_logits,
        hidden=_hidden_logits,
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
        public=_public_batches,
        hidden=_hidden_batches,
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
        public=_public_batches,
        hidden=_hidden_batches,
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
