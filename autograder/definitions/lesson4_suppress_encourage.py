r"""Graded tests of lesson 4: suppress and encourage.

One descent step on the logits ``z`` of one sample with label ``y`` and learning rate ``lr``:

.. math::

    z \leftarrow z - \mathrm{lr}\,\bigl(a - \operatorname{onehot}(y)\bigr),
    \qquad a = \operatorname{softmax}(z),

and the gradient of the summed loss of an implementation that accepts a set ``L`` of several
labels for one sample:

.. math::

    J_L = -\sum_{k \in L} \log a_k, \qquad
    \frac{\partial J_L}{\partial z} = |L|\, a - \mathbb{1}_L .

The questions of "check your understanding" are small functions (``step_signs(z, y)``,
``first_step_rise(K, lr)``, ``compete_threshold(n_labels)``) graded on inputs drawn from the
course secret within ``rtol=1e-6, atol=1e-9``, the precision the lesson states. The graded code
may use ``ce_lib.softmax``; the gradient (``ce_lib.cross_entropy``) and the descent helpers of
``ce_lib.dynamics`` are absent from its sandbox.

>>> [test.id for test in TESTS][:2]
['l4_descent_step', 'l4_several_labels_grad']
"""

import numpy as np

from autograder.definitions.framework import GRADIENT_ATOL, GRADIENT_RTOL, Case, FunctionTest
from autograder.definitions.lesson1_softmax_loss import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

LESSON = "lesson4_suppress_encourage"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
    absent=("cross_entropy", "symbolic", "dynamics", "regression"),
)


def _softmax(z):
    from ce_lib import softmax

    return softmax(np.asarray(z, dtype=np.float64))


def _onehot(y, n_classes):
    onehot = np.zeros(n_classes)
    onehot[y] = 1.0
    return onehot


def _reference_step(z, y, lr):
    from ce_lib import cross_entropy_grad

    z = np.asarray(z, dtype=np.float64)
    return z - lr * cross_entropy_grad(z, y)


def _step_sign_flipped(z, y, lr):
    return z + lr * (_softmax(z) - _onehot(y, len(z)))


def _step_missing_true_class_term(z, y, lr):
    return z - lr * _softmax(z)


def _step_true_class_only(z, y, lr):
    step = np.zeros(len(z))
    step[y] = _softmax(z)[y] - 1.0
    return z - lr * step


def _reference_several(z, labels):
    from ce_lib.dynamics import several_labels_loss_and_grad

    return several_labels_loss_and_grad(z, [int(k) for k in labels])[1]


def _indicator(labels, n_classes):
    indicator = np.zeros(n_classes)
    indicator[np.asarray(labels)] = 1.0
    return indicator


def _several_sign_flipped(z, labels):
    return _indicator(labels, len(z)) - len(labels) * _softmax(z)


def _several_missing_labels_term(z, labels):
    return len(labels) * _softmax(z)


def _label_set(rng, n_classes):
    size = int(rng.integers(2, n_classes + 1))
    return np.sort(rng.choice(n_classes, size=size, replace=False)).astype(np.int64)


def _public_steps(rng):
    return [
        Case((np.array([1.0, 2.0, 0.5, -1.0]), 0, 1.0), "z = [1, 2, 0.5, -1], y = 0, lr = 1"),
        Case((3.0 * rng.standard_normal(6), 4, 0.5), "6 classes, y = 4, lr = 0.5"),
        Case((np.zeros(5), 2, 2.0), "5 equal logits, y = 2, lr = 2"),
        Case((np.array([800.0, 805.0, 790.0]), 2, 1.0), "large logits (needs a stable softmax)"),
    ]


def _hidden_steps(rng):
    cases = []
    for _ in range(5):
        n_classes = int(rng.integers(2, 11))
        z = 3.0 * rng.standard_normal(n_classes)
        cases.append((z, int(rng.integers(n_classes)), float(rng.uniform(0.05, 5.0))))
    n_classes = int(rng.integers(3, 8))
    z = float(rng.choice([-900.0, 700.0])) + 3.0 * rng.standard_normal(n_classes)
    cases.append((z, int(rng.integers(n_classes)), float(rng.uniform(0.05, 5.0))))
    return cases


def _public_several(rng):
    return [
        Case((np.zeros(4), np.array([0, 1])), "4 equal logits, labels [0, 1]"),
        Case((np.array([1.0, 2.0, 0.5, -1.0]), np.array([0, 1])), "z = [1, 2, 0.5, -1], [0, 1]"),
        Case((3.0 * rng.standard_normal(6), np.array([1, 3, 5])), "6 classes, labels [1, 3, 5]"),
        Case((3.0 * rng.standard_normal(5), np.array([2])), "a single label: a - onehot(y)"),
    ]


def _hidden_several(rng):
    cases = []
    for _ in range(5):
        n_classes = int(rng.integers(3, 11))
        z = 3.0 * rng.standard_normal(n_classes)
        cases.append((z, _label_set(rng, n_classes)))
    return cases


# ------------------------------------------------------------ check your understanding


def _reference_step_signs(z, y):
    # Whatever the logits: the label is raised, every other class lowered.
    signs = -np.ones(len(z))
    signs[y] = 1.0
    return signs


def _public_signs(rng):
    return [
        Case((np.array([2.0, -1.0, 0.5, 3.0]), 1), "z = (2, -1, 0.5, 3), y = 1"),
        Case((np.zeros(3), 0), "3 equal logits, y = 0"),
        Case((rng.uniform(-3.0, 3.0, 6), 5), "6 classes, y = 5"),
    ]


def _hidden_signs(rng):
    # Moderate logits: every probability is far above the rounding of a step (a_n > 1e-4),
    # so the sign of a computed step is the sign of the exact one.
    cases = []
    for _ in range(5):
        n_classes = int(rng.integers(2, 13))
        cases.append((rng.uniform(-3.0, 3.0, n_classes), int(rng.integers(n_classes))))
    return cases


def _reference_first_step_rise(n_classes, lr):
    # a_y = 1/K at equal logits; z_y rises by lr (1 - a_y).
    return lr * (1.0 - 1.0 / n_classes)


def _public_rises(rng):
    return [Case((5, 1.0), "K = 5, lr = 1"), Case((2, 0.5), "K = 2, lr = 0.5")]


def _hidden_rises(rng):
    counts = draw_integers(rng, 3, 1001, 5, exclude={5})
    return [(k, float(rng.uniform(0.05, 5.0))) for k in counts]


def _reference_compete_threshold(n_labels):
    # A label's entry |L| a_k - 1 turns positive at a_k = 1/|L|.
    return 1.0 / n_labels


def _public_label_counts(rng):
    return [Case((4,), "4 labels"), Case((2,), "2 labels")]


def _hidden_label_counts(rng):
    return [(n,) for n in draw_integers(rng, 3, 1001, 5, exclude={4})]


TESTS = [
    FunctionTest(
        id="l4_descent_step",
        lesson=LESSON,
        name="descent_step",
        points=3,
        description="descent_step(z, y, lr): z - lr (a - onehot(y)) for one sample",
        reference=_reference_step,
        public=_public_steps,
        hidden=_hidden_steps,
        misconceptions={
            "sign_flipped": _step_sign_flipped,
            "missing_true_class_term": _step_missing_true_class_term,
            "true_class_only": _step_true_class_only,
        },
    ),
    FunctionTest(
        id="l4_several_labels_grad",
        lesson=LESSON,
        name="several_labels_grad",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="several_labels_grad(z, labels): |L| a - indicator(L) for one sample",
        reference=_reference_several,
        public=_public_several,
        hidden=_hidden_several,
        misconceptions={
            "sign_flipped": _several_sign_flipped,
            "missing_true_class_term": _several_missing_labels_term,
        },
    ),
    FunctionTest(
        id="l4_step_signs",
        lesson=LESSON,
        name="step_signs",
        points=1,
        description="step_signs(z, y): the signs of the change of z in one step, +1 at y only",
        reference=_reference_step_signs,
        public=_public_signs,
        hidden=_hidden_signs,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"sign_flipped": lambda z, y: -_reference_step_signs(z, y)},
    ),
    FunctionTest(
        id="l4_first_step_rise",
        lesson=LESSON,
        name="first_step_rise",
        points=1,
        description="first_step_rise(K, lr): the rise of z_y from K equal logits, lr (1 - 1/K)",
        reference=_reference_first_step_rise,
        public=_public_rises,
        hidden=_hidden_rises,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"missing_true_class_term": lambda K, lr: [-lr / K, lr / K]},
    ),
    FunctionTest(
        id="l4_compete_threshold",
        lesson=LESSON,
        name="compete_threshold",
        points=1,
        description="compete_threshold(n): the probability above which a label is lowered, 1/n",
        reference=_reference_compete_threshold,
        public=_public_label_counts,
        hidden=_hidden_label_counts,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
    ),
]
