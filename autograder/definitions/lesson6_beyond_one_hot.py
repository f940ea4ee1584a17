r"""Graded tests of lesson 6: beyond one-hot targets.

For a batch of logits ``z`` of shape ``(N, K)``, ``a = softmax(z)`` row by row, and the
mean over the batch:

* label smoothing ``eps`` turns label ``y`` into the target
  :math:`t = (1 - \varepsilon)\,\operatorname{onehot}(y) + \varepsilon / K`;
* the entropy of a target, :math:`H(t) = -\sum_k t_k \log t_k` with :math:`0 \log 0 = 0`, and
  the divergence of the model from it,
  :math:`\mathrm{KL}(t \,\Vert\, \operatorname{softmax}(z)) = \sum_k t_k (\log t_k - \log a_k)`,
  in nats; the cross-entropy is their sum, :math:`\mathrm{CE}(t, a) = H(t) + \mathrm{KL}(t
  \,\Vert\, a)`, derived in SymPy for ``K = 3``;
* class weights ``w`` give the weighted mean
  :math:`J = \sum_i w_{y_i} \ell_i / \sum_i w_{y_i}`, whose gradient row ``i`` is
  :math:`w_{y_i} (a_i - \operatorname{onehot}(y_i)) / \sum_j w_{y_j}`;
* a soft target ``t`` (non-negative, rows not necessarily summing to one) gives
  :math:`J = -\frac1N \sum_i \sum_k t_{ik} \log a_{ik}` with the gradient
  :math:`(a \textstyle\sum_k t_k - t) / N`;
* temperature ``T`` gives :math:`J = \operatorname{CE}(z / T, y)` with the gradient
  :math:`(\operatorname{softmax}(z / T) - \operatorname{onehot}(y)) / (N T)`.

Each test lists what its exercise asks (the requirements), each checked by cases built to
break the answers that skip it: one sample (``N = 1``), logits near +-1000, targets that do
not sum to one, targets with zero entries, unequal weights, ``T != 1``. The references use
ce_lib's options (``label_smoothing``, ``weight``) where ce_lib has them. The questions of
"check your understanding" are small functions (``smoothed_gap(eps, K)``,
``binary_gradient(a_1, y)``, ``hot_probability(K)``) graded on inputs drawn from the course
secret within ``rtol=1e-6, atol=1e-9``, the precision the lesson states. The graded code may
use ``ce_lib.softmax`` and ``ce_lib.log_softmax``; ``ce_lib.cross_entropy`` (whose options
compute every answer), the descent helpers and SciPy are absent from its sandbox.

>>> [test.id for test in TESTS][:2]
['l6_smoothed_targets', 'l6_ce_minus_entropy']
"""

import numpy as np

from autograder.definitions.framework import (
    GRADIENT_ATOL,
    GRADIENT_RTOL,
    Alternatives,
    Case,
    ExpressionTest,
    FunctionTest,
    Requirement,
)
from autograder.definitions.questions import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

LESSON = "lesson6_beyond_one_hot"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
    absent=("cross_entropy", "symbolic", "dynamics", "regression"),
    shims=("scipy.special.expit",),
)

#: The tolerance of the questions, as the lesson states it.
QUESTION_TOLERANCE = {"rtol": PRECISION["rtol"], "atol": PRECISION["atol"]}


def _softmax(z):
    from ce_lib import softmax

    return softmax(np.asarray(z, dtype=np.float64))


def _log_softmax(z):
    from ce_lib import log_softmax

    return log_softmax(np.asarray(z, dtype=np.float64))


def _unstable_softmax(z):
    # exp without the max shift: inf / inf is NaN where a logit is above about 709.8.
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum(axis=-1, keepdims=True)


def _onehot(y, n_classes):
    onehot = np.zeros((len(y), n_classes))
    onehot[np.arange(len(y)), y] = 1.0
    return onehot


def _logits(rng, n_samples, n_classes):
    return 3.0 * rng.standard_normal((n_samples, n_classes))


def _labels(rng, n_samples, n_classes):
    return rng.integers(0, n_classes, size=n_samples).astype(np.int64)


def _large_logits(rng, n_samples, n_classes):
    # Rows from -1000 to 1000 with one logit above 720 (exp overflows) and one within +-300
    # (exp is finite): a softmax without the max shift gives NaN on the large ones and finite
    # numbers on the others, so its answer is recognisable.
    z = rng.uniform(-1000.0, 1000.0, size=(n_samples, n_classes))
    for row in z:
        high, middle = rng.choice(n_classes, size=2, replace=False)
        row[high] = rng.uniform(720.0, 1000.0)
        row[middle] = rng.uniform(-300.0, 300.0)
    return z


def _labels_off_the_maximum(rng, z):
    # The largest logit's probability rounds to 1, so a label there makes the row's
    # gradient exactly 0 whatever the formula; labels elsewhere keep every row telling.
    return np.array(
        [rng.choice(np.delete(np.arange(z.shape[1]), np.argmax(row))) for row in z],
        dtype=np.int64,
    )


def _sizes(rng, low=2):
    return int(rng.integers(low, 9)), int(rng.integers(2, 8))


# ----------------------------------------------------------------------- label smoothing


def _reference_smoothed(y, n_classes, eps):
    from ce_lib.dynamics import smoothed_target

    return np.array([smoothed_target(int(label), int(n_classes), float(eps)) for label in y])


def _smoothed_own_class(y, n_classes, eps):
    # eps spread over the K - 1 other classes, or eps / K with t_y = 1 - eps.
    onehot = _onehot(y, n_classes)
    others = (1.0 - eps) * onehot + (1.0 - onehot) * eps / (n_classes - 1)
    kept = (1.0 - eps) * onehot + (1.0 - onehot) * eps / n_classes
    return [others, kept]


def _public_smoothing(rng):
    return [
        Case((np.array([0, 2]), 4, 0.1), "y = [0, 2], K = 4, eps = 0.1"),
        Case((rng.integers(0, 10, size=6).astype(np.int64), 10, 0.2), "6 labels, K = 10"),
        Case((np.array([1, 0]), 3, 0.0), "eps = 0 gives the one-hot rows"),
        Case((np.array([0, 1]), 2, 1.0), "eps = 1 gives uniform rows"),
    ]


def _hidden_smoothing(rng):
    cases = []
    for _ in range(5):
        n_samples, n_classes = int(rng.integers(2, 9)), int(rng.integers(2, 12))
        cases.append((_labels(rng, n_samples, n_classes), n_classes, float(rng.uniform(0.05, 0.5))))
    return cases


def _public_smoothing_one(rng):
    return [Case((np.array([2]), 5, 0.2), "one sample: y = [2], K = 5, eps = 0.2")]


def _hidden_smoothing_one(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(2, 12))
        cases.append((_labels(rng, 1, n_classes), n_classes, float(rng.uniform(0.05, 0.5))))
    return cases


# ---------------------------------------------------------- entropy, divergence, identity


def _entropy_terms(t):
    # -t_k log t_k with 0 log 0 = 0.
    t = np.asarray(t, dtype=np.float64)
    terms = np.zeros_like(t)
    positive = t > 0
    terms[positive] = -t[positive] * np.log(t[positive])
    return terms


def _reference_entropy(t):
    return float(_entropy_terms(t).sum())


def _naive_is_finite(t, z=None):
    # Whether the formula without the guards (0 log 0 as NaN, log of an underflowed
    # probability as -inf) stays finite: only then must a probe's value be finite.
    t = np.asarray(t, dtype=np.float64)
    if np.any(t == 0):
        return False
    return z is None or bool(np.all(_softmax(z) > 0))


def _with_guards(values, t, z=None):
    # A probe's values, and NaN (any non-finite answer) where the unguarded formula is not
    # finite: the probe claims its own slip, not the guards of the other requirements.
    return list(values) if _naive_is_finite(t, z) else [*values, np.nan]


def _entropy_log_base(t):
    h = _reference_entropy(t)
    return _with_guards([h / np.log(2.0), h / np.log(10.0)], t)


def _distribution(rng, n_classes):
    return rng.dirichlet(np.ones(n_classes))


def _with_zeros(rng, n_classes):
    # At least one zero and at least two positive entries (H > 0).
    t = rng.dirichlet(np.ones(n_classes))
    zeros = rng.choice(n_classes, size=int(rng.integers(1, n_classes - 1)), replace=False)
    t[zeros] = 0.0
    return t / t.sum()


def _one_hot_row(rng, n_classes):
    t = np.zeros(n_classes)
    t[rng.integers(n_classes)] = 1.0
    return t


def _public_entropy(rng):
    return [
        Case((np.full(4, 0.25),), "uniform over 4 classes: log 4"),
        Case((np.array([0.925, 0.025, 0.025, 0.025]),), "the smoothed target of lesson 4"),
        Case((_distribution(rng, 6),), "a distribution over 6 classes"),
    ]


def _hidden_entropy(rng):
    return [(_distribution(rng, int(rng.integers(2, 11))),) for _ in range(4)]


def _public_entropy_zeros(rng):
    return [
        Case((np.array([0.5, 0.5, 0.0, 0.0]),), "t = [0.5, 0.5, 0, 0]: log 2"),
        Case((np.array([0.0, 1.0, 0.0]),), "one-hot: 0"),
    ]


def _hidden_entropy_zeros(rng):
    # No one-hot target here: its entropy 0 is what a blank answer returns.
    return [(_with_zeros(rng, int(rng.integers(3, 11))),) for _ in range(4)]


def _reference_kl(t, z):
    t = np.asarray(t, dtype=np.float64)
    log_a = _log_softmax(z)
    positive = t > 0
    return float(np.sum(t[positive] * (np.log(t[positive]) - log_a[positive])))


def _kl_log_base(t, z):
    kl = _reference_kl(t, z)
    return _with_guards([kl / np.log(2.0), kl / np.log(10.0)], t, z)


def _kl_swapped(t, z):
    # KL(a || t) = sum_k a_k (log a_k - log t_k): inf where t_k = 0 < a_k.
    t = np.asarray(t, dtype=np.float64)
    log_a = _log_softmax(z)
    a = np.exp(log_a)
    positive = a > 0
    with np.errstate(divide="ignore"):
        value = float(np.sum(a[positive] * (log_a[positive] - np.log(t[positive]))))
    return _with_guards([value], t, z)


def _kl_cross_entropy(t, z):
    # The whole cross-entropy -sum_k t_k log a_k: the floor H(t) taken as 0.
    t = np.asarray(t, dtype=np.float64)
    return _with_guards([float(-np.sum(t * _log_softmax(z)))], t, z)


def _public_kl(rng):
    return [
        Case((np.full(3, 1 / 3), np.zeros(3)), "t = a, uniform: 0"),
        Case(
            (np.array([0.925, 0.025, 0.025, 0.025]), np.array([1.0, 2.0, 0.5, -1.0])),
            "lesson 4's smoothed target and logits",
        ),
        Case((_distribution(rng, 5), 3.0 * rng.standard_normal(5)), "5 classes"),
    ]


def _hidden_kl(rng):
    cases = []
    for _ in range(4):
        n_classes = int(rng.integers(2, 11))
        cases.append((_distribution(rng, n_classes), 3.0 * rng.standard_normal(n_classes)))
    return cases


def _public_kl_zeros(rng):
    return [
        Case((np.array([0.5, 0.5, 0.0, 0.0]), np.array([1.0, 2.0, 0.5, -1.0])), "t has zeros"),
        Case((np.array([0.0, 1.0, 0.0]), np.array([0.5, 1.5, -1.0])), "one-hot t: -log a_y"),
    ]


def _hidden_kl_zeros(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(3, 11))
        cases.append((_with_zeros(rng, n_classes), 3.0 * rng.standard_normal(n_classes)))
    n_classes = int(rng.integers(2, 11))
    cases.append((_one_hot_row(rng, n_classes), 3.0 * rng.standard_normal(n_classes)))
    return cases


def _large_kl(rng, n_classes):
    # Logits from -1000 to 1000: t puts mass on a class whose probability underflows to 0
    # (log a_k near -1000 is finite only as z_k - logsumexp(z)). No entry of t is zero, so
    # these cases test the underflow alone, not the 0 log 0 of the zero entries.
    z = _large_logits(rng, 1, n_classes)[0]
    z[int(rng.integers(n_classes))] = rng.uniform(-1000.0, -800.0)
    t = rng.dirichlet(np.ones(n_classes))
    t[np.argmin(z)] += 0.1
    return t / t.sum(), z


def _public_kl_large(rng):
    return [Case(_large_kl(rng, 4), "logits from -1000 to 1000: a_k underflows to 0")]


def _hidden_kl_large(rng):
    return [_large_kl(rng, int(rng.integers(3, 9))) for _ in range(2)]


#: The symbols of the SymPy exercise, named as the lesson names them.
IDENTITY_CLASSES = 3
T_SYMBOLS = tuple(f"t_{k}" for k in range(1, IDENTITY_CLASSES + 1))
A_SYMBOLS = tuple(f"a_{k}" for k in range(1, IDENTITY_CLASSES + 1))


def _identity_symbols():
    import sympy

    t = sympy.symbols(" ".join(T_SYMBOLS), positive=True)
    a = sympy.symbols(" ".join(A_SYMBOLS), positive=True)
    return t, a


def _reference_kl_expression():
    import sympy

    t, a = _identity_symbols()
    return sum(t_k * sympy.log(t_k / a_k) for t_k, a_k in zip(t, a, strict=True))


def _kl_expression_log_base():
    import sympy

    kl = _reference_kl_expression()
    return Alternatives([kl / sympy.log(2), kl / sympy.log(10)])


def _kl_expression_swapped():
    import sympy

    t, a = _identity_symbols()
    return sum(a_k * sympy.log(a_k / t_k) for t_k, a_k in zip(t, a, strict=True))


def _kl_expression_cross_entropy():
    import sympy

    t, a = _identity_symbols()
    return -sum(t_k * sympy.log(a_k) for t_k, a_k in zip(t, a, strict=True))


def _identity_points(count, *, normalised):
    def draw(rng):
        points = []
        for _ in range(count):
            t = rng.dirichlet(np.ones(IDENTITY_CLASSES))
            if not normalised:
                t = t * rng.uniform(0.3, 3.0)
            a = rng.dirichlet(np.ones(IDENTITY_CLASSES))
            point = dict(zip(T_SYMBOLS, (float(v) for v in t), strict=True))
            point.update(zip(A_SYMBOLS, (float(v) for v in a), strict=True))
            points.append(point)
        return points

    return draw


# ------------------------------------------------------------------------- class weights


def _reference_weighted(z, y, weight):
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(z, y, weight=weight)


def _weighted_rows(z, y, weight):
    return (_softmax(z) - _onehot(y, z.shape[1])) * weight[y][:, None]


def _weighted_not_averaged(z, y, weight):
    return _weighted_rows(z, y, weight)


def _weighted_by_n(z, y, weight):
    return _weighted_rows(z, y, weight) / len(y)


def _weighted_per_column(z, y, weight):
    g = (_softmax(z) - _onehot(y, z.shape[1])) * weight[None, :]
    return [g / weight[y].sum(), g / len(y), g / weight.sum(), g]


def _weighted_unstable(z, y, weight):
    g = (_unstable_softmax(z) - _onehot(y, z.shape[1])) * weight[y][:, None]
    return g / weight[y].sum()


def _weights(rng, n_classes):
    return rng.uniform(0.2, 5.0, size=n_classes)


def _public_weighted(rng):
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    return [
        Case((z, np.array([0, 2]), np.array([1.0, 1.0, 1.0])), "equal weights: the plain mean"),
        Case((z, np.array([0, 2]), np.array([3.0, 1.0, 1.0])), "class 0 weighs 3"),
        Case(
            (_logits(rng, 6, 4), _labels(rng, 6, 4), _weights(rng, 4)),
            "6 samples, 4 classes, random weights",
        ),
    ]


def _hidden_weighted(rng):
    cases = []
    for _ in range(5):
        n_samples, n_classes = _sizes(rng)
        z = _logits(rng, n_samples, n_classes)
        cases.append((z, _labels(rng, n_samples, n_classes), _weights(rng, n_classes)))
    return cases


def _public_weighted_one(rng):
    return [
        Case(
            (np.array([[1.0, 2.0, 0.5]]), np.array([1]), np.array([2.0, 4.0, 1.0])),
            "one sample: its weight cancels, a - onehot(y)",
        )
    ]


def _hidden_weighted_one(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(2, 8))
        z = _logits(rng, 1, n_classes)
        cases.append((z, _labels(rng, 1, n_classes), _weights(rng, n_classes)))
    return cases


def _large_weighted(rng, n_samples, n_classes):
    z = _large_logits(rng, n_samples, n_classes)
    return z, _labels_off_the_maximum(rng, z), _weights(rng, n_classes)


def _public_weighted_large(rng):
    return [Case(_large_weighted(rng, 3, 4), "logits from -1000 to 1000 (needs the max shift)")]


def _hidden_weighted_large(rng):
    return [_large_weighted(rng, *_sizes(rng)) for _ in range(2)]


# -------------------------------------------------------------------------- soft targets


def _reference_soft(z, t):
    t = np.asarray(t, dtype=np.float64)
    a = _softmax(z)
    return (a * t.sum(axis=1, keepdims=True) - t) / t.shape[0]


def _soft_sign_flipped(z, t):
    return -_reference_soft(z, t)


def _soft_not_averaged(z, t):
    return _reference_soft(z, t) * t.shape[0]


def _soft_unit_sum(z, t):
    return (_softmax(z) - t) / t.shape[0]


def _soft_normalised(z, t):
    with np.errstate(all="ignore"):
        return (_softmax(z) - t / t.sum(axis=1, keepdims=True)) / t.shape[0]


def _soft_unstable(z, t):
    a = _unstable_softmax(z)
    return (a * t.sum(axis=1, keepdims=True) - t) / t.shape[0]


def _soft_targets(rng, n_samples, n_classes, normalised):
    t = rng.uniform(0.0, 1.0, size=(n_samples, n_classes))
    t[rng.uniform(size=t.shape) < 0.3] = 0.0
    t[:, 0] += 1e-3  # no empty row
    if normalised:
        t /= t.sum(axis=1, keepdims=True)
    else:
        # Row sums well away from one, both below and above it.
        t *= rng.choice([0.4, 2.5], size=(n_samples, 1)) / t.sum(axis=1, keepdims=True)
    return t


def _public_soft(rng):
    z = np.array([[1.0, 2.0, 0.5, -1.0], [0.3, 0.1, -2.0, 1.0]])
    return [
        Case((z, np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.2, 0.3, 0.5]])), "rows of t sum to one"),
        Case((_logits(rng, 5, 3), _soft_targets(rng, 5, 3, True)), "5 distributions"),
    ]


def _fill_targets(normalised):
    def draw(rng):
        cases = []
        for _ in range(3):
            n_samples, n_classes = _sizes(rng)
            z = _logits(rng, n_samples, n_classes)
            cases.append((z, _soft_targets(rng, n_samples, n_classes, normalised)))
        return cases

    return draw


def _public_soft_unnormalised(rng):
    z = np.array([[1.0, 2.0, 0.5, -1.0], [0.3, 0.1, -2.0, 1.0]])
    return [
        Case((z, np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])), "two labels in row 0"),
        Case((_logits(rng, 4, 6), _soft_targets(rng, 4, 6, False)), "rows that do not sum to one"),
    ]


def _public_soft_one(rng):
    return [
        Case(
            (np.array([[1.0, 2.0, 0.5, -1.0]]), np.array([[0.5, 0.5, 0.0, 0.0]])),
            "one sample, t = [0.5, 0.5, 0, 0]: a - t",
        )
    ]


def _hidden_soft_one(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(2, 8))
        cases.append((_logits(rng, 1, n_classes), _soft_targets(rng, 1, n_classes, True)))
    return cases


def _large_soft(rng, n_samples, n_classes):
    return _large_logits(rng, n_samples, n_classes), _soft_targets(rng, n_samples, n_classes, True)


def _public_soft_large(rng):
    return [Case(_large_soft(rng, 3, 4), "logits from -1000 to 1000 (needs the max shift)")]


def _hidden_soft_large(rng):
    return [_large_soft(rng, *_sizes(rng)) for _ in range(2)]


# --------------------------------------------------------------------------- temperature


def _reference_temperature(z, y, T):
    from ce_lib import cross_entropy_grad

    return cross_entropy_grad(np.asarray(z, dtype=np.float64) / T, y) / T


def _temperature_sign_flipped(z, y, T):
    return -_reference_temperature(z, y, T)


def _temperature_not_averaged(z, y, T):
    return _reference_temperature(z, y, T) * len(y)


def _temperature_missing_factor(z, y, T):
    return _reference_temperature(z, y, T) * T


def _temperature_squared(z, y, T):
    # Divided by T^2, or multiplied by distillation's T^2 (T^2 / T = T).
    g = _reference_temperature(z, y, T)
    return [g / T, g * T * T]


def _temperature_logits_not_divided(z, y, T):
    return (_softmax(z) - _onehot(y, z.shape[1])) / (len(y) * T)


def _temperature_unstable(z, y, T):
    return (_unstable_softmax(z / T) - _onehot(y, z.shape[1])) / (len(y) * T)


#: Temperatures far from 1, so that a missing 1/T (or an extra one) shows.
TEMPERATURES = (0.25, 0.5, 2.0, 3.0, 10.0)


def _public_temperature(rng):
    z = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]])
    return [
        Case((z, np.array([0, 1]), 1.0), "T = 1: the usual gradient"),
        Case((z, np.array([0, 1]), 2.0), "T = 2"),
        Case((_logits(rng, 4, 5), _labels(rng, 4, 5), 0.5), "4 samples, 5 classes, T = 0.5"),
    ]


def _hidden_temperature(rng):
    cases = []
    for _ in range(5):
        n_samples, n_classes = _sizes(rng)
        z = _logits(rng, n_samples, n_classes)
        cases.append((z, _labels(rng, n_samples, n_classes), float(rng.choice(TEMPERATURES))))
    return cases


def _public_temperature_one(rng):
    return [Case((np.array([[1.0, 2.0, 0.5]]), np.array([0]), 2.0), "one sample, T = 2")]


def _hidden_temperature_one(rng):
    cases = []
    for _ in range(2):
        n_classes = int(rng.integers(2, 8))
        z = _logits(rng, 1, n_classes)
        cases.append((z, _labels(rng, 1, n_classes), float(rng.choice(TEMPERATURES))))
    return cases


def _large_temperature(rng, n_samples, n_classes):
    # z / T spans -1000 to 1000 at T = 0.5, with a runner-up within 3 of the largest scaled
    # logit: softmax(z / T) and softmax(z) then differ although both are nearly one-hot.
    T = 0.5
    u = _large_logits(rng, n_samples, n_classes)
    for row in u:
        top = int(np.argmax(row))
        runner_up = int(rng.choice(np.delete(np.arange(n_classes), top)))
        row[runner_up] = row[top] - rng.uniform(0.5, 3.0)
        row[int(rng.choice(np.delete(np.arange(n_classes), [top, runner_up])))] = rng.uniform(
            -300.0, 300.0
        )
    z = T * u
    return z, _labels_off_the_maximum(rng, z), T


def _public_temperature_large(rng):
    return [Case(_large_temperature(rng, 3, 4), "z / T from -1000 to 1000 (needs the max shift)")]


def _hidden_temperature_large(rng):
    # At least 3 classes: one logit besides the top two keeps a finite exp.
    return [
        _large_temperature(rng, int(rng.integers(2, 9)), int(rng.integers(3, 8))) for _ in range(2)
    ]


# ------------------------------------------------------------ check your understanding


def _reference_smoothed_gap(eps, n_classes):
    # Descent stops at a = t, and a_y / a_n = exp(z_y - z_n).
    from ce_lib.dynamics import smoothed_target

    t = smoothed_target(0, int(n_classes), float(eps))
    return float(np.log(t[0] / t[1]))


def _gap_own_class(eps, n_classes):
    return [
        float(np.log((1.0 - eps) * (n_classes - 1) / eps)),
        float(np.log((1.0 - eps) * n_classes / eps)),
    ]


def _gap_log_base(eps, n_classes):
    gap = _reference_smoothed_gap(eps, n_classes)
    return [gap / np.log(2.0), gap / np.log(10.0)]


def _public_gaps(rng):
    return [Case((0.1, 10), "eps = 0.1, K = 10"), Case((0.2, 4), "eps = 0.2, K = 4")]


def _hidden_gaps(rng):
    counts = draw_integers(rng, 2, 201, 5)
    return [(float(rng.uniform(0.01, 0.6)), k) for k in counts]


def _reference_binary_gradient(a_1, y):
    # The gradient a - onehot(y), entry 1.
    return a_1 - float(y)


def _public_binary_one(rng):
    return [Case((0.8, 1), "a_1 = 0.8, y = 1")]


def _hidden_binary_one(rng):
    return [(float(rng.uniform(0.01, 0.99)), 1) for _ in range(3)]


def _public_binary_zero(rng):
    return [Case((0.3, 0), "a_1 = 0.3, y = 0")]


def _hidden_binary_zero(rng):
    return [(float(rng.uniform(0.01, 0.99)), 0) for _ in range(3)]


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
        # The default rtol=1e-6, atol=1e-9: targets are sums of two numbers below one.
        requirements=(
            Requirement(
                "values",
                "(1 - eps) onehot(y) + eps / K: eps spread over all K classes, the label too",
                0.7,
                _public_smoothing,
                _hidden_smoothing,
            ),
            Requirement(
                "one_sample",
                "one sample (N = 1) still gives an array of shape (1, K)",
                0.2,
                _public_smoothing_one,
                _hidden_smoothing_one,
            ),
        ),
        misconceptions={"smoothing_own_class": _smoothed_own_class},
    ),
    ExpressionTest(
        id="l6_ce_minus_entropy",
        lesson=LESSON,
        name="ce_minus_entropy",
        points=2,
        description="CE(t, a) - H(t) for K = 3 in SymPy: the divergence KL(t || a)",
        symbols=T_SYMBOLS + A_SYMBOLS,
        reference=_reference_kl_expression,
        # The default rtol=1e-7, atol=1e-9 of expressions: SymPy evaluates in float64.
        requirements=(
            Requirement(
                "values",
                "CE(t, a) - H(t) = sum_k t_k log(t_k / a_k) for distributions t and a",
                0.7,
                _identity_points(4, normalised=True),
                _identity_points(6, normalised=True),
            ),
            Requirement(
                "any_target",
                "the identity holds for any positive t, also when it does not sum to one",
                0.3,
                _identity_points(2, normalised=False),
                _identity_points(4, normalised=False),
            ),
        ),
        misconceptions={
            "wrong_log_base": _kl_expression_log_base,
            "kl_swapped": _kl_expression_swapped,
            "normalised_floor": _kl_expression_cross_entropy,
        },
    ),
    FunctionTest(
        id="l6_entropy",
        lesson=LESSON,
        name="entropy",
        points=2,
        description="entropy(t): H(t) = -sum_k t_k log t_k in nats, with 0 log 0 = 0",
        reference=_reference_entropy,
        # The default rtol=1e-6, atol=1e-9: a closed form agrees to about 1e-15, and the
        # common guard t log(t + 1e-12) for 0 log 0 is within 1e-11.
        requirements=(
            Requirement(
                "values",
                "H(t) = -sum_k t_k log t_k in nats (natural logarithm) for any K",
                0.5,
                _public_entropy,
                _hidden_entropy,
            ),
            Requirement(
                "zero_entries",
                "classes with t_k = 0 contribute nothing (0 log 0 = 0); a one-hot t has H = 0",
                0.4,
                _public_entropy_zeros,
                _hidden_entropy_zeros,
            ),
        ),
        misconceptions={"wrong_log_base": _entropy_log_base},
    ),
    FunctionTest(
        id="l6_kl_divergence",
        lesson=LESSON,
        name="kl_divergence",
        points=2,
        description="kl_divergence(t, z): KL(t || softmax(z)) = sum_k t_k (log t_k - log a_k)",
        reference=_reference_kl,
        # The default rtol=1e-6, atol=1e-9, as for the entropy.
        requirements=(
            Requirement(
                "values",
                "sum_k t_k log(t_k / a_k) in nats, a = softmax(z), for any K",
                0.4,
                _public_kl,
                _hidden_kl,
            ),
            Requirement(
                "zero_entries",
                "classes with t_k = 0 contribute nothing; a one-hot t gives -log a_y",
                0.25,
                _public_kl_zeros,
                _hidden_kl_zeros,
            ),
            Requirement(
                "stable",
                "stays finite where a_k underflows: log a_k = z_k - logsumexp(z) (log_softmax)",
                0.25,
                _public_kl_large,
                _hidden_kl_large,
            ),
        ),
        misconceptions={
            "wrong_log_base": _kl_log_base,
            "kl_swapped": _kl_swapped,
            "normalised_floor": _kl_cross_entropy,
        },
    ),
    FunctionTest(
        id="l6_weighted_grad",
        lesson=LESSON,
        name="weighted_grad",
        # A gradient: a closed form passes, a finite difference of the student's loss fails.
        rtol=GRADIENT_RTOL,
        atol=GRADIENT_ATOL,
        points=3,
        description="weighted_grad(z, y, weight): w_y (a - onehot(y)) / sum of w_y",
        reference=_reference_weighted,
        requirements=(
            Requirement(
                "values",
                "row i is w_(y_i) (a_i - onehot(y_i)) / sum_j w_(y_j): divided by the total "
                "weight, not by N",
                0.6,
                _public_weighted,
                _hidden_weighted,
            ),
            Requirement(
                "one_sample",
                "one sample (N = 1), whose weight cancels: a - onehot(y), shape (1, K)",
                0.1,
                _public_weighted_one,
                _hidden_weighted_one,
            ),
            Requirement(
                "stable",
                "stays finite for logits from -1000 to 1000 (a softmax shifted by the max)",
                0.2,
                _public_weighted_large,
                _hidden_weighted_large,
            ),
        ),
        misconceptions={
            "not_averaged": _weighted_not_averaged,
            "weighted_mean_by_n": _weighted_by_n,
            "weight_per_column": _weighted_per_column,
            "unstable_softmax": _weighted_unstable,
        },
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
        requirements=(
            Requirement(
                "values",
                "(a - t) / N for targets whose rows sum to one",
                0.4,
                _public_soft,
                _fill_targets(True),
            ),
            Requirement(
                "unnormalised",
                "(a sum_k t_k - t) / N for rows that do not sum to one (several labels, counts)",
                0.3,
                _public_soft_unnormalised,
                _fill_targets(False),
            ),
            Requirement(
                "one_sample",
                "one sample (N = 1), shape (1, K)",
                0.1,
                _public_soft_one,
                _hidden_soft_one,
            ),
            Requirement(
                "stable",
                "stays finite for logits from -1000 to 1000 (a softmax shifted by the max)",
                0.1,
                _public_soft_large,
                _hidden_soft_large,
            ),
        ),
        misconceptions={
            "sign_flipped": _soft_sign_flipped,
            "not_averaged": _soft_not_averaged,
            "missing_target_sum": _soft_unit_sum,
            "target_normalised": _soft_normalised,
            "unstable_softmax": _soft_unstable,
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
        requirements=(
            Requirement(
                "values",
                "(softmax(z / T) - onehot(y)) / (N T): the 1/T of the chain rule, any T",
                0.6,
                _public_temperature,
                _hidden_temperature,
            ),
            Requirement(
                "one_sample",
                "one sample (N = 1), shape (1, K)",
                0.1,
                _public_temperature_one,
                _hidden_temperature_one,
            ),
            Requirement(
                "stable",
                "stays finite when z / T spans -1000 to 1000 (a softmax shifted by the max)",
                0.2,
                _public_temperature_large,
                _hidden_temperature_large,
            ),
        ),
        misconceptions={
            "sign_flipped": _temperature_sign_flipped,
            "not_averaged": _temperature_not_averaged,
            "missing_temperature_factor": _temperature_missing_factor,
            "temperature_squared": _temperature_squared,
            "temperature_logits_not_divided": _temperature_logits_not_divided,
            "unstable_softmax": _temperature_unstable,
        },
    ),
    FunctionTest(
        id="l6_smoothed_gap",
        lesson=LESSON,
        name="smoothed_gap",
        points=1,
        description="smoothed_gap(eps, K): where descent stops, log((1 - eps + eps/K) / (eps/K))",
        reference=_reference_smoothed_gap,
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "values",
                "log(t_y / t_n) = log((1 - eps + eps/K) / (eps/K)), natural logarithm",
                0.9,
                _public_gaps,
                _hidden_gaps,
            ),
        ),
        misconceptions={"smoothing_own_class": _gap_own_class, "wrong_log_base": _gap_log_base},
    ),
    FunctionTest(
        id="l6_binary_gradient",
        lesson=LESSON,
        name="binary_gradient",
        points=1,
        description="binary_gradient(a_1, y): dJ/dz_1 for K = 2, a_1 - y",
        reference=_reference_binary_gradient,
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "label_one", "a_1 - 1 for y = 1", 0.45, _public_binary_one, _hidden_binary_one
            ),
            Requirement(
                "label_zero", "a_1 for y = 0", 0.45, _public_binary_zero, _hidden_binary_zero
            ),
        ),
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
        **QUESTION_TOLERANCE,
        requirements=(
            Requirement(
                "values",
                "1/K: z / T tends to 0, so every class looks the same",
                0.9,
                _public_class_counts,
                _hidden_class_counts,
            ),
        ),
    ),
]
