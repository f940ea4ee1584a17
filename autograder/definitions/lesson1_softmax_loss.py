r"""Graded tests of lesson 1: softmax and the loss of one example.

For the logits ``z`` of one example (a 1-D array of length ``K``) and its label ``y``:

.. math::

    a_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \quad m = \max_k z_k, \qquad
    J = -\log a_y = -z_y + m + \log \sum_k e^{z_k - m}

The public and hidden cases include logits in the thousands, where only the max shift keeps the
result finite. The questions of "check your understanding" are value tests. The graded code
writes softmax and the loss itself: ce_lib's numerics and every module that computes them are
absent from its sandbox.

>>> [test.id for test in TESTS][:2]
['l1_softmax_one', 'l1_loss_one']
"""

import numpy as np

from autograder.definitions.framework import Case, FunctionTest, ValueTest
from autograder.sandbox.view import LessonView

LESSON = "lesson1_softmax_loss"

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


def _softmax_unstable(z):
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum()


def _loss_unstable(z, y):
    with np.errstate(all="ignore"):
        return [float(-np.log(_softmax_unstable(z)[y])), float(-np.log(_reference_softmax(z)[y]))]


def _loss_missing_log(z, y):
    a_y = float(_reference_softmax(z)[y])
    return [-a_y, 1.0 - a_y, a_y]


def _loss_several_labels_summed(z, y):
    with np.errstate(divide="ignore"):
        return float(-np.log(_reference_softmax(z)).sum())


def _large_logits(rng, n_classes):
    # Logits spanning about -1000 to 1000: exp overflows and underflows, so only the shift by
    # the maximum keeps the softmax finite (a shift by the mean still overflows).
    z = rng.uniform(-900.0, 900.0, size=n_classes)
    high, low = rng.choice(n_classes, size=2, replace=False)
    z[high] = rng.uniform(850.0, 1000.0)
    z[low] = rng.uniform(-1000.0, -850.0)
    return z


def _public_logits(rng):
    return [
        Case((np.array([2.0, 1.0, 0.1]),), "z = [2, 1, 0.1]"),
        Case((3.0 * rng.standard_normal(5),), "5 classes"),
        Case((np.zeros(4),), "equal logits"),
        Case((np.array([1000.0, 999.0, 998.0]),), "z = [1000, 999, 998] (needs the max shift)"),
    ]


def _hidden_logits(rng):
    cases = [(3.0 * rng.standard_normal(int(rng.integers(2, 11))),) for _ in range(4)]
    cases.append((_large_logits(rng, int(rng.integers(2, 8))),))
    return cases


def _public_examples(rng):
    z = 3.0 * rng.standard_normal(6)
    return [
        Case((np.array([2.0, 1.0, 0.1]), 0), "z = [2, 1, 0.1], y = 0"),
        Case((z, 4), "6 classes, y = 4"),
        Case((np.zeros(10), 3), "10 equal logits"),
        Case((np.array([1000.0, 0.0, -1000.0]), 2), "a_y underflows (needs log-sum-exp)"),
    ]


def _hidden_examples(rng):
    cases = []
    for _ in range(4):
        n_classes = int(rng.integers(2, 11))
        cases.append((3.0 * rng.standard_normal(n_classes), int(rng.integers(n_classes))))
    n_classes = int(rng.integers(3, 8))
    z = _large_logits(rng, n_classes)
    cases.append((z, int(np.argmin(z))))  # a_y underflows: only log-sum-exp stays finite
    cases.append((z, int(np.argmax(z))))
    return cases


TESTS = [
    FunctionTest(
        id="l1_softmax_one",
        lesson=LESSON,
        name="softmax_one",
        points=2,
        description="softmax_one(z): probabilities of one example, stable for large logits",
        reference=_reference_softmax,
        public=_public_logits,
        hidden=_hidden_logits,
        misconceptions={"unstable_softmax": _softmax_unstable},
    ),
    FunctionTest(
        id="l1_loss_one",
        lesson=LESSON,
        name="loss_one",
        points=2,
        description="loss_one(z, y): -log a_y of one example, finite for large logits",
        reference=_reference_loss,
        public=_public_examples,
        hidden=_hidden_examples,
        misconceptions={
            "unstable_softmax": _loss_unstable,
            "missing_log": _loss_missing_log,
            "several_labels_summed": _loss_several_labels_summed,
        },
    ),
    ValueTest(
        id="l1_loss_uniform",
        lesson=LESSON,
        name="loss_uniform_10",
        points=1,
        description="the loss of one example when all 10 logits are equal: log 10",
        reference=float(np.log(10.0)),
        misconceptions={"missing_log": [0.1, 0.9, -0.1]},
    ),
    ValueTest(
        id="l1_probability_for_unit_loss",
        lesson=LESSON,
        name="a_y_for_loss_one",
        points=1,
        description="the probability of the true class at which the loss is 1: exp(-1)",
        reference=float(np.exp(-1.0)),
    ),
    ValueTest(
        id="l1_several_labels_best",
        lesson=LESSON,
        name="several_labels_best",
        points=1,
        description="the smallest summed loss of three labels on one example: 3 log 3",
        reference=float(3.0 * np.log(3.0)),
    ),
]
