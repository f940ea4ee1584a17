r"""Misconceptions the grader recognises, their explanations and the probes that imitate them.

A probe computes what a student holding one misconception would have returned on the same
inputs. When an answer is wrong, the grader compares it with every probe of the test on the
same cases; the codes whose probes reproduce the answer are reported, with the explanation
below in the course's words.

For one sample with label :math:`y`, logits :math:`z` and :math:`a = \mathrm{softmax}(z)`:

.. math::

    J = -\log a_y, \qquad \frac{\partial J}{\partial z} = a - \mathrm{onehot}(y)

so the true class gets :math:`a_y - 1 \le 0` (gradient descent encourages it) and every other
class gets :math:`a_n \ge 0` (it is suppressed). The probes below break exactly one of these
facts each.

Examples
--------
>>> import numpy as np
>>> z = np.array([[1.0, 2.0, 3.0]])
>>> y = np.array([2])
>>> np.round(grad_sign_flipped(z, y), 3)
array([[-0.09 , -0.245,  0.335]])
"""

import numpy as np

#: Every code, with what the student did, in the course's words.
EXPLANATIONS = {
    "missing_true_class_term": (
        "Your gradient has no -1 on the true class, so nothing encourages it: every entry is "
        "a_k >= 0 and gradient descent lowers every logit. The true class needs a_y - 1, "
        "that is dJ/dz = a - onehot(y)."
    ),
    "sign_flipped": (
        "Your gradient has the opposite sign, onehot(y) - a: a descent step would lower the "
        "true class's logit and raise the others. From J = -z_y + log(sum_k exp z_k), "
        "dJ/dz_y = a_y - 1 and dJ/dz_n = a_n."
    ),
    "not_averaged": (
        "Your result is summed over the batch where the mean is asked (or averaged where the "
        "sum is asked): with N samples it is off by a factor N. The loss is the mean of "
        "-log a_y over the samples, so each sample's gradient row is divided by N too."
    ),
    "sigmoid_derivative": (
        "Your gradient is a * (1 - a), the derivative of a sigmoid output by its own input. "
        "Softmax couples the classes and the loss takes the log, so the derivative of "
        "J = -log a_y with respect to z is a - onehot(y)."
    ),
    "true_class_only": (
        "Only the true-class entry of your gradient is nonzero, so nothing suppresses the "
        "other classes. Every logit appears in log(sum_k exp z_k), so every other class gets "
        "dJ/dz_n = a_n > 0."
    ),
    "derivative_wrt_probability": (
        "Your gradient is -1 / a_y: that is dJ/da_y, the derivative with respect to the "
        "probability. The question asks for dJ/dz, through the softmax: a - onehot(y)."
    ),
    "unstable_softmax": (
        "Your result overflows to inf or NaN for large logits: exp(z) overflows before the "
        "division. Subtract each row's maximum first; softmax(z - max z) = softmax(z), and "
        "the log-sum-exp form -z_y + log(sum_k exp z_k) stays finite the same way."
    ),
    "wrong_axis": (
        "Your softmax normalises over the batch axis (the columns) instead of the classes: "
        "each row of z is one sample, and its probabilities a_1..a_K must sum to one."
    ),
    "several_labels_summed": (
        "Your loss adds -log a_k over all classes, as if every class were a label of the "
        "sample. A sample has exactly one label y, and its loss is the single term -log a_y."
    ),
    "missing_log": (
        "Your loss uses a_y (or 1 - a_y) without the log. The cross-entropy of one sample is "
        "-log a_y: it grows without bound as a_y -> 0 and its gradient is a - onehot(y)."
    ),
    # Lesson 5: softmax regression (the weight gradient, the SGD step and the training loop).
    "transposed_shape": (
        "Your dJ/dW is transposed: (A - Y)^T X, or the right product turned with .T, has shape "
        "(K, D). The gradient has one entry per weight, so it has the shape of W, (D, K): "
        "X^T (A - Y) / N, where X^T of shape (D, N) meets A - Y of shape (N, K) and the N "
        "samples are summed over."
    ),
    "missing_bias_grad": (
        "Your step leaves the biases b as they were: only W moves. The biases are parameters "
        "of the model too, and each step moves them by -lr dJ/db, the mean over the batch of "
        "a_i - Y_i times -lr."
    ),
    "lr_sign": (
        "Your step goes up the gradient: W + lr (dJ/dW + l2 W) is gradient ascent, and it "
        "raises the loss. Descent subtracts the gradient: W - lr (dJ/dW + l2 W) and "
        "b - lr dJ/db, with lr > 0."
    ),
    "l2_missing": (
        "Your step has no L2 penalty: W moves by -lr dJ/dW alone. The penalty "
        "(l2 / 2) ||W||^2 adds its gradient l2 W to the weight gradient, so the step is "
        "W - lr (dJ/dW + l2 W)."
    ),
    "l2_on_bias": (
        "Your step penalises the biases too, b - lr (dJ/db + l2 b). The penalty is on the "
        "weights only: the biases shift the logits, they do not scale them, so b moves by "
        "-lr dJ/db alone."
    ),
    "full_batch_epoch": (
        "Your loop takes one step per epoch on all the samples at once, which is full-batch "
        "descent. Mini-batch SGD takes one step per batch: shuffle, then step on samples "
        "0 to B - 1 of the shuffled order, then B to 2B - 1, and so on to the last, smaller "
        "batch, about N / B steps per epoch."
    ),
    "first_batch_only": (
        "Your loop steps on the first mini-batch only (in each epoch, or once in all), so the "
        "other samples never reach the model: a break or return inside the loop over the "
        "batches, or a batch taken without moving along. Each epoch takes every batch in turn, "
        "starting at 0, B, 2B, ... up to N."
    ),
    "uses_reference": (
        "Your code calls a function this lesson asks you to write yourself (ce_lib's "
        "reference or a library such as scipy.special). The call was blocked; write the "
        "computation with NumPy."
    ),
    # Lesson 1: the loss of one sample, the likelihood of a data set, nats and bits.
    "loss_sign_flipped": (
        "Your loss has the opposite sign: log a_y (the log-likelihood), which is negative "
        "for every a_y < 1 and most negative for the worst predictions. The loss is its "
        "negative, J = -log a_y = -z_y + log(sum_k exp z_k), never below 0; maximising the "
        "likelihood is minimising J."
    ),
    "wrong_log_base": (
        "Your answer uses the logarithm to base 2 or 10 where the natural logarithm is "
        "asked: the course measures losses, entropies and divergences in nats, with np.log "
        "(sympy.log). np.log2 gives bits "
        "and np.log10 decimal digits; mixed into the log-sum-exp form it is wrong in any "
        "unit, because log(exp(z_y)) = z_y holds for ln only. A loss J in nats is "
        "J / ln 2 bits."
    ),
    "max_not_added_back": (
        "Your loss subtracts the largest logit m inside the log-sum-exp and does not add it "
        "back, so it is off by m. Softmax divides the shift away, the log-sum-exp does not: "
        "log(sum_k exp z_k) = m + log(sum_k exp(z_k - m)), so J = -z_y + m + "
        "log(sum_k exp(z_k - m))."
    ),
    "bits_conversion_inverted": (
        "Your conversion goes the wrong way: it multiplies by ln 2 (or divides by log2 e) "
        "and makes the number smaller. A nat is the larger unit, 1 nat = 1 / ln 2, about "
        "1.443 bits, so the same loss counts more bits than nats: J nats = J / ln 2 bits "
        "= -log2 a_y."
    ),
    # Lesson 2 (and loss_sign_flipped above): soft targets and the softmax Jacobian.
    "jacobian_missing_diagonal": (
        "Your softmax Jacobian is -a a^T, without the diag(a) term: the quotient rule gives "
        "da_i/dz_k = a_i [i = k] - a_i a_k, and the first part, present only on the diagonal, "
        "is what gives the true class its -1 in the chain rule. Without it the chain rule "
        "returns a instead of a - onehot(y)."
    ),
    "jacobian_diagonal_only": (
        "Your softmax Jacobian is diagonal, a_k (1 - a_k): each probability differentiated by "
        "its own logit only, as for a sigmoid. Every a_i shares the denominator sum_j exp z_j, "
        "so it also depends on every other logit: da_i/dz_k = -a_i a_k off the diagonal. "
        "Without those entries the chain rule gives the other classes a zero gradient."
    ),
    "jacobian_outer_sign": (
        "The a_i a_k term of your softmax Jacobian has the wrong sign. Raising another logit "
        "z_k makes the denominator sum_j exp z_j larger and so lowers a_i: da_i/dz_k = "
        "-a_i a_k for i != k, and the matrix is diag(a) - a a^T."
    ),
    # Lessons 4 and 6: several labels, soft targets, smoothing, weights, temperature, KL.
    "missing_target_sum": (
        "Your gradient is a - t (a - 1_L for several labels), which holds only when the target "
        "sums to one. In -sum_k t_k log a_k = -sum_k t_k z_k + (sum_k t_k) log sum_j exp z_j "
        "the log-sum-exp term is counted sum_k t_k times (|L| times for |L| labels), so the "
        "gradient is a sum_k t_k - t, and a label's entry |L| a_k - 1 turns positive at "
        "a_k = 1/|L|."
    ),
    "target_normalised": (
        "Your gradient is that of the normalised target t / sum_k t_k (1_L / |L| for several "
        "labels): a - t / sum(t). The loss asked for uses t as given, and it is sum_k t_k times "
        "the loss of the normalised target, so its gradient is a sum_k t_k - t (|L| a - 1_L)."
    ),
    "favourite_raised": (
        "Your signs raise the class with the largest logit and lower the others. A descent "
        "step follows the label, not the model's preference: z_y rises by lr (1 - a_y) > 0 "
        "and every other logit falls by lr a_n > 0, the model's favourite included."
    ),
    "smoothing_own_class": (
        "Your smoothing does not give the label its own share eps / K: it spreads eps over the "
        "K - 1 other classes (t_n = eps / (K - 1), t_y = 1 - eps), or keeps t_y = 1 - eps. "
        "The lesson's label smoothing (and PyTorch's) spreads eps evenly over all K classes, "
        "the label included: t_y = 1 - eps + eps / K and t_n = eps / K."
    ),
    "weighted_mean_by_n": (
        "Your weighted gradient divides by the batch size N instead of the total weight "
        "sum_i w_(y_i) of the batch's labels. The weighted mean is "
        "sum_i w_(y_i) l_i / sum_i w_(y_i), so row i of the gradient is "
        "w_(y_i) (a_i - onehot(y_i)) / sum_j w_(y_j); equal weights give back the plain mean."
    ),
    "weight_per_column": (
        "Your weights scale the columns of the gradient (g * weight multiplies class k's "
        "entry of every row by w_k). A class weight belongs to the sample's label: row i is "
        "scaled by w_(y_i) as a whole, weight[y][:, None], so every entry of a sample keeps "
        "the sign lesson 4 found."
    ),
    "missing_temperature_factor": (
        "Your gradient is softmax(z / T) - onehot(y) without the factor 1/T. The loss depends "
        "on z through u = z / T, and the chain rule multiplies by du/dz = 1/T: the gradient "
        "is (softmax(z / T) - onehot(y)) / T, averaged over the batch."
    ),
    "temperature_squared": (
        "Your gradient carries T^2 in the wrong place: divided by T^2, or multiplied by the T^2 "
        "of knowledge distillation. One factor 1/T comes from the chain rule through z / T; "
        "distillation multiplies its soft loss by T^2 to undo the 1/T^2 of two tempered "
        "distributions, which this loss with a one-hot target does not have."
    ),
    "temperature_logits_not_divided": (
        "Your gradient divides by T but takes softmax(z) of the logits themselves. The "
        "tempered probabilities are softmax(z / T): the gradient is "
        "(softmax(z / T) - onehot(y)) / T, averaged over the batch."
    ),
    "kl_swapped": (
        "Your divergence is KL(a || t) = sum_k a_k log(a_k / t_k), with the two distributions "
        "swapped. KL is not symmetric; the loss asks for KL(t || a) = sum_k t_k log(t_k / a_k): "
        "the average is taken over the target t, so classes with t_k = 0 contribute nothing."
    ),
    "normalised_floor": (
        "Your divergence is the whole cross-entropy -sum_k t_k log a_k: it leaves out the "
        "entropy H(t), as if the loss could fall to 0. For a target that is not one-hot the "
        "cross-entropy can fall only to H(t) > 0; KL(t || a) = CE(t, a) - H(t) = "
        "sum_k t_k log(t_k / a_k) is what reaches 0 at a = t."
    ),
}

CODES = tuple(EXPLANATIONS)


def explain(code):
    r"""Return the explanation of ``code``.

    Raises
    ------
    ValueError
        If ``code`` is not one of :data:`CODES`.
    """
    try:
        return EXPLANATIONS[code]
    except KeyError:
        raise ValueError(f"code: expected one of {', '.join(CODES)}, got {code!r}.") from None


# --- building blocks (trusted, stable, float64) -------------------------------------------


def _stable_softmax(z):
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def _one_hot(y, n_classes):
    y = np.asarray(y)
    onehot = np.zeros((y.shape[0], n_classes))
    onehot[np.arange(y.shape[0]), y] = 1.0
    return onehot


def _rows(y):
    return np.arange(np.asarray(y).shape[0])


# --- softmax probes -----------------------------------------------------------------------


def softmax_unstable(z):
    r"""Softmax without the max shift: :math:`e^{z} / \sum_k e^{z_k}` (inf/inf is NaN)."""
    with np.errstate(all="ignore"):
        e = np.exp(np.asarray(z, dtype=np.float64))
        return e / e.sum(axis=-1, keepdims=True)


def softmax_wrong_axis(z):
    r"""Softmax normalised over the batch axis 0 instead of the classes."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# --- loss probes --------------------------------------------------------------------------


def _log_a_y(z, y):
    r"""The two ways students compute :math:`\log a_y` that agree wherever :math:`a_y > 0`.

    The log-sum-exp form :math:`z_y - \log \sum_k e^{z_k}` stays finite where :math:`a_y`
    underflows; the log of a max-shifted softmax gives -inf there. A probe offers both, so it
    fits a slip whichever form the student wrote it in.
    """
    z = np.asarray(z, dtype=np.float64)
    top = z.max(axis=-1, keepdims=True)
    log_a = z - top - np.log(np.exp(z - top).sum(axis=-1, keepdims=True))
    with np.errstate(divide="ignore"):
        naive = np.log(_stable_softmax(z))
    return [log_a, naive]


def loss_not_averaged(z, y):
    r"""Loss summed over the batch: :math:`\sum_i -\log a_{i, y_i}` (either form of the log)."""
    return [float(-log_a[_rows(y), y].sum()) for log_a in _log_a_y(z, y)]


def loss_unstable(z, y):
    r"""Loss through a softmax without the max shift (NaN or inf for large logits)."""
    with np.errstate(all="ignore"):
        a = softmax_unstable(z)
        return float(np.mean(-np.log(a[_rows(y), y])))


def loss_wrong_axis(z, y):
    r"""Loss through a softmax normalised over the batch axis."""
    a = softmax_wrong_axis(z)
    with np.errstate(divide="ignore"):
        return float(np.mean(-np.log(a[_rows(y), y])))


def loss_several_labels_summed(z, y):
    r"""Loss adding :math:`-\log a_k` over all classes, averaged over the batch."""
    return [float(np.mean(-log_a.sum(axis=1))) for log_a in _log_a_y(z, y)]


def loss_missing_log(z, y):
    r"""Loss without the log, in its three common forms: :math:`-a_y`, :math:`1 - a_y`, :math:`a_y`.

    Returns a list of alternatives; the probe fits when any of them fits.
    """
    a_y = _stable_softmax(z)[_rows(y), y]
    return [float(np.mean(-a_y)), float(np.mean(1.0 - a_y)), float(np.mean(a_y))]


# --- gradient probes (mean over the batch unless the probe says otherwise) ----------------


def grad_missing_true_class_term(z, y):
    r"""Gradient :math:`a / N` without :math:`-\mathrm{onehot}(y)`."""
    a = _stable_softmax(z)
    return a / a.shape[0]


def grad_sign_flipped(z, y):
    r"""Gradient :math:`(\mathrm{onehot}(y) - a) / N`."""
    a = _stable_softmax(z)
    return (_one_hot(y, a.shape[1]) - a) / a.shape[0]


def grad_not_averaged(z, y):
    r"""Gradient :math:`a - \mathrm{onehot}(y)` summed over the batch (no division by N)."""
    a = _stable_softmax(z)
    return a - _one_hot(y, a.shape[1])


def grad_sigmoid_derivative(z, y):
    r"""Gradient :math:`a (1 - a)`, averaged or not (two alternatives)."""
    a = _stable_softmax(z)
    return [a * (1.0 - a) / a.shape[0], a * (1.0 - a)]


def grad_true_class_only(z, y):
    r"""Gradient with only :math:`(a_y - 1) / N` at the true class, zeros elsewhere."""
    a = _stable_softmax(z)
    grad = np.zeros_like(a)
    rows = _rows(y)
    grad[rows, y] = (a[rows, y] - 1.0) / a.shape[0]
    return grad


def grad_derivative_wrt_probability(z, y):
    r"""Gradient :math:`-1 / a_y` at the true class (zeros elsewhere), averaged or not."""
    a = _stable_softmax(z)
    rows = _rows(y)
    grad = np.zeros_like(a)
    with np.errstate(divide="ignore"):
        grad[rows, y] = -1.0 / a[rows, y]
    return [grad / a.shape[0], grad]


def grad_unstable(z, y):
    r"""Gradient through a softmax without the max shift (NaN for large logits)."""
    with np.errstate(all="ignore"):
        a = softmax_unstable(z)
        return (a - _one_hot(y, a.shape[1])) / a.shape[0]


def grad_wrong_axis(z, y):
    r"""Gradient through a softmax normalised over the batch axis."""
    a = softmax_wrong_axis(z)
    return (a - _one_hot(y, a.shape[1])) / a.shape[0]
