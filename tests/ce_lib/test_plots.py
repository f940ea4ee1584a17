"""Tests of ce_lib.plots: the figures plot the right data, in one style, without warnings."""

import io
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from PIL import Image

from ce_lib.cross_entropy import cross_entropy_grad
from ce_lib.dynamics import (
    descend_logits,
    descend_logits_several_labels,
)
from ce_lib.plots import (
    ENCOURAGE_COLOR,
    OKABE_ITO,
    PALETTE,
    SUPPRESS_COLOR,
    _animation_parts,
    animate_descent,
    class_color,
    interactive_suppress_encourage,
    logit_descent,
    plot_binary_sigmoid,
    plot_confusion_matrix,
    plot_cross_entropy_vs_squared_error,
    plot_descent_step,
    plot_digit_gallery,
    plot_finite_difference_error,
    plot_gradient_along_true_logit,
    plot_gradient_per_class,
    plot_logits_and_probabilities,
    plot_loss_curve,
    plot_loss_of_true_probability,
    plot_multilabel_models,
    plot_suppress_encourage,
    plot_temperature,
    plot_trajectories,
    plot_weight_growth,
    plot_weight_images,
    save_descent_animation,
)
from ce_lib.softmax import softmax


@pytest.fixture(autouse=True)
def no_warnings():
    """Every figure must draw without a single warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def heights(ax):
    return heights_of(ax.containers[0])


def heights_of(container):
    return np.array([bar.get_height() for bar in container])


def assert_labelled(fig):
    """Every axis with data has a title and labelled axes; the figure renders.

    A grid of panels may name its axes once for the whole figure (``supxlabel``,
    ``supylabel``) instead of on every panel.
    """
    fig.canvas.draw()
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>" or not ax.has_data():
            continue
        assert ax.get_title(), "axis without a title"
        xlabel = ax.get_xlabel() or fig.get_supxlabel()
        ylabel = ax.get_ylabel() or fig.get_supylabel()
        assert xlabel and ylabel, f"unlabelled axes in {ax.get_title()!r}"


# ------------------------------------------------------------------- suppress/encourage


def test_palette_is_okabe_ito():
    assert set(PALETTE) == set(OKABE_ITO.values())
    assert {ENCOURAGE_COLOR, SUPPRESS_COLOR} <= set(OKABE_ITO.values())
    assert class_color(len(PALETTE)) == class_color(0)
    with pytest.raises(ValueError, match="k: expected an integer >= 0"):
        class_color(-1)


def test_bar_heights_are_the_gradient_and_the_probabilities():
    z, y = np.array([1.0, 2.0, 0.5, -1.0]), 2
    fig = plot_suppress_encourage(z, y)
    assert isinstance(fig, Figure)
    ax_a, ax_g = fig.axes[:2]
    np.testing.assert_allclose(heights(ax_g), cross_entropy_grad(z, y, reduction="sum"))
    np.testing.assert_allclose(heights(ax_a), softmax(z))
    assert_labelled(fig)
    assert fig.get_suptitle()


def test_encourage_bar_is_set_apart_from_the_suppress_bars():
    fig = plot_suppress_encourage([1.0, 2.0, 0.5], 0)
    bars = list(fig.axes[1].containers[0])
    colors = [to_hex(bar.get_facecolor()).upper() for bar in bars]
    assert colors == [ENCOURAGE_COLOR, SUPPRESS_COLOR, SUPPRESS_COLOR]
    assert [bar.get_hatch() for bar in bars] == ["//", None, None]
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any("encourage" in t for t in legend) and any("suppress" in t for t in legend)


def test_label_smoothing_figure_shows_a_suppressed_true_class():
    fig = plot_suppress_encourage([4.0, 0.0, 0.0], 0, label_smoothing=0.2)
    g = heights(fig.axes[1])
    assert g[0] > 0 and g[1] < 0
    colors = [to_hex(bar.get_facecolor()).upper() for bar in fig.axes[1].containers[0]]
    assert colors[0] == SUPPRESS_COLOR and colors[1] == ENCOURAGE_COLOR
    assert "label smoothing 0.2" in fig.get_suptitle()


def test_descent_step_figure_follows_the_recorded_step():
    d = descend_logits([0.0, 1.0, 2.0], 0, lr=1.0, n_steps=6)
    for step in (0, 4):
        fig = plot_descent_step(d, step)
        np.testing.assert_allclose(heights(fig.axes[1]), d.gradients[step])
        np.testing.assert_allclose(heights(fig.axes[0]), d.probabilities[step])
        assert f"Step {step} of 6" in fig.get_suptitle()


def test_a_single_state_has_no_step_counter_in_its_title():
    fig = plot_suppress_encourage([1.0, 2.0, 0.5], 0)
    assert "Step" not in fig.get_suptitle() and "lr" not in fig.get_suptitle()
    assert "true class 0" in fig.get_suptitle()


def test_zoomed_step_fits_the_gradient_axis_to_small_bars():
    d = descend_logits([1.0, 2.0, 0.5, -1.0], 0, lr=1.0, n_steps=30)
    full, zoomed = plot_descent_step(d, 30), plot_descent_step(d, 30, zoom=True)
    g = d.gradients[30]
    np.testing.assert_allclose(heights(zoomed.axes[1]), g)
    low, high = zoomed.axes[1].get_ylim()
    assert low < g.min() and high > g.max()
    assert high - low < 0.1 * np.ptp(full.axes[1].get_ylim())  # the bars fill the panel
    assert "zoomed" in zoomed.axes[1].get_title()
    labels = [t.get_text() for t in zoomed.axes[1].texts]
    assert labels == [f"{v:+.2g}" for v in g]
    assert_labelled(zoomed)


def test_several_labels_figure_hatches_every_label():
    d = descend_logits_several_labels([0.0, 2.0, 1.0], [0, 1], n_steps=3)
    fig = plot_descent_step(d, 0)
    assert [bar.get_hatch() for bar in fig.axes[1].containers[0]] == ["//", "//", None]
    assert heights(fig.axes[1])[1] > 0  # a_1 > 1/2: a label pushed down
    assert "several labels" in fig.get_suptitle()
    assert_labelled(fig)


# -------------------------------------------------------------------------- trajectories


def test_trajectories_plot_logits_probabilities_and_loss():
    d = descend_logits([0.0, 1.0, 2.0, -1.0], 3, lr=0.5, n_steps=8)
    fig = plot_trajectories(d)
    ax_z, ax_a, ax_j = fig.axes
    for k in range(4):
        np.testing.assert_allclose(ax_z.lines[k].get_ydata(), d.logits[:, k])
        np.testing.assert_allclose(ax_a.lines[k].get_ydata(), d.probabilities[:, k])
        assert to_hex(ax_z.lines[k].get_color()).upper() == class_color(k)
    np.testing.assert_allclose(ax_j.lines[0].get_ydata(), d.losses)
    assert ax_z.lines[3].get_linewidth() > ax_z.lines[0].get_linewidth()
    assert len(ax_j.lines) == 1  # no floor unless asked
    assert_labelled(fig)


def test_trajectories_mark_the_targets_and_the_loss_floor():
    d = descend_logits_several_labels([1.0, 2.0, 0.5, -1.0], [0, 1], n_steps=20)
    floor = 2 * np.log(2)
    fig = plot_trajectories(d, loss_floor=floor, loss_floor_label="floor $2 \\log 2$")
    ax_a, ax_j = fig.axes[1], fig.axes[2]
    targets = sorted(float(line.get_ydata()[0]) for line in ax_a.lines[4:])
    assert targets == [0.0, 0.5]  # the target values 1/|L| and 0, one line each
    floor_line = ax_j.lines[1]
    np.testing.assert_allclose(floor_line.get_ydata(), [floor, floor])
    assert floor_line.get_label() == "floor $2 \\log 2$"
    assert d.losses.min() >= floor  # the loss stays above its floor
    assert ax_j.get_ylim()[0] == 0.0
    assert_labelled(fig)


def test_smoothing_trajectory_floor_is_the_entropy_of_the_target():
    d = descend_logits([1.0, 2.0, 0.5, -1.0], 0, n_steps=200, label_smoothing=0.1)
    entropy = float(-(d.target * np.log(d.target)).sum())
    fig = plot_trajectories(d, loss_floor=entropy)
    ax_a, ax_j = fig.axes[1], fig.axes[2]
    targets = sorted(float(line.get_ydata()[0]) for line in ax_a.lines[4:])
    np.testing.assert_allclose(targets, [0.025, 0.925])
    np.testing.assert_allclose(ax_j.lines[1].get_ydata(), [entropy, entropy])
    assert ax_j.lines[1].get_label() == f"floor {entropy:.3g}"
    np.testing.assert_allclose(d.losses[-1], entropy, atol=1e-5)  # reached, not stalled


def test_loss_curve_draws_the_training_and_the_test_losses():
    losses = np.array([2.3, 1.1, 0.6, 0.4])
    fig = plot_loss_curve(losses, test_losses=losses[::-1])
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), losses)
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), losses[::-1])
    assert_labelled(fig)


def test_loss_curve_draws_an_optional_floor():
    fig = plot_loss_curve([1.5, 0.9, 0.7], loss_floor=0.6, loss_floor_label="mean H(t)")
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.6, 0.6])
    assert ax.lines[1].get_label() == "mean H(t)"
    assert "mean H(t)" in [t.get_text() for t in ax.get_legend().get_texts()]


# ---------------------------------------------------------------------------- regression


def test_weight_images_show_each_class_column():
    W = np.random.default_rng(0).standard_normal((64, 10))
    fig = plot_weight_images(W)
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(images) == 10
    for k, image in enumerate(images):
        np.testing.assert_array_equal(image.get_array(), W[:, k].reshape(8, 8))
        assert image.get_cmap().name == "RdBu_r"
        low, high = image.get_clim()
        assert low == -high  # zero sits in the middle of the diverging map
    # The pixel axes are named once for the grid, not repeated on every panel.
    panels = [ax for ax in fig.axes if ax.images]
    assert all(not ax.get_xlabel() and not ax.get_ylabel() for ax in panels)
    assert "pixel column" in fig.get_supxlabel() and "pixel row" in fig.get_supylabel()
    assert_labelled(fig)


def test_weight_images_with_names_and_other_shapes():
    fig = plot_weight_images(np.ones((6, 3)), image_shape=(2, 3), class_names=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes[:3]] == ["class a", "class b", "class c"]


def test_confusion_matrix_figure():
    cm = np.array([[5, 1, 0], [0, 4, 2], [1, 0, 7]])
    fig = plot_confusion_matrix(cm)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(cm.ravel())
    assert "16 of 20 correct" in ax.get_title()
    assert_labelled(fig)


def test_confusion_matrix_can_mask_its_diagonal():
    cm = np.array([[50, 1, 0], [0, 40, 2], [3, 0, 70]])
    fig = plot_confusion_matrix(cm, mask_diagonal=True)
    ax = fig.axes[0]
    shown = ax.images[0].get_array()
    np.testing.assert_array_equal(np.ma.getmaskarray(shown), np.eye(3, dtype=bool))
    np.testing.assert_array_equal(shown.filled(-1), np.where(np.eye(3) == 1, -1, cm))
    assert ax.images[0].get_clim() == (0, 3)  # the scale spans the mistakes only
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(cm.ravel())  # counts kept
    assert "mistakes only" in ax.get_title() and "160 of 166 correct" in ax.get_title()
    assert_labelled(fig)


# --------------------------------------------------------------- interactive, animation


def test_interactive_control_redraws_the_figure():
    z = [1.0, 2.0, 0.5, -1.0]
    widget = interactive_suppress_encourage(z, 0, n_steps=10)
    step, lr, true_class = widget.children[:3]
    assert (step.max, lr.value, true_class.value) == (10, 1.0, 0)
    first = widget.result
    np.testing.assert_allclose(heights(first.axes[1]), cross_entropy_grad(z, 0, reduction="sum"))

    step.value = 5
    expected = descend_logits(z, 0, lr=1.0, n_steps=10)
    np.testing.assert_allclose(heights(widget.result.axes[1]), expected.gradients[5])

    true_class.value = 3
    expected = descend_logits(z, 3, lr=1.0, n_steps=10)
    np.testing.assert_allclose(heights(widget.result.axes[1]), expected.gradients[5])

    lr.value = 2.0
    expected = descend_logits(z, 3, lr=2.0, n_steps=10)
    np.testing.assert_allclose(heights(widget.result.axes[1]), expected.gradients[5])
    assert widget.result is not first


def test_interactive_control_rejects_bad_input():
    with pytest.raises(ValueError, match=r"max_lr: expected a finite number >= 2\.0, got 1\.0"):
        interactive_suppress_encourage([0.0, 1.0], 0, lr=2.0, max_lr=1.0)
    with pytest.raises(ValueError, match=r"y: expected an integer in \[0, 2\), got 5"):
        interactive_suppress_encourage([0.0, 1.0], 5)


def test_animation_frames_redraw_the_bars_in_place():
    d = descend_logits([0.0, 1.0, 2.0], 0, n_steps=3)
    fig, update = _animation_parts(d)
    update(2)
    np.testing.assert_allclose(heights(fig.axes[1]), d.gradients[2])
    np.testing.assert_allclose(heights(fig.axes[0]), d.probabilities[2])
    assert "Step 2 of 3" in fig.get_suptitle()


def test_animate_descent_plays_one_frame_per_step():
    d = descend_logits([0.0, 1.0, 2.0], 0, n_steps=2)
    animation = animate_descent(d, interval=250)
    assert isinstance(animation, FuncAnimation)
    html = animation.to_jshtml()
    assert len(set(re.findall(r"frames\[(\d+)\]", html))) == 3


def test_gif_animation_has_one_frame_per_step(tmp_path):
    d = descend_logits([0.0, 1.0, 2.0], 0, n_steps=3)
    path = save_descent_animation(d, tmp_path / "descent.gif", fps=2)
    assert path.exists()
    with Image.open(path) as image:
        assert image.n_frames == 4
        assert image.info["duration"] == 500
        sizes, pixels = set(), []
        for frame in range(image.n_frames):
            image.seek(frame)
            sizes.add(image.size)
            pixels.append(np.asarray(image.convert("RGB")))
        assert sizes == {(720, 288)}  # 9 x 3.6 inches at 80 dpi
        assert not np.array_equal(pixels[0], pixels[-1])  # the bars move


def test_html_animation_has_one_frame_per_step(tmp_path):
    d = descend_logits([0.0, 1.0, 2.0], 0, n_steps=2)
    path = save_descent_animation(d, tmp_path / "descent.html")
    html = path.read_text(encoding="utf-8")
    assert len(set(re.findall(r"frames\[(\d+)\]", html))) == 3


# ------------------------------------------------------- descents computed by a learner


def test_a_descent_from_its_logits_draws_the_same_figures():
    d = descend_logits([1.0, 2.0, 0.5, -1.0], 0, lr=1.0, n_steps=6)
    again = logit_descent(d.logits, 0, lr=1.0)
    for draw in (
        lambda descent: plot_trajectories(descent),
        lambda descent: plot_gradient_per_class(descent),
        lambda descent: plot_descent_step(descent, 6, zoom=True),
    ):
        ours, theirs = draw(again), draw(d)
        for ax_ours, ax_theirs in zip(ours.axes, theirs.axes, strict=True):
            assert ax_ours.get_title() == ax_theirs.get_title()
            for line_ours, line_theirs in zip(ax_ours.lines, ax_theirs.lines, strict=True):
                np.testing.assert_allclose(line_ours.get_ydata(), line_theirs.get_ydata())
    several = descend_logits_several_labels([1.0, 2.0, 0.5, -1.0], [0, 1], n_steps=4)
    assert logit_descent(several.logits, [0, 1], lr=1.0).kind == "several_labels"


# -------------------------------------------------------------------- weight growth


def test_weight_growth_plots_norms_and_losses_per_setting():
    epochs = [1, 2, 4]
    norms = {"l2 = 0": [1.0, 2.0, 3.0], "l2 = 1e-3": [1.0, 1.5, 1.6]}
    losses = {"l2 = 0": [0.5, 0.4, 0.45], "l2 = 1e-3": [0.5, 0.4, 0.38]}
    fig = plot_weight_growth(epochs, norms, losses, loss_label="validation loss")
    ax_norm, ax_loss = fig.axes
    for ax, values in ((ax_norm, norms), (ax_loss, losses)):
        assert [line.get_label() for line in ax.lines] == list(values)
        for line, name in zip(ax.lines, values, strict=True):
            assert line.get_xdata().tolist() == epochs
            assert line.get_ydata().tolist() == values[name]
        assert ax.get_xlabel() == "epoch"
    assert ax_loss.get_ylabel() == "validation loss"
    assert to_hex(ax_norm.lines[0].get_color()) != to_hex(ax_norm.lines[1].get_color())
    fig.savefig(io.BytesIO(), format="png")  # every label renders (mathtext included)


@pytest.mark.parametrize(
    ("norms", "losses", "message"),
    [
        ({}, {}, "norms, losses: expected two dicts"),
        ({"a": [1.0, 2.0]}, {"b": [1.0, 2.0]}, "expected the same settings"),
        ({"a": [1.0]}, {"a": [1.0]}, r"norms\['a'\]: expected 2 values, one per epoch, got 1"),
        ({"a": [1.0, 2.0]}, {"a": [1.0, np.inf]}, r"losses\['a'\]: expected finite values"),
    ],
)
def test_weight_growth_rejects_bad_input(norms, losses, message):
    with pytest.raises(ValueError, match=message):
        plot_weight_growth([1, 2], norms, losses)


# -------------------------------------------------------------------------------- errors


def test_figures_reject_bad_input(tmp_path):
    d = descend_logits([0.0, 1.0], 0, n_steps=2)
    cases = [
        (lambda: plot_descent_step(d, 3), r"step: expected an integer in \[0, 2\], got 3"),
        (lambda: plot_descent_step(d, 1.0), "step: expected an integer"),
        (lambda: plot_descent_step("d", 0), "descent: expected a LogitDescent"),
        (lambda: plot_trajectories(None), "descent: expected a LogitDescent"),
        (
            lambda: plot_suppress_encourage([0.0, 1.0], 2),
            r"y: expected an integer in \[0, 2\), got 2",
        ),
        (lambda: plot_suppress_encourage([0.0, 1.0], 0, figsize=(0, 1)), "figsize: expected"),
        (lambda: plot_loss_curve([]), "losses: expected a non-empty 1-D array"),
        (lambda: plot_loss_curve([1.0, np.nan]), "losses: expected finite values"),
        (lambda: plot_weight_images(np.ones((10, 3))), r"W: expected shape \(64, n_classes\)"),
        (lambda: plot_weight_images(np.ones((64, 2)), image_shape=[8, 8]), "image_shape"),
        (
            lambda: plot_weight_images(np.ones((64, 2)), class_names=["a"]),
            "class_names: expected 2 names",
        ),
        (lambda: plot_confusion_matrix(np.ones((2, 3), int)), "cm: expected a square"),
        (lambda: plot_confusion_matrix([[1.5, 0], [0, 1]]), "cm: expected non-negative integer"),
        (lambda: animate_descent(d, interval=0), "interval: expected a finite number > 0, got 0"),
        (lambda: save_descent_animation(d, tmp_path / "a.mp4"), r"\.gif or \.html"),
        (lambda: save_descent_animation(d, tmp_path / "a.gif", fps=0), "fps: expected"),
        (lambda: save_descent_animation(d, tmp_path / "a.gif", dpi=0), "dpi: expected"),
        (lambda: save_descent_animation(None, tmp_path / "a.gif"), "descent: expected"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()


# -------------------------------------------------------------- softmax and the loss


def test_logits_and_probabilities_plot_z_and_softmax():
    z = np.array([2.0, 1.0, 0.1, -0.5])
    fig = plot_logits_and_probabilities(z)
    ax_z, ax_a = fig.axes
    np.testing.assert_allclose(heights(ax_z), z)
    np.testing.assert_allclose(heights(ax_a), softmax(z))
    colors = [to_hex(bar.get_facecolor()).upper() for bar in ax_a.containers[0]]
    assert colors == [class_color(k) for k in range(z.size)]
    assert [t.get_text() for t in ax_a.texts] == [f"{p:.2f}" for p in softmax(z)]
    assert_labelled(fig)


def test_loss_of_true_probability_is_minus_log():
    fig = plot_loss_of_true_probability(marked=[0.1, 0.5])
    ax = fig.axes[0]
    curve = ax.lines[0]
    np.testing.assert_allclose(curve.get_ydata(), -np.log(curve.get_xdata()))
    assert curve.get_xdata().min() > 0 and curve.get_xdata().max() == 1.0
    for line, p in zip(ax.lines[1:], [0.1, 0.5], strict=True):
        np.testing.assert_allclose(line.get_ydata(), [-np.log(p)])
    assert len(ax.texts) == 2
    assert_labelled(fig)


# ------------------------------------------------------------------------ gradients


def test_gradient_along_true_logit_plots_the_given_entries():
    true_logits = np.linspace(-3.0, 4.0, 15)
    z = np.zeros((true_logits.size, 3))
    z[:, 2] = true_logits
    entries = cross_entropy_grad(z, np.full(true_logits.size, 2), reduction="none").T
    fig = plot_gradient_along_true_logit(true_logits, entries, 2, class_names=["1", "2", "3"])
    ax = fig.axes[0]
    for k in range(3):
        np.testing.assert_allclose(ax.lines[k].get_xdata(), true_logits)
        np.testing.assert_allclose(ax.lines[k].get_ydata(), entries[k])
        assert to_hex(ax.lines[k].get_color()).upper() == class_color(k)
    assert ax.lines[2].get_linestyle() == "-" and ax.lines[0].get_linestyle() == "--"
    assert ax.lines[0].get_linewidth() < ax.lines[2].get_linewidth()
    assert "true class 3" in ax.get_title()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "encourage class 3" in legend[2] and "suppress class 1" in legend[0]
    assert "other logits held fixed" in ax.get_xlabel()
    assert_labelled(fig)


def test_gradient_along_true_logit_names_the_held_logits():
    true_logits = np.linspace(-3.0, 4.0, 8)
    z = np.zeros((true_logits.size, 3))
    z[:, 0], z[:, 1], z[:, 2] = 1.0, -1.0, true_logits
    entries = cross_entropy_grad(z, np.full(true_logits.size, 2), reduction="none").T
    fig = plot_gradient_along_true_logit(
        true_logits, entries, 2, class_names=["1", "2", "3"], other_logits=[1.0, -1.0]
    )
    ax = fig.axes[0]
    assert "$z_{1} = 1, z_{2} = -1$ held fixed" in ax.get_xlabel()
    # Different held values: the two suppressed classes no longer draw the same line.
    assert not np.allclose(ax.lines[0].get_ydata(), ax.lines[1].get_ydata())


def test_finite_difference_error_plot_with_its_references():
    epsilons = np.logspace(-10, -2, 9)
    errors = epsilons**2 + 1e-16 / epsilons
    fig = plot_finite_difference_error(epsilons, errors)
    ax = fig.axes[0]
    measured, truncation, rounding = ax.lines[:3]
    np.testing.assert_allclose(measured.get_ydata(), errors)
    # The guides have the slopes 2 and -1 and run through the data at their ends.
    x, y = truncation.get_xdata(), truncation.get_ydata()
    np.testing.assert_allclose(y, errors[-1] * (x / epsilons[-1]) ** 2)
    assert x.max() == epsilons[-1] and x.min() > epsilons[0]
    x, y = rounding.get_xdata(), rounding.get_ydata()
    np.testing.assert_allclose(y, errors[0] * epsilons[0] / x)
    assert x.min() == epsilons[0] and x.max() < epsilons[-1]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert_labelled(fig)


def test_finite_difference_guides_stay_on_data_far_from_unit_constants():
    # Errors a thousand times below eps^2 + 1e-16/eps: fixed reference lines would miss them.
    epsilons = np.logspace(-12, -1, 12)
    errors = 1e-3 * (epsilons**2 + 1e-16 / epsilons)
    ax = plot_finite_difference_error(epsilons, errors).axes[0]
    np.testing.assert_allclose(ax.lines[1].get_ydata()[-1], errors[-1])
    np.testing.assert_allclose(ax.lines[2].get_ydata()[0], errors[0])
    assert ax.get_ylim()[0] <= errors.min()


def test_finite_difference_error_draws_an_exact_zero_at_the_floor():
    fig = plot_finite_difference_error([1e-3, 1e-2], [0.0, 1e-4])
    low = fig.axes[0].get_ylim()[0]
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), [low, 1e-4])


def test_gradient_per_class_follows_the_descent():
    d = descend_logits([1.0, 2.0, 0.5, -1.0], 0, lr=1.0, n_steps=7)
    fig = plot_gradient_per_class(d)
    ax = fig.axes[0]
    for k in range(4):
        np.testing.assert_allclose(ax.lines[k].get_xdata(), np.arange(8))
        np.testing.assert_allclose(ax.lines[k].get_ydata(), d.gradients[:, k])
        assert to_hex(ax.lines[k].get_color()).upper() == class_color(k)
    assert ax.lines[0].get_linewidth() > ax.lines[1].get_linewidth()
    assert "(label)" in ax.get_legend().get_texts()[0].get_text()
    assert_labelled(fig)


# ------------------------------------------------------------------------------ data


def test_digit_gallery_shows_the_first_image_of_every_class():
    rng = np.random.default_rng(0)
    images = rng.random((12, 8, 8))
    y = np.array([3, 1, 0, 2, 1, 0, 3, 2, 0, 1, 2, 3])
    fig = plot_digit_gallery(images, y)
    assert len(fig.axes) == 4
    for k, ax in enumerate(fig.axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), images[np.flatnonzero(y == k)[0]])
        assert ax.get_title() == f"label {k}"
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel()
    assert "8 x 8" in fig.get_suptitle()
    fig.canvas.draw()


# -------------------------------------------------------------------- beyond one-hot


def test_temperature_bars_are_the_tempered_softmax():
    z = np.array([2.0, 1.0, 0.2, -1.0])
    temperatures = (0.5, 1.0, 2.0, 5.0)
    fig = plot_temperature(z, temperatures)
    ax = fig.axes[0]
    for j, T in enumerate(temperatures):
        np.testing.assert_allclose(heights_of(ax.containers[j]), softmax(z / T))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [t for t in legend if t.startswith("T =")] == ["T = 0.5", "T = 1", "T = 2", "T = 5"]
    assert_labelled(fig)


def test_binary_sigmoid_plots_probabilities_and_gradients():
    d = np.linspace(-5.0, 5.0, 21)
    fig = plot_binary_sigmoid(d)
    ax_a, ax_g = fig.axes
    z = np.stack([np.zeros_like(d), d], axis=1)
    a = softmax(z)
    np.testing.assert_allclose(ax_a.lines[0].get_ydata(), a[:, 1])
    np.testing.assert_allclose(ax_a.lines[1].get_ydata(), a[:, 0])
    # dJ/dd = dJ/dz_1 for d = z_1 - z_0 with z_0 held fixed.
    for line, label in zip(ax_g.lines[:2], (1, 0), strict=True):
        grad = cross_entropy_grad(z, np.full(d.size, label), reduction="none")
        np.testing.assert_allclose(line.get_ydata(), grad[:, 1])
    assert to_hex(ax_g.lines[0].get_color()).upper() == ENCOURAGE_COLOR
    assert to_hex(ax_g.lines[1].get_color()).upper() == SUPPRESS_COLOR
    assert_labelled(fig)


def test_cross_entropy_keeps_pushing_where_squared_error_vanishes():
    gaps = np.linspace(-8.0, 6.0, 57)
    fig = plot_cross_entropy_vs_squared_error(gaps, n_classes=3)
    ax_j, ax_g = fig.axes
    z = np.zeros((gaps.size, 3))
    z[:, 0] = gaps
    a = softmax(z)
    Y = np.zeros_like(a)
    Y[:, 0] = 1.0
    np.testing.assert_allclose(ax_j.lines[0].get_ydata(), -np.log(a[:, 0]))
    np.testing.assert_allclose(ax_j.lines[1].get_ydata(), ((a - Y) ** 2).sum(axis=1))
    np.testing.assert_allclose(ax_g.lines[0].get_ydata(), a[:, 0] - 1.0)
    # The squared-error entry is the chain rule through the softmax Jacobian, row by row.
    jacobian = np.einsum("ij,jk->ijk", a, np.eye(3)) - np.einsum("ij,ik->ijk", a, a)
    se_grad = np.einsum("ijk,ij->ik", jacobian, 2 * (a - Y))[:, 0]
    np.testing.assert_allclose(ax_g.lines[1].get_ydata(), se_grad, atol=1e-15)
    wrong = a[:, 0] < 1e-3
    assert np.all(np.abs(ax_g.lines[0].get_ydata()[wrong]) > 0.99)
    assert np.all(np.abs(ax_g.lines[1].get_ydata()[wrong]) < 0.01)
    assert ax_g.patches  # the confidently wrong region is shaded
    assert_labelled(fig)


def test_multilabel_models_compare_label_and_other_probabilities():
    Y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, 1, 1], [0, 1, 1]])
    sig = np.array(
        [[0.9, 0.1, 0.2], [0.2, 0.8, 0.1], [0.7, 0.9, 0.3], [0.8, 0.6, 0.7], [0.1, 0.9, 0.5]]
    )
    soft = np.array(
        [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.5, 0.4, 0.1], [0.3, 0.3, 0.4], [0.1, 0.5, 0.4]]
    )
    fig = plot_multilabel_models(Y, {"sigmoids": sig, "softmax": soft})
    ax_in, ax_out = fig.axes
    for j, p in enumerate((sig, soft)):
        n = Y.sum(axis=1)
        on = [p[n == c][Y[n == c] == 1].mean() for c in (1, 2, 3)]
        off = [p[n == c][Y[n == c] == 0].mean() for c in (1, 2)] + [0.0]
        np.testing.assert_allclose(heights_of(ax_in.containers[j]), on)
        np.testing.assert_allclose(heights_of(ax_out.containers[j]), off)
        assert to_hex(ax_in.containers[j][0].get_facecolor()).upper() == class_color(j)
    shares = [segment[:, 1] for segment in ax_in.collections[0].get_segments()]
    np.testing.assert_allclose(shares, [[1.0, 1.0], [0.5, 0.5], [1 / 3, 1 / 3]])
    assert [t.get_text() for t in ax_in.get_xticklabels()] == ["1", "2", "3"]
    legend = [t.get_text() for t in ax_out.get_legend().get_texts()]
    assert legend == ["$1/|L|$", "sigmoids", "softmax"]
    assert [t.get_text() for t in ax_out.texts] == ["no class\nabsent"]  # |L| = K
    assert_labelled(fig)


def test_new_figures_show_as_png_without_pyplot():
    fig = plot_temperature([1.0, 0.0])
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG")


def test_new_figures_reject_bad_input():
    d = descend_logits([0.0, 1.0], 0, n_steps=2)
    cases = [
        (lambda: plot_logits_and_probabilities([[1.0, 2.0]]), "z: expected a 1-D array"),
        (lambda: plot_logits_and_probabilities([1.0, np.inf]), "z: expected finite values"),
        (lambda: plot_loss_of_true_probability(marked=[0.0]), r"marked: expected .* \(0, 1\]"),
        (
            lambda: plot_gradient_along_true_logit([0.0, 1.0], np.ones((3, 5)), 0),
            r"gradient: expected shape \(n_classes, 2\)",
        ),
        (
            lambda: plot_gradient_along_true_logit([0.0, 1.0], np.ones((3, 2)), 3),
            r"true_class: expected an integer in \[0, 2\], got 3",
        ),
        (
            lambda: plot_gradient_along_true_logit([0.0], np.ones((2, 1)), 0, class_names=["a"]),
            "class_names: expected 2 names",
        ),
        (lambda: plot_finite_difference_error([1e-3], [1.0, 2.0]), "errors: expected 1 values"),
        (lambda: plot_finite_difference_error([0.0], [1.0]), "epsilons: expected positive"),
        (lambda: plot_finite_difference_error([1e-3], [-1.0]), "errors: expected non-negative"),
        (lambda: plot_gradient_per_class(None), "descent: expected a LogitDescent"),
        (lambda: plot_digit_gallery(np.ones((2, 4)), [0, 1]), "images: expected shape"),
        (lambda: plot_digit_gallery(np.ones((2, 2, 2)), [0.0, 1.0]), "y: expected 2 integer"),
        (lambda: plot_temperature([1.0, 0.0], [1.0, 0.0]), "temperatures: expected positive"),
        (lambda: plot_binary_sigmoid([np.nan]), "d: expected finite values"),
        (lambda: plot_gradient_per_class(d, figsize=(1, -1)), "figsize: expected positive"),
        (lambda: plot_descent_step(d, 0, zoom="yes"), "zoom: expected a bool, got 'yes'"),
        (lambda: plot_trajectories(d, loss_floor=-1.0), "loss_floor: .* >= 0, got -1.0"),
        (lambda: plot_loss_curve([1.0], loss_floor="0"), "loss_floor: .* >= 0, got '0'"),
        (lambda: plot_confusion_matrix([[1]], mask_diagonal=1), "mask_diagonal: expected"),
        (
            lambda: plot_gradient_along_true_logit([0.0], np.ones((3, 1)), 0, other_logits=[1]),
            "other_logits: expected 2 values",
        ),
        (lambda: plot_cross_entropy_vs_squared_error(n_classes=1), "n_classes: expected"),
        (lambda: plot_multilabel_models([[0, 0]], {"m": [[0.5, 0.5]]}), "needs a label"),
        (lambda: plot_multilabel_models([[1, 0]], {}), "model_probabilities: expected"),
        (
            lambda: plot_multilabel_models([[1, 0]], {"m": [[0.5]]}),
            r"model_probabilities\['m'\]: expected finite values of shape \(1, 2\)",
        ),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
