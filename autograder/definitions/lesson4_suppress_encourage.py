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

Each test lists what its exercise asks (the requirements), each checked by cases built to
break the answers that skip it: logits near +-1000 break a softmax without the max shift,
several labels break a gradient without the factor ``|L|``, a single label is lesson 3's
``a - onehot(y)``. The questions of "check your understanding" are small functions
(``step_signs(z, y)``, ``first_step_rise(K, lr)``, ``compete_threshold(n_labels)``) graded on
inputs drawn from the course secret within ``rtol=1e-6, atol=1e-9``, the precision the lesson
states. The graded code may use ``ce_lib.softmax``; the gradient (``ce_lib.cross_entropy``)
and the descent helpers of ``ce_lib.dynamics`` are absent from its sandbox.

>>> [test.id for test in TESTS][:2]
['l4_descent_step', 'l4_several_labels_grad']
"""

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Case,
    FunctionTest,
    Requirement,
)
from autograder.definitions.questions import PRECISION, draw_integers
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


def _unstable_softmax(z):
    # exp without the max shift: inf / inf is NaN where a logit is above about 709.8.
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum()


def _onehot(y, n_classes):
    onehot = np.zeros(n_classes)
    onehot[y] = 1.0
    return onehot


# ------------------------------------------------------------------------- descent step


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


def _step_unstable(z, y, lr):
    with np.errstate(all="ignore"):
        return np.asarray(z, dtype=np.float64) - lr * (_unstable_softmax(z) - _onehot(y, len(z)))


def _ordinary_step(rng, n_classes):
    z = 3.0 * rng.standard_normal(n_classes)
    return z, int(rng.integers(n_classes)), float(rng.uniform(0.05, 5.0))


def _public_steps(rng):
    return [
        Case((np.array([1.0, 2.0, 0.5, -1.0]), 0, 1.0), "z = [1, 2, 0.5, -1], y = 0, lr = 1"),
        Case((3.0 * rng.standard_normal(6), 4, 0.5), "6 classes, y = 4, lr = 0.5"),
        Case((np.zeros(5), 2, 2.0), "5 equal logits, y = 2, lr = 2"),
        Case((np.array([0.5, -0.5]), 1, 0.1), "2 classes, y = 1, lr = 0.1"),
    ]


def _hidden_steps(rng):
    # Two classes always among them, the smallest K.
    return [_ordinary_step(rng, 2)] + [
        _ordinary_step(rng, int(rng.integers(3, 11))) for _ in range(4)
    ]


def _large_step(rng, n_classes):
    # Logits from -1000 to 1000 with one above 720 (exp overflows) and one within +-300
    # (exp is finite): a softmax without the max shift gives NaN on the large ones and finite
    # numbers on the others, so its answer is recognisable. The label is not the largest
    # logit, whose probability rounds to 1: there a step (or a flipped one) changes nothing.
    z = rng.uniform(-1000.0, 1000.0, size=n_classes)
    high, middle = rng.choice(n_classes, size=2, replace=False)
    z[high] = rng.uniform(720.0, 1000.0)
    z[middle] = rng.uniform(-300.0, 300.0)
    y = int(rng.choice(np.delete(np.arange(n_classes), np.argmax(z))))
    return z, y, float(rng.uniform(0.05, 5.0))


def _public_large_steps(rng):
    return [
        Case((np.array([800.0, 805.0, 790.0]), 2, 1.0), "logits near 800 (needs the max shift)"),
        Case(_large_step(rng, 4), "logits from -1000 to 1000"),
    ]


def _hidden_large_steps(rng):
    return [_large_step(rng, int(rng.integers(3, 9))) for _ in range(3)]


def _public_integer_steps(rng):
    return [Case((np.array([2, -1, 0, 3]), 1, 0.5), "integer logits z = [2, -1, 0, 3], lr = 0.5")]


def _hidden_integer_steps(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(3, 9))
        z = rng.integers(-5, 6, size=n_classes).astype(np.int64)
        cases.append((z, int(rng.integers(n_classes)), float(rng.uniform(0.05, 0.95))))
    return cases


# --------------------------------------------------------------------- several labels


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


def _several_missing_count(z, labels):
    # The log-sum-exp term counted once: a - 1_L.
    return _softmax(z) - _indicator(labels, len(z))


def _several_normalised(z, labels):
    # The gradient of the normalised target 1_L / |L|: a - 1_L / |L|.
    return _softmax(z) - _indicator(labels, len(z)) / len(labels)


def _several_unstable(z, labels):
    return len(labels) * _unstable_softmax(z) - _indicator(labels, len(z))


def _label_set(rng, n_classes):
    size = int(rng.integers(2, n_classes + 1))
    return np.sort(rng.choice(n_classes, size=size, replace=False)).astype(np.int64)


def _public_several(rng):
    return [
        Case((np.zeros(4), np.array([0, 1])), "4 equal logits, labels [0, 1]"),
        Case((np.array([1.0, 2.0, 0.5, -1.0]), np.array([0, 1])), "z = [1, 2, 0.5, -1], [0, 1]"),
        Case((3.0 * rng.standard_normal(6), np.array([1, 3, 5])), "6 classes, labels [1, 3, 5]"),
    ]


def _hidden_several(rng):
    cases = []
    for _ in range(4):
        n_classes = int(rng.integers(3, 11))
        cases.append((3.0 * rng.standard_normal(n_classes), _label_set(rng, n_classes)))
    # Every class a label: the gradient K a - 1 is still not zero.
    n_classes = int(rng.integers(2, 7))
    cases.append((3.0 * rng.standard_normal(n_classes), np.arange(n_classes, dtype=np.int64)))
    return cases


def _public_one_label(rng):
    return [Case((3.0 * rng.standard_normal(5), np.array([2])), "a single label: a - onehot(y)")]


def _hidden_one_label(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(2, 11))
        label = np.array([int(rng.integers(n_classes))], dtype=np.int64)
        cases.append((3.0 * rng.standard_normal(n_classes), label))
    return cases


def _large_several(rng, n_classes):
    z, _, _ = _large_step(rng, n_classes)
    size = int(rng.integers(2, n_classes))  # not every class
    return z, np.sort(rng.choice(n_classes, size=size, replace=False)).astype(np.int64)


def _public_large_several(rng):
    return [Case(_large_several(rng, 5), "logits from -1000 to 1000 (needs the max shift)")]


def _hidden_large_several(rng):
    return [_large_several(rng, int(rng.integers(3, 9))) for _ in range(2)]


# ------------------------------------------------------------ check your understanding


def _reference_step_signs(z, y):
    # Whatever the logits: the label is raised, every other class lowered.
    signs = -np.ones(len(z))
    signs[y] = 1.0
    return signs


def _signs_favourite_raised(z, y):
    # The largest logit raised, every other lowered: the sign of the model's preference.
    signs = -np.ones(len(z))
    signs[int(np.argmax(z))] = 1.0
    return signs


def _signs_case(rng, n_classes):
    # Moderate logits: every probability is far above the rounding of a step (a_n > 1e-4), so
    # the sign of a computed step is the sign of the exact one. The label is never the
    # largest logit, where "the favourite rises" would give the right signs.
    z = rng.uniform(-3.0, 3.0, n_classes)
    y = int(rng.choice(np.delete(np.arange(n_classes), np.argmax(z))))
    return z, y


def _public_signs(rng):
    return [
        Case((np.array([2.0, -1.0, 0.5, 3.0]), 1), "z = (2, -1, 0.5, 3), y = 1"),
        Case((np.zeros(3), 0), "3 equal logits, y = 0"),
        Case((rng.uniform(-3.0, 3.0, 6), 5), "6 classes, y = 5"),
    ]


def _hidden_signs(rng):
    # Never 4 classes, the size of the example: its answer alone earns nothing.
    return [_signs_case(rng, n_classes) for n_classes in draw_integers(rng, 2, 13, 5, {4})]


def _reference_first_step_rise(n_classes, lr):
    # a_y = 1/K at equal logits; z_y rises by lr (1 - a_y).
    return lr * (1.0 - 1.0 / n_classes)


def _public_rises(rng):
    return [Case((5, 1.0), "K = 5, lr = 1"), Case((3, 1.0), "K = 3, lr = 1")]


def _hidden_rises(rng):
    return [(k, 1.0) for k in draw_integers(rng, 4, 1001, 3, exclude={5})]


def _public_rises_lr(rng):
    return [Case((2, 0.5), "K = 2, lr = 0.5")]


def _hidden_rises_lr(rng):
    counts = draw_integers(rng, 3, 1001, 3, exclude={5})
    return [(k, float(rng.choice([rng.uniform(0.05, 0.9), rng.uniform(1.1, 5.0)]))) for k in counts]


def _reference_compete_threshold(n_labels):
    # A label's entry |L| a_k - 1 turns positive at a_k = 1/|L|.
    return 1.0 / n_labels


def _public_label_counts(rng):
    return [Case((4,), "4 labels"), Case((2,), "2 labels")]


def _hidden_label_counts(rng):
    return [(n,) for n in draw_integers(rng, 3, 1001, 5, exclude={4})]


#: The tolerance of the questions, as the lesson states it.
QUESTION_TOLERANCE = {"rtol": PRECISION["rtol"], "atol": PRECISION["atol"]}

TESTS = [
    FunctionTest(
        id="l4_descent_step",
        lesson=LESSON,
        name="descent_step",
        points=3,
        description="descent_step(z, y, lr): z - lr (a - onehot(y)) for one sample",
        reference=_reference_step,
        # The default rtol=1e-6, atol=1e-9: a step is a sum of a logit and a small change;
        # any correct float64 formula agrees to about 1e-15.
        requirements=(
            Requirement(
                "values",
                "the logits after one step, z - lr (a - onehot(y)), for any K and lr",
                0.5,
                _public_steps,
                _hidden_steps,
            ),
            Requirement(
                "stable",
                "stays finite for logits from -1000 to 1000 (a softmax shifted by the max)",
                0.25,
                _public_large_steps,
                _hidden_large_steps,
            ),
            Requirement(
                "integer_logits",
                "logits given as integers still take a step of any size (the result is float)",
                0.15,
                _public_integer_steps,
                _hidden_integer_steps,
            ),
        ),
        misconceptions={
            "sign_flipped": _step_sign_flipped,
            "missing_true_class_term": _step_missing_true_class_term,
            "true_class_only": _step_true_class_only,
            "unstable_softmax": _step_unstable,
        },
    ),
    FunctionTest(
        id="l4_several_labels_grad",
        lesson=LESSON,
        name="several_labels_grad",
        # A gradient: a closed form passes, a finite difference of the student's loss fails.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="several_labels_grad(z, labels): |L| a - indicator(L) for one sample",
        reference=_reference_several,
        requirements=(
            Requirement(
                "values",
                "|L| a - 1_L for several labels: the log-sum-exp term counts once per label",
                0.5,
                _public_several,
                _hidden_several,
            ),
            Requirement(
                "one_label",
                "a single label gives lesson 3's a - onehot(y)",
                0.2,
                _public_one_label,
                _hidden_one_label,
            ),
            Requirement(
                "stable",
                "stays finite for logits from -1000 to 1000 (a softmax shifted by the max)",
                0.2,
                _public_large_several,
                _hidden_large_several,
            ),
        ),
        misconceptions={
            "sign_flipped": _several_sign_flipped,
            "missing_true_class_term": _several_missing_labels_term,
            "missing_target_sum": _several_missing_count,
            "target_normalised": _several_normalised,
            "unstable_softmax": _several_unstable,
        },
    ),
    FunctionTest(
        id="l4_step_signs",
        lesson=LESSON,
        name="step_signs",
        points=1,
        description="step_signs(z, y): the signs of the change of z in one step, +1 at y only",
        reference=_reference_step_signs,
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "values",
                "+1 at the label and -1 elsewhere, whichever logit is largest, for any K",
                0.9,
                _public_signs,
                _hidden_signs,
            ),
        ),
        misconceptions={
            "sign_flipped": lambda z, y: -_reference_step_signs(z, y),
            "favourite_raised": _signs_favourite_raised,
        },
    ),
    FunctionTest(
        id="l4_first_step_rise",
        lesson=LESSON,
        name="first_step_rise",
        points=1,
        description="first_step_rise(K, lr): the rise of z_y from K equal logits, lr (1 - 1/K)",
        reference=_reference_first_step_rise,
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "values",
                "1 - 1/K at lr = 1: the true class's step 1 - a_y with a_y = 1/K",
                0.5,
                _public_rises,
                _hidden_rises,
            ),
            Requirement(
                "learning_rate",
                "the step scales with the learning rate: lr (1 - 1/K)",
                0.4,
                _public_rises_lr,
                _hidden_rises_lr,
            ),
        ),
        misconceptions={"missing_true_class_term": lambda K, lr: [-lr / K, lr / K]},
    ),
    FunctionTest(
        id="l4_compete_threshold",
        lesson=LESSON,
        name="compete_threshold",
        points=1,
        description="compete_threshold(n): the probability above which a label is lowered, 1/n",
        reference=_reference_compete_threshold,
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "values",
                "1/|L|, where a label's entry |L| a_k - 1 turns positive, for any |L|",
                0.9,
                _public_label_counts,
                _hidden_label_counts,
            ),
        ),
        # A label's entry taken as a_k - 1 (no factor |L|) is never positive: threshold 1.
        misconceptions={"missing_target_sum": lambda n_labels: 1.0},
    ),
]
