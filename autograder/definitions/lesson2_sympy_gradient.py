r"""Graded tests of lesson 2: the gradient of the loss derived in SymPy, by two routes.

Answers are SymPy expressions in the symbols of :mod:`ce_lib.symbols` (``z_1, z_2, z_3``,
``a_1, a_2, a_3``, ``t_1, t_2, t_3``), except ``grad_via_jacobian``, a NumPy function. The
expressions are graded by mathematical equality: evaluated at points the grader draws and
compared with the reference there, never by their text. Points respect what the question
assumes: probabilities ``a`` lie on the simplex (so ``a_3 - 1`` and ``-(a_1 + a_2)`` are
both right), while soft targets ``t`` are drawn both on the simplex and off it, because the
exercise asks for the gradient of targets that need not sum to one.

.. math::

    J = -\log a_3 = -z_3 + \log \sum_k e^{z_k}, \qquad
    \frac{\partial J}{\partial z_k} = a_k - y_k, \qquad
    \frac{\partial}{\partial z_k} \Bigl(-\sum_j t_j \log a_j\Bigr) = a_k \sum_j t_j - t_k,

    \frac{\partial a}{\partial z} = \operatorname{diag}(a) - a a^\top, \qquad
    \frac{\partial J}{\partial z} = \Bigl(\frac{\partial a}{\partial z}\Bigr)^{\!\top}
    \frac{\partial J}{\partial a} = a - \mathrm{onehot}(y)

Where an exercise asks for several entries that a student can get right separately (the
true class's entry and the other classes' entries of a gradient; the diagonal and the
off-diagonal of the Jacobian) each is a requirement of its own: its cases score only its
entries, while a misconception probe must still reproduce the whole answer.

The question ``true_class_entry_uniform(K)`` is graded on numbers ``K`` drawn from the course
secret; ``gradient_sum`` (zero for every sample) stays a value question. This module draws
its own points.

>>> [test.id for test in TESTS][:3]
['l2_loss_k3', 'l2_grad_k3', 'l2_grad_in_a']
"""

from dataclasses import dataclass

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Alternatives,
    Case,
    ExpressionTest,
    FunctionTest,
    Requirement,
    ValueTest,
)
from autograder.definitions.questions import PRECISION, draw_integers
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


#: The index of the true class's entry in a flattened gradient, and of the other entries.
TRUE_ENTRY = (TRUE_CLASS - 1,)
OTHER_ENTRIES = tuple(k for k in range(N_CLASSES) if k != TRUE_CLASS - 1)
#: The indices of the diagonal and off-diagonal entries of a flattened 3 x 3 matrix.
DIAGONAL = tuple(k * N_CLASSES + k for k in range(N_CLASSES))
OFF_DIAGONAL = tuple(i for i in range(N_CLASSES * N_CLASSES) if i not in DIAGONAL)


# --- a requirement that scores some entries of an answer -------------------------------


@dataclass(frozen=True)
class EntryCase(Case):
    r"""A point whose requirement scores only ``entries`` of the flattened answer.

    ``entries`` are indices into the answer flattened in row-major order (a list of three
    expressions, or the nine entries of a 3 x 3 ``Matrix``); empty means every entry.
    """

    entries: tuple = ()


@dataclass(frozen=True, kw_only=True)
class EntryExpressionTest(ExpressionTest):
    r"""An expression test whose requirements score chosen entries of the answer.

    The answer must still have every entry (a wrong number of entries fails every case);
    diagnosis compares whole answers, so a probe explains an answer only when it reproduces
    every entry.
    """

    def expected(self, case):
        full = super().expected(case)
        entries = getattr(case, "entries", ())
        return full[list(entries)] if entries else full

    def compare(self, case, answer):
        entries = getattr(case, "entries", ())
        value = answer.get("value")
        if not entries or "error" in answer or not isinstance(value, np.ndarray):
            return super().compare(case, answer)
        size = super().expected(case).size
        if value.size != size:
            return False, (
                f"the answer has {value.size} entries, expected {size}: {_entries_sentence(size)}"
            )
        chosen = value.reshape(-1)[list(entries)]
        passed, problem = super().compare(case, {"value": chosen})
        if passed or case.hidden or not problem.startswith("wrong values"):
            return passed, problem
        # Name the wrong entries as the question numbers them (from 1), not by position in
        # the scored subset.
        expected = self.expected(case)
        rtol, atol = self.tolerances(case)
        wrong = [
            f"{_entry_name(index, size)} expected {want:.6g}, got {got:.6g}"
            for index, got, want in zip(entries, chosen.astype(np.float64), expected, strict=True)
            if not np.isclose(got, want, rtol=rtol, atol=atol)
        ]
        return False, "wrong values: " + "; ".join(wrong)


def _entry_name(index, size):
    if size == N_CLASSES * N_CLASSES:
        return f"entry ({index // N_CLASSES + 1}, {index % N_CLASSES + 1})"
    return f"entry {index + 1}"


def _entries_sentence(size):
    if size == N_CLASSES * N_CLASSES:
        return "a 3 x 3 Matrix, entry (i, k) the derivative of a_i by z_k"
    return f"a list of {size} expressions, one per class"


# --- references and misconception probes (trusted SymPy, from ce_lib.symbolic) ----------


def _softmax():
    from ce_lib.symbolic import logit_symbols, softmax_expressions

    return softmax_expressions(logit_symbols(N_CLASSES))


def _a():
    from ce_lib.symbols import probability_symbols

    return probability_symbols(N_CLASSES)


def _t():
    from ce_lib.symbols import target_symbols

    return target_symbols(N_CLASSES, "t")


def _one_hot():
    return [int(k == TRUE_CLASS - 1) for k in range(N_CLASSES)]


def _loss():
    import sympy

    return -sympy.log(_softmax()[TRUE_CLASS - 1])


def _loss_missing_log():
    a_y = _softmax()[TRUE_CLASS - 1]
    return Alternatives([-a_y, 1 - a_y])


def _loss_sign_flipped():
    import sympy

    return sympy.log(_softmax()[TRUE_CLASS - 1])


def _grad():
    from ce_lib.symbolic import seed_gradient_reference

    return seed_gradient_reference(N_CLASSES, TRUE_CLASS)


def _grad_sign_flipped():
    return [-g for g in _grad()]


def _grad_missing_true_class_term():
    return list(_softmax())


def _grad_true_class_only():
    return [g if k == TRUE_CLASS - 1 else 0 for k, g in enumerate(_grad())]


def _grad_derivative_wrt_probability():
    # dJ/da: -1/a_3 on the true class, 0 elsewhere, with a_3 written in z.
    return [-y_k / a_k for a_k, y_k in zip(_softmax(), _one_hot(), strict=True)]


def _grad_in_a():
    return [a_k - y_k for a_k, y_k in zip(_a(), _one_hot(), strict=True)]


def _grad_in_a_sign_flipped():
    return [-g for g in _grad_in_a()]


def _grad_in_a_missing_true_class_term():
    return list(_a())


def _grad_in_a_true_class_only():
    return [g if k == TRUE_CLASS - 1 else 0 for k, g in enumerate(_grad_in_a())]


def _grad_in_a_sigmoid_derivative():
    return [a_k * (1 - a_k) for a_k in _a()]


def _grad_in_a_derivative_wrt_probability():
    return [-y_k / a_k for a_k, y_k in zip(_a(), _one_hot(), strict=True)]


def _soft(a):
    # a_k sum(t) - t_k: valid for any targets.
    t = _t()
    total = sum(t)
    return [a_k * total - t_k for a_k, t_k in zip(a, t, strict=True)]


def _soft_sign_flipped(a):
    t = _t()
    flipped = [-g for g in _soft(a)]
    return Alternatives([flipped, [t_k - a_k for a_k, t_k in zip(a, t, strict=True)]])


def _soft_assumed_normalised(a):
    # a - t: right only when sum(t) = 1; with the sign flipped as well, t - a.
    t = _t()
    normalised = [a_k - t_k for a_k, t_k in zip(a, t, strict=True)]
    return Alternatives([normalised, [-g for g in normalised]])


def _soft_derivative_wrt_probability(a):
    return [-t_k / a_k for a_k, t_k in zip(a, _t(), strict=True)]


def _grad_soft():
    from ce_lib.symbolic import target_gradient_reference

    return target_gradient_reference(N_CLASSES, "t", assume_sum_to_one=False)


def _jacobian():
    from ce_lib.symbolic import hessian_reference

    # The Hessian of J is the softmax Jacobian diag(a) - a a^T, here written in z.
    return hessian_reference(N_CLASSES)


def _jacobian_missing_diagonal():
    import sympy

    a = sympy.Matrix(_softmax())
    return -a * a.T


def _jacobian_diagonal_only():
    import sympy

    return sympy.diag(*[a_k * (1 - a_k) for a_k in _softmax()])


def _jacobian_outer_sign():
    import sympy

    a = sympy.Matrix(_softmax())
    # + a a^T everywhere, or + a_i a_k off the diagonal only (a quotient rule slip).
    off_diagonal_flipped = sympy.Matrix(
        N_CLASSES, N_CLASSES, lambda i, k: a[i] * (1 - a[i]) if i == k else a[i] * a[k]
    )
    return Alternatives([sympy.diag(*a) + a * a.T, off_diagonal_flipped])


# --- points -----------------------------------------------------------------------------


def _logits(rng):
    return {name: float(3.0 * rng.standard_normal()) for name in Z}


def _probabilities(rng):
    # On the simplex: every a_k > 0, sum(a) = 1 (a_3 - 1 equals -(a_1 + a_2) there).
    return dict(zip(A, (float(v) for v in rng.dirichlet(np.ones(N_CLASSES))), strict=True))


def _normalised_targets(rng):
    return dict(zip(T, (float(v) for v in rng.dirichlet(np.ones(N_CLASSES))), strict=True))


def _unnormalised_targets(rng):
    # Positive targets whose sum is at least 0.3 away from one, so a_k - t_k is wrong there.
    while True:
        t = rng.uniform(0.1, 2.0, N_CLASSES)
        if abs(t.sum() - 1.0) >= 0.3:
            return dict(zip(T, (float(v) for v in t), strict=True))


def _entry_points(draw, count, entries, what):
    def points(rng):
        return [
            EntryCase((draw(rng),), f"point {index + 1}: {what}", entries=entries)
            for index in range(count)
        ]

    return points


def _point_cases(draw, count, what):
    def points(rng):
        return [Case((draw(rng),), f"point {index + 1}: {what}") for index in range(count)]

    return points


def _with_targets(draw_first, draw_targets):
    def draw(rng):
        return {**draw_first(rng), **draw_targets(rng)}

    return draw


def _public_unnormalised(draw_first):
    def points(rng):
        several_labels = dict(zip(T, (1.0, 1.0, 0.0), strict=True))
        return [
            Case(
                ({**draw_first(rng), **_unnormalised_targets(rng)},),
                "targets that do not sum to one",
            ),
            Case(({**draw_first(rng), **several_labels},), "targets t = (1, 1, 0), summing to 2"),
        ]

    return points


def _true_class_requirement(draw):
    return Requirement(
        "true_class",
        "the true class's entry, dJ/dz_3 = a_3 - 1",
        0.5,
        _entry_points(draw, 2, TRUE_ENTRY, "the true class's entry"),
        _entry_points(draw, 4, TRUE_ENTRY, "the true class's entry"),
    )


def _other_classes_requirement(draw):
    return Requirement(
        "other_classes",
        "the other classes' entries, dJ/dz_1 = a_1 and dJ/dz_2 = a_2",
        0.5,
        _entry_points(draw, 2, OTHER_ENTRIES, "the other classes' entries"),
        _entry_points(draw, 4, OTHER_ENTRIES, "the other classes' entries"),
    )


def _soft_requirements(draw_first):
    return (
        Requirement(
            "normalised",
            "the gradient for targets that sum to one, a_k - t_k",
            0.4,
            _point_cases(_with_targets(draw_first, _normalised_targets), 2, "t sums to one"),
            _point_cases(_with_targets(draw_first, _normalised_targets), 4, "t sums to one"),
        ),
        Requirement(
            "any_targets",
            "the gradient for targets that do not sum to one, a_k sum(t) - t_k",
            0.6,
            _public_unnormalised(draw_first),
            _point_cases(
                _with_targets(draw_first, _unnormalised_targets), 6, "t does not sum to one"
            ),
        ),
    )


# --- the chain rule in NumPy ------------------------------------------------------------


def _reference_grad_via_jacobian(z, y):
    from ce_lib import softmax

    grad = softmax(np.asarray(z, dtype=np.float64))
    grad[int(y)] -= 1.0
    return grad


def _softmax_one(z):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max())
    return e / e.sum()


def _onehot(y, n_classes):
    onehot = np.zeros(n_classes)
    onehot[int(y)] = 1.0
    return onehot


def _via_sign_flipped(z, y):
    a = _softmax_one(z)
    return _onehot(y, a.size) - a


def _via_derivative_wrt_probability(z, y):
    # Stopping at dJ/da: -1/a_y at the label, 0 elsewhere.
    a = _softmax_one(z)
    return -_onehot(y, a.size) / a[int(y)]


def _via_missing_diagonal(z, y):
    # (-a a^T)^T (-e_y / a_y) = a: without diag(a) nothing gives the true class its -1.
    return _softmax_one(z)


def _via_diagonal_only(z, y):
    # diag(a (1 - a)) (-e_y / a_y) = (a_y - 1) e_y: the other classes get nothing.
    a = _softmax_one(z)
    return (a[int(y)] - 1.0) * _onehot(y, a.size)


def _via_outer_sign(z, y):
    a = _softmax_one(z)
    onehot = _onehot(y, a.size)
    # diag(a) + a a^T gives -(a + e_y); + a_i a_k off the diagonal only gives
    # a_y - 1 at the label and -a_k elsewhere.
    return [-(a + onehot), np.where(onehot == 1.0, a - 1.0, -a)]


def _via_missing_log(z, y):
    # J = -a_y (or 1 - a_y): dJ/da = -e_y, so the chain rule gives a_y (a - e_y).
    a = _softmax_one(z)
    return a[int(y)] * (a - _onehot(y, a.size))


def _chain_logits(rng, n_classes):
    return 3.0 * rng.standard_normal(n_classes)


def _public_chain_values(rng):
    return [
        Case((_chain_logits(rng, 3), 2), "K = 3, label y = 2 (class 3 of the derivation)"),
        Case((np.array([2.0, -1.0, 0.5]), 2), "K = 3, label y = 2, z = (2, -1, 0.5)"),
    ]


def _hidden_chain_values(rng):
    return [(_chain_logits(rng, 3), 2) for _ in range(4)]


def _public_chain_labels(rng):
    return [
        Case((_chain_logits(rng, 3), 0), "K = 3, label y = 0"),
        Case((_chain_logits(rng, 3), 1), "K = 3, label y = 1"),
    ]


def _hidden_chain_labels(rng):
    return [(_chain_logits(rng, 3), label) for label in (0, 1, 0, 1)]


def _public_chain_classes(rng):
    # The label is the last class, so these cases break only an answer written for K = 3.
    return [
        Case((_chain_logits(rng, 2), 1), "K = 2, label y = 1"),
        Case((_chain_logits(rng, 5), 4), "K = 5, label y = 4"),
    ]


def _hidden_chain_classes(rng):
    sizes = [2, *(int(k) for k in rng.choice(np.arange(4, 11), size=3, replace=False))]
    return [(_chain_logits(rng, k), k - 1) for k in sizes]


# --- the question with a drawn number --------------------------------------------------


def _reference_true_class_entry_uniform(n_classes):
    # K equal logits give a_y = 1/K; the true class's entry is a_y - 1.
    return 1.0 / n_classes - 1.0


def _public_class_counts(rng):
    return [Case((4,), "K = 4"), Case((2,), "K = 2")]


def _hidden_class_counts(rng):
    return [(k,) for k in draw_integers(rng, 3, 10_001, 5, exclude={4})]


# Every expression is evaluated with 20 significant digits (ce_sandbox.answers), so any
# correct form agrees with the reference far below these tolerances; the derivatives use the
# course's gradient tolerances, which a closed form in float64 also meets.
EXPRESSION_TOLERANCE = {"rtol": 1e-9, "atol": 1e-12}

TESTS = [
    ExpressionTest(
        id="l2_loss_k3",
        lesson=LESSON,
        name="J",
        points=1,
        description="J = -log a_3 for K = 3, in z_1, z_2, z_3",
        symbols=Z,
        reference=_loss,
        requirements=(
            Requirement(
                "values",
                "J = -log a_3 for the label 3, in z_1, z_2, z_3",
                1.0,
                _point_cases(_logits, 4, "logits z"),
                _point_cases(_logits, 6, "logits z"),
            ),
        ),
        **EXPRESSION_TOLERANCE,
        misconceptions={
            "missing_log": _loss_missing_log,
            "loss_sign_flipped": _loss_sign_flipped,
        },
    ),
    EntryExpressionTest(
        id="l2_grad_k3",
        lesson=LESSON,
        name="grad_J",
        points=2,
        description="[dJ/dz_1, dJ/dz_2, dJ/dz_3] for K = 3 and label 3, in z",
        symbols=Z,
        reference=_grad,
        requirements=(_true_class_requirement(_logits), _other_classes_requirement(_logits)),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "sign_flipped": _grad_sign_flipped,
            "missing_true_class_term": _grad_missing_true_class_term,
            "true_class_only": _grad_true_class_only,
            "derivative_wrt_probability": _grad_derivative_wrt_probability,
        },
    ),
    EntryExpressionTest(
        id="l2_grad_in_a",
        lesson=LESSON,
        name="grad_in_a",
        points=2,
        description="the same gradient written with a_1, a_2, a_3: a_k - y_k",
        symbols=A,
        reference=_grad_in_a,
        requirements=(
            _true_class_requirement(_probabilities),
            _other_classes_requirement(_probabilities),
        ),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "sign_flipped": _grad_in_a_sign_flipped,
            "missing_true_class_term": _grad_in_a_missing_true_class_term,
            "true_class_only": _grad_in_a_true_class_only,
            "sigmoid_derivative": _grad_in_a_sigmoid_derivative,
            "derivative_wrt_probability": _grad_in_a_derivative_wrt_probability,
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
        requirements=_soft_requirements(_logits),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "sign_flipped": lambda: _soft_sign_flipped(_softmax()),
            "missing_target_sum": lambda: _soft_assumed_normalised(_softmax()),
            "derivative_wrt_probability": lambda: _soft_derivative_wrt_probability(_softmax()),
        },
    ),
    ExpressionTest(
        id="l2_grad_soft_in_a",
        lesson=LESSON,
        name="grad_soft_in_a",
        points=2,
        description="the soft-target gradient written with a and t: a_k sum(t) - t_k",
        symbols=A + T,
        reference=lambda: _soft(_a()),
        requirements=_soft_requirements(_probabilities),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "sign_flipped": lambda: _soft_sign_flipped(_a()),
            "missing_target_sum": lambda: _soft_assumed_normalised(_a()),
            "derivative_wrt_probability": lambda: _soft_derivative_wrt_probability(_a()),
        },
    ),
    EntryExpressionTest(
        id="l2_softmax_jacobian",
        lesson=LESSON,
        name="softmax_jacobian_z",
        points=2,
        description="the softmax Jacobian da/dz for K = 3, a 3 x 3 Matrix in z",
        symbols=Z,
        reference=_jacobian,
        requirements=(
            Requirement(
                "diagonal",
                "the diagonal entries, da_k/dz_k = a_k (1 - a_k)",
                0.5,
                _entry_points(_logits, 2, DIAGONAL, "the diagonal entries"),
                _entry_points(_logits, 4, DIAGONAL, "the diagonal entries"),
            ),
            Requirement(
                "off_diagonal",
                "the off-diagonal entries, da_i/dz_k = -a_i a_k for i != k",
                0.5,
                _entry_points(_logits, 2, OFF_DIAGONAL, "the off-diagonal entries"),
                _entry_points(_logits, 4, OFF_DIAGONAL, "the off-diagonal entries"),
            ),
        ),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "jacobian_missing_diagonal": _jacobian_missing_diagonal,
            "jacobian_diagonal_only": _jacobian_diagonal_only,
            "jacobian_outer_sign": _jacobian_outer_sign,
        },
    ),
    # A closed form composed in float64 is within about 1e-16 of the reference; the course's
    # gradient tolerances accept it and refuse a finite-difference gradient.
    FunctionTest(
        id="l2_grad_via_jacobian",
        lesson=LESSON,
        name="grad_via_jacobian",
        points=2,
        description="grad_via_jacobian(z, y): (diag(a) - a a^T)^T dJ/da = a - onehot(y)",
        reference=_reference_grad_via_jacobian,
        requirements=(
            Requirement(
                "values",
                "a - onehot(y) by the chain rule, for K = 3 and the label y = 2",
                0.4,
                _public_chain_values,
                _hidden_chain_values,
            ),
            Requirement(
                "labels",
                "any label y, not only the last class",
                0.25,
                _public_chain_labels,
                _hidden_chain_labels,
            ),
            Requirement(
                "classes",
                "any number of classes K, including 2",
                0.25,
                _public_chain_classes,
                _hidden_chain_classes,
            ),
        ),
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        misconceptions={
            "sign_flipped": _via_sign_flipped,
            "derivative_wrt_probability": _via_derivative_wrt_probability,
            "jacobian_missing_diagonal": _via_missing_diagonal,
            "jacobian_diagonal_only": _via_diagonal_only,
            "jacobian_outer_sign": _via_outer_sign,
            "missing_log": _via_missing_log,
        },
    ),
    # A fact that holds for every sample: one fixed answer, kept as a value question, graded
    # at the precision the lesson states.
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
    # Graded at the precision the lesson states.
    FunctionTest(
        id="l2_true_class_entry_uniform",
        lesson=LESSON,
        name="true_class_entry_uniform",
        points=1,
        description="true_class_entry_uniform(K): dJ/dz_y for K equal logits, 1/K - 1",
        reference=_reference_true_class_entry_uniform,
        requirements=(
            Requirement(
                "values",
                "dJ/dz_y = 1/K - 1 for K equal logits, for any K",
                0.9,
                _public_class_counts,
                _hidden_class_counts,
            ),
        ),
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={
            "sign_flipped": lambda K: 1.0 - 1.0 / K,
            "missing_true_class_term": lambda K: 1.0 / K,
            "derivative_wrt_probability": lambda K: -float(K),
        },
    ),
]
