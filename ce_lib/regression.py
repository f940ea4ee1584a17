r"""Softmax regression on scikit-learn's bundled digits (no download).

A linear model :math:`Z = X W + b` with :math:`A = \operatorname{softmax}(Z)`, trained by
full-batch gradient descent on the mean cross-entropy. The gradient flows back through
the logits:

.. math::

    \frac{\partial J}{\partial Z} = \frac{A - Y}{N}, \qquad
    \frac{\partial J}{\partial W} = \frac{X^\top (A - Y)}{N}, \qquad
    \frac{\partial J}{\partial b} = \frac{1}{N} \sum_i (a_i - y_i),

with :math:`\partial J / \partial Z` from :func:`ce_lib.cross_entropy_with_grad`.

Typical use::

    data = load_digits_split()
    model = SoftmaxRegression().fit(data.X_train, data.y_train)
    accuracy(data.y_test, model.predict(data.X_test))
"""

from __future__ import annotations

import numbers

import numpy as np

from ce_lib.cross_entropy import cross_entropy, cross_entropy_with_grad
from ce_lib.digits import DigitsSplit, load_digits_split
from ce_lib.softmax import softmax
from ce_lib.validation import check_features, check_labels, check_scalar

__all__ = [
    "DigitsSplit",
    "SoftmaxRegression",
    "accuracy",
    "load_digits_split",
    "weights_as_images",
]


class SoftmaxRegression:
    r"""Linear softmax classifier trained by full-batch gradient descent.

    Each step computes :math:`G = \partial J / \partial Z = (A - Y) / N` with
    :func:`ce_lib.cross_entropy_with_grad`, then
    :math:`W \leftarrow W - \mathrm{lr}\,(X^\top G + \lambda W)` and
    :math:`b \leftarrow b - \mathrm{lr} \sum_i G_i`, where :math:`\lambda` is ``l2``
    (the gradient of :math:`\tfrac{\lambda}{2}\lVert W \rVert^2`; 0 disables it).
    ``momentum`` > 0 adds heavy-ball momentum; the default is plain gradient descent.

    Parameters
    ----------
    lr : float, default 0.5
    n_steps : int, default 300
    momentum : float, default 0.0
        In [0, 1); 0 gives plain gradient descent.
    l2 : float, default 1e-3
    label_smoothing : float, default 0.0

    Attributes
    ----------
    W_ : ndarray, shape (n_features, n_classes)
    b_ : ndarray, shape (n_classes,)
    losses_ : ndarray, shape (n_steps + 1,)
        Mean training cross-entropy (without the ``l2`` term) before each step and after
        the last.
    n_classes_ : int

    Examples
    --------
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [0.9, 0.1], [0.1, 0.8]])
    >>> model = SoftmaxRegression(n_steps=50).fit(X, [1, 0, 0, 1])
    >>> model.predict(X).tolist()
    [1, 0, 0, 1]
    """

    def __init__(self, *, lr=0.5, n_steps=300, momentum=0.0, l2=1e-3, label_smoothing=0.0):
        self.lr = lr
        self.n_steps = n_steps
        self.momentum = momentum
        self.l2 = l2
        self.label_smoothing = label_smoothing

    def _check_params(self):
        check_scalar(self.lr, "lr", numbers.Real, min_val=0, include_boundaries="neither")
        check_scalar(self.n_steps, "n_steps", numbers.Integral, min_val=0)
        check_scalar(self.momentum, "momentum", numbers.Real, min_val=0, max_val=1,
                     include_boundaries="left")  # fmt: skip
        check_scalar(self.l2, "l2", numbers.Real, min_val=0)

    def fit(self, X, y, *, n_classes=None):
        """Train on ``X`` ``(N, D)`` and integer labels ``y`` ``(N,)``; returns ``self``."""
        self._check_params()
        X = check_features(X)
        y = check_labels(y, n_samples=X.shape[0])
        if n_classes is None:
            n_classes = int(y.max()) + 1
        # Every label is a class, and a softmax needs two.
        n_classes = check_scalar(n_classes, "n_classes", numbers.Integral,
                                 min_val=max(2, int(y.max()) + 1))  # fmt: skip
        W = np.zeros((X.shape[1], n_classes))
        b = np.zeros(n_classes)
        velocity_W, velocity_b = np.zeros_like(W), np.zeros_like(b)
        losses = np.empty(self.n_steps + 1)
        for step in range(self.n_steps + 1):
            loss, G = cross_entropy_with_grad(X @ W + b, y, label_smoothing=self.label_smoothing)
            losses[step] = loss
            if step == self.n_steps:
                break
            velocity_W = self.momentum * velocity_W - self.lr * (X.T @ G + self.l2 * W)
            velocity_b = self.momentum * velocity_b - self.lr * G.sum(axis=0)
            W += velocity_W
            b += velocity_b
        self.W_, self.b_, self.losses_, self.n_classes_ = W, b, losses, n_classes
        return self

    def _check_fitted(self, X):
        if not hasattr(self, "W_"):
            raise ValueError("This SoftmaxRegression is not fitted yet: call fit(X, y) first.")
        X = check_features(X)
        if X.shape[1] != self.W_.shape[0]:
            raise ValueError(
                f"X: expected {self.W_.shape[0]} features as in training, got {X.shape[1]}."
            )
        return X

    def decision_function(self, X):
        """Logits ``Z = X W + b``, shape (n_samples, n_classes)."""
        X = self._check_fitted(X)
        return X @ self.W_ + self.b_

    def predict_proba(self, X):
        """Class probabilities ``softmax(X W + b)``."""
        return softmax(self.decision_function(X), axis=-1)

    def predict(self, X):
        """The most probable class of each sample."""
        return np.argmax(self.decision_function(X), axis=1)

    def loss(self, X, y):
        """Mean cross-entropy on ``(X, y)``."""
        Z = self.decision_function(X)
        return float(cross_entropy(Z, check_labels(y, n_samples=Z.shape[0])))

    def score(self, X, y):
        """Accuracy on ``(X, y)``."""
        return accuracy(y, self.predict(X))


def accuracy(y_true, y_pred):
    """Fraction of samples whose predicted label equals the true one.

    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    """
    y_true = check_labels(y_true, "y_true")
    y_pred = check_labels(y_pred, "y_pred", n_samples=y_true.shape[0])
    return float(np.mean(y_true == y_pred))


def weights_as_images(W, image_shape=(8, 8)):
    """Each class's weight column reshaped to an image: ``(n_classes, *image_shape)``.

    >>> weights_as_images(np.zeros((64, 10))).shape
    (10, 8, 8)
    """
    try:
        W = np.asarray(W, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"W: expected a real array (n_features, n_classes), got {W!r}.") from error
    if (
        not isinstance(image_shape, tuple)
        or len(image_shape) != 2
        or not all(isinstance(v, numbers.Integral) and v > 0 for v in image_shape)
    ):
        raise ValueError(
            f"image_shape: expected a tuple of two positive ints, got {image_shape!r}."
        )
    n_pixels = image_shape[0] * image_shape[1]
    if W.ndim != 2 or W.shape[0] != n_pixels:
        raise ValueError(
            f"W: expected shape ({n_pixels}, n_classes) for {tuple(image_shape)} images, "
            f"got {W.shape}."
        )
    return W.T.reshape(W.shape[1], *image_shape)
