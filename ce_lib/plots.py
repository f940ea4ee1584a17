r"""Every figure the lessons draw, in one style.

All functions return a :class:`matplotlib.figure.Figure` built without ``pyplot``: nothing
accumulates in pyplot's global state, and a notebook shows the figure (as a PNG) when it is
the cell's last expression or is passed to ``display(fig)``; ``fig.savefig(path)`` writes
it to a file. Tests read the plotted data back from the returned figure.

Colours come from the Okabe-Ito palette (:data:`OKABE_ITO`), which stays distinguishable
with the common forms of colour blindness; images use ColorBrewer's diverging ``RdBu_r``
and the sequential ``cividis`` map, both colour-blind safe.
"""

from __future__ import annotations

import io
import numbers
from pathlib import Path

import numpy as np
from matplotlib import colormaps
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from PIL import Image
from scipy.special import expit

from ce_lib.dynamics import LogitDescent, descend_logits, record_descent
from ce_lib.softmax import softmax
from ce_lib.validation import check_scalar, check_step

__all__ = [
    "ENCOURAGE_COLOR",
    "OKABE_ITO",
    "PALETTE",
    "PROBABILITY_COLOR",
    "SUPPRESS_COLOR",
    "TRUE_PROBABILITY_COLOR",
    "animate_descent",
    "class_color",
    "interactive_suppress_encourage",
    "logit_descent",
    "plot_binary_sigmoid",
    "plot_confusion_matrix",
    "plot_cross_entropy_vs_squared_error",
    "plot_descent_step",
    "plot_digit_gallery",
    "plot_finite_difference_error",
    "plot_gradient_along_true_logit",
    "plot_gradient_per_class",
    "plot_logits_and_probabilities",
    "plot_loss_curve",
    "plot_loss_of_true_probability",
    "plot_multilabel_models",
    "plot_suppress_encourage",
    "plot_temperature",
    "plot_trajectories",
    "plot_weight_growth",
    "plot_weight_images",
    "save_descent_animation",
]

#: The Okabe-Ito colour-blind-safe palette, by name.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
}

#: Line colours in the order used for classes (yellow last: faint on white).
PALETTE = tuple(
    OKABE_ITO[name]
    for name in (
        "blue", "orange", "bluish_green", "vermillion", "reddish_purple", "sky_blue",
        "black", "yellow",
    )
)  # fmt: skip

#: Bars whose gradient is negative: descent raises that logit.
ENCOURAGE_COLOR = OKABE_ITO["bluish_green"]
#: Bars whose gradient is positive: descent lowers that logit.
SUPPRESS_COLOR = OKABE_ITO["vermillion"]
#: Probability bars of the label(s) and of the other classes.
TRUE_PROBABILITY_COLOR = OKABE_ITO["blue"]
PROBABILITY_COLOR = OKABE_ITO["sky_blue"]

_LINESTYLES = ("-", "--", ":", "-.")


def class_color(k):
    """Colour of class ``k`` in line plots (cycles through :data:`PALETTE`).

    >>> class_color(0)
    '#0072B2'
    """
    k = check_scalar(k, "k", numbers.Integral, min_val=0)
    return PALETTE[k % len(PALETTE)]


class NotebookFigure(Figure):
    """A Figure that shows itself as a PNG when it is a notebook cell's result.

    Without pyplot, IPython has no display hook for a bare Figure, so this provides one.
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def _new_figure(figsize):
    fig = NotebookFigure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)  # a canvas that can render, for savefig and animations
    return fig


def _check_figsize(figsize):
    if figsize is None:
        return None
    try:
        width, height = (float(v) for v in figsize)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"figsize: expected (width, height) in inches, got {figsize!r}."
        ) from error
    if not (width > 0 and height > 0):
        raise ValueError(f"figsize: expected positive sizes, got {figsize!r}.")
    return (width, height)


# ---------------------------------------------------------------- suppress and encourage


def _bar_colors(gradient):
    return [ENCOURAGE_COLOR if g < 0 else SUPPRESS_COLOR for g in gradient]


def _draw_step(fig, probabilities, gradient, labels, target, title, gradient_limits,
               gradient_title=r"Gradient $\partial J / \partial z_k$"):  # fmt: skip
    n_classes = probabilities.shape[0]
    classes = np.arange(n_classes)
    is_label = np.isin(classes, labels)
    ax_a, ax_g = fig.subplots(1, 2)

    ax_a.bar(
        classes,
        probabilities,
        color=[TRUE_PROBABILITY_COLOR if t else PROBABILITY_COLOR for t in is_label],
        edgecolor="black",
        linewidth=0.6,
    )
    ax_a.plot(classes, target, linestyle="none", marker="_", markersize=18, color="black",
              label="target")  # fmt: skip
    ax_a.set_ylim(0.0, 1.05)
    ax_a.set_title("Probabilities $a_k$")
    ax_a.set_xlabel("class $k$")
    ax_a.set_ylabel("probability $a_k$")
    ax_a.set_xticks(classes)
    ax_a.legend(loc="upper right", frameon=False)

    bars = ax_g.bar(
        classes, gradient, color=_bar_colors(gradient), edgecolor="black", linewidth=0.6
    )
    for bar, label in zip(bars, is_label, strict=True):
        if label:
            bar.set_hatch("//")
    ax_g.axhline(0.0, color="black", linewidth=0.8)
    ax_g.set_ylim(*gradient_limits)
    ax_g.set_title(gradient_title)
    ax_g.set_xlabel("class $k$")
    ax_g.set_ylabel(r"$\partial J / \partial z_k$")
    ax_g.set_xticks(classes)
    ax_g.legend(
        handles=[
            Patch(facecolor=ENCOURAGE_COLOR, edgecolor="black", label="< 0: encourage (raised)"),
            Patch(facecolor=SUPPRESS_COLOR, edgecolor="black", label="> 0: suppress (lowered)"),
            Patch(facecolor="white", edgecolor="black", hatch="//", label="label"),
        ],
        loc="lower right",
        frameon=False,
        fontsize="small",
    )
    fig.suptitle(title)
    return bars


def _gradient_limits(gradients):
    low = min(-1.0, float(np.min(gradients)))
    high = max(1.0, float(np.max(gradients)))
    return (1.05 * low, 1.05 * high)


def plot_suppress_encourage(z, y, *, label_smoothing=0.0, figsize=(9.0, 3.6)):
    r"""Probabilities and per-class gradient bars of one sample.

    The gradient :math:`\partial J / \partial z = a - t` comes from
    :func:`ce_lib.cross_entropy_with_grad`. Negative bars (the label's
    :math:`a_y - 1`, "encourage") are green and positive bars (every other
    :math:`a_n`, "suppress") vermillion; the label's bars are hatched; black ticks mark
    the target in the probability panel.

    Parameters
    ----------
    z : array_like, shape (n_classes,)
    y : int
        True class, in ``[0, n_classes)``.
    label_smoothing : float, default 0.0
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0]`` holds the probabilities, ``fig.axes[1]`` the gradient bars.

    Examples
    --------
    >>> fig = plot_suppress_encourage([1.0, 2.0, 0.5], 0)
    >>> [round(float(p.get_height()), 3) for p in fig.axes[1].patches]
    [-0.769, 0.629, 0.14]
    """
    descent = descend_logits(z, y, n_steps=0, label_smoothing=label_smoothing)
    return plot_descent_step(descent, 0, figsize=figsize)


def plot_descent_step(descent, step, *, zoom=False, figsize=(9.0, 3.6)):
    """The suppress/encourage figure at one step of a recorded descent.

    Parameters
    ----------
    descent : LogitDescent
        From :func:`ce_lib.dynamics.descend_logits` or
        :func:`ce_lib.dynamics.descend_logits_several_labels`.
    step : int
        In ``[0, descent.n_steps]``.
    zoom : bool, default False
        By default the gradient axis spans the whole descent, so that steps compare at a
        glance. With ``zoom=True`` it is fitted to this step's bars, which late in a descent
        are too small to see on the full scale; every bar is then labelled with its value
        and the panel's title says that the axis is zoomed.
    figsize : (float, float)

    Returns
    -------
    Figure

    Examples
    --------
    >>> from ce_lib.dynamics import descend_logits
    >>> d = descend_logits([1.0, 2.0, 0.5], 0, n_steps=30)
    >>> fig = plot_descent_step(d, 30, zoom=True)
    >>> bool(fig.axes[1].get_ylim()[1] < 0.05)  # the bars are about 0.02 tall
    True
    """
    _check_logit_descent(descent)
    step = check_step(step, descent.n_steps)
    zoom = check_scalar(zoom, "zoom", bool)
    fig = _new_figure(_check_figsize(figsize))
    gradient = descent.gradients[step]
    if zoom:
        scale = max(float(np.max(np.abs(gradient))), 1e-12)
        limits = (1.3 * min(float(gradient.min()), 0.0) - 0.05 * scale,
                  1.3 * max(float(gradient.max()), 0.0) + 0.05 * scale)  # fmt: skip
        title = r"Gradient $\partial J / \partial z_k$ (axis zoomed to this step)"
    else:
        limits = _gradient_limits(descent.gradients)
        title = r"Gradient $\partial J / \partial z_k$"
    bars = _draw_step(
        fig,
        descent.probabilities[step],
        gradient,
        list(descent.labels),
        descent.target,
        _step_title(descent, step),
        limits,
        gradient_title=title,
    )
    if zoom:
        fig.axes[1].bar_label(bars, labels=[f"{g:+.2g}" for g in gradient], fontsize="small",
                              padding=2)  # fmt: skip
    return fig


def _what(descent):
    labels = ", ".join(str(k) for k in descent.labels)
    return {
        "one_label": f"true class {labels}",
        "label_smoothing": f"true class {labels}, label smoothing {descent.label_smoothing:g}",
        "several_labels": f"several labels {{{labels}}} (summed loss)",
    }[descent.kind]


def _step_title(descent, step):
    if descent.n_steps == 0:  # a single state, not a descent: no step counter, no lr
        return f"One sample, {_what(descent)}"
    return f"Step {step} of {descent.n_steps}, lr = {descent.lr:g}, {_what(descent)}"


def logit_descent(logits, labels, *, lr, label_smoothing=0.0):
    r"""The record that the descent figures draw, from logits computed step by step.

    A lesson runs the descent with the learner's own step function and keeps the logits
    after every step; this turns them into the :class:`~ce_lib.dynamics.LogitDescent` that
    :func:`plot_descent_step`, :func:`plot_trajectories`, :func:`plot_gradient_per_class`
    and :func:`animate_descent` take. It is :func:`ce_lib.dynamics.record_descent`: the
    probabilities, gradients and losses are computed from the logits.

    Parameters
    ----------
    logits : array_like, shape (n_steps + 1, n_classes)
        Row ``s``: the logits after ``s`` steps.
    labels : int or sequence of int
        The true class, or several labels.
    lr : float
    label_smoothing : float, default 0.0

    Returns
    -------
    LogitDescent

    Examples
    --------
    >>> d = logit_descent([[0.0, 0.0], [0.5, -0.5]], 0, lr=1.0)
    >>> d.n_steps, d.gradients[0].tolist()
    (1, [-0.5, 0.5])
    """
    return record_descent(logits, labels, lr=lr, label_smoothing=label_smoothing)


def _check_logit_descent(descent):
    if not isinstance(descent, LogitDescent):
        raise ValueError(
            "descent: expected a LogitDescent from ce_lib.dynamics.descend_logits, got "
            f"{type(descent).__name__}."
        )


# ----------------------------------------------------------------------- trajectories


def plot_trajectories(descent, *, loss_floor=None, loss_floor_label=None, figsize=(12.0, 3.6)):
    r"""Logits, probabilities and loss over the steps of a descent on the logits.

    One line per class, coloured by :func:`class_color`; the label(s) drawn solid and
    thick, the other classes dashed. Thin dotted black lines in the probability panel mark
    the target values ``descent.target`` (one line per distinct value), where the
    probabilities are pulled.

    Parameters
    ----------
    descent : LogitDescent
    loss_floor : float, optional
        The lowest loss the descent can approach, drawn as a dashed line in the loss panel:
        the entropy :math:`H(t)` of a soft target, or :math:`|L| \log |L|` for the summed
        loss of several labels. A one-hot target's floor is zero, the axis itself.
    loss_floor_label : str, optional
        The legend entry of the floor (default ``"floor {value}"``).
    figsize : (float, float)

    Returns
    -------
    Figure
        Three axes: logits, probabilities, loss. In the first two, line ``k`` is class
        ``k``; in the probabilities the lines after the classes are the targets. In the
        loss panel, ``lines[1]`` is the floor when one is given.

    Examples
    --------
    >>> from ce_lib.dynamics import descend_logits
    >>> fig = plot_trajectories(descend_logits([0.0, 1.0, 2.0], 0, n_steps=5))
    >>> fig.axes[1].lines[0].get_ydata().shape
    (6,)
    """
    _check_logit_descent(descent)
    fig = _new_figure(_check_figsize(figsize))
    ax_z, ax_a, ax_j = fig.subplots(1, 3)
    steps = np.arange(descent.n_steps + 1)
    for ax, values, name in (
        (ax_z, descent.logits, "logit $z_k$"),
        (ax_a, descent.probabilities, "probability $a_k$"),
    ):
        for k in range(descent.n_classes):
            is_label = k in descent.labels
            ax.plot(
                steps,
                values[:, k],
                color=class_color(k),
                linestyle="-" if is_label else _LINESTYLES[1 + (k // len(PALETTE)) % 3],
                linewidth=2.5 if is_label else 1.5,
                label=f"class {k}" + (" (label)" if is_label else ""),
            )
        ax.set_xlabel("step")
        ax.set_ylabel(name)
    ax_z.set_title("Logits $z_k$")
    ax_a.set_title("Probabilities $a_k$")
    for j, value in enumerate(np.unique(descent.target)[::-1]):
        ax_a.axhline(value, color=OKABE_ITO["black"], linestyle=":", linewidth=1.0,
                     label="target $t_k$" if j == 0 else "_nolegend_")  # fmt: skip
    ax_a.set_ylim(-0.02, 1.02)
    ax_a.legend(loc="best", fontsize="small", frameon=False)
    ax_j.plot(steps, descent.losses, color=OKABE_ITO["black"], linewidth=2, label="loss")
    if loss_floor is not None:
        _draw_floor(ax_j, loss_floor, loss_floor_label)
        ax_j.set_ylim(bottom=0.0)
    ax_j.set_title("Loss")
    ax_j.set_xlabel("step")
    ax_j.set_ylabel("loss $J$")
    fig.suptitle(_step_title(descent, descent.n_steps).split(", ", 1)[1])
    return fig


def plot_loss_curve(losses, *, test_losses=None, title="Training loss", loss_floor=None,
                    loss_floor_label=None, figsize=(6.0, 3.6)):  # fmt: skip
    """Loss over training steps.

    Parameters
    ----------
    losses : array_like, shape (n_steps + 1,)
    test_losses : array_like, optional
        A second curve, e.g. the loss on held-out data.
    title : str
    loss_floor : float, optional
        The lowest loss that training can approach (for soft targets the mean entropy of
        the targets), drawn as a dashed line after the curves.
    loss_floor_label : str, optional
        Its legend entry (default ``"floor {value}"``).
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines`` are the training curve, the test curve if given, then the
        floor if given.

    Examples
    --------
    >>> fig = plot_loss_curve([2.3, 1.0, 0.5])
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [2.3, 1.0, 0.5]
    """
    losses = _check_curve(losses, "losses")
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    ax.plot(np.arange(losses.size), losses, color=PALETTE[0], linewidth=2, label="training")
    if test_losses is not None:
        test_losses = _check_curve(test_losses, "test_losses")
        ax.plot(np.arange(test_losses.size), test_losses, color=PALETTE[1], linewidth=2,
                linestyle="--", label="test")  # fmt: skip
    if loss_floor is not None:
        _draw_floor(ax, loss_floor, loss_floor_label)
        ax.set_ylim(bottom=0.0)
    if test_losses is not None or loss_floor is not None:
        ax.legend(frameon=False)
    ax.set_title(str(title))
    ax.set_xlabel("step")
    ax.set_ylabel("mean loss $J$")
    return fig


def plot_weight_growth(epochs, norms, losses, *, loss_label="validation loss",
                       title="Weights and loss over training", figsize=(10.0, 3.6)):  # fmt: skip
    r"""The size of the weights and a loss over training, one line per setting.

    Drawn to compare training without and with an L2 penalty: without it the norm
    :math:`\lVert W \rVert` of a model that fits its training data keeps growing; with it
    the norm levels off.

    Parameters
    ----------
    epochs : array_like, shape (n_points,)
        The epochs at which the values were taken.
    norms, losses : dict of str to array_like, shape (n_points,)
        Per setting (the legend entry), :math:`\lVert W \rVert` and the loss at ``epochs``;
        both dicts have the same keys.
    loss_label : str, default "validation loss"
    title : str
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[i]`` is the norm of the ``i``-th setting, ``fig.axes[1].lines[i]``
        its loss.

    Examples
    --------
    >>> fig = plot_weight_growth([1, 2], {"l2 = 0": [1.0, 2.0]}, {"l2 = 0": [0.3, 0.2]})
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [1.0, 2.0]
    """
    epochs = _check_curve(epochs, "epochs")
    if not isinstance(norms, dict) or not isinstance(losses, dict) or not norms:
        raise ValueError("norms, losses: expected two dicts from a setting's name to its values.")
    if list(norms) != list(losses):
        raise ValueError(
            f"norms, losses: expected the same settings, got {list(norms)} and {list(losses)}."
        )
    fig = _new_figure(_check_figsize(figsize))
    ax_norm, ax_loss = fig.subplots(1, 2)
    for i, name in enumerate(norms):
        panels = ((ax_norm, norms[name], "norms"), (ax_loss, losses[name], "losses"))
        for ax, values, what in panels:
            values = _check_curve(values, f"{what}[{name!r}]")
            if values.size != epochs.size:
                raise ValueError(
                    f"{what}[{name!r}]: expected {epochs.size} values, one per epoch, "
                    f"got {values.size}."
                )
            ax.plot(epochs, values, color=PALETTE[i % len(PALETTE)], linewidth=2,
                    linestyle=_LINESTYLES[i % len(_LINESTYLES)], marker="o", markersize=3,
                    label=str(name))  # fmt: skip
    ax_norm.set_title(r"Size of the weights $\Vert W \Vert$")
    ax_norm.set_ylabel(r"$\Vert W \Vert$")
    ax_loss.set_title(str(loss_label).capitalize())
    ax_loss.set_ylabel(str(loss_label))
    for ax in (ax_norm, ax_loss):
        ax.set_xlabel("epoch")
        ax.legend(frameon=False, fontsize="small")
    fig.suptitle(str(title))
    return fig


def _draw_floor(ax, loss_floor, label):
    loss_floor = check_scalar(loss_floor, "loss_floor", numbers.Real, min_val=0)
    text = f"floor {float(loss_floor):.3g}" if label is None else str(label)
    ax.axhline(float(loss_floor), color=OKABE_ITO["black"], linestyle="--", linewidth=1.2,
               label=text)  # fmt: skip
    ax.legend(frameon=False, fontsize="small")


def _check_curve(values, name):
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: expected a 1-D array of numbers, got {values!r}.") from error
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{name}: expected a non-empty 1-D array, got shape {values.shape}.")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name}: expected finite values, got {values[~np.isfinite(values)][0]}.")
    return values


# --------------------------------------------------------------------------- regression


def plot_weight_images(W, *, image_shape=(8, 8), class_names=None, figsize=None):
    r"""Each class's weight vector as an image (one panel per class).

    Red pixels raise the class's logit, blue pixels lower it; the colour scale is
    symmetric around zero and shared by all panels. The pixel axes are named once for the
    whole grid (``fig.get_supxlabel()``, ``fig.get_supylabel()``), not on every panel.

    Parameters
    ----------
    W : array_like, shape (n_features, n_classes)
        With ``n_features == prod(image_shape)``.
    image_shape : (int, int), default (8, 8)
    class_names : sequence of str, optional
    figsize : (float, float), optional

    Returns
    -------
    Figure
        One image axis per class (``fig.axes[:n_classes]``) plus a colour bar.

    Examples
    --------
    >>> fig = plot_weight_images(np.arange(128.0).reshape(64, 2))
    >>> fig.axes[1].images[0].get_array().shape
    (8, 8)
    """
    # The reshaping and its checks live with the model; imported here so that drawing
    # other figures never pays for scikit-learn.
    from ce_lib.regression import weights_as_images

    images = weights_as_images(W, image_shape)
    if not np.all(np.isfinite(images)):
        raise ValueError("W: expected finite weights.")
    n_classes = images.shape[0]
    names = _class_names(class_names, n_classes)
    n_cols = min(n_classes, 5)
    n_rows = -(-n_classes // n_cols)
    fig = _new_figure(_check_figsize(figsize) or (2.0 * n_cols + 1.0, 2.1 * n_rows + 0.6))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols)).ravel()
    limit = float(np.max(np.abs(images))) or 1.0
    image = None
    for k, ax in enumerate(axes):
        if k >= n_classes:
            ax.set_axis_off()
            continue
        image = ax.imshow(images[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"class {names[k]}")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight")
    fig.supxlabel("pixel column (each panel)")
    fig.supylabel("pixel row (each panel)")
    fig.suptitle("Learned weights per class (red raises the class's logit)")
    return fig


def _class_names(class_names, n_classes):
    if class_names is None:
        return [str(k) for k in range(n_classes)]
    names = [str(v) for v in class_names]
    if len(names) != n_classes:
        raise ValueError(f"class_names: expected {n_classes} names, got {len(names)}.")
    return names


def plot_confusion_matrix(cm, *, class_names=None, mask_diagonal=False, figsize=(5.5, 4.8)):
    """A confusion matrix as an annotated image (rows: true class, columns: predicted).

    Parameters
    ----------
    cm : array_like of int, shape (n_classes, n_classes)
    class_names : sequence of str, optional
    mask_diagonal : bool, default False
        Colour only the mistakes: the diagonal (the correct answers, usually far larger) is
        masked and drawn in grey with its count, and the colour scale spans the
        off-diagonal counts, so that the confusions stand out.
    figsize : (float, float)

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = plot_confusion_matrix([[5, 1], [0, 4]])
    >>> fig.axes[0].images[0].get_array().tolist()
    [[5, 1], [0, 4]]
    >>> fig = plot_confusion_matrix([[5, 1], [0, 4]], mask_diagonal=True)
    >>> fig.axes[0].images[0].get_array().tolist()
    [[None, 1], [0, None]]
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(
            f"cm: expected a square (n_classes, n_classes) matrix, got shape {cm.shape}."
        )
    if not np.issubdtype(cm.dtype, np.integer) or np.any(cm < 0):
        raise ValueError("cm: expected non-negative integer counts.")
    mask_diagonal = check_scalar(mask_diagonal, "mask_diagonal", bool)
    names = _class_names(class_names, cm.shape[0])
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    diagonal = np.eye(cm.shape[0], dtype=bool)
    if mask_diagonal:
        shown = np.ma.masked_array(cm, mask=diagonal)
        cmap = colormaps["cividis"].with_extremes(bad="0.85")
        high = max(int(shown.max()) if shown.count() else 0, 1)
        image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=high)
    else:
        image = ax.imshow(cm, cmap="cividis")
        high = cm.max()
    threshold = high / 2.0
    for (i, j), count in np.ndenumerate(cm):
        on_grey = mask_diagonal and i == j
        ax.text(j, i, str(count), ha="center", va="center", fontsize="small",
                fontweight="bold" if on_grey else "normal",
                color="black" if on_grey or count > threshold else "white")  # fmt: skip
    ax.set_xticks(range(cm.shape[0]), names)
    ax.set_yticks(range(cm.shape[0]), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    correct = f"{int(np.trace(cm))} of {int(cm.sum())} correct"
    if mask_diagonal:
        ax.set_title(f"Confusion matrix, mistakes only\n({correct} on the grey diagonal)")
        fig.colorbar(image, ax=ax, label="samples (off the diagonal)",
                     ticks=MaxNLocator(integer=True))  # fmt: skip
    else:
        ax.set_title(f"Confusion matrix ({correct})")
        fig.colorbar(image, ax=ax, label="samples")
    return fig


# ------------------------------------------------------------- softmax and the loss


def _check_vector(values, name, *, min_size=1):
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name}: expected a 1-D array of numbers, got {values!r}.") from error
    if values.ndim != 1 or values.size < min_size:
        raise ValueError(
            f"{name}: expected a 1-D array of at least {min_size} numbers, got shape "
            f"{values.shape}."
        )
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name}: expected finite values, got {values[~np.isfinite(values)][0]}.")
    return values


def plot_logits_and_probabilities(z, *, figsize=(8.0, 3.2)):
    r"""The logits of one sample next to their softmax probabilities.

    .. math:: a_k = \frac{e^{z_k}}{\sum_j e^{z_j}}

    Parameters
    ----------
    z : array_like, shape (n_classes,)
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0]`` holds one bar per logit, ``fig.axes[1]`` one bar per probability
        (annotated with its value); bar ``k`` is class ``k`` in both, coloured by
        :func:`class_color`.

    Examples
    --------
    >>> fig = plot_logits_and_probabilities([2.0, 1.0, 0.1])
    >>> [round(float(p.get_height()), 3) for p in fig.axes[1].patches]
    [0.659, 0.242, 0.099]
    """
    z = _check_vector(z, "z")
    a = softmax(z)
    classes = np.arange(z.size)
    colors = [class_color(k) for k in classes]
    fig = _new_figure(_check_figsize(figsize))
    ax_z, ax_a = fig.subplots(1, 2)
    ax_z.bar(classes, z, color=colors, edgecolor="black", linewidth=0.6)
    ax_z.axhline(0.0, color="black", linewidth=0.8)
    ax_z.set_title("Logits $z$")
    ax_z.set_xlabel("class $k$")
    ax_z.set_ylabel("logit $z_k$")
    ax_z.set_xticks(classes)
    ax_a.bar(classes, a, color=colors, edgecolor="black", linewidth=0.6)
    for k in classes:
        ax_a.annotate(f"{a[k]:.2f}", (k, a[k]), ha="center", va="bottom")
    ax_a.set_ylim(0.0, 1.05)
    ax_a.set_title(r"Probabilities $a = \mathrm{softmax}(z)$")
    ax_a.set_xlabel("class $k$")
    ax_a.set_ylabel("probability $a_k$")
    ax_a.set_xticks(classes)
    return fig


def plot_loss_of_true_probability(*, marked=(0.01, 0.1, 0.5, 0.9), figsize=(6.0, 3.6)):
    r"""The loss of one sample, :math:`J = -\log a_y`, against the probability :math:`a_y`.

    Parameters
    ----------
    marked : sequence of float, default (0.01, 0.1, 0.5, 0.9)
        Probabilities in (0, 1] marked with a dot and their loss.
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[0]`` is the curve; ``lines[1:]`` the marked points.

    Examples
    --------
    >>> fig = plot_loss_of_true_probability(marked=[0.5])
    >>> round(float(fig.axes[0].lines[1].get_ydata()[0]), 4)
    0.6931
    """
    marked = _check_vector(marked, "marked", min_size=0)
    if np.any((marked <= 0.0) | (marked > 1.0)):
        bad = marked[(marked <= 0.0) | (marked > 1.0)][0]
        raise ValueError(f"marked: expected probabilities in (0, 1], got {bad}.")
    a_y = np.linspace(0.005, 1.0, 400)
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    ax.plot(a_y, -np.log(a_y), color=TRUE_PROBABILITY_COLOR, linewidth=2,
            label=r"$J = -\log a_y$")  # fmt: skip
    for p in marked:
        loss = -np.log(p)
        ax.plot([p], [loss], marker="o", linestyle="none", color=SUPPRESS_COLOR)
        # Near a_y = 1 the curve is low and flat: lift the label and point at the dot.
        near_one = p > 0.8
        ax.annotate(
            f"$a_y$ = {p:g}: J = {loss:.2f}",
            (p, loss),
            xytext=(-6, 40) if near_one else (6, 4),
            textcoords="offset points",
            ha="center" if near_one else "left",
            arrowprops={"arrowstyle": "-", "color": "0.4"} if near_one else None,
        )
    ax.set_xlim(0.0, 1.02)
    ax.set_ylim(0.0, 5.5)
    ax.set_title("Loss of one sample")
    ax.set_xlabel("probability of the true class $a_y$")
    ax.set_ylabel("loss $J$")
    ax.legend(frameon=False)
    return fig


# ------------------------------------------------------------------------- gradients


def plot_gradient_along_true_logit(true_logits, gradient, true_class, *, class_names=None,
                                   other_logits=None, figsize=(7.0, 3.8)):  # fmt: skip
    r"""Each gradient entry :math:`\partial J / \partial z_k` as the true logit grows.

    The entries are given (for instance evaluated from SymPy expressions): row ``k`` of
    ``gradient`` is :math:`\partial J / \partial z_k` at each value of ``true_logits``.
    The true class's line is solid (encourage, :math:`a_y - 1`), the others dashed
    (suppress, :math:`a_n`).

    Parameters
    ----------
    true_logits : array_like, shape (n_points,)
    gradient : array_like, shape (n_classes, n_points)
    true_class : int
        Row of ``gradient`` that belongs to the label.
    class_names : sequence of str, optional
        How the classes are called in the labels (default ``0, 1, ...``).
    other_logits : sequence of float, optional
        The values at which the other logits are held, in class order without the true
        class; the axis label names them (``z_1 = 1, z_2 = -1 held fixed``).
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[k]`` is class ``k``.

    Examples
    --------
    >>> fig = plot_gradient_along_true_logit([0.0, 1.0], [[0.5, 0.3], [-0.5, -0.3]], 1)
    >>> fig.axes[0].lines[1].get_ydata().tolist()
    [-0.5, -0.3]
    """
    true_logits = _check_vector(true_logits, "true_logits")
    try:
        gradient = np.asarray(gradient, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"gradient: expected a real array, got {gradient!r}.") from error
    if gradient.ndim != 2 or gradient.shape[1] != true_logits.size:
        raise ValueError(
            f"gradient: expected shape (n_classes, {true_logits.size}), got {gradient.shape}."
        )
    n_classes = gradient.shape[0]
    true_class = check_scalar(true_class, "true_class", numbers.Integral, min_val=0,
                              max_val=n_classes - 1)  # fmt: skip
    names = _class_names(class_names, n_classes)
    others = [k for k in range(n_classes) if k != true_class]
    if other_logits is not None:
        other_logits = _check_vector(other_logits, "other_logits")
        if other_logits.size != len(others):
            raise ValueError(
                f"other_logits: expected {len(others)} values, one per other class, got "
                f"{other_logits.size}."
            )
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    n_dashed = n_classes - 1
    for k in range(n_classes):
        is_label = k == true_class
        what = (
            f"$a_{{{names[k]}}} - 1$ (encourage class {names[k]})"
            if is_label
            else f"$a_{{{names[k]}}}$ (suppress class {names[k]})"
        )
        # Dashes of the other classes are staggered: equal entries stay visible in turn.
        order = k - (k > true_class)
        linestyle = "-" if is_label else (4.0 * order, (4.0, 4.0 * n_dashed - 4.0 or 4.0))
        ax.plot(true_logits, gradient[k], color=class_color(k), linestyle=linestyle,
                linewidth=2.5 if is_label else 1.8, label=what)  # fmt: skip
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_ylim(-1.05, 1.05 * max(0.5, float(gradient.max())))
    ax.set_title(f"Gradient of the loss for true class {names[true_class]}")
    if other_logits is None:
        held = "the other logits held fixed"
    else:
        values = ", ".join(
            f"z_{{{names[k]}}} = {v:g}" for k, v in zip(others, other_logits, strict=True)
        )
        held = f"${values}$ held fixed"
    ax.set_xlabel(f"logit of the true class $z_{{{names[true_class]}}}$ ({held})")
    ax.set_ylabel(r"gradient entry $\partial J / \partial z_k$")
    ax.legend(loc="lower right", frameon=False)
    return fig


def plot_cross_entropy_vs_squared_error(gaps=None, *, n_classes=3, figsize=(10.0, 3.8)):
    r"""Cross-entropy against squared error on the probabilities, for one sample.

    The true class's logit sits ``gap`` above every other logit (all others equal), so
    :math:`a_y = e^{\mathrm{gap}} / (e^{\mathrm{gap}} + K - 1)`. Left, the two losses
    :math:`-\log a_y` and :math:`\sum_k (a_k - Y_k)^2`; right, the true class's entry of
    their gradients by the logits, :math:`a_y - 1` and, through the softmax Jacobian
    :math:`\operatorname{diag}(a) - a a^\top`, :math:`2 a_y \bigl((a_y - 1) - a \cdot (a -
    Y)\bigr)`. Where the model is confidently wrong (:math:`a_y` near zero, shaded) the
    cross-entropy entry stays near :math:`-1` while the squared-error entry vanishes.

    Parameters
    ----------
    gaps : array_like, shape (n_points,), optional
        Values of :math:`z_y - z_n` (default 281 points from -8 to 6).
    n_classes : int, default 3
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[:2]`` are the cross-entropy and squared-error losses,
        ``fig.axes[1].lines[:2]`` their gradient entries :math:`\partial J / \partial z_y`.

    Examples
    --------
    >>> fig = plot_cross_entropy_vs_squared_error([-10.0, 0.0], n_classes=2)
    >>> [round(float(v), 4) for v in fig.axes[1].lines[0].get_ydata()]
    [-1.0, -0.5]
    >>> [round(float(v), 4) for v in fig.axes[1].lines[1].get_ydata()]
    [-0.0002, -0.5]
    """
    gaps = np.linspace(-8.0, 6.0, 281) if gaps is None else _check_vector(gaps, "gaps")
    n_classes = check_scalar(n_classes, "n_classes", numbers.Integral, min_val=2)
    z = np.zeros((gaps.size, n_classes))
    z[:, 0] = gaps  # class 0 plays the true class
    a = softmax(z, axis=-1)
    target = np.zeros_like(a)
    target[:, 0] = 1.0
    a_y = a[:, 0]
    ce_loss = -np.log(a_y)
    se_loss = ((a - target) ** 2).sum(axis=1)
    ce_grad = a_y - 1.0
    # Row y of the softmax Jacobian is a_y (e_y - a), times dJ/da = 2 (a - Y).
    se_grad = 2.0 * a_y * ((a_y - 1.0) - (a * (a - target)).sum(axis=1))
    wrong = gaps[a_y < 0.05]

    fig = _new_figure(_check_figsize(figsize))
    ax_j, ax_g = fig.subplots(1, 2)
    for ax in (ax_j, ax_g):
        if wrong.size:
            ax.axvspan(gaps.min(), wrong.max(), color=OKABE_ITO["vermillion"], alpha=0.12,
                       linewidth=0, label="confidently wrong ($a_y < 0.05$)")  # fmt: skip
        ax.set_xlabel(r"logit gap $z_y - z_n$ (all other logits equal)")
    ax_j.plot(gaps, ce_loss, color=PALETTE[0], linewidth=2.5, label=r"cross-entropy $-\log a_y$")
    ax_j.plot(gaps, se_loss, color=PALETTE[1], linewidth=2.5, linestyle="--",
              label=r"squared error $\sum_k (a_k - Y_k)^2$")  # fmt: skip
    ax_j.set_title(f"Loss of one sample, K = {int(n_classes)}")
    ax_j.set_ylabel("loss $J$")
    ax_j.legend(frameon=False, fontsize="small")
    ax_g.plot(gaps, ce_grad, color=PALETTE[0], linewidth=2.5, label=r"cross-entropy: $a_y - 1$")
    ax_g.plot(gaps, se_grad, color=PALETTE[1], linewidth=2.5, linestyle="--",
              label="squared error")  # fmt: skip
    ax_g.axhline(0.0, color="black", linewidth=0.8)
    ax_g.set_ylim(-1.1, 0.1)
    ax_g.set_title("Push on the true logit")
    ax_g.set_ylabel(r"gradient entry $\partial J / \partial z_y$")
    ax_g.legend(frameon=False, fontsize="small", loc="lower right")
    return fig


def plot_finite_difference_error(epsilons, errors, *, figsize=(6.5, 3.8)):
    r"""Relative error of a central-difference gradient against the step size.

    Two guide lines show the slopes of the two sources of error: truncation, of order
    :math:`\varepsilon^2`, drawn through the measured error at the largest step, and
    rounding, of order :math:`1 / \varepsilon`, drawn through the measured error at the
    smallest step. Each guide is drawn over the half of the steps where its error dominates,
    so both lie on the data they explain.

    Parameters
    ----------
    epsilons : array_like, shape (n_points,)
        Positive step sizes.
    errors : array_like, shape (n_points,)
        The measured relative error at each step (zero is drawn at the axis floor).
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[0]`` is the measured error, ``lines[1]`` and ``lines[2]`` the
        truncation and rounding guides.

    Examples
    --------
    >>> fig = plot_finite_difference_error([1e-6, 1e-3], [1e-10, 1e-6])
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [1e-10, 1e-06]
    >>> fig.axes[0].lines[1].get_ydata()[-1]  # the truncation guide ends on the last point
    np.float64(1e-06)
    """
    epsilons = _check_vector(epsilons, "epsilons")
    errors = _check_vector(errors, "errors")
    if errors.size != epsilons.size:
        raise ValueError(
            f"errors: expected {epsilons.size} values, one per step, got {errors.size}."
        )
    if np.any(epsilons <= 0):
        raise ValueError(f"epsilons: expected positive steps, got {epsilons[epsilons <= 0][0]}.")
    if np.any(errors < 0):
        raise ValueError(f"errors: expected non-negative errors, got {errors[errors < 0][0]}.")
    floor = 1e-13
    shown = np.maximum(errors, floor)
    order = np.argsort(epsilons)
    steps, shown = epsilons[order], shown[order]
    # Each guide runs through the measured error at its own end of the step range, over
    # the half of the steps (at least two points) where that error dominates.
    half = max(2, (steps.size + 1) // 2)
    large, small = steps[-half:], steps[:half]
    truncation = shown[-1] * (large / steps[-1]) ** 2
    rounding = shown[0] * steps[0] / small
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    ax.loglog(epsilons, np.maximum(errors, floor), "o-", color=PALETTE[0], zorder=3,
              label="measured error")  # fmt: skip
    # Wide, pale bands under the data: the measured points stay readable on top.
    ax.loglog(large, truncation, "-", color=PALETTE[1], linewidth=7, alpha=0.45, zorder=1,
              solid_capstyle="round", label=r"truncation $\propto \varepsilon^2$")  # fmt: skip
    ax.loglog(small, rounding, "-", color=PALETTE[2], linewidth=7, alpha=0.45, zorder=1,
              solid_capstyle="round", label=r"rounding $\propto 1 / \varepsilon$")  # fmt: skip
    ax.set_ylim(floor, max(1.0, 2.0 * float(shown.max())))
    ax.set_title("Central differences: error against step size")
    ax.set_xlabel(r"step $\varepsilon$")
    ax.set_ylabel("relative error of the gradient")
    ax.legend(frameon=False)
    return fig


def plot_gradient_per_class(descent, *, figsize=(7.0, 3.6)):
    r"""Each gradient entry :math:`\partial J / \partial z_k` over the steps of a descent.

    The label's lines are solid and thick (encouraged while below zero), the other classes
    dashed (suppressed while above zero).

    Parameters
    ----------
    descent : LogitDescent
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines[k]`` is class ``k``; ``lines[n_classes]`` is the zero line.

    Examples
    --------
    >>> from ce_lib.dynamics import descend_logits
    >>> fig = plot_gradient_per_class(descend_logits([0.0, 0.0], 0, n_steps=2))
    >>> round(float(fig.axes[0].lines[0].get_ydata()[0]), 3)
    -0.5
    """
    _check_logit_descent(descent)
    steps = np.arange(descent.n_steps + 1)
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    for k in range(descent.n_classes):
        is_label = k in descent.labels
        ax.plot(steps, descent.gradients[:, k], color=class_color(k),
                linewidth=2.5 if is_label else 1.5,
                linestyle="-" if is_label else _LINESTYLES[1 + (k // len(PALETTE)) % 3],
                label=f"class {k}" + (" (label)" if is_label else ""))  # fmt: skip
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_title("Gradient per class along the descent")
    ax.set_xlabel("step")
    ax.set_ylabel(r"gradient entry $\partial J / \partial z_k$")
    ax.legend(frameon=False, fontsize="small")
    return fig


# ------------------------------------------------------------------------------ data


def plot_digit_gallery(images, y, *, figsize=None):
    """The first image of every class, side by side.

    Parameters
    ----------
    images : array_like, shape (n_samples, height, width)
    y : array_like of int, shape (n_samples,)
        Class of each image; one panel per class present, in class order.
    figsize : (float, float), optional

    Returns
    -------
    Figure
        ``fig.axes[j].images[0]`` is the first image of the ``j``-th class present.

    Examples
    --------
    >>> fig = plot_digit_gallery(np.arange(12.0).reshape(3, 2, 2), [1, 0, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['label 0', 'label 1']
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images: expected shape (n_samples, height, width), got {images.shape}.")
    y = np.asarray(y)
    if y.shape != (images.shape[0],) or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"y: expected {images.shape[0]} integer labels, got shape {y.shape} of {y.dtype}."
        )
    classes = np.unique(y)
    fig = _new_figure(_check_figsize(figsize) or (1.0 * classes.size + 0.5, 1.8))
    axes = np.atleast_1d(fig.subplots(1, classes.size))
    for ax, k in zip(axes, classes, strict=True):
        ax.imshow(images[np.flatnonzero(y == k)[0]], cmap="gray_r")
        ax.set_title(f"label {k}", fontsize="small")
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_xlabel("pixel column")
    axes[0].set_ylabel("pixel row")
    height, width = images.shape[1:]
    fig.suptitle(f"One image of every class ({height} x {width} pixels)")
    return fig


# ---------------------------------------------------------------- beyond one-hot


def plot_temperature(z, temperatures=(0.5, 1.0, 2.0, 5.0), *, figsize=(7.0, 3.6)):
    r"""Probabilities :math:`\mathrm{softmax}(z / T)` of one sample for several temperatures.

    Parameters
    ----------
    z : array_like, shape (n_classes,)
    temperatures : sequence of float, default (0.5, 1.0, 2.0, 5.0)
        Positive temperatures, one group of bars each.
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].containers[j]`` holds the bars of ``temperatures[j]``.

    Examples
    --------
    >>> fig = plot_temperature([1.0, 0.0], [1.0])
    >>> [round(float(p.get_height()), 3) for p in fig.axes[0].containers[0]]
    [0.731, 0.269]
    """
    z = _check_vector(z, "z")
    temperatures = _check_vector(temperatures, "temperatures")
    if np.any(temperatures <= 0):
        raise ValueError(
            f"temperatures: expected positive numbers, got {temperatures[temperatures <= 0][0]}."
        )
    classes = np.arange(z.size)
    width = 0.8 / temperatures.size
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    for j, T in enumerate(temperatures):
        offset = (j - (temperatures.size - 1) / 2) * width
        ax.bar(classes + offset, softmax(z / T), width, color=class_color(j),
               edgecolor="black", linewidth=0.5, label=f"T = {T:g}")  # fmt: skip
    ax.axhline(1 / z.size, color="black", linestyle=":", linewidth=1, label="uniform 1/K")
    ax.set_xticks(classes)
    ax.set_title("Temperature: low T sharpens, high T flattens")
    ax.set_xlabel("class $k$")
    ax.set_ylabel(r"probability $\mathrm{softmax}(z / T)_k$")
    ax.legend(frameon=False)
    return fig


def plot_binary_sigmoid(d=None, *, figsize=(10.0, 3.6)):
    r"""Two classes: the probabilities and the gradient as functions of :math:`d = z_1 - z_0`.

    Left, :math:`a_1 = \sigma(d)` and :math:`a_0 = 1 - \sigma(d)`; right, the gradient
    :math:`\partial J / \partial d = \sigma(d) - y` for :math:`y = 1` and :math:`y = 0`.

    Parameters
    ----------
    d : array_like, shape (n_points,), optional
        Logit differences (default 241 points from -6 to 6).
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].lines`` are :math:`a_1, a_0`; ``fig.axes[1].lines[:2]`` the gradients
        for :math:`y = 1` and :math:`y = 0`.

    Examples
    --------
    >>> fig = plot_binary_sigmoid([0.0])
    >>> float(fig.axes[1].lines[0].get_ydata()[0])
    -0.5
    """
    d = np.linspace(-6.0, 6.0, 241) if d is None else _check_vector(d, "d")
    sigma = expit(d)
    fig = _new_figure(_check_figsize(figsize))
    ax_a, ax_g = fig.subplots(1, 2)
    ax_a.plot(d, sigma, color=PALETTE[0], linewidth=2.5, label=r"$a_1 = \sigma(d)$")
    ax_a.plot(d, 1.0 - sigma, color=PALETTE[1], linewidth=2, linestyle="--",
              label=r"$a_0 = 1 - \sigma(d)$")  # fmt: skip
    ax_a.set_title("Softmax of two logits is a sigmoid")
    ax_a.set_xlabel("logit difference $d = z_1 - z_0$")
    ax_a.set_ylabel("probability")
    ax_a.legend(frameon=False)
    ax_g.plot(d, sigma - 1.0, color=ENCOURAGE_COLOR, linewidth=2.5,
              label=r"$y = 1$: $\sigma(d) - 1 < 0$ (d raised)")  # fmt: skip
    ax_g.plot(d, sigma, color=SUPPRESS_COLOR, linewidth=2.5, linestyle="--",
              label=r"$y = 0$: $\sigma(d) > 0$ (d lowered)")  # fmt: skip
    ax_g.axhline(0.0, color="black", linewidth=0.8)
    ax_g.set_title(r"The gradient $\sigma(d) - y$")
    ax_g.set_xlabel("logit difference $d = z_1 - z_0$")
    ax_g.set_ylabel(r"gradient $\partial J / \partial d$")
    ax_g.legend(frameon=False)
    return fig


def plot_multilabel_models(Y, model_probabilities, *, figsize=(10.0, 3.8)):
    r"""How several models score samples that carry several labels at once.

    For every number of labels :math:`|L|` present in ``Y``, the left panel shows the mean
    probability each model gives to a sample's labels, and the right panel the mean
    probability it gives to the classes the sample does not have. Dashed black lines on the
    left mark :math:`1/|L|`, the most a softmax can give each of :math:`|L|` labels at once. The
    legend, on the right panel, names the models for both panels.

    Parameters
    ----------
    Y : array_like of 0/1, shape (n_samples, n_classes)
        Which classes each sample has; every sample needs at least one label.
    model_probabilities : dict of str to array_like, shape (n_samples, n_classes)
        Each model's probabilities (a softmax row, or one sigmoid per class).
    figsize : (float, float)

    Returns
    -------
    Figure
        ``fig.axes[0].containers[j]`` and ``fig.axes[1].containers[j]`` hold the bars of the
        ``j``-th model, one bar per number of labels in increasing order;
        ``fig.axes[0].collections[0]`` the :math:`1/|L|` lines.

    Examples
    --------
    >>> Y = np.array([[1, 0], [1, 1]])
    >>> fig = plot_multilabel_models(Y, {"m": np.array([[0.9, 0.2], [0.6, 0.4]])})
    >>> [round(float(b.get_height()), 2) for b in fig.axes[0].containers[0]]
    [0.9, 0.5]
    """
    try:
        Y = np.asarray(Y, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"Y: expected a 0/1 matrix, got {Y!r}.") from error
    if Y.ndim != 2 or Y.shape[0] == 0 or not np.all((Y == 0) | (Y == 1)):
        raise ValueError(f"Y: expected a non-empty 0/1 matrix (n_samples, n_classes), got {Y!r}.")
    n_labels = Y.sum(axis=1).astype(int)
    if np.any(n_labels == 0):
        raise ValueError(f"Y: every sample needs a label; sample {np.argmin(n_labels)} has none.")
    if not isinstance(model_probabilities, dict) or not model_probabilities:
        raise ValueError("model_probabilities: expected a non-empty dict of name to array.")
    counts = np.unique(n_labels)
    width = 0.8 / len(model_probabilities)
    fig = _new_figure(_check_figsize(figsize))
    ax_in, ax_out = fig.subplots(1, 2)
    for j, (name, probabilities) in enumerate(model_probabilities.items()):
        try:
            probabilities = np.asarray(probabilities, dtype=np.float64)
        except (TypeError, ValueError) as error:
            raise ValueError(f"model_probabilities[{name!r}]: expected numbers.") from error
        if probabilities.shape != Y.shape or not np.all(np.isfinite(probabilities)):
            raise ValueError(
                f"model_probabilities[{name!r}]: expected finite values of shape {Y.shape}, "
                f"got shape {probabilities.shape}."
            )
        on = [probabilities[n_labels == c][Y[n_labels == c] == 1].mean() for c in counts]
        off = [
            probabilities[n_labels == c][Y[n_labels == c] == 0].mean()
            if np.any(Y[n_labels == c] == 0)
            else 0.0
            for c in counts
        ]
        offset = (j - (len(model_probabilities) - 1) / 2) * width
        for ax, values in ((ax_in, on), (ax_out, off)):
            ax.bar(np.arange(counts.size) + offset, values, width, color=class_color(j),
                   edgecolor="black", linewidth=0.5, label=str(name))  # fmt: skip
    ax_in.hlines(1.0 / counts, np.arange(counts.size) - 0.45, np.arange(counts.size) + 0.45,
                 colors="black", linestyles="--", linewidth=1.2, label="$1/|L|$")  # fmt: skip
    for j, c in enumerate(counts):
        if not np.any(Y[n_labels == c] == 0):  # every class is a label: nothing to show
            ax_out.text(j, 0.02, "no class\nabsent", ha="center", va="bottom", fontsize="small")
    for ax, title, ylabel in (
        (ax_in, "Probability of each label the sample has", "mean probability of a label"),
        (ax_out, "Probability of each class it does not have", "mean probability of a class"),
    ):
        ax.set_xticks(np.arange(counts.size), [str(c) for c in counts])
        ax.set_xlabel("number of labels $|L|$ of the sample")
        ax.set_ylabel(ylabel)
        ax.set_ylim(0.0, 1.05)
        ax.set_title(title)
    # The legend goes where the bars are low, on the right, and explains both panels.
    handles, names = ax_in.get_legend_handles_labels()
    ax_out.legend(handles, names, frameon=False, fontsize="small", loc="upper right")
    return fig


# ------------------------------------------------------------ interactive and animation


def interactive_suppress_encourage(z, y=0, *, lr=1.0, n_steps=20, max_lr=5.0,
                                   label_smoothing=0.0):  # fmt: skip
    """An ipywidgets control over the suppress/encourage figure.

    Sliders choose the step and the learning rate, a drop-down the true class; each change
    reruns :func:`ce_lib.dynamics.descend_logits` from the same starting logits ``z`` and
    redraws :func:`plot_descent_step`. Works in JupyterLab 4 (ipywidgets 8).

    Parameters
    ----------
    z : array_like, shape (n_classes,)
        Starting logits.
    y : int, default 0
        Initial true class.
    lr : float, default 1.0
        Initial learning rate.
    n_steps : int, default 20
        Largest step on the slider.
    max_lr : float, default 5.0
    label_smoothing : float, default 0.0

    Returns
    -------
    ipywidgets.interactive
        Display it in a notebook. ``widget.result`` is the current Figure; the controls
        are ``widget.children[:3]`` (step, lr, true class).
    """
    import ipywidgets as widgets

    descent = descend_logits(z, y, lr=lr, n_steps=n_steps, label_smoothing=label_smoothing)
    max_lr = check_scalar(max_lr, "max_lr", numbers.Real, min_val=lr)
    start = descent.logits[0]
    cache = {}

    def draw(step, lr, true_class):
        key = (float(lr), int(true_class))
        if key not in cache:
            cache[key] = descend_logits(
                start, true_class, lr=lr, n_steps=n_steps, label_smoothing=label_smoothing
            )
        return plot_descent_step(cache[key], step)

    controls = {
        "step": widgets.IntSlider(value=0, min=0, max=n_steps, step=1, description="step"),
        "lr": widgets.FloatSlider(
            value=lr, min=min(0.05, lr), max=float(max_lr), step=0.05, description="lr"
        ),
        "true_class": widgets.Dropdown(
            options=[(f"class {k}", k) for k in range(descent.n_classes)],
            value=descent.true_class,
            description="true class",
        ),
    }
    # auto_display shows the returned Figure in the control's output; without it a
    # bare (non-pyplot) Figure is computed but never drawn in JupyterLab.
    return widgets.interactive(draw, {"auto_display": True}, **controls)


def _animation_parts(descent):
    """The figure of step 0 and a function that redraws it in place for any step."""
    fig = _new_figure((9.0, 3.6))
    bars = _draw_step(
        fig,
        descent.probabilities[0],
        descent.gradients[0],
        list(descent.labels),
        descent.target,
        _step_title(descent, 0),
        _gradient_limits(descent.gradients),
    )
    probability_bars = fig.axes[0].containers[0]
    # Lay out once, then freeze: re-running the layout engine per frame is slow.
    fig.canvas.draw()
    fig.set_layout_engine("none")

    def update(step):
        for bar, value in zip(probability_bars, descent.probabilities[step], strict=True):
            bar.set_height(value)
        for bar, value, color in zip(
            bars, descent.gradients[step], _bar_colors(descent.gradients[step]), strict=True
        ):
            bar.set_height(value)
            bar.set_facecolor(color)
        fig.texts[0].set_text(_step_title(descent, step))
        return [*probability_bars, *bars]

    return fig, update


def animate_descent(descent, *, interval=400):
    """A Matplotlib animation of the suppress/encourage figure, one frame per step.

    Parameters
    ----------
    descent : LogitDescent
    interval : int, default 400
        Milliseconds between frames.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        Show it in a notebook with ``IPython.display.HTML(animation.to_jshtml())``;
        :func:`save_descent_animation` writes it to a GIF or HTML file.
    """
    _check_logit_descent(descent)
    interval = check_scalar(interval, "interval", numbers.Real, min_val=0,
                            include_boundaries="neither")  # fmt: skip
    fig, update = _animation_parts(descent)
    return FuncAnimation(
        fig, update, frames=descent.n_steps + 1, interval=interval, blit=False, repeat=True
    )


def save_descent_animation(descent, path, *, fps=3, dpi=80):
    """Save the descent animation as a GIF (``.gif``) or a self-contained HTML page.

    Parameters
    ----------
    descent : LogitDescent
    path : str or Path
        Ending in ``.gif`` (written with Pillow) or ``.html`` (Matplotlib's JavaScript
        player, for a browser or a notebook's ``IPython.display.HTML``).
    fps : int, default 3
        Frames (steps) per second.
    dpi : int, default 80

    Returns
    -------
    Path
        The file written.
    """
    _check_logit_descent(descent)
    path = Path(path)
    if path.suffix.lower() not in (".gif", ".html"):
        raise ValueError(f"path: expected a file name ending in .gif or .html, got {str(path)!r}.")
    fps = check_scalar(fps, "fps", numbers.Integral, min_val=1)
    dpi = check_scalar(dpi, "dpi", numbers.Integral, min_val=1)
    fig, update = _animation_parts(descent)
    fig.set_dpi(dpi)
    if path.suffix.lower() == ".html":
        animation = FuncAnimation(fig, update, frames=descent.n_steps + 1, interval=1000 / fps)
        path.write_text(animation.to_jshtml(fps=fps), encoding="utf-8")
        return path
    # One render per frame, straight into Pillow (an animation writer renders twice).
    frames = []
    for step in range(descent.n_steps + 1):
        update(step)
        fig.canvas.draw()
        frames.append(Image.fromarray(np.asarray(fig.canvas.buffer_rgba())).convert("RGB"))
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=round(1000 / fps), loop=0
    )
    return path
