r"""Graded tests of lesson 6: beyond one-hot targets.

For a batch of logits ``z`` of shape ``(N, K)``, ``a = softmax(z)`` row by row, and the
mean over the batch:

* label smoothing ``eps`` turns label ``y`` into the target
  :math:`t = (1 - \varepsilon)\,\operatorname{onehot}(y) + \varepsilon / K`;
* class weights ``w`` give the weighted mean
  :math:`J = \sum_i w_{y_i} \ell_i / \sum_i w_{y_i}`, whose gradient row ``i`` is
  :math:`w_{y_i} (a_i - \operatorname{onehot}(y_i)) / \sum_j w_{y_j}`;
* a soft target ``t`` (non-negative, rows not necessarily summing to one) gives
  :math:`J = -\frac1N \sum_i \sum_k t_{ik} \log a_{ik}` with the gradient
  :math:`(a \textstyle\sum_k t_k - t) / N`;
* temperature ``T`` gives :math:`J = \operatorname{CE}(z / T, y)` with the gradient
  :math:`(\operatorname{softmax}(z / T) - \operatorname{onehot}(y)) / (N T)`.

The references use ce_lib's options (``label_smoothing``, ``weight``) where ce_lib has them.
The questions of "check your understanding" are small functions (``smoothed_gap(eps, K)``,
``binary_gradient(a_1, y)``, ``hot_probability(K)``) graded on inputs drawn from the course
secret within ``rtol=1e-6, atol=1e-9``, the precision the lesson states. The graded code may
use ``ce_lib.softmax``; ``ce_lib.cross_entropy`` (whose options compute every answer), the
descent helpers and SciPy are absent from its sandbox.

>>> [test.id for test in TESTS][:2]
['l6_smoothed_targets', 'l6_weighted_grad']
"""

import numpy as np

from autograder.definitions.framework import GRADIENT_ATOL, GRADIENT_RTOL, Case, FunctionTest
from autograder.definitions.lesson1_softmax_loss import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

LESSON = "lesson6_beyond_one_hot"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
    absent=("cross_entropy", "symbolic", "dynamics", "regression"),
    shims=("scipy.special.expit",),
)


def _softmax(z):
    from ce_lib import softmax

    return softmax(np.asarray(z, dtype=np.float64))


def _onehot(y, n_classes):
    onehot = np.zeros((len(y), n_classes))
    onehot[np.arange(len(y)), y] = 1.0
    return onehot


# ----------------------------------------------------------------------- label smoothing


def _reference_smoothed(y, n_classes, eps):
    from ce_lib.dynamics import smoothed_target

    return np.array([smoothed_target(int(label), int(n_classes), float(eps)) for label in y])


def _public_smoothing(rng):
    return [
        Case((np.array([0, 2]), 4, 0.1), "y = [0, 2], K = 4, eps = 0.1"),
        Case((rng.integers(0, 10, size=6).astype(np.int64), 10, 0.2), "6 labels, K = 10"),
        Case((np.array([1]), 3, 0.0), "eps = 0 gives the one-hot rows"),
        Case((np.array([0, 1]), 2, 1.0), "eps = 1 gives uniform rows"),
    ]


def _hidden_smoothing(rng):
    cases = []
    for _ in range(5):
        n_classes = int(rng.integers(2, 12))
        y = rng.integers(0, n_classes, size=int(rng.integers(1, 9))).astype(np.int64)
        cases.append((y, n_classes, float(rng.uniform(0.0, 0.5))))
    return cases


# ------------------------------------------------------------------------- class weights


def _reference_weighted(z, y, weight):
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(z, y, weight=weight)


def _weighted_not_averaged(z, y, weight):
    return (_softmax(z) - _onehot(y, z.shape[1])) * weight[y][:, None]


def _weights(rng, n_classes):
    return rng.uniform(0.2, 5.0, size=n_classes)


def _public_weighted(rng):
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    return [
        Case((z, np.array([0, 2]), np.array([1.0, 1.0, 1.0])), "equal weights: the plain mean"),
        Case((z, np.array([0, 2]), np.array([3.0, 1.0, 1.0])), "class 0 weighs 3"),
        Case(
            (
                3.0 * rng.standard_normal((6, 4)),
                rng.integers(0, 4, 6).astype(np.int64),
                _weights(rng, 4),
            ),
            "6 samples, 4 classes, random weights",
        ),
    ]


def _hidden_weighted(rng):
    cases = []
    for _ in range(5):
        n_samples, n_classes = int(rng.integers(1, 9)), int(rng.integers(2, 8))
        z = 3.0 * rng.standard_normal((n_samples, n_classes))
        y = rng.integers(0, n_classes, size=n_samples).astype(np.int64)
        cases.append((z, y, _weights(rng, n_classes)))
    return cases


# -------------------------------------------------------------------------- soft targets


def _reference_soft(z, t):
    t = np.asarray(t, dtype=np.float64)
    a = _softmax(z)
    return (a * t.sum(axis=1, keepdims=True) - t) / t.shape[0]


def _soft_sign_flipped(z, t):
    return -_reference_soft(z, t)


def _soft_not_averaged(z, t):
    return _reference_soft(z, t) * t.shape[0]


def _soft_targets(rng, n_samples, n_classes, normalised):
    t = rng.uniform(0.0, 1.0, size=(n_samples, n_classes))
    t[rng.uniform(size=t.shape) < 0.3] = 0.0
    if normalised:
        t[:, 0] += 1e-3  # no empty row
        t /= t.sum(axis=1, keepdims=True)
    return t


def _public_soft(rng):
    z = np.array([[1.0, 2.0, 0.5, -1.0]])
    return [
        Case((z, np.array([[0.5, 0.5, 0.0, 0.0]])), "t = [0.5, 0.5, 0, 0]: a - t"),
        Case((z, np.array([[1.0, 1.0, 0.0, 0.0]])), "t = [1, 1, 0, 0]: two labels"),
        Case(
            (3.0 * rng.standard_normal((5, 3)), _soft_targets(rng, 5, 3, True)), "5 distributions"
        ),
        Case(
            (3.0 * rng.standard_normal((4, 6)), _soft_targets(rng, 4, 6, False)),
            "4 rows that do not sum to one",
        ),
    ]


def _hidden_soft(rng):
    cases = []
    for normalised in (True, False, True, False, False):
        n_samples, n_classes = int(rng.integers(1, 9)), int(rng.integers(2, 8))
        z = 3.0 * rng.standard_normal((n_samples, n_classes))
        cases.append((z, _soft_targets(rng, n_samples, n_classes, normalised)))
    return cases


# --------------------------------------------------------------------------- temperature


def _reference_temperature(z, y, T):
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(np.asarray(z, dtype=np.float64) / T, y) / T


def _temperature_sign_flipped(z, y, T):
    return -_reference_temperature(z, y, T)


def _public_temperature(rng):
    z = np.array([[1.0, 2.0, 0.5]])
    return [
        Case((z, np.array([0]), 1.0), "T = 1: the usual gradient"),
        Case((z, np.array([0]), 2.0), "T = 2"),
        Case(
            (3.0 * rng.standard_normal((4, 5)), rng.integers(0, 5, 4).astype(np.int64), 0.5),
            "4 samples, 5 classes, T = 0.5",
        ),
    ]


def _hidden_temperature(rng):
    cases = []
    for _ in range(5):
        n_samples, n_classes = int(rng.integers(1, 9)), int(rng.integers(2, 8))
        z = 3.0 * rng.standard_normal((n_samples, n_classes))
        y = rng.integers(0, n_classes, size=n_samples).astype(np.int64)
        cases.append((z, y, float(rng.choice([0.25, 0.5, 2.0, 3.0, 10.0]))))
    return cases


# ------------------------------------------------------------ check your understanding


def _reference_smoothed_gap(eps, n_classes):
    # Descent stops at a = t, and a_y / a_n = exp(z_y - z_n).
    from ce_lib.dynamics import smoothed_target

    t = smoothed_target(0, int(n_classes), float(eps))
    return float(np.log(t[0] / t[1]))


def _public_gaps(rng):
    return [Case((0.1, 10), "eps = 0.1, K = 10"), Case((0.2, 4), "eps = 0.2, K = 4")]


def _hidden_gaps(rng):
    counts = draw_integers(rng, 2, 201, 5)
    return [(float(rng.uniform(0.01, 0.6)), k) for k in counts]


def _reference_binary_gradient(a_1, y):
    # The gradient a - onehot(y), entry 1.
    return a_1 - float(y)


def _public_binary(rng):
    return [Case((0.8, 1), "a_1 = 0.8, y = 1"), Case((0.3, 0), "a_1 = 0.3, y = 0")]


def _hidden_binary(rng):
    return [(float(rng.uniform(0.01, 0.99)), int(y)) for y in (0, 1, 1, 0, int(rng.integers(2)))]


def _reference_hot_probability(n_classes):
    return 1.0 / n_classes


def _public_class_counts(rng):
    return [Case((4,), "K = 4"), Case((2,), "K = 2")]


def _hidden_class_counts(rng):
    return [(k,) for k in draw_integers(rng, 3, 1001, 5, exclude={4})]


TESTS = [
    FunctionTest(
        id="l6_smoothed_targets",
        lesson=LESSON,
        name="smoothed_targets",
        points=2,
        description="smoothed_targets(y, n_classes, eps): (1 - eps) onehot(y) + eps / K",
        reference=_reference_smoothed,
        public=_public_smoothing,
        hidden=_hidden_smoothing,
    ),
    FunctionTest(
        id="l6_weighted_grad",
        lesson=LESSON,
        name="weighted_grad",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="weighted_grad(z, y, weight): w_y (a - onehot(y)) / sum of w_y",
        reference=_reference_weighted,
        public=_public_weighted,
        hidden=_hidden_weighted,
        misconceptions={"not_averaged": _weighted_not_averaged},
    ),
    FunctionTest(
        id="l6_soft_target_grad",
        lesson=LESSON,
        name="soft_target_grad",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="soft_target_grad(z, t): (a sum(t) - t) / N for any non-negative t",
        reference=_reference_soft,
        public=_public_soft,
        hidden=_hidden_soft,
        misconceptions={
            "sign_flipped": _soft_sign_flipped,
            "not_averaged": _soft_not_averaged,
        },
    ),
    FunctionTest(
        id="l6_temperature_grad",
        lesson=LESSON,
        name="temperature_grad",
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=2,
        description="temperature_grad(z, y, T): (softmax(z / T) - onehot(y)) / (N T)",
        reference=_reference_temperature,
        public=_public_temperature,
        hidden=_hidden_temperature,
        misconceptions={"sign_flipped": _temperature_sign_flipped},
    ),
    FunctionTest(
        id="l6_smoothed_gap",
        lesson=LESSON,
        name="smoothed_gap",
        points=1,
        description="smoothed_gap(eps, K): where descent stops, log((1 - eps + eps/K) / (eps/K))",
        reference=_reference_smoothed_gap,
        public=_public_gaps,
        hidden=_hidden_gaps,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
    ),
    FunctionTest(
        id="l6_binary_gradient",
        lesson=LESSON,
        name="binary_gradient",
        points=1,
        description="binary_gradient(a_1, y): dJ/dz_1 for K = 2, a_1 - y",
        reference=_reference_binary_gradient,
        public=_public_binary,
        hidden=_hidden_binary,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        misconceptions={
            "sign_flipped": lambda a_1, y: y - a_1,
            "sigmoid_derivative": lambda a_1, y: a_1 * (1.0 - a_1),
        },
    ),
    FunctionTest(
        id="l6_hot_probability",
        lesson=LESSON,
        name="hot_probability",
        points=1,
        description="hot_probability(K): softmax(z / T) of K classes as T grows, 1/K each",
        reference=_reference_hot_probability,
        public=_public_class_counts,
        hidden=_hidden_class_counts,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
    ),
]
