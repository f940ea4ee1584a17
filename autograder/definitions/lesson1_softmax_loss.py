r"""Graded tests of lesson 1: softmax and the loss of one example.

For the logits ``z`` of one example (a 1-D array of length ``K``) and its label ``y``:

.. math::

    a_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \quad m = \max_k z_k, \qquad
    J = -\log a_y = -z_y + m + \log \sum_k e^{z_k - m}

The public and hidden cases include logits in the thousands, where only the max shift keeps the
result finite. The questions of "check your understanding" are small functions of the number
they name (``loss_uniform(K)``, ``probability_for_loss(J)``, ``several_labels_best(n)``),
graded on numbers drawn from the course secret within ``rtol=1e-6, atol=1e-9``, the precision
the lesson states. The graded code writes softmax and the loss itself: ce_lib's numerics and
every module that computes them are absent from its sandbox (SymPy is there: the lesson checks
an identity with it).

>>> [test.id for test in TESTS][:2]
['l1_softmax_one', 'l1_loss_one']
"""

import numpy as np

from autograder.definitions.framework import Case, FunctionTest
from autograder.sandbox.view import LessonView

LESSON = "lesson1_softmax_loss"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
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
    # The second largest logit: exp overflows for the largest, while the loss (the gap to
    # the largest, a hundred or more) is far from 0, so no constant answer passes.
    cases.append((z, int(np.argsort(z)[-2])))
    return cases


#: The precision every "check your understanding" question states and is graded at.
PRECISION = {"rtol": 1e-6, "atol": 1e-9}


def draw_integers(rng, low, high, count, exclude=()):
    r"""Return ``count`` distinct integers in ``[low, high)``, none of them in ``exclude``.

    Hidden inputs of the questions: never one of the public examples, so that a table of the
    public answers earns nothing.
    """
    values = []
    while len(values) < count:
        value = int(rng.integers(low, high))
        if value not in exclude and value not in values:
            values.append(value)
    return values


def _reference_loss_uniform(n_classes):
    # K equal logits give a_y = 1/K.
    return float(np.log(n_classes))


def _loss_uniform_missing_log(n_classes):
    return [1.0 / n_classes, 1.0 - 1.0 / n_classes, -1.0 / n_classes]


def _public_class_counts(rng):
    return [Case((10,), "K = 10"), Case((2,), "K = 2"), Case((3,), "K = 3")]


def _hidden_class_counts(rng):
    return [(k,) for k in draw_integers(rng, 4, 10_001, 5, exclude={10})]


def _reference_probability_for_loss(loss):
    return float(np.exp(-loss))


def _probability_missing_log(loss):
    # J = 1 - a_y or J = -a_y, solved for a_y.
    return [1.0 - loss, -loss]


def _public_losses(rng):
    return [
        Case((1.0,), "J = 1"),
        Case((0.0,), "J = 0 (a certain, right answer)"),
        Case((float(np.log(2.0)),), "J = log 2"),
    ]


def _hidden_losses(rng):
    return [(float(rng.uniform(0.01, 10.0)),) for _ in range(5)]


def _reference_several_labels_best(n_labels):
    # |L| times the cross-entropy with the target 1/|L| on each label, whose floor is log |L|.
    return float(n_labels * np.log(n_labels))


def _public_label_counts(rng):
    return [Case((3,), "3 labels"), Case((2,), "2 labels"), Case((1,), "1 label")]


def _hidden_label_counts(rng):
    return [(n,) for n in draw_integers(rng, 4, 200, 5)]


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
    FunctionTest(
        id="l1_loss_uniform",
        lesson=LESSON,
        name="loss_uniform",
        points=1,
        description="loss_uniform(K): the loss of one sample with K equal logits, log K",
        reference=_reference_loss_uniform,
        public=_public_class_counts,
        hidden=_hidden_class_counts,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"missing_log": _loss_uniform_missing_log},
    ),
    FunctionTest(
        id="l1_probability_for_unit_loss",
        lesson=LESSON,
        name="probability_for_loss",
        points=1,
        description="probability_for_loss(J): the probability a_y at which the loss is J, exp(-J)",
        reference=_reference_probability_for_loss,
        public=_public_losses,
        hidden=_hidden_losses,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"missing_log": _probability_missing_log},
    ),
    FunctionTest(
        id="l1_several_labels_best",
        lesson=LESSON,
        name="several_labels_best",
        points=1,
        description="several_labels_best(n): the floor of the summed loss of n labels, n log n",
        reference=_reference_several_labels_best,
        public=_public_label_counts,
        hidden=_hidden_label_counts,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
    ),
]
