r"""Graded tests of lesson 1: softmax, the loss of one sample and the likelihood of a data set.

For the logits ``z`` of one sample (a 1-D array of length ``K``) and its label ``y``:

.. math::

    a_k = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}, \quad m = \max_k z_k, \qquad
    J = -\log a_y = -z_y + m + \log \sum_k e^{z_k - m}

and for a data set of ``N`` samples, the negative log-likelihood
:math:`-\log \prod_i a_{i, y_i} = \sum_i -\log a_{i, y_i}`, in nats; divided by
:math:`\ln 2` it is in bits.

Each test declares its requirements, each checked by cases built to break the answers that
skip it: logits in the thousands, positive or negative, where only the max shift keeps the
result finite; labels whose probability underflows to 0 (or to a subnormal number, with a
few correct digits), where only the log-sum-exp form stays finite and accurate; data sets
of thousands of samples, whose likelihood underflows, where only a sum of logarithms
stays finite. The questions of "check your understanding" are small functions of the
number they name (``loss_uniform(K)``, ``probability_for_loss(J)``,
``several_labels_best(n)``), graded on numbers drawn from the course secret within
``rtol=1e-6, atol=1e-9``, the precision the lesson states. The graded code writes softmax
and the loss itself: ce_lib's numerics and every module that computes them are absent
from its sandbox (SymPy is there: the lesson checks an identity with it).

The probes imitate the slips of the lesson: no max shift, no logarithm, the logarithm to
base 2 or 10, the opposite sign (the log-likelihood instead of its negative), the shift
subtracted but not added back, several labels summed, the mean where the sum is asked, the
softmax over the samples, and the conversion to bits turned around. Each returns, as
alternatives, what the slip gives through the log-sum-exp form and through ``-log`` of a
softmax, so that it fits a student whatever form the rest of the answer takes.

>>> [test.id for test in TESTS][:2]
['l1_softmax_one', 'l1_loss_one']
"""

import numpy as np

from autograder.definitions.framework import Case, FunctionTest, Requirement
from autograder.definitions.questions import PRECISION, draw_integers
from autograder.sandbox.view import LessonView

LESSON = "lesson1_softmax_loss"

VIEW = LessonView(
    lesson=LESSON,
    packages=("numpy", "sympy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)

LN2 = float(np.log(2.0))
LN10 = float(np.log(10.0))


# --- references ---------------------------------------------------------------------------


def _reference_softmax(z):
    from ce_lib import softmax

    return softmax(z)


def _reference_loss(z, y):
    from ce_lib import cross_entropy

    return cross_entropy(z, y)


def _reference_dataset_nll(Z, y):
    from ce_lib import cross_entropy

    return cross_entropy(Z, y, reduction="sum")


def _reference_nats_to_bits(J):
    return np.asarray(J, dtype=np.float64) / LN2


# --- building blocks of the probes (trusted, float64) --------------------------------------


def _log_softmax(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    m = z.max(axis=axis, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=axis, keepdims=True))


def _softmax(z, axis=-1):
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _literal_softmax(z, axis=-1):
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum(axis=axis, keepdims=True)


def _picked(values, y):
    r"""``values[y]`` of one sample, ``values[i, y_i]`` of a batch."""
    if values.ndim == 1:
        return values[y]
    return values[np.arange(values.shape[0]), y]


def _both_forms(fn, z, y, axis=-1):
    r"""``fn`` applied to the log-probabilities of the labels, in both ways a student gets them.

    The first through the log-sum-exp form (finite), the second as the log of a max-shifted
    softmax (``-inf`` where a probability underflows to 0, and a few correct digits where it is
    subnormal): a slip gives the same value in both forms except there.
    """
    with np.errstate(divide="ignore"):
        through_lse = _picked(_log_softmax(z, axis), y)
        through_softmax = np.log(_picked(_softmax(z, axis), y))
        return [float(fn(through_lse)), float(fn(through_softmax))]


# --- softmax of one sample ----------------------------------------------------------------


def _ordinary_logits(rng, shape):
    # Logits within 8 of each other: every probability is at least e^-8 / K, so no class
    # dominates and a slip that only matters for the other classes (a logarithm to another
    # base in the log-sum-exp term, a missing normalisation) changes every answer.
    return rng.uniform(-4.0, 4.0, size=shape)


def _softmax_unstable(z):
    return _literal_softmax(z)


def _spanning_logits(rng, n_classes):
    # Logits spanning about -1000 to 1000 (K >= 4): two near 1000, the others near -1000. exp
    # overflows for the largest and underflows for the smallest, so only a shift by the
    # maximum keeps the softmax finite: the largest logit is at least 750 above the mean and
    # 1600 above the smallest, so a shift by either, or none, overflows. The two largest are
    # close, so their probabilities stay well away from 0 and 1.
    z = rng.uniform(-1000.0, -700.0, size=n_classes)
    high, second = rng.choice(n_classes, size=2, replace=False)
    z[high] = rng.uniform(900.0, 1000.0)
    z[second] = z[high] - rng.uniform(0.1, 2.0)
    return z


def _negative_logits(rng, n_classes):
    # Every logit near -1000: every exp underflows to 0, so the literal formula (or a shift by
    # a fixed constant such as 1000) gives 0 / 0, while a shift by the maximum stays exact.
    return rng.uniform(-1000.0, -996.0, size=n_classes)


def _public_logits(rng):
    return [
        Case((np.array([2.0, 1.0, 0.1]),), "z = [2, 1, 0.1]"),
        Case((_ordinary_logits(rng, 5),), "5 classes"),
        Case((np.zeros(4),), "equal logits"),
    ]


def _hidden_logits(rng):
    cases = [(_ordinary_logits(rng, int(rng.integers(3, 11))),) for _ in range(3)]
    cases.append((_ordinary_logits(rng, 2),))  # K = 2
    return cases


def _public_large_logits(rng):
    return [
        Case((np.array([1000.0, 999.0, 998.0]),), "z = [1000, 999, 998] (needs the max shift)"),
        Case((np.array([-1000.0, -1001.0, -1003.0]),), "z = [-1000, -1001, -1003]"),
    ]


def _hidden_large_logits(rng):
    return [
        (_spanning_logits(rng, int(rng.integers(4, 8))),),
        (_spanning_logits(rng, int(rng.integers(4, 8))),),
        (_negative_logits(rng, int(rng.integers(3, 8))),),
    ]


# --- the loss of one sample ---------------------------------------------------------------


def _loss_unstable(z, y):
    # Through the literal softmax, or the log-sum-exp form without the shift.
    z = np.asarray(z, dtype=np.float64)
    with np.errstate(all="ignore"):
        return [
            float(-np.log(_literal_softmax(z)[y])),
            float(-z[y] + np.log(np.exp(z).sum())),
        ]


def _loss_missing_log(z, y):
    a_y = float(_softmax(z)[y])
    return [-a_y, 1.0 - a_y, a_y]


def _loss_several_labels_summed(z, y):
    with np.errstate(divide="ignore"):
        return [float(-_log_softmax(z).sum()), float(-np.log(_softmax(z)).sum())]


def _loss_sign_flipped(z, y):
    return _both_forms(lambda log_a_y: log_a_y, z, y)


def _loss_wrong_log_base(z, y):
    # -log2 a_y or -log10 a_y, and np.log2 or np.log10 put in place of np.log in the
    # log-sum-exp form (the z_y term then stays in nats).
    z = np.asarray(z, dtype=np.float64)
    m = z.max()
    total = np.exp(z - m).sum()
    return [
        *_both_forms(lambda log_a_y: -log_a_y / LN2, z, y),
        *_both_forms(lambda log_a_y: -log_a_y / LN10, z, y),
        float(-z[y] + m + np.log2(total)),
        float(-z[y] + m + np.log10(total)),
    ]


def _loss_max_not_added_back(z, y):
    # -z_y + log sum_k exp(z_k - m): the log-sum-exp of the shifted logits, m left out.
    z = np.asarray(z, dtype=np.float64)
    return float(_reference_loss(z, y) - z.max())


def _public_samples(rng):
    z = _ordinary_logits(rng, 6)
    return [
        Case((np.array([2.0, 1.0, 0.1]), 0), "z = [2, 1, 0.1], y = 0"),
        Case((z, 4), "6 classes, y = 4"),
        Case((np.zeros(10), 3), "10 equal logits"),
    ]


def _hidden_samples(rng):
    cases = []
    for _ in range(3):
        n_classes = int(rng.integers(3, 11))
        cases.append((_ordinary_logits(rng, n_classes), int(rng.integers(n_classes))))
    cases.append((_ordinary_logits(rng, 2), int(rng.integers(2))))  # K = 2
    return cases


def _near_top(rng, z):
    # Put the label on a logit at most 5 below the largest: a_y is at least about e^-5 / K, so
    # -log of a max-shifted softmax is accurate and only the shift is tested, while the loss
    # still depends on every logit near the top.
    top = int(np.argmax(z))
    y = int(rng.choice([k for k in range(z.size) if k != top]))
    z[y] = z[top] - rng.uniform(0.1, 5.0)
    return z, y


def _public_large_samples(rng):
    return [
        Case((np.array([1000.0, 999.0, 998.0]), 1), "z = [1000, 999, 998], y = 1"),
        Case((np.array([-1000.0, -1001.0, -1003.0]), 2), "z = [-1000, -1001, -1003], y = 2"),
    ]


def _hidden_large_samples(rng):
    negative = _negative_logits(rng, int(rng.integers(3, 8)))
    return [
        _near_top(rng, _spanning_logits(rng, int(rng.integers(4, 8)))),
        _near_top(rng, _spanning_logits(rng, int(rng.integers(4, 8)))),
        (negative, int(rng.integers(negative.size))),
    ]


def _subnormal_sample(rng):
    # The largest logit is 0, so the literal softmax is the max-shifted one, and the label's
    # logit lies near -743: a_y is a subnormal number with hardly any correct digit, and
    # -log a_y is off by far more than the tolerance, while the log-sum-exp form is exact.
    while True:
        n_classes = int(rng.integers(3, 8))
        z = rng.uniform(-3.0, 0.0, size=n_classes)
        top, y = rng.choice(n_classes, size=2, replace=False)
        z[top] = 0.0
        z[y] = -rng.uniform(741.0, 744.0)
        exact = float(_reference_loss(z, int(y)))
        a_y = float(_softmax(z)[y])
        if a_y > 0 and abs(-np.log(a_y) - exact) > 1e-4 * exact:
            return z, int(y)


def _public_underflow_samples(rng):
    return [
        Case(
            (np.array([1000.0, 0.0, -1000.0]), 2),
            "z = [1000, 0, -1000], y = 2: a_y underflows to 0 (needs the log-sum-exp form)",
        ),
        Case(
            (np.array([0.0, -1.0, -743.5]), 2),
            "z = [0, -1, -743.5], y = 2: a_y is about 1e-323, too small to hold accurately",
        ),
    ]


def _hidden_underflow_samples(rng):
    z = _spanning_logits(rng, int(rng.integers(4, 8)))
    return [(z, int(np.argmin(z))), _subnormal_sample(rng)]


# --- the negative log-likelihood of a data set ----------------------------------------------


def _nll_mean(Z, y):
    return _both_forms(lambda log_a: -np.mean(log_a), Z, y)


def _nll_sign_flipped(Z, y):
    return _both_forms(np.sum, Z, y)


def _nll_wrong_log_base(Z, y):
    Z = np.asarray(Z, dtype=np.float64)
    rows = np.arange(Z.shape[0])
    m = Z.max(axis=1)
    total = np.exp(Z - m[:, None]).sum(axis=1)
    return [
        *_both_forms(lambda log_a: -np.sum(log_a) / LN2, Z, y),
        *_both_forms(lambda log_a: -np.sum(log_a) / LN10, Z, y),
        float(np.sum(-Z[rows, y] + m + np.log2(total))),
        float(np.sum(-Z[rows, y] + m + np.log10(total))),
    ]


def _nll_wrong_axis(Z, y):
    # Softmax over the samples (axis 0) instead of the classes.
    return _both_forms(lambda log_a: -np.sum(log_a), Z, y, axis=0)


def _batch(rng, n_samples, n_classes):
    Z = _ordinary_logits(rng, (n_samples, n_classes))
    return Z, rng.integers(0, n_classes, size=n_samples).astype(np.int64)


#: The four samples of section 3 of the lesson.
_LESSON_Z = np.array([[3.0, -1.0, 0.5], [-0.9, -0.7, -0.3], [0.2, 1.5, -1.0], [-0.4, -1.0, -1.6]])
_LESSON_Y = np.array([0, 2, 1, 2])


def _public_datasets(rng):
    return [
        Case((_LESSON_Z.copy(), _LESSON_Y.copy()), "the 4 samples of section 3"),
        Case(_batch(rng, 6, 5), "6 samples, 5 classes"),
        Case(_batch(rng, 1, 4), "1 sample, 4 classes"),
    ]


def _hidden_datasets(rng):
    cases = [_batch(rng, int(rng.integers(2, 10)), int(rng.integers(3, 10))) for _ in range(3)]
    cases.append(_batch(rng, 1, int(rng.integers(3, 10))))  # N = 1
    cases.append(_batch(rng, int(rng.integers(2, 10)), 2))  # K = 2
    return cases


def _many_samples(rng, n_samples):
    # Moderate logits, but thousands of samples: each -log a_y is about 1 or more, so the
    # likelihood is about e^-N or less, far below the smallest float64 (about e^-745): the
    # product is 0.
    return _batch(rng, n_samples, int(rng.integers(3, 7)))


def _one_underflowing_label(rng):
    # Ordinary rows and one row [400, -400]-like labelled on its smallest logit: its a_y is
    # about e^-800, 0 in float64, while exp overflows nowhere (no shift is needed here).
    Z, y = _batch(rng, int(rng.integers(3, 7)), int(rng.integers(3, 6)))
    row = int(rng.integers(Z.shape[0]))
    Z[row] = rng.uniform(-50.0, 50.0, size=Z.shape[1])
    high, low = rng.choice(Z.shape[1], size=2, replace=False)
    Z[row, high] = rng.uniform(390.0, 400.0)
    Z[row, low] = rng.uniform(-400.0, -390.0)
    y[row] = low
    return Z, y


def _public_log_space(rng):
    return [
        Case(_many_samples(rng, 2000), "2000 samples: their likelihood underflows to 0"),
        Case(_one_underflowing_label(rng), "one sample's a_(i, y_i) underflows to 0"),
    ]


def _hidden_log_space(rng):
    return [
        _many_samples(rng, int(rng.integers(1500, 3000))),
        _many_samples(rng, int(rng.integers(1500, 3000))),
        _one_underflowing_label(rng),
    ]


def _levels_batch(rng, n_samples, n_classes):
    # Rows at their own levels: one spanning -1000 to 1000, one wholly near 1000, one wholly
    # near -1000, the rest spanning. Without a shift exp overflows; a shift by the largest
    # logit of the whole batch (not of each row) underflows the row near -1000 to 0 / 0.
    Z = np.stack([_spanning_logits(rng, n_classes) for _ in range(n_samples)])
    Z[1] = rng.uniform(960.0, 1000.0, size=n_classes)
    Z[2] = _negative_logits(rng, n_classes)
    y = np.zeros(n_samples, dtype=np.int64)
    for row in range(n_samples):
        Z[row], y[row] = _near_top(rng, Z[row])
    return Z, y


def _public_levels(rng):
    return [Case(_levels_batch(rng, 3, 4), "rows of logits in the thousands, at their own levels")]


def _hidden_levels(rng):
    return [_levels_batch(rng, int(rng.integers(3, 7)), int(rng.integers(3, 7))) for _ in range(2)]


# --- nats to bits -------------------------------------------------------------------------


def _bits_inverted(J):
    return np.asarray(J, dtype=np.float64) * LN2


def _bits_wrong_log_base(J):
    # Divided by ln 10: decimal digits, not bits.
    return np.asarray(J, dtype=np.float64) / LN10


def _public_nats(rng):
    return [
        Case((1.0,), "J = 1 nat"),
        Case((float(np.log(2.0)),), "J = ln 2 nats"),
        Case((float(np.log(8.0)),), "J = ln 8 nats (a uniform guess among 8 classes)"),
    ]


def _hidden_nats(rng):
    return [(float(rng.uniform(0.01, 20.0)),) for _ in range(5)]


def _public_nat_arrays(rng):
    return [Case((np.array([0.5, 1.0, 2.0]),), "J = [0.5, 1, 2]")]


def _hidden_nat_arrays(rng):
    return [(rng.uniform(0.01, 10.0, size=5),), (rng.uniform(0.01, 10.0, size=(2, 3)),)]


# --- check your understanding -------------------------------------------------------------


def _reference_loss_uniform(n_classes):
    # K equal logits give a_y = 1/K.
    return float(np.log(n_classes))


def _loss_uniform_missing_log(n_classes):
    return [1.0 / n_classes, 1.0 - 1.0 / n_classes, -1.0 / n_classes]


def _loss_uniform_wrong_log_base(n_classes):
    return [float(np.log2(n_classes)), float(np.log10(n_classes))]


def _public_class_counts(rng):
    return [Case((10,), "K = 10"), Case((2,), "K = 2"), Case((3,), "K = 3")]


def _hidden_class_counts(rng):
    return [(k,) for k in draw_integers(rng, 4, 10_001, 5, exclude={10})]


def _reference_probability_for_loss(loss):
    return float(np.exp(-loss))


def _probability_missing_log(loss):
    # J = 1 - a_y or J = -a_y, solved for a_y.
    return [1.0 - loss, -loss]


def _probability_sign_flipped(loss):
    # J = log a_y solved for a_y.
    return float(np.exp(loss))


def _public_losses(rng):
    return [
        Case((1.0,), "J = 1"),
        Case((0.0,), "J = 0 (a certain, right answer)"),
        Case((float(np.log(2.0)),), "J = log 2"),
    ]


def _hidden_losses(rng):
    return [(float(rng.uniform(0.01, 10.0)),) for _ in range(5)]


def _reference_several_labels_best(n_labels):
    # |L| times the cross-entropy with the target 1/|L| on each label, whose floor is log |L|.
    return float(n_labels * np.log(n_labels))


def _several_labels_wrong_log_base(n_labels):
    return [float(n_labels * np.log2(n_labels)), float(n_labels * np.log10(n_labels))]


def _public_label_counts(rng):
    return [Case((3,), "3 labels"), Case((2,), "2 labels"), Case((1,), "1 label")]


def _hidden_label_counts(rng):
    return [(n,) for n in draw_integers(rng, 4, 200, 5)]


#: Tolerance of the exercises on logits: every correct float64 form (max shift, log-sum-exp,
#: loops or vectors, the mean times N) is within about 1e-13 of the reference, while each
#: slip the requirements target is inf, NaN or off by far more; the closest, -log of a
#: subnormal a_y, is off by more than 1e-4 relative on every drawn case.
NUMERIC = {"rtol": 1e-6, "atol": 1e-9}

TESTS = [
    FunctionTest(
        id="l1_softmax_one",
        lesson=LESSON,
        name="softmax_one",
        points=2,
        description="softmax_one(z): probabilities of one sample, stable for large logits",
        reference=_reference_softmax,
        **NUMERIC,
        requirements=(
            Requirement(
                "values",
                "the probabilities a of ordinary logits, for any number of classes K",
                0.5,
                _public_logits,
                _hidden_logits,
            ),
            Requirement(
                "stable",
                "stays finite for logits in the thousands, positive or negative "
                "(subtract the largest logit, not a fixed number)",
                0.4,
                _public_large_logits,
                _hidden_large_logits,
            ),
        ),
        misconceptions={"unstable_softmax": _softmax_unstable},
    ),
    FunctionTest(
        id="l1_loss_one",
        lesson=LESSON,
        name="loss_one",
        points=2,
        description="loss_one(z, y): -log a_y of one sample, finite for large logits",
        reference=_reference_loss,
        **NUMERIC,
        requirements=(
            Requirement(
                "values",
                "J = -log a_y (natural log) for ordinary logits, any K",
                0.4,
                _public_samples,
                _hidden_samples,
            ),
            Requirement(
                "stable",
                "stays finite for logits in the thousands, positive or negative "
                "(subtract the largest logit m, and add it back: LSE(z) = m + log sum e^(z - m))",
                0.25,
                _public_large_samples,
                _hidden_large_samples,
            ),
            Requirement(
                "log_sum_exp",
                "stays finite and accurate where a_y underflows: -log of a probability "
                "rounded to 0 is inf, so compute J = -z_y + m + log sum_k e^(z_k - m) "
                "from the logits, never from a_y",
                0.25,
                _public_underflow_samples,
                _hidden_underflow_samples,
            ),
        ),
        misconceptions={
            "unstable_softmax": _loss_unstable,
            "missing_log": _loss_missing_log,
            "several_labels_summed": _loss_several_labels_summed,
            "loss_sign_flipped": _loss_sign_flipped,
            "wrong_log_base": _loss_wrong_log_base,
            "max_not_added_back": _loss_max_not_added_back,
        },
    ),
    FunctionTest(
        id="l1_dataset_nll",
        lesson=LESSON,
        name="dataset_nll",
        points=2,
        description="dataset_nll(Z, y): -log of the likelihood of a data set, in nats",
        reference=_reference_dataset_nll,
        **NUMERIC,
        requirements=(
            Requirement(
                "values",
                "-log of the likelihood, sum_i -log a_(i, y_i) (the sum, not the mean), "
                "for any N (including 1) and any K",
                0.4,
                _public_datasets,
                _hidden_datasets,
            ),
            Requirement(
                "log_space",
                "stays finite where probabilities underflow: the likelihood of thousands of "
                "samples, or one a_(i, y_i) below 1e-308 (add -log a_(i, y_i) in the "
                "log-sum-exp form; never multiply the probabilities)",
                0.3,
                _public_log_space,
                _hidden_log_space,
            ),
            Requirement(
                "stable",
                "stays finite for rows of logits in the thousands, each at its own level "
                "(subtract each row's own maximum)",
                0.2,
                _public_levels,
                _hidden_levels,
            ),
        ),
        misconceptions={
            "not_averaged": _nll_mean,
            "loss_sign_flipped": _nll_sign_flipped,
            "wrong_log_base": _nll_wrong_log_base,
            "wrong_axis": _nll_wrong_axis,
        },
    ),
    FunctionTest(
        id="l1_nats_to_bits",
        lesson=LESSON,
        name="nats_to_bits",
        points=1,
        description="nats_to_bits(J): a loss in nats expressed in bits, J / ln 2",
        reference=_reference_nats_to_bits,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        requirements=(
            Requirement(
                "values",
                "a loss J in nats, in bits: J / ln 2",
                0.6,
                _public_nats,
                _hidden_nats,
            ),
            Requirement(
                "arrays",
                "converts every entry of an array of losses (same shape)",
                0.3,
                _public_nat_arrays,
                _hidden_nat_arrays,
            ),
        ),
        misconceptions={
            "bits_conversion_inverted": _bits_inverted,
            "wrong_log_base": _bits_wrong_log_base,
        },
    ),
    FunctionTest(
        id="l1_loss_uniform",
        lesson=LESSON,
        name="loss_uniform",
        points=1,
        description="loss_uniform(K): the loss of one sample with K equal logits, log K",
        reference=_reference_loss_uniform,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        requirements=(
            Requirement(
                "values",
                "the loss of one sample whose K logits are equal, for any K",
                0.9,
                _public_class_counts,
                _hidden_class_counts,
            ),
        ),
        misconceptions={
            "missing_log": _loss_uniform_missing_log,
            "wrong_log_base": _loss_uniform_wrong_log_base,
        },
    ),
    FunctionTest(
        id="l1_probability_for_unit_loss",
        lesson=LESSON,
        name="probability_for_loss",
        points=1,
        description="probability_for_loss(J): the probability a_y at which the loss is J, exp(-J)",
        reference=_reference_probability_for_loss,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        requirements=(
            Requirement(
                "values",
                "the probability a_y of the true class at which the loss equals J, for any J >= 0",
                0.9,
                _public_losses,
                _hidden_losses,
            ),
        ),
        misconceptions={
            "missing_log": _probability_missing_log,
            "loss_sign_flipped": _probability_sign_flipped,
        },
    ),
    FunctionTest(
        id="l1_several_labels_best",
        lesson=LESSON,
        name="several_labels_best",
        points=1,
        description="several_labels_best(n): the floor of the summed loss of n labels, n log n",
        reference=_reference_several_labels_best,
        rtol=PRECISION["rtol"],
        atol=PRECISION["atol"],
        requirements=(
            Requirement(
                "values",
                "the lowest value the summed loss of n labels can approach, for any n",
                0.9,
                _public_label_counts,
                _hidden_label_counts,
            ),
        ),
        misconceptions={"wrong_log_base": _several_labels_wrong_log_base},
    ),
]
