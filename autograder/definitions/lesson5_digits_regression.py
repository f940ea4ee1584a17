r"""Graded tests of lesson 5: softmax regression on scikit-learn's digits.

For inputs ``X`` of shape ``(N, D)``, integer labels ``y`` of shape ``(N,)``, weights ``W`` of
shape ``(D, K)`` and biases ``b`` of shape ``(K,)``, the mean loss of the linear model
:math:`Z = X W + b` has the gradients

.. math::

    \frac{\partial J}{\partial W} = \frac{X^\top (A - Y)}{N}, \qquad
    \frac{\partial J}{\partial b} = \frac{1}{N} \sum_i (a_i - y_i),

with :math:`A = \operatorname{softmax}(Z)` and :math:`Y` the one-hot labels. The references
compute :math:`(A - Y)/N` with :func:`ce_lib.cross_entropy_grad`. The graded code may use
``ce_lib.softmax``; the loss and its gradient, the descent helpers and the trained model of
``ce_lib.regression`` are absent from its sandbox (the digits come as arrays).

>>> [test.id for test in TESTS][:2]
['l5_weight_gradient', 'l5_bias_gradient']
"""

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Case,
    FunctionTest,
    ValueTest,
)
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
    ValueTest(
        id="l5_weight_gradient_shape",
        lesson=LESSON,
        name="weight_gradient_shape",
        points=1,
        description="the shape of dJ/dW for the digits: (64, 10)",
        reference=np.array([64.0, 10.0]),
        misconceptions={"wrong_axis": np.array([10.0, 64.0])},
    ),
    ValueTest(
        id="l5_bias_gradient_sum",
        lesson=LESSON,
        name="bias_gradient_sum",
        points=1,
        description="the sum of the entries of dJ/db: 0",
        reference=0.0,
    ),
    ValueTest(
        id="l5_initial_loss",
        lesson=LESSON,
        name="initial_loss",
        points=1,
        description="the mean loss of W = 0, b = 0 on 10 classes: log 10",
        reference=float(np.log(10.0)),
        misconceptions={"missing_log": [0.1, 0.9]},
    ),
]
