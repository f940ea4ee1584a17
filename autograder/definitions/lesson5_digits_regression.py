r"""Graded tests of lesson 5: softmax regression on scikit-learn's digits.

For inputs ``X`` of shape ``(N, D)``, integer labels ``y`` of shape ``(N,)``, weights ``W`` of
shape ``(D, K)`` and biases ``b`` of shape ``(K,)``, the mean loss of the linear model
:math:`Z = X W + b` has the gradients

.. math::

    \frac{\partial J}{\partial W} = \frac{X^\top (A - Y)}{N}, \qquad
    \frac{\partial J}{\partial b} = \frac{1}{N} \sum_i (a_i - y_i),

with :math:`A = \operatorname{softmax}(Z)` and :math:`Y` the one-hot labels. The references
compute :math:`(A - Y)/N` with :func:`ce_lib.cross_entropy_grad`. One step of mini-batch SGD
with the L2 penalty :math:`\frac{\lambda}{2} \lVert W \rVert^2` (``l2`` = :math:`\lambda`) is

.. math::

    W \leftarrow W - \mathrm{lr} \Bigl(\frac{\partial J}{\partial W} + \lambda W\Bigr),
    \qquad b \leftarrow b - \mathrm{lr}\,\frac{\partial J}{\partial b} ;

``sgd_step`` and ``train`` return the pair ``(W, b)``, which a read-only cell of the lesson
stacks into one array (``b`` as the last row) for the grader. ``train`` is graded by what it
achieves: run for one epoch on 800 drawn training digits whose pixels are mixed by a rotation
and whose classes are renamed (both drawn from the course secret, so weights trained
beforehand are useless), its model must reach a mean loss of at most ``TRAIN_MAX_LOSS`` on 450
held-out digits mixed the same way; those stay on the trusted side. The questions
``weight_gradient_shape(N, D, K)`` and ``initial_loss(X, y, K)`` are graded on drawn inputs;
``bias_gradient_sum`` (zero for any input) stays a value question.

The graded code may use ``ce_lib.softmax``; the loss and its gradient, the descent helpers and
the trained model of ``ce_lib.regression`` are absent from its sandbox (the digits come as
arrays).

>>> [test.id for test in TESTS][:2]
['l5_weight_gradient', 'l5_bias_gradient']
"""

import dataclasses
from dataclasses import dataclass
from functools import cache

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Case,
    FunctionTest,
    ValueTest,
)
from autograder.definitions.lesson1_softmax_loss import PRECISION, draw_integers
from autograder.sandbox.view import LessonView
from autograder.secret import hidden_rng, public_rng

LESSON = "lesson5_digits_regression"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "matplotlib"),
    absent=("cross_entropy", "symbolic", "dynamics", "regression"),
)


def _logit_gradient(X, y, W, b):
    # G = dJ/dZ = (A - Y) / N, the gradient of the mean loss with respect to the logits.
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(np.asarray(X) @ np.asarray(W) + np.asarray(b), y)


def _reference_weight_gradient(X, y, W, b):
    return np.asarray(X).T @ _logit_gradient(X, y, W, b)


def _reference_bias_gradient(X, y, W, b):
    return _logit_gradient(X, y, W, b).sum(axis=0)


def _probabilities_minus_onehot(X, y, W, b):
    from ce_lib import softmax

    A = softmax(np.asarray(X) @ np.asarray(W) + np.asarray(b))
    A[np.arange(len(y)), y] -= 1.0
    return A


def _probabilities(X, y, W, b):
    from ce_lib import softmax

    return softmax(np.asarray(X) @ np.asarray(W) + np.asarray(b))


def _probabilities_wrong_axis(X, y, W, b):
    from ce_lib import softmax

    A = softmax(np.asarray(X) @ np.asarray(W) + np.asarray(b), axis=0)
    A[np.arange(len(y)), y] -= 1.0
    return A / len(y)


def _weight_probe(logit_gradient):
    def probe(X, y, W, b):
        return np.asarray(X).T @ logit_gradient(X, y, W, b)

    return probe


def _bias_probe(logit_gradient):
    def probe(X, y, W, b):
        return logit_gradient(X, y, W, b).sum(axis=0)

    return probe


_MISCONCEPTIONS = {
    "not_averaged": _probabilities_minus_onehot,
    "sign_flipped": lambda X, y, W, b: -_logit_gradient(X, y, W, b),
    "missing_true_class_term": lambda X, y, W, b: _probabilities(X, y, W, b) / len(y),
    "wrong_axis": _probabilities_wrong_axis,
}


def _problem(rng, n_samples, n_features, n_classes, scale=1.0):
    X = rng.standard_normal((n_samples, n_features))
    y = rng.integers(0, n_classes, size=n_samples).astype(np.int64)
    W = scale * rng.standard_normal((n_features, n_classes))
    b = scale * rng.standard_normal(n_classes)
    return X, y, W, b


def _digits_problem(rng, n_samples):
    # A few real digits, standardised, with small random weights.
    from ce_lib.regression import load_digits_split

    data = load_digits_split()
    rows = rng.choice(data.X_train.shape[0], size=n_samples, replace=False)
    W = 0.01 * rng.standard_normal((data.X_train.shape[1], data.n_classes))
    return data.X_train[rows], data.y_train[rows], W, np.zeros(data.n_classes)


def _public_problems(rng):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return [
        Case((X, np.array([0, 1, 1]), np.zeros((2, 3)), np.zeros(3)), "3 samples, W = 0, b = 0"),
        Case(_problem(rng, 5, 4, 3), "5 samples, 4 features, 3 classes"),
        Case(_problem(rng, 8, 3, 6, scale=3.0), "8 samples, 3 features, 6 classes"),
        Case(_digits_problem(rng, 20), "20 digits, small random W"),
    ]


def _hidden_problems(rng):
    cases = []
    for _ in range(5):
        n_samples, n_features = int(rng.integers(2, 21)), int(rng.integers(1, 9))
        n_classes = int(rng.integers(2, 8))
        cases.append(_problem(rng, n_samples, n_features, n_classes, scale=2.0))
    cases.append(_digits_problem(rng, int(rng.integers(10, 40))))
    return cases


# ----------------------------------------------------------------------- one SGD step


def _stacked(W, b):
    return np.vstack([np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)])


def _reference_sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (_reference_weight_gradient(X, y, W, b) + l2 * W)
    b_new = b - lr * _reference_bias_gradient(X, y, W, b)
    return _stacked(W_new, b_new)


def _step_probe(logit_gradient):
    # The step a student takes with a wrong gradient G = dJ/dZ (the L2 term kept right).
    def probe(X, y, W, b, lr, l2):
        G = logit_gradient(X, y, W, b)
        return _stacked(W - lr * (np.asarray(X).T @ G + l2 * W), b - lr * G.sum(axis=0))

    return probe


def _step_sign_flipped(X, y, W, b, lr, l2):
    # Up the gradient: either the whole step (penalty included) or only the loss's part.
    flipped_loss = _step_probe(lambda X, y, W, b: -_logit_gradient(X, y, W, b))(X, y, W, b, lr, l2)
    return [flipped_loss, 2 * _stacked(W, b) - _reference_sgd_step(X, y, W, b, lr, l2)]


def _public_steps(rng):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 1])
    return [
        Case((X, y, np.zeros((2, 3)), np.zeros(3), 1.0, 0.0), "3 samples, W = 0, b = 0, no L2"),
        Case((*_problem(rng, 5, 4, 3), 0.5, 0.1), "5 samples, 4 features, lr = 0.5, l2 = 0.1"),
        Case((*_digits_problem(rng, 20), 0.5, 1e-3), "20 digits, lr = 0.5, l2 = 0.001"),
    ]


def _hidden_steps(rng):
    cases = []
    for _ in range(5):
        n_samples, n_features = int(rng.integers(2, 33)), int(rng.integers(1, 9))
        n_classes = int(rng.integers(2, 8))
        problem = _problem(rng, n_samples, n_features, n_classes, scale=2.0)
        lr, l2 = float(rng.uniform(0.05, 2.0)), float(rng.uniform(0.01, 0.5))
        cases.append((*problem, lr, l2))
    cases.append((*_digits_problem(rng, int(rng.integers(10, 60))), 0.5, 1e-3))
    return cases


# --------------------------------------------------------------------- the training loop

#: What ``l5_train`` runs: one epoch over ``TRAIN_SAMPLES`` digits in batches of
#: ``TRAIN_BATCH``, with ``lr = TRAIN_LR`` and ``l2 = TRAIN_L2``.
TRAIN_SAMPLES, TRAIN_BATCH, TRAIN_LR, TRAIN_L2 = 800, 50, 0.5, 1e-3
#: A run passes when the held-out mean loss of its model is at most this. The reference
#: ``train`` reaches 0.38 on average and 0.46 at worst over 300 drawn runs (rotations,
#: subsets and shuffles); one full-batch step, or a loop that stops after its first batch,
#: stays above 1.4, and a step on the summed (not averaged) gradient above 0.8.
TRAIN_MAX_LOSS = 0.6


@cache
def _digits():
    from ce_lib.regression import load_digits_split

    return load_digits_split()


def _rotation(rng, size):
    # A random orthogonal matrix (QR of a Gaussian matrix, signs fixed): it mixes the pixels
    # but keeps every inner product, so SGD from zero weights learns as well as on the
    # original pixels, while weights trained beforehand no longer fit.
    q, r = np.linalg.qr(rng.standard_normal((size, size)))
    return q * np.sign(np.diag(r))


@dataclass(frozen=True, eq=False)
class TrainingCase(Case):
    r"""A case of ``l5_train``: ``args`` go to the student's ``train``; the held-out digits
    that judge its model stay here, on the trusted side."""

    X_eval: np.ndarray | None = None
    y_eval: np.ndarray | None = None


def _training_case(rng, label, *, mix):
    data = _digits()
    n_features, n_classes = data.X_train.shape[1], data.n_classes
    rows = rng.choice(data.X_train.shape[0], size=TRAIN_SAMPLES, replace=False)
    if mix:
        rotation = _rotation(rng, n_features)
        names = rng.permutation(n_classes)  # class k is called names[k]
    else:
        rotation, names = np.eye(n_features), np.arange(n_classes)
    X = data.X_train[rows] @ rotation
    y = names[data.y_train[rows]].astype(np.int64)
    seed = int(rng.integers(0, 2**31))
    args = (X, y, n_classes, TRAIN_LR, TRAIN_L2, TRAIN_BATCH, 1, seed)
    return TrainingCase(
        args, label, X_eval=data.X_test @ rotation, y_eval=names[data.y_test].astype(np.int64)
    )


def _public_trainings(rng):
    return [
        _training_case(rng, "800 digits as they are, one epoch", mix=False),
        _training_case(rng, "800 digits, pixels rotated and classes renamed", mix=True),
    ]


def _hidden_trainings(rng):
    return [_training_case(rng, f"training run {i + 1}", mix=True) for i in range(3)]


def _reference_train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            step = _reference_sgd_step(X[batch], y[batch], W, b, lr, l2)
            W, b = step[:-1], step[-1]
    return _stacked(W, b)


def held_out_loss(case, parameters):
    r"""The mean loss on the case's held-out digits of the model ``parameters`` (W over b)."""
    from ce_lib import log_softmax

    W, b = parameters[:-1], parameters[-1]
    log_a = log_softmax(case.X_eval @ W + b)
    return float(-np.mean(log_a[np.arange(len(case.y_eval)), case.y_eval]))


@dataclass(frozen=True, kw_only=True)
class TrainingTest(FunctionTest):
    r"""A function test of a training loop, scored by what its model achieves.

    The student's ``train`` (through the lesson's ``train_as_array``) returns ``W`` with ``b``
    as its last row; a case passes when the mean loss of that model on the case's held-out
    digits is at most ``max_loss``. ``reference`` is the course's own loop, which
    ``max_loss`` was set from.
    """

    max_loss: float = TRAIN_MAX_LOSS

    def _public_cases(self):
        return [
            dataclasses.replace(case, hidden=False) for case in self.public(public_rng(self.id))
        ]

    def _hidden_cases(self, secret):
        return [
            dataclasses.replace(case, hidden=True)
            for case in self.hidden(hidden_rng(secret, self.id))
        ]

    def compare(self, case, answer):
        if "error" in answer:
            return False, self._describe_error(case, answer)
        value = answer.get("value")
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
            return False, "the answer is not W and b as an array of numbers"
        n_features, n_classes = case.X_eval.shape[1], case.args[2]
        # The shape is checked before any conversion: a huge answer is never copied.
        if value.shape != (n_features + 1, n_classes):
            if case.hidden:
                return False, "the answer has the wrong shape"
            return False, (
                f"the answer has shape {value.shape}, expected ({n_features + 1}, {n_classes}): "
                "W with b as its last row"
            )
        parameters = value.astype(np.float64)
        if not np.isfinite(parameters).all():
            return False, "the trained W or b contains inf or NaN"
        loss = held_out_loss(case, parameters)
        if loss <= self.max_loss:
            return True, ""
        return False, (
            f"the trained model's mean loss on held-out digits is {loss:.2f}, above "
            f"{self.max_loss:g} (one epoch of the course's train reaches about 0.4)"
        )


# ------------------------------------------------------------ check your understanding


def _reference_weight_gradient_shape(n_samples, n_features, n_classes):
    return np.array([float(n_features), float(n_classes)])


def _public_shapes(rng):
    return [
        Case((1347, 64, 10), "the digits: N = 1347, D = 64, K = 10"),
        Case((5, 3, 4), "5, 3, 4"),
    ]


def _hidden_shapes(rng):
    # Three distinct sizes, so that every mix-up of N, D and K is wrong.
    cases = []
    for _ in range(5):
        n, d, k = draw_integers(rng, 2, 2000, 3)
        cases.append((n, d, k))
    return cases


def _reference_initial_loss(X, y, n_classes):
    # W = 0 and b = 0 give equal logits: a_k = 1/K for every sample and class.
    return float(np.log(n_classes))


def _public_initial(rng):
    data = _digits()
    X, y, _, _ = _problem(rng, 6, 3, 4)
    return [
        Case((data.X_train, data.y_train, 10), "the digits' training set, K = 10"),
        Case((X, y, 4), "6 samples, 3 features, K = 4"),
    ]


def _hidden_initial(rng):
    cases = []
    for n_classes in draw_integers(rng, 2, 200, 5, exclude={4, 10}):
        X, y, _, _ = _problem(rng, int(rng.integers(2, 30)), int(rng.integers(1, 9)), n_classes)
        cases.append((X, y, n_classes))
    return cases


TESTS = [
    FunctionTest(
        id="l5_weight_gradient",
        lesson=LESSON,
        name="weight_gradient",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="weight_gradient(X, y, W, b): X^T (A - Y) / N",
        reference=_reference_weight_gradient,
        public=_public_problems,
        hidden=_hidden_problems,
        misconceptions={code: _weight_probe(g) for code, g in _MISCONCEPTIONS.items()},
    ),
    FunctionTest(
        id="l5_bias_gradient",
        lesson=LESSON,
        name="bias_gradient",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=2,
        description="bias_gradient(X, y, W, b): the mean over the samples of a_i - y_i",
        reference=_reference_bias_gradient,
        public=_public_problems,
        hidden=_hidden_problems,
        misconceptions={code: _bias_probe(g) for code, g in _MISCONCEPTIONS.items()},
    ),
    FunctionTest(
        id="l5_sgd_step",
        lesson=LESSON,
        name="sgd_step_as_array",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=2,
        description="sgd_step(X, y, W, b, lr, l2): W - lr (dJ/dW + l2 W), b - lr dJ/db",
        reference=_reference_sgd_step,
        public=_public_steps,
        hidden=_hidden_steps,
        misconceptions={
            "sign_flipped": _step_sign_flipped,
            "not_averaged": _step_probe(_probabilities_minus_onehot),
        },
    ),
    TrainingTest(
        id="l5_train",
        lesson=LESSON,
        name="train_as_array",
        points=3,
        description=(
            "train(X, y, K, lr, l2, batch_size, n_epochs, seed): one epoch of mini-batch SGD on "
            f"800 rotated digits reaches a held-out mean loss of at most {TRAIN_MAX_LOSS:g}"
        ),
        reference=_reference_train,
        public=_public_trainings,
        hidden=_hidden_trainings,
    ),
    FunctionTest(
        id="l5_weight_gradient_shape",
        lesson=LESSON,
        name="weight_gradient_shape",
        points=1,
        description="weight_gradient_shape(N, D, K): the shape of dJ/dW, (D, K)",
        reference=_reference_weight_gradient_shape,
        public=_public_shapes,
        hidden=_hidden_shapes,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        # (K, D), the transposed shape, has no code of its own: wrong_axis speaks of softmax.
    ),
    # A fact that holds for every input: one fixed answer, kept as a value question.
    ValueTest(
        id="l5_bias_gradient_sum",
        lesson=LESSON,
        name="bias_gradient_sum",
        points=1,
        description="the sum of the entries of dJ/db: 0, for any data and parameters",
        reference=0.0,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
    ),
    FunctionTest(
        id="l5_initial_loss",
        lesson=LESSON,
        name="initial_loss",
        points=1,
        description="initial_loss(X, y, K): the mean loss of W = 0, b = 0, log K",
        reference=_reference_initial_loss,
        public=_public_initial,
        hidden=_hidden_initial,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={"missing_log": lambda X, y, k: [1.0 / k, 1.0 - 1.0 / k]},
    ),
]
