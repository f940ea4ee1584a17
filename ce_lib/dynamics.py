r"""Gradient descent on the logits of one sample: suppress and encourage.

For one sample with one label ``y`` the gradient of :math:`J = -\log a_y` is

.. math:: \frac{\partial J}{\partial z} = a - \operatorname{onehot}(y),

so a descent step :math:`z \leftarrow z - \mathrm{lr}\,(a - \operatorname{onehot}(y))`
raises :math:`z_y` by :math:`\mathrm{lr}\,(1 - a_y)` ("encourage") and lowers every other
logit by :math:`\mathrm{lr}\,a_n` ("suppress"). Every difference :math:`z_y - z_n` grows by
:math:`\mathrm{lr}\,(1 - a_y + a_n) > 0`, so :math:`a_y` rises at every step, for any
positive learning rate, when the logits themselves are the parameters.

The functions record every step so the lessons can plot and check it:
:func:`descend_logits` (one label, optionally label smoothing),
:func:`descend_logits_several_labels` (the summed loss of an implementation that accepts
several labels for one sample), :func:`record_descent` (the record of logits computed
elsewhere, for instance by a learner's own step function) and :func:`check_sign_facts`.

Classes are counted from 0 here, as in ``ce_lib.cross_entropy``.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ce_lib.cross_entropy import cross_entropy_with_grad
from ce_lib.softmax import log_softmax, softmax
from ce_lib.validation import check_label_smoothing, check_scalar

__all__ = [
    "LogitDescent",
    "SignFacts",
    "check_sign_facts",
    "descend_logits",
    "descend_logits_several_labels",
    "record_descent",
    "several_labels_loss_and_grad",
    "smoothed_target",
]


# ------------------------------------------------------------------------ validation


def _check_logit_vector(z):
    try:
        z = np.array(z, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"z: expected a 1-D array of real logits, got {z!r}.") from error
    if z.ndim != 1 or z.shape[0] < 2:
        raise ValueError(
            f"z: expected the logits of one sample, shape (n_classes,) with n_classes >= 2, "
            f"got shape {z.shape}."
        )
    bad = np.flatnonzero(~np.isfinite(z))
    if bad.size:
        raise ValueError(f"z: expected finite logits, got {z[bad[0]]} at class {bad[0]}.")
    return z


def _check_label_set(labels, n_classes):
    if isinstance(labels, numbers.Integral) or np.ndim(labels) != 1:
        raise ValueError(
            f"labels: expected a list of distinct classes for the one sample, got {labels!r}."
        )
    labels = [
        check_scalar(
            v, "labels", numbers.Integral, min_val=0, max_val=n_classes, include_boundaries="left"
        )
        for v in labels
    ]
    if not labels:
        raise ValueError("labels: expected at least one class, got an empty list.")
    if len(set(labels)) != len(labels):
        raise ValueError(f"labels: expected distinct classes, got {labels}.")
    return tuple(labels)


# ------------------------------------------------------------------- one sample, logits


@dataclass(frozen=True)
class LogitDescent:
    r"""A recorded gradient descent on the logits of one sample.

    Row ``s`` of each array is the state after ``s`` steps (row 0 is the start), so every
    array has ``n_steps + 1`` rows and ``gradients[s]`` is the gradient used for step
    ``s + 1``.

    Attributes
    ----------
    logits, probabilities, gradients : ndarray, shape (n_steps + 1, n_classes)
    losses : ndarray, shape (n_steps + 1,)
    target : ndarray, shape (n_classes,)
        What ``a`` is pulled towards: ``onehot(y)``, the smoothed one-hot, or for several
        labels the indicator of the labels divided by their number.
    labels : tuple of int
        The true class (one entry) or the several labels.
    lr : float
    label_smoothing : float
    """

    logits: np.ndarray
    probabilities: np.ndarray
    gradients: np.ndarray
    losses: np.ndarray
    target: np.ndarray
    labels: tuple
    lr: float
    label_smoothing: float = 0.0

    @property
    def n_steps(self):
        """Number of descent steps taken."""
        return self.logits.shape[0] - 1

    @property
    def n_classes(self):
        """Number of classes ``K``."""
        return self.logits.shape[1]

    @property
    def true_class(self):
        """The label when there is exactly one (``ValueError`` for several labels)."""
        if len(self.labels) != 1:
            raise ValueError(f"labels: this descent has several labels {self.labels}, not one.")
        return self.labels[0]

    @property
    def kind(self):
        """``"one_label"``, ``"label_smoothing"`` or ``"several_labels"``."""
        if len(self.labels) > 1:
            return "several_labels"
        return "label_smoothing" if self.label_smoothing > 0 else "one_label"


def smoothed_target(y, n_classes, label_smoothing=0.0):
    r"""The target distribution of label ``y`` with label smoothing ``eps``.

    .. math:: t = (1 - \varepsilon)\,\operatorname{onehot}(y) + \varepsilon / K

    >>> smoothed_target(0, 4, 0.2)
    array([0.85, 0.05, 0.05, 0.05])
    """
    n_classes = check_scalar(n_classes, "n_classes", numbers.Integral, min_val=2)
    y = check_scalar(y, "y", numbers.Integral, min_val=0, max_val=n_classes,
                     include_boundaries="left")  # fmt: skip
    eps = check_label_smoothing(label_smoothing)
    t = np.full(n_classes, eps / n_classes)
    t[y] += 1.0 - eps
    return t


def descend_logits(z, y, *, lr=1.0, n_steps=20, label_smoothing=0.0):
    r"""Gradient descent directly on the logits of one sample with one label.

    Each step is :math:`z \leftarrow z - \mathrm{lr}\, \partial J / \partial z` with the
    gradient from :func:`ce_lib.cross_entropy_with_grad` (``reduction="sum"``, i.e. the
    sample's own loss). With ``label_smoothing`` :math:`\varepsilon` the gradient is
    :math:`a - t` for the smoothed target :math:`t` of :func:`smoothed_target`: the true
    class stops being encouraged once :math:`a_y > 1 - \varepsilon + \varepsilon / K`.

    Parameters
    ----------
    z : array_like, shape (n_classes,)
        Starting logits.
    y : int
        True class, in ``[0, n_classes)``.
    lr : float, default 1.0
    n_steps : int, default 20
    label_smoothing : float, default 0.0

    Returns
    -------
    LogitDescent

    Examples
    --------
    >>> d = descend_logits([1.0, 2.0, 0.5], 0, lr=1.0, n_steps=3)
    >>> d.gradients[0].round(3)
    array([-0.769,  0.629,  0.14 ])
    >>> bool(np.all(np.diff(d.probabilities[:, 0]) > 0))
    True
    """
    z = _check_logit_vector(z)
    y = check_scalar(y, "y", numbers.Integral, min_val=0, max_val=z.shape[0],
                     include_boundaries="left")  # fmt: skip
    lr = check_scalar(lr, "lr", numbers.Real, min_val=0, include_boundaries="neither")
    n_steps = check_scalar(n_steps, "n_steps", numbers.Integral, min_val=0)
    eps = check_label_smoothing(label_smoothing)
    logits = np.empty((n_steps + 1, z.shape[0]))
    gradients = np.empty_like(logits)
    losses = np.empty(n_steps + 1)
    logits[0] = z
    for s in range(n_steps + 1):
        loss, gradient = cross_entropy_with_grad(logits[s], y, label_smoothing=eps, reduction="sum")
        losses[s] = loss
        gradients[s] = gradient
        if s < n_steps:
            logits[s + 1] = logits[s] - lr * gradient
    return LogitDescent(
        logits=logits,
        probabilities=softmax(logits, axis=-1),
        gradients=gradients,
        losses=losses,
        target=smoothed_target(y, z.shape[0], eps),
        labels=(y,),
        lr=lr,
        label_smoothing=eps,
    )


def record_descent(logits, labels, *, lr, label_smoothing=0.0):
    r"""The record of a descent whose logits were computed elsewhere, step by step.

    A lesson moves the logits with the learner's own step function; this turns the rows
    ``logits[s]`` (the logits after ``s`` steps) into the :class:`LogitDescent` that the
    figures of :mod:`ce_lib.plots` draw. Probabilities, gradients and losses are computed
    here from the logits, for the target of ``labels``:

    * one label ``y`` (an int or a one-element sequence): :math:`J = -\sum_k t_k \log a_k`
      with the one-hot or, with ``label_smoothing``, the smoothed target :math:`t`, and the
      gradient :math:`a - t`;
    * several labels :math:`L`: the summed loss :math:`-\sum_{k \in L} \log a_k` and its
      gradient :math:`|L|\, a - \mathbb{1}_L` (``target`` is :math:`\mathbb{1}_L / |L|`).

    The step sizes are not checked against ``lr``: a wrong step function gives a record of
    its own path, with the gradients the loss really has along it.

    Parameters
    ----------
    logits : array_like, shape (n_steps + 1, n_classes)
        Row 0 is the start.
    labels : int or sequence of int
        The true class, or several distinct classes.
    lr : float
        The learning rate the steps used (shown in figure titles).
    label_smoothing : float, default 0.0
        Only with one label.

    Returns
    -------
    LogitDescent

    Examples
    --------
    >>> d = descend_logits([1.0, 2.0, 0.5], 0, lr=1.0, n_steps=3)
    >>> again = record_descent(d.logits, 0, lr=1.0)
    >>> bool(np.allclose(again.gradients, d.gradients) and np.allclose(again.losses, d.losses))
    True
    """
    try:
        logits = np.array(logits, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"logits: expected an array of shape (n_steps + 1, n_classes), got {logits!r}."
        ) from error
    if logits.ndim != 2 or logits.shape[0] < 1 or logits.shape[1] < 2:
        raise ValueError(
            "logits: expected the logits after 0, 1, ..., n_steps steps, shape "
            f"(n_steps + 1, n_classes) with n_classes >= 2, got shape {logits.shape}."
        )
    bad = np.argwhere(~np.isfinite(logits))
    if bad.size:
        step, k = (int(i) for i in bad[0])
        raise ValueError(f"logits: expected finite logits, got {logits[step, k]} at step {step}.")
    n_classes = logits.shape[1]
    if isinstance(labels, numbers.Integral) and not isinstance(labels, bool | np.bool_):
        labels = [labels]
    labels = _check_label_set(labels, n_classes)
    lr = check_scalar(lr, "lr", numbers.Real, min_val=0, include_boundaries="neither")
    eps = check_label_smoothing(label_smoothing)
    if len(labels) > 1 and eps > 0:
        raise ValueError("label_smoothing: only for one label, got several labels with smoothing.")
    log_a = log_softmax(logits, axis=-1)
    probabilities = np.exp(log_a)
    if len(labels) == 1:
        target = smoothed_target(labels[0], n_classes, eps)
        weight = 1.0
    else:
        target = np.zeros(n_classes)
        target[list(labels)] = 1.0 / len(labels)
        weight = float(len(labels))
    return LogitDescent(
        logits=logits,
        probabilities=probabilities,
        gradients=weight * (probabilities - target),
        losses=-weight * (log_a * target).sum(axis=1),
        target=target,
        labels=labels,
        lr=lr,
        label_smoothing=eps,
    )


def several_labels_loss_and_grad(z, labels):
    r"""The loss of an implementation that accepts several labels for one sample.

    It sums one loss term per label, the situation the seed warns about. With the
    normalised target :math:`t = \mathbb{1}_L / |L|` this is exactly :math:`|L|` times the
    cross-entropy with :math:`t`:

    .. math::

        J = -\sum_{k \in L} \log a_k = |L| \Bigl(-\sum_k t_k \log a_k\Bigr), \qquad
        \frac{\partial J}{\partial z} = |L|\, a - \mathbb{1}_L = |L|\,(a - t) .

    So it has the same minimiser (:math:`a = t`) and the same gradient direction as the soft
    target :math:`t`: label :math:`k`'s entry turns positive once :math:`a_k > 1/|L|`, just
    where :math:`a_k - t_k` does, and the loss approaches :math:`|L| \log |L| = |L|\,H(t)`,
    not zero, as the cross-entropy with :math:`t` approaches :math:`H(t)`. What goes wrong
    is elsewhere: the sample weighs :math:`|L|` times as much as a sample with one label,
    and a softmax still treats the labels as excluding each other (labels that can all be
    true at once need one sigmoid per class). ``ce_lib.cross_entropy`` rejects a row with
    several ones and accepts the distribution :math:`t`; this function builds the summed
    loss explicitly to show the effect.

    Parameters
    ----------
    z : array_like, shape (n_classes,)
    labels : sequence of int
        Distinct classes in ``[0, n_classes)``.

    Returns
    -------
    loss : float
    grad : ndarray, shape (n_classes,)

    Examples
    --------
    >>> loss, grad = several_labels_loss_and_grad([0.0, 0.0, 0.0, 0.0], [1, 2])
    >>> grad
    array([ 0.5, -0.5, -0.5,  0.5])
    """
    z = _check_logit_vector(z)
    labels = _check_label_set(labels, z.shape[0])
    indicator = np.zeros_like(z)
    indicator[list(labels)] = 1.0
    loss = -float(log_softmax(z)[list(labels)].sum())
    grad = len(labels) * softmax(z) - indicator
    return loss, grad


def descend_logits_several_labels(z, labels, *, lr=1.0, n_steps=20):
    r"""Gradient descent on one sample's logits with the summed loss of several labels.

    Uses :func:`several_labels_loss_and_grad`, whose gradient is :math:`|L|\,(a - t)` for
    the normalised target :math:`t = \mathbb{1}_L / |L|`: this is descent on the
    cross-entropy with :math:`t` at :math:`|L|` times the learning rate. The probabilities
    of the labels approach :math:`1 / |L|` each, the target, and the one-label sign facts do
    not hold: a label's entry turns positive once its probability passes :math:`1/|L|` (see
    :func:`check_sign_facts`).

    Returns
    -------
    LogitDescent
        ``target`` is the indicator of the labels divided by their number, where ``a``
        settles.

    Examples
    --------
    >>> d = descend_logits_several_labels([2.0, 0.0, 0.0], [0, 1], lr=1.0, n_steps=50)
    >>> d.probabilities[-1].round(1)
    array([0.5, 0.5, 0. ])
    """
    z = _check_logit_vector(z)
    labels = _check_label_set(labels, z.shape[0])
    lr = check_scalar(lr, "lr", numbers.Real, min_val=0, include_boundaries="neither")
    n_steps = check_scalar(n_steps, "n_steps", numbers.Integral, min_val=0)
    logits = np.empty((n_steps + 1, z.shape[0]))
    gradients = np.empty_like(logits)
    losses = np.empty(n_steps + 1)
    logits[0] = z
    for s in range(n_steps + 1):
        losses[s], gradients[s] = several_labels_loss_and_grad(logits[s], labels)
        if s < n_steps:
            logits[s + 1] = logits[s] - lr * gradients[s]
    target = np.zeros(z.shape[0])
    target[list(labels)] = 1.0 / len(labels)
    return LogitDescent(
        logits=logits,
        probabilities=softmax(logits, axis=-1),
        gradients=gradients,
        losses=losses,
        target=target,
        labels=labels,
        lr=lr,
    )


# ----------------------------------------------------------------------- sign facts


@dataclass(frozen=True)
class SignFacts:
    r"""Which sign facts hold along a descent, and where and why they break.

    Attributes
    ----------
    true_class_nonpositive : bool
        Every label's gradient entry is <= 0 at every step ("encourage").
    others_nonnegative : bool
        Every other entry is >= 0 ("suppress").
    sums_to_zero : bool
        Each gradient's entries sum to zero.
    progress : bool
        Each label's probability never falls.
    violations : list of str
        One line per broken fact: the first step where it fails, with the reason.
    """

    true_class_nonpositive: bool
    others_nonnegative: bool
    sums_to_zero: bool
    progress: bool
    violations: list

    @property
    def holds(self):
        """Whether all four facts hold."""
        return (
            self.true_class_nonpositive
            and self.others_nonnegative
            and self.sums_to_zero
            and self.progress
        )

    def __str__(self):
        lines = [
            f"true-class entries <= 0: {self.true_class_nonpositive}",
            f"other entries >= 0: {self.others_nonnegative}",
            f"entries sum to 0: {self.sums_to_zero}",
            f"progress at every step: {self.progress}",
        ]
        return "\n".join(lines + self.violations)


def _first(mask):
    hits = np.argwhere(mask)
    return None if hits.size == 0 else tuple(int(i) for i in hits[0])


def check_sign_facts(descent, *, atol=1e-12):
    r"""Check the suppress/encourage sign facts along a recorded descent.

    For one label :math:`\partial J/\partial z_y = a_y - 1 \le 0`, the other entries
    :math:`a_n \ge 0`, they sum to zero, and on the logits :math:`a_y` never falls. With
    label smoothing the true-class entry :math:`a_y - (1 - \varepsilon + \varepsilon/K)`
    becomes positive once :math:`a_y` passes its target, and another class's entry
    :math:`a_n - \varepsilon/K` is negative while :math:`a_n < \varepsilon/K`. With several
    labels each label's entry :math:`|L| a_k - 1 = |L|\,(a_k - 1/|L|)` becomes positive
    once :math:`a_k > 1/|L|`, as for the soft target :math:`\mathbb{1}_L / |L|`: past its
    share of the target, a label is pushed back, whichever way the target was written. The
    entries still sum to zero in every case (the targets sum to one, or to :math:`|L|`
    against :math:`|L| \sum a`).

    Parameters
    ----------
    descent : LogitDescent
    atol : float, default 1e-12
        Slack for rounding.

    Returns
    -------
    SignFacts
        Its ``violations`` describe each broken fact once, at the first step where it
        breaks.

    Examples
    --------
    >>> check_sign_facts(descend_logits([0.0, 1.0, 2.0], 0, n_steps=10)).holds
    True
    >>> smoothed = descend_logits([4.0, 0.0, 0.0], 0, n_steps=10, label_smoothing=0.2)
    >>> facts = check_sign_facts(smoothed)  # a_0 = 0.96 starts above its target 0.87
    >>> facts.true_class_nonpositive, facts.sums_to_zero
    (False, True)
    """
    if not isinstance(descent, LogitDescent):
        raise ValueError(f"descent: expected a LogitDescent, got {type(descent).__name__}.")
    atol = check_scalar(atol, "atol", numbers.Real, min_val=0)
    g, a = descent.gradients, descent.probabilities
    labels = list(descent.labels)
    is_label = np.zeros(descent.n_classes, dtype=bool)
    is_label[labels] = True
    violations = []

    step_class = _first(g[:, is_label] > atol)
    true_ok = step_class is None
    if not true_ok:
        s, k = step_class[0], labels[step_class[1]]
        if descent.kind == "several_labels":
            why = (
                f"a_{k} = {a[s, k]:.3g} > 1/|L| = {1 / len(labels):.3g}: the labels compete "
                "and this one is now pushed down"
            )
        else:
            why = (
                f"a_{k} = {a[s, k]:.4g} passed its smoothed target {descent.target[k]:.4g} "
                f"(by {a[s, k] - descent.target[k]:.2g}), so the true logit is now lowered"
            )
        violations.append(f"step {s}: label {k} has gradient {g[s, k]:+.3g} > 0 because {why}.")
    others = np.flatnonzero(~is_label)
    step_class = _first(g[:, others] < -atol)
    others_ok = step_class is None
    if not others_ok:
        s, n = step_class[0], int(others[step_class[1]])
        violations.append(
            f"step {s}: class {n} has gradient {g[s, n]:+.3g} < 0 because a_{n} = "
            f"{a[s, n]:.4g} is below its smoothed target {descent.target[n]:.4g}, so a "
            "wrong class is encouraged."
        )
    sums = g.sum(axis=1)
    bad_sum = np.flatnonzero(np.abs(sums) > max(atol, 1e-9) * descent.n_classes)
    sums_ok = bad_sum.size == 0
    if not sums_ok:
        violations.append(
            f"step {int(bad_sum[0])}: gradient entries sum to {sums[bad_sum[0]]:.3g}."
        )
    falls = np.diff(a[:, labels], axis=0) < -atol
    step_class = _first(falls)
    progress_ok = step_class is None
    if not progress_ok:
        s, k = step_class[0], labels[step_class[1]]
        violations.append(
            f"step {s + 1}: the probability of label {k} fell by {a[s, k] - a[s + 1, k]:.2g} "
            f"(from {a[s, k]:.4g})."
        )
    return SignFacts(true_ok, others_ok, sums_ok, progress_ok, violations)
