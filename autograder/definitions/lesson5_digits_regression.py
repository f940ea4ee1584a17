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
stacks into one array (``b`` as the last row) for the grader.

Each test lists its requirements, each with cases built to break the answers that skip it:
the gradients on batches of several samples and on a single sample; the step without the
penalty, with it on the weights (``b = 0``, so a penalty on the biases goes unseen there)
and with it where only the biases tell (``W = 0``, so a missing penalty goes unseen there).
``train`` is graded by what it achieves: run for one epoch on 800 drawn training digits whose
pixels are mixed by a rotation and whose classes are renamed (both drawn from the course
secret, so weights trained beforehand are useless), its model must reach a mean loss of at
most ``TRAIN_MAX_LOSS`` on 450 held-out digits mixed the same way; those stay on the trusted
side. Where one batch holds every sample (``batch_size >= N``) any order of the samples gives
the same steps, so there ``train`` is compared with the course's loop itself: with fewer
samples than ``batch_size`` (the last, smaller batch must be taken) and over several epochs.
The questions ``weight_gradient_shape(N, D, K)`` and ``initial_loss(X, y, K)`` are graded on
drawn inputs; ``bias_gradient_sum`` (zero for any input) stays a value question.

The graded code may use ``ce_lib.softmax``; the loss and its gradient, the descent helpers and
the trained model of ``ce_lib.regression`` are absent from its sandbox (the digits come as
arrays).

>>> [test.id for test in TESTS][:2]
['l5_weight_gradient', 'l5_bias_gradient']
>>> [r.name for r in TESTS[2].requirements]
['values', 'penalty', 'bias', 'one_sample']
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Case,
    FunctionTest,
    Requirement,
    ValueTest,
)
from autograder.definitions.questions import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

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


def _weight_gradient_transposed(X, y, W, b):
    # (A - Y)^T X / N, of shape (K, D): the product in the other order (or the right one .T).
    return _logit_gradient(X, y, W, b).T @ np.asarray(X)


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
    data = _digits()
    rows = rng.choice(data.X_train.shape[0], size=n_samples, replace=False)
    W = 0.01 * rng.standard_normal((data.X_train.shape[1], data.n_classes))
    return data.X_train[rows], data.y_train[rows], W, np.zeros(data.n_classes)


def _distinct_sizes(rng):
    # N >= 2 samples, and D != K, so that a transposed gradient has the wrong shape.
    n_samples, n_features = int(rng.integers(2, 21)), int(rng.integers(2, 9))
    n_classes = int(rng.integers(2, 8))
    while n_classes == n_features:
        n_classes = int(rng.integers(2, 8))
    return n_samples, n_features, n_classes


def _public_problems(rng):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    return [
        Case((X, np.array([0, 1, 1]), np.zeros((2, 3)), np.zeros(3)), "3 samples, W = 0, b = 0"),
        Case(_problem(rng, 5, 4, 3), "5 samples, 4 features, 3 classes"),
        Case(_problem(rng, 8, 3, 6, scale=3.0), "8 samples, 3 features, 6 classes"),
        Case(_digits_problem(rng, 20), "20 digits, small random W"),
    ]


def _hidden_problems(rng):
    cases = [_problem(rng, *_distinct_sizes(rng), scale=2.0) for _ in range(3)]
    # A square W (D = K), where only the values tell a transposed gradient apart, and one
    # feature with two classes.
    size = int(rng.integers(2, 7))
    cases.append(_problem(rng, int(rng.integers(2, 21)), size, size, scale=2.0))
    cases.append(_problem(rng, int(rng.integers(2, 21)), 1, 2, scale=2.0))
    cases.append(_digits_problem(rng, int(rng.integers(10, 40))))
    return cases


def _public_single_samples(rng):
    return [Case(_problem(rng, 1, 4, 3), "1 sample, 4 features, 3 classes")]


def _hidden_single_samples(rng):
    return [
        _problem(rng, 1, int(rng.integers(2, 9)), int(rng.integers(2, 8)), scale=2.0)
        for _ in range(2)
    ]


#: How feedback names a swapped shape (in the words of the logits), and what dJ/dW needs.
#: dJ/dW is told in the words of W when an answer has its axes swapped.
_WEIGHT_AXES = "dJ/dW has the shape of W, a row per feature and a column per class"


def _gradient_requirements(formula):
    # The requirements both gradient tests share: a batch of samples, and a single sample.
    return (
        Requirement(
            "values",
            f"{formula}, the mean over a batch of N >= 2 samples",
            0.6,
            _public_problems,
            _hidden_problems,
        ),
        Requirement(
            "one_sample",
            "any batch size, including a single sample (N = 1)",
            0.3,
            _public_single_samples,
            _hidden_single_samples,
        ),
    )


# ----------------------------------------------------------------------- one SGD step


def _stacked(W, b):
    return np.vstack([np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64)])


def _gradients(X, y, W, b):
    G = _logit_gradient(X, y, W, b)
    return np.asarray(X).T @ G, G.sum(axis=0)


def _reference_sgd_step(X, y, W, b, lr, l2):
    grad_W, grad_b = _gradients(X, y, W, b)
    return _stacked(W - lr * (grad_W + l2 * W), b - lr * grad_b)


def _step_probe(logit_gradient):
    # The step a student takes with a wrong gradient G = dJ/dZ (the L2 term kept right).
    def probe(X, y, W, b, lr, l2):
        G = logit_gradient(X, y, W, b)
        return _stacked(W - lr * (np.asarray(X).T @ G + l2 * W), b - lr * G.sum(axis=0))

    return probe


def _step_not_averaged(X, y, W, b, lr, l2):
    # Summed over the batch: both gradients, or one of them.
    n = len(y)
    grad_W, grad_b = _gradients(X, y, W, b)
    return [
        _stacked(W - lr * (n * grad_W + l2 * W), b - lr * n * grad_b),
        _stacked(W - lr * (n * grad_W + l2 * W), b - lr * grad_b),
        _stacked(W - lr * (grad_W + l2 * W), b - lr * n * grad_b),
    ]


def _step_lr_sign(X, y, W, b, lr, l2):
    # Ascent: the whole step, penalty included, added instead of subtracted.
    grad_W, grad_b = _gradients(X, y, W, b)
    return _stacked(W + lr * (grad_W + l2 * W), b + lr * grad_b)


def _step_missing_bias(X, y, W, b, lr, l2):
    grad_W, _ = _gradients(X, y, W, b)
    return _stacked(W - lr * (grad_W + l2 * W), b)


def _step_l2_missing(X, y, W, b, lr, l2):
    grad_W, grad_b = _gradients(X, y, W, b)
    return _stacked(W - lr * grad_W, b - lr * grad_b)


def _step_l2_on_bias(X, y, W, b, lr, l2):
    grad_W, grad_b = _gradients(X, y, W, b)
    return _stacked(W - lr * (grad_W + l2 * W), b - lr * (grad_b + l2 * b))


def _rates(rng):
    return float(rng.uniform(0.05, 2.0)), float(rng.uniform(0.01, 0.5))


def _public_steps(rng):
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 1])
    return [
        Case((X, y, np.zeros((2, 3)), np.zeros(3), 1.0, 0.0), "3 samples, W = 0, b = 0, no L2"),
        Case((*_problem(rng, 5, 4, 3), 0.5, 0.0), "5 samples, 4 features, lr = 0.5, no L2"),
    ]


def _hidden_steps(rng):
    # No penalty (l2 = 0): the descent step itself, on W and on b.
    cases = []
    for _ in range(4):
        _, n_features, n_classes = _distinct_sizes(rng)
        problem = _problem(rng, int(rng.integers(2, 33)), n_features, n_classes, scale=2.0)
        cases.append((*problem, _rates(rng)[0], 0.0))
    X, y, W, _ = _digits_problem(rng, int(rng.integers(10, 60)))
    cases.append((X, y, W, 0.1 * rng.standard_normal(W.shape[1]), 0.5, 0.0))
    return cases


def _penalty_step(rng, n_samples, n_features, n_classes, lr, l2):
    # b = 0: a penalty on the biases changes nothing here, a missing one on W does.
    X, y, W, b = _problem(rng, n_samples, n_features, n_classes, scale=2.0)
    return (X, y, W, np.zeros_like(b), lr, l2)


def _public_penalty_steps(rng):
    return [
        Case(_penalty_step(rng, 5, 4, 3, 0.5, 0.1), "5 samples, b = 0, lr = 0.5, l2 = 0.1"),
        Case((*_digits_problem(rng, 20), 0.5, 1e-3), "20 digits, b = 0, lr = 0.5, l2 = 0.001"),
    ]


def _hidden_penalty_steps(rng):
    cases = [
        _penalty_step(rng, int(rng.integers(2, 33)), *_distinct_sizes(rng)[1:], *_rates(rng))
        for _ in range(3)
    ]
    cases.append((*_digits_problem(rng, int(rng.integers(10, 60))), 0.5, 1e-3))
    return cases


def _bias_step(rng, n_samples, n_features, n_classes, lr, l2):
    # W = 0: the penalty's l2 W is zero, so only a penalty on the biases shows.
    X, y, W, b = _problem(rng, n_samples, n_features, n_classes, scale=2.0)
    return (X, y, np.zeros_like(W), b, lr, l2)


def _public_bias_steps(rng):
    return [Case(_bias_step(rng, 6, 3, 4, 0.5, 0.2), "6 samples, W = 0, b random, l2 = 0.2")]


def _hidden_bias_steps(rng):
    return [
        _bias_step(rng, int(rng.integers(2, 33)), *_distinct_sizes(rng)[1:], *_rates(rng))
        for _ in range(3)
    ]


def _first_step(rng, n_features, n_classes, lr, l2):
    # One sample, from W = 0 and b = 0 as training starts: the shapes alone are at stake
    # (l2 W and l2 b are zero, and a sum over one sample is its mean).
    X, y, W, b = _problem(rng, 1, n_features, n_classes)
    return (X, y, np.zeros_like(W), np.zeros_like(b), lr, l2)


def _public_single_steps(rng):
    return [Case(_first_step(rng, 4, 3, 0.5, 0.1), "1 sample, W = 0, b = 0, l2 = 0.1")]


def _hidden_single_steps(rng):
    return [
        _first_step(rng, int(rng.integers(2, 9)), int(rng.integers(2, 8)), *_rates(rng))
        for _ in range(2)
    ]


# --------------------------------------------------------------------- the training loop

#: What the ``learns`` cases of ``l5_train`` run: one epoch over ``TRAIN_SAMPLES`` digits in
#: batches of ``TRAIN_BATCH``, with ``lr = TRAIN_LR`` and ``l2 = TRAIN_L2``.
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


def _mixed_digits(rng, n_samples, *, mix=True):
    # n_samples training digits, pixels rotated and classes renamed (both drawn), and the
    # rotation and renaming applied to the test digits.
    data = _digits()
    n_features, n_classes = data.X_train.shape[1], data.n_classes
    rows = rng.choice(data.X_train.shape[0], size=n_samples, replace=False)
    if mix:
        rotation = _rotation(rng, n_features)
        names = rng.permutation(n_classes)  # class k is called names[k]
    else:
        rotation, names = np.eye(n_features), np.arange(n_classes)
    X = data.X_train[rows] @ rotation
    y = names[data.y_train[rows]].astype(np.int64)
    return X, y, data.X_test @ rotation, names[data.y_test].astype(np.int64)


def _training_case(rng, label, *, mix):
    X, y, X_eval, y_eval = _mixed_digits(rng, TRAIN_SAMPLES, mix=mix)
    seed = int(rng.integers(0, 2**31))
    args = (X, y, _digits().n_classes, TRAIN_LR, TRAIN_L2, TRAIN_BATCH, 1, seed)
    return TrainingCase(args, label, X_eval=X_eval, y_eval=y_eval)


def _public_trainings(rng):
    return [
        _training_case(rng, "800 digits as they are, one epoch", mix=False),
        _training_case(rng, "800 digits, pixels rotated and classes renamed", mix=True),
    ]


def _hidden_trainings(rng):
    return [_training_case(rng, f"training run {i + 1}", mix=True) for i in range(3)]


def _one_batch_run(rng, n_samples, batch_size, n_epochs):
    # batch_size >= n_samples: each epoch is one step on all the samples, whatever their
    # order, so the result is the course's own loop's to rounding.
    X, y, _, _ = _mixed_digits(rng, n_samples)
    seed = int(rng.integers(0, 2**31))
    return (X, y, _digits().n_classes, TRAIN_LR, TRAIN_L2, batch_size, n_epochs, seed)


def _public_short_runs(rng):
    return [Case(_one_batch_run(rng, 30, 50, 1), "30 digits, batch_size = 50, one epoch")]


def _hidden_short_runs(rng):
    cases = []
    for _ in range(2):
        n_samples = int(rng.integers(10, 50))
        cases.append(_one_batch_run(rng, n_samples, int(rng.integers(n_samples + 1, 100)), 1))
    return cases


def _public_epoch_runs(rng):
    return [Case(_one_batch_run(rng, 40, 40, 3), "40 digits, batch_size = 40, 3 epochs")]


def _hidden_epoch_runs(rng):
    cases = []
    for _ in range(2):
        n_samples = int(rng.integers(20, 60))
        cases.append(_one_batch_run(rng, n_samples, n_samples, int(rng.integers(2, 5))))
    return cases


def _reference_train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
    return _train_with(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, _all_batches)


def _all_batches(order, batch_size):
    return [order[start : start + batch_size] for start in range(0, len(order), batch_size)]


def _train_with(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, batches, *, once=False):
    r"""The course's loop with ``batches(order, batch_size)`` as the batches of each epoch
    (``once``: the loop returns after its first step)."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for batch in batches(order, batch_size):
            step = _reference_sgd_step(X[batch], y[batch], W, b, lr, l2)
            W, b = step[:-1], step[-1]
            if once:
                return _stacked(W, b)
    return _stacked(W, b)


def _train_full_batch(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
    # One step per epoch on every sample (the order only changes the rounding).
    return _train_with(
        X, y, n_classes, lr, l2, batch_size, n_epochs, seed, lambda order, size: [order]
    )


def _train_first_batch(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
    args = (X, y, n_classes, lr, l2, batch_size, n_epochs, seed)
    return [
        # a break after the first batch of each epoch;
        _train_with(*args, lambda order, size: [order[:size]]),
        # a return after the first step;
        _train_with(*args, lambda order, size: [order[:size]], once=True),
        # the first batch_size samples, unshuffled, in each epoch.
        _train_with(*args, lambda order, size: [np.arange(min(size, len(order)))]),
    ]


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
    as its last row. A :class:`TrainingCase` passes when the mean loss of that model on the
    case's held-out digits is at most ``max_loss``; any other case is one whose result does
    not depend on the order of the samples, and is compared with ``reference``, the course's
    own loop (which ``max_loss`` was set from), within the test's tolerances.
    """

    max_loss: float = TRAIN_MAX_LOSS

    def compare(self, case, answer):
        if getattr(case, "X_eval", None) is None:
            return super().compare(case, answer)
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
        if case.hidden:
            return False, f"the trained model's held-out mean loss is above {self.max_loss:g}"
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


def _every_class(rng, n_classes):
    # At least one sample of every class, in a random order.
    n_samples = n_classes + int(rng.integers(0, 10))
    y = rng.permutation(np.resize(np.arange(n_classes), n_samples)).astype(np.int64)
    return rng.standard_normal((n_samples, int(rng.integers(1, 9)))), y


def _some_classes(rng, n_classes, n_samples):
    # Fewer labels than classes, the last class never among them: the loss is log K all the
    # same, while a K counted from the labels (np.unique, y.max() + 1) is smaller.
    y = rng.integers(0, n_classes - 1, size=n_samples).astype(np.int64)
    return rng.standard_normal((n_samples, int(rng.integers(1, 9)))), y, n_classes


def _public_initial(rng):
    data = _digits()
    return [
        Case((data.X_train, data.y_train, 10), "the digits' training set, K = 10"),
        Case((*_every_class(rng, 4), 4), "every class among the labels, K = 4"),
    ]


def _hidden_initial(rng):
    return [(*_every_class(rng, k), k) for k in draw_integers(rng, 2, 60, 4, exclude={4, 10})]


def _public_initial_absent(rng):
    X = rng.standard_normal((3, 2))
    return [Case((X, np.array([0, 2, 2]), 5), "3 samples with labels 0 and 2 only, K = 5")]


def _hidden_initial_absent(rng):
    one, two = draw_integers(rng, 3, 200, 2, exclude={5})
    return [_some_classes(rng, one, 1), _some_classes(rng, two, int(rng.integers(2, two)))]


#: The tolerance of the questions, as their text states it.
_QUESTION_TOLERANCE = {"rtol": PRECISION["rtol"], "atol": PRECISION["atol"]}

TESTS = [
    FunctionTest(
        id="l5_weight_gradient",
        axes=_WEIGHT_AXES,
        lesson=LESSON,
        name="weight_gradient",
        # A gradient: every closed form passes in float64, finite differences do not.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="weight_gradient(X, y, W, b): X^T (A - Y) / N",
        reference=_reference_weight_gradient,
        requirements=_gradient_requirements("X^T (A - Y) / N, of shape (D, K)"),
        misconceptions={
            **{code: _weight_probe(g) for code, g in _MISCONCEPTIONS.items()},
            "transposed_shape": _weight_gradient_transposed,
        },
    ),
    FunctionTest(
        id="l5_bias_gradient",
        lesson=LESSON,
        name="bias_gradient",
        # A gradient: every closed form passes in float64, finite differences do not.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=2,
        description="bias_gradient(X, y, W, b): the mean over the samples of a_i - y_i",
        reference=_reference_bias_gradient,
        requirements=_gradient_requirements("the mean of the rows a_i - Y_i, of shape (K,)"),
        misconceptions={code: _bias_probe(g) for code, g in _MISCONCEPTIONS.items()},
    ),
    FunctionTest(
        id="l5_sgd_step",
        lesson=LESSON,
        name="sgd_step_as_array",
        # Gradients times lr: closed forms in float64 agree to rounding.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=2,
        description="sgd_step(X, y, W, b, lr, l2): W - lr (dJ/dW + l2 W), b - lr dJ/db",
        reference=_reference_sgd_step,
        requirements=(
            Requirement(
                "values",
                "a descent step on W and on b: W - lr dJ/dW, b - lr dJ/db (l2 = 0)",
                0.4,
                _public_steps,
                _hidden_steps,
            ),
            Requirement(
                "penalty",
                "the L2 penalty adds l2 W to the weight gradient (cases with b = 0)",
                0.2,
                _public_penalty_steps,
                _hidden_penalty_steps,
            ),
            Requirement(
                "bias",
                "the biases are not penalised: b - lr dJ/db whatever l2 (cases with W = 0)",
                0.2,
                _public_bias_steps,
                _hidden_bias_steps,
            ),
            Requirement(
                "one_sample",
                "any batch size, including a single sample (N = 1)",
                0.1,
                _public_single_steps,
                _hidden_single_steps,
            ),
        ),
        misconceptions={
            "not_averaged": _step_not_averaged,
            "sign_flipped": _step_probe(lambda X, y, W, b: -_logit_gradient(X, y, W, b)),
            "lr_sign": _step_lr_sign,
            "missing_bias_grad": _step_missing_bias,
            "l2_missing": _step_l2_missing,
            "l2_on_bias": _step_l2_on_bias,
        },
    ),
    TrainingTest(
        id="l5_train",
        lesson=LESSON,
        name="train_as_array",
        # Where a case is compared with the course's loop, the result is a few steps of
        # closed-form gradients: any correct loop agrees to rounding. A probe must reproduce
        # a wrong loop just as closely.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="train(X, y, K, lr, l2, batch_size, n_epochs, seed): mini-batch SGD",
        reference=_reference_train,
        requirements=(
            Requirement(
                "learns",
                "one epoch of mini-batch SGD on 800 rotated digits (batches of 50) reaches a "
                f"held-out mean loss of at most {TRAIN_MAX_LOSS:g}",
                0.5,
                _public_trainings,
                _hidden_trainings,
            ),
            Requirement(
                "last_batch",
                "the last, smaller batch is taken too: with fewer samples than batch_size, an "
                "epoch is one step on all of them",
                0.2,
                _public_short_runs,
                _hidden_short_runs,
            ),
            Requirement(
                "epochs",
                "runs n_epochs epochs: with batch_size = N, n_epochs steps on all the samples",
                0.2,
                _public_epoch_runs,
                _hidden_epoch_runs,
            ),
        ),
        misconceptions={
            "full_batch_epoch": _train_full_batch,
            "first_batch_only": _train_first_batch,
        },
    ),
    FunctionTest(
        id="l5_weight_gradient_shape",
        lesson=LESSON,
        name="weight_gradient_shape",
        points=1,
        description="weight_gradient_shape(N, D, K): the shape of dJ/dW, (D, K)",
        reference=_reference_weight_gradient_shape,
        requirements=(
            Requirement(
                "values",
                "(D, K), the shape of W, whatever N (N, D and K all different)",
                0.9,
                _public_shapes,
                _hidden_shapes,
            ),
        ),
        # The question states its precision: np.allclose(rtol=1e-6, atol=1e-9).
        **_QUESTION_TOLERANCE,
        misconceptions={
            "transposed_shape": lambda n, d, k: np.array([float(k), float(d)]),
        },
    ),
    # A fact that holds for every input: one fixed answer, kept as a value question, scored
    # on that one answer (its one requirement, the right value, is the framework's default).
    ValueTest(
        id="l5_bias_gradient_sum",
        lesson=LESSON,
        name="bias_gradient_sum",
        points=1,
        description="the sum of the entries of dJ/db: 0, for any data and parameters",
        reference=0.0,
        # The question states its precision: np.allclose(rtol=1e-6, atol=1e-9).
        **_QUESTION_TOLERANCE,
    ),
    FunctionTest(
        id="l5_initial_loss",
        lesson=LESSON,
        name="initial_loss",
        points=1,
        description="initial_loss(X, y, K): the mean loss of W = 0, b = 0, log K",
        reference=_reference_initial_loss,
        requirements=(
            Requirement(
                "values",
                "log K for any data, with every class among the labels",
                0.6,
                _public_initial,
                _hidden_initial,
            ),
            Requirement(
                "absent_classes",
                "K is n_classes, also when some classes have no sample (N = 1 included)",
                0.3,
                _public_initial_absent,
                _hidden_initial_absent,
            ),
        ),
        # The question states its precision: np.allclose(rtol=1e-6, atol=1e-9).
        **_QUESTION_TOLERANCE,
        misconceptions={"missing_log": lambda X, y, k: [1.0 / k, 1.0 - 1.0 / k]},
    ),
]
