r"""Graded tests of lesson 2: the gradient of the loss derived in SymPy.

Answers are SymPy expressions in the symbols of :mod:`ce_lib.symbolic` (``z_1, z_2, z_3``,
``a_1, a_2, a_3``, ``t_1, t_2, t_3``). They are graded by mathematical equality: evaluated at
points the grader draws and compared with the reference there, never by their text. Points
respect what the question assumes: probabilities ``a`` lie on the simplex (so ``a_3 - 1`` and
``-(a_1 + a_2)`` are both right), while soft targets ``t`` are any positive numbers (so
``a_k - t_k`` is wrong unless the targets sum to one).

.. math::

    J = -\log a_3 = -z_3 + \log \sum_k e^{z_k}, \qquad
    \frac{\partial J}{\partial z_k} = a_k - y_k, \qquad
    \frac{\partial}{\partial z_k} \Bigl(-\sum_j t_j \log a_j\Bigr) = a_k \sum_j t_j - t_k

The question ``true_class_entry_uniform(K)`` is graded on numbers ``K`` drawn from the course
secret; ``gradient_sum`` (zero for every sample) stays a value question.

>>> [test.id for test in TESTS][:3]
['l2_loss_k3', 'l2_grad_k3', 'l2_grad_in_a']
"""

import numpy as np

from autograder.definitions.framework import Case, ExpressionTest, FunctionTest, ValueTest
from autograder.definitions.lesson1_softmax_loss import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

LESSON = "lesson2_sympy_gradient"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)

N_CLASSES = 3
TRUE_CLASS = 3  # counted from 1, as in the derivation
Z = tuple(f"z_{k}" for k in range(1, N_CLASSES + 1))
A = tuple(f"a_{k}" for k in range(1, N_CLASSES + 1))
T = tuple(f"t_{k}" for k in range(1, N_CLASSES + 1))


# --- references and misconception probes (trusted SymPy, built by ce_lib.symbolic) --------


def _softmax():
    from ce_lib.symbolic import logit_symbols, softmax_expressions

    return softmax_expressions(logit_symbols(N_CLASSES))


def _loss():
    import sympy

    return -sympy.log(_softmax()[TRUE_CLASS - 1])


def _loss_missing_log():
    return [-_softmax()[TRUE_CLASS - 1], 1 - _softmax()[TRUE_CLASS - 1]]


def _grad():
    from ce_lib.symbolic import seed_gradient_reference

    return seed_gradient_reference(N_CLASSES, TRUE_CLASS)


def _grad_sign_flipped():
    return [-g for g in _grad()]


def _grad_missing_true_class_term():
    return _softmax()


def _grad_true_class_only():
    return [0 if k != TRUE_CLASS - 1 else g for k, g in enumerate(_grad())]


def _grad_in_a():
    from ce_lib.symbolic import probability_symbols

    a = probability_symbols(N_CLASSES)
    return [a_k - int(k == TRUE_CLASS - 1) for k, a_k in enumerate(a)]


def _grad_in_a_sign_flipped():
    return [-g for g in _grad_in_a()]


def _grad_in_a_missing_true_class_term():
    from ce_lib.symbolic import probability_symbols

    return list(probability_symbols(N_CLASSES))


def _grad_in_a_sigmoid_derivative():
    from ce_lib.symbolic import probability_symbols

    return [a_k * (1 - a_k) for a_k in probability_symbols(N_CLASSES)]


def _grad_soft():
    from ce_lib.symbolic import target_gradient_reference

    return target_gradient_reference(N_CLASSES, "t", assume_sum_to_one=False)


def _grad_soft_sign_flipped():
    return [-g for g in _grad_soft()]


def _grad_soft_in_a():
    from ce_lib.symbolic import probability_symbols, target_symbols

    a, t = probability_symbols(N_CLASSES), target_symbols(N_CLASSES, "t")
    total = sum(t)
    return [a_k * total - t_k for a_k, t_k in zip(a, t, strict=True)]


def _grad_soft_in_a_sign_flipped():
    return [-g for g in _grad_soft_in_a()]


# --- points -----------------------------------------------------------------------------


def _logit_points(count):
    def draw(rng):
        return [{name: float(3.0 * rng.standard_normal()) for name in Z} for _ in range(count)]

    return draw


def _probabilities(rng):
    return dict(zip(A, (float(v) for v in rng.dirichlet(np.ones(N_CLASSES))), strict=True))


def _probability_points(count):
    def draw(rng):
        return [_probabilities(rng) for _ in range(count)]

    return draw


def _soft_targets(rng):
    # Any positive targets: their sum is deliberately not one.
    return dict(zip(T, (float(v) for v in rng.uniform(0.1, 2.0, N_CLASSES)), strict=True))


def _logit_target_points(count):
    def draw(rng):
        return [
            {**{name: float(3.0 * rng.standard_normal()) for name in Z}, **_soft_targets(rng)}
            for _ in range(count)
        ]

    return draw


def _probability_target_points(count):
    def draw(rng):
        return [{**_probabilities(rng), **_soft_targets(rng)} for _ in range(count)]

    return draw


# --- the question with a drawn number --------------------------------------------------


def _reference_true_class_entry_uniform(n_classes):
    # K equal logits give a_y = 1/K; the true class's entry is a_y - 1.
    return 1.0 / n_classes - 1.0


def _public_class_counts(rng):
    return [Case((4,), "K = 4"), Case((2,), "K = 2")]


def _hidden_class_counts(rng):
    return [(k,) for k in draw_integers(rng, 3, 10_001, 5, exclude={4})]


TESTS = [
    ExpressionTest(
        id="l2_loss_k3",
        lesson=LESSON,
        name="J",
        points=1,
        description="J = -log a_3 for K = 3, in z_1, z_2, z_3",
        symbols=Z,
        reference=_loss,
        public=_logit_points(4),
        hidden=_logit_points(6),
        misconceptions={"missing_log": _loss_missing_log},
    ),
    ExpressionTest(
        id="l2_grad_k3",
        lesson=LESSON,
        name="grad_J",
        points=2,
        description="[dJ/dz_1, dJ/dz_2, dJ/dz_3] for K = 3 and label 3, in z",
        symbols=Z,
        reference=_grad,
        public=_logit_points(4),
        hidden=_logit_points(6),
        misconceptions={
            "sign_flipped": _grad_sign_flipped,
            "missing_true_class_term": _grad_missing_true_class_term,
            "true_class_only": _grad_true_class_only,
        },
    ),
    ExpressionTest(
        id="l2_grad_in_a",
        lesson=LESSON,
        name="grad_in_a",
        points=2,
        description="the same gradient written with a_1, a_2, a_3: a_k - y_k",
        symbols=A,
        reference=_grad_in_a,
        public=_probability_points(4),
        hidden=_probability_points(6),
        misconceptions={
            "sign_flipped": _grad_in_a_sign_flipped,
            "missing_true_class_term": _grad_in_a_missing_true_class_term,
            "sigmoid_derivative": _grad_in_a_sigmoid_derivative,
        },
    ),
    ExpressionTest(
        id="l2_grad_soft",
        lesson=LESSON,
        name="grad_soft",
        points=3,
        description="gradient of -sum_k t_k log a_k for any targets t, in z and t",
        symbols=Z + T,
        reference=_grad_soft,
        public=_logit_target_points(4),
        hidden=_logit_target_points(6),
        misconceptions={"sign_flipped": _grad_soft_sign_flipped},
    ),
    ExpressionTest(
        id="l2_grad_soft_in_a",
        lesson=LESSON,
        name="grad_soft_in_a",
        points=2,
        description="the soft-target gradient written with a and t: a_k sum(t) - t_k",
        symbols=A + T,
        reference=_grad_soft_in_a,
        public=_probability_target_points(4),
        hidden=_probability_target_points(6),
        misconceptions={"sign_flipped": _grad_soft_in_a_sign_flipped},
    ),
    # A fact that holds for every sample: one fixed answer, kept as a value question.
    ValueTest(
        id="l2_gradient_sum",
        lesson=LESSON,
        name="gradient_sum",
        points=1,
        description="the sum of the entries of a - onehot(y): 0, for every sample",
        reference=0.0,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"missing_true_class_term": 1.0},
    ),
    FunctionTest(
        id="l2_true_class_entry_uniform",
        lesson=LESSON,
        name="true_class_entry_uniform",
        points=1,
        description="true_class_entry_uniform(K): dJ/dz_y for K equal logits, 1/K - 1",
        reference=_reference_true_class_entry_uniform,
        public=_public_class_counts,
        hidden=_hidden_class_counts,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={
            "sign_flipped": lambda K: 1.0 - 1.0 / K,
            "missing_true_class_term": lambda K: 1.0 / K,
        },
    ),
]
