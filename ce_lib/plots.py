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
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from PIL import Image

from ce_lib.dynamics import LinearDescent, LogitDescent, descend_logits

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
    "plot_confusion_matrix",
    "plot_descent_step",
    "plot_loss_curve",
    "plot_suppress_encourage",
    "plot_trajectories",
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
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 0:
        raise ValueError(f"k: expected a non-negative integer class, got {k!r}.")
    return PALETTE[int(k) % len(PALETTE)]


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


def _draw_step(fig, probabilities, gradient, labels, target, title, gradient_limits):
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
    ax_g.set_title(r"Gradient $\partial J / \partial z_k$")
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


def plot_descent_step(descent, step, *, figsize=(9.0, 3.6)):
    """The suppress/encourage figure at one step of a recorded descent.

    Parameters
    ----------
    descent : LogitDescent
        From :func:`ce_lib.dynamics.descend_logits` or
        :func:`ce_lib.dynamics.descend_logits_several_labels`.
    step : int
        In ``[0, descent.n_steps]``.
    figsize : (float, float)

    Returns
    -------
    Figure
    """
    _check_logit_descent(descent)
    step = _check_step(step, descent.n_steps)
    fig = _new_figure(_check_figsize(figsize))
    _draw_step(
        fig,
        descent.probabilities[step],
        descent.gradients[step],
        list(descent.labels),
        descent.target,
        _step_title(descent, step),
        _gradient_limits(descent.gradients),
    )
    return fig


def _step_title(descent, step):
    labels = ", ".join(str(k) for k in descent.labels)
    what = {
        "one_label": f"true class {labels}",
        "label_smoothing": f"true class {labels}, label smoothing {descent.label_smoothing:g}",
        "several_labels": f"several labels {{{labels}}} (summed loss)",
    }[descent.kind]
    return f"Step {step} of {descent.n_steps}, lr = {descent.lr:g}, {what}"


def _check_logit_descent(descent):
    if not isinstance(descent, LogitDescent):
        raise ValueError(
            "descent: expected a LogitDescent from ce_lib.dynamics.descend_logits, got "
            f"{type(descent).__name__}."
        )


def _check_step(step, n_steps):
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise ValueError(f"step: expected an integer in [0, {n_steps}], got {step!r}.")
    if not 0 <= step <= n_steps:
        raise ValueError(f"step: expected an integer in [0, {n_steps}], got {step}.")
    return int(step)


# ----------------------------------------------------------------------- trajectories


def plot_trajectories(descent, *, figsize=(12.0, 3.6)):
    r"""Logits, probabilities and loss over the steps of a descent on the logits.

    One line per class, coloured by :func:`class_color`; the label(s) drawn solid and
    thick, the other classes dashed.

    Parameters
    ----------
    descent : LogitDescent
    figsize : (float, float)

    Returns
    -------
    Figure
        Three axes: logits, probabilities, loss. In the first two, line ``k`` is class
        ``k``.

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
    ax_a.set_ylim(-0.02, 1.02)
    ax_a.legend(loc="best", fontsize="small", frameon=False)
    ax_j.plot(steps, descent.losses, color=OKABE_ITO["black"], linewidth=2)
    ax_j.set_title("Loss")
    ax_j.set_xlabel("step")
    ax_j.set_ylabel("loss $J$")
    fig.suptitle(_step_title(descent, descent.n_steps).split(", ", 1)[1])
    return fig


def plot_loss_curve(losses, *, test_losses=None, title="Training loss", figsize=(6.0, 3.6)):
    """Loss over training steps (a :class:`~ce_lib.dynamics.LinearDescent` or an array).

    Parameters
    ----------
    losses : LinearDescent or array_like, shape (n_steps + 1,)
    test_losses : array_like, optional
        A second curve, e.g. the loss on held-out data.
    title : str
    figsize : (float, float)

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = plot_loss_curve([2.3, 1.0, 0.5])
    >>> fig.axes[0].lines[0].get_ydata().tolist()
    [2.3, 1.0, 0.5]
    """
    if isinstance(losses, LinearDescent):
        losses = losses.losses
    losses = _check_curve(losses, "losses")
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    ax.plot(np.arange(losses.size), losses, color=PALETTE[0], linewidth=2, label="training")
    if test_losses is not None:
        test_losses = _check_curve(test_losses, "test_losses")
        ax.plot(np.arange(test_losses.size), test_losses, color=PALETTE[1], linewidth=2,
                linestyle="--", label="test")  # fmt: skip
        ax.legend(frameon=False)
    ax.set_title(str(title))
    ax.set_xlabel("step")
    ax.set_ylabel("mean loss $J$")
    return fig


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
    symmetric around zero and shared by all panels.

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
            f"W: expected shape ({n_pixels}, n_classes) for {image_shape} images, got {W.shape}."
        )
    if not np.all(np.isfinite(W)):
        raise ValueError("W: expected finite weights.")
    n_classes = W.shape[1]
    names = _class_names(class_names, n_classes)
    n_cols = min(n_classes, 5)
    n_rows = -(-n_classes // n_cols)
    fig = _new_figure(_check_figsize(figsize) or (2.0 * n_cols + 1.0, 2.1 * n_rows + 0.6))
    axes = np.atleast_1d(fig.subplots(n_rows, n_cols)).ravel()
    limit = float(np.max(np.abs(W))) or 1.0
    image = None
    for k, ax in enumerate(axes):
        if k >= n_classes:
            ax.set_axis_off()
            continue
        image = ax.imshow(W[:, k].reshape(image_shape), cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"class {names[k]}")
        ax.set_xlabel("pixel column")
        ax.set_ylabel("pixel row")
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="weight")
    fig.suptitle("Learned weights per class (red raises the class's logit)")
    return fig


def _class_names(class_names, n_classes):
    if class_names is None:
        return [str(k) for k in range(n_classes)]
    names = [str(v) for v in class_names]
    if len(names) != n_classes:
        raise ValueError(f"class_names: expected {n_classes} names, got {len(names)}.")
    return names


def plot_confusion_matrix(cm, *, class_names=None, figsize=(5.5, 4.8)):
    """A confusion matrix as an annotated image (rows: true class, columns: predicted).

    Parameters
    ----------
    cm : array_like of int, shape (n_classes, n_classes)
    class_names : sequence of str, optional
    figsize : (float, float)

    Returns
    -------
    Figure

    Examples
    --------
    >>> fig = plot_confusion_matrix([[5, 1], [0, 4]])
    >>> fig.axes[0].images[0].get_array().tolist()
    [[5, 1], [0, 4]]
    """
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(
            f"cm: expected a square (n_classes, n_classes) matrix, got shape {cm.shape}."
        )
    if not np.issubdtype(cm.dtype, np.integer) or np.any(cm < 0):
        raise ValueError("cm: expected non-negative integer counts.")
    names = _class_names(class_names, cm.shape[0])
    fig = _new_figure(_check_figsize(figsize))
    ax = fig.subplots()
    image = ax.imshow(cm, cmap="cividis")
    threshold = cm.max() / 2.0
    for (i, j), count in np.ndenumerate(cm):
        ax.text(j, i, str(count), ha="center", va="center", fontsize="small",
                color="black" if count > threshold else "white")  # fmt: skip
    ax.set_xticks(range(cm.shape[0]), names)
    ax.set_yticks(range(cm.shape[0]), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(f"Confusion matrix ({int(np.trace(cm))} of {int(cm.sum())} correct)")
    fig.colorbar(image, ax=ax, label="samples")
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
    if not isinstance(max_lr, numbers.Real) or not lr <= max_lr:
        raise ValueError(f"max_lr: expected a number >= lr = {lr}, got {max_lr!r}.")
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
    if isinstance(interval, bool) or not isinstance(interval, numbers.Real) or interval <= 0:
        raise ValueError(f"interval: expected a positive number of milliseconds, got {interval!r}.")
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
    if isinstance(fps, bool) or not isinstance(fps, numbers.Integral) or fps <= 0:
        raise ValueError(f"fps: expected a positive integer, got {fps!r}.")
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Integral) or dpi <= 0:
        raise ValueError(f"dpi: expected a positive integer, got {dpi!r}.")
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
