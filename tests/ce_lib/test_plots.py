"""Tests of ce_lib.plots: the figures plot the right data, in one style, without warnings."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from ce_lib.cross_entropy import cross_entropy_grad  # noqa: E402
from ce_lib.dynamics import (  # noqa: E402
    descend_logits,
    descend_logits_several_labels,
    train_linear,
)
from ce_lib.plots import (  # noqa: E402
    ENCOURAGE_COLOR,
    OKABE_ITO,
    PALETTE,
    SUPPRESS_COLOR,
    _animation_parts,
    animate_descent,
    class_color,
    interactive_suppress_encourage,
    plot_binary_sigmoid,
    plot_confusion_matrix,
    plot_descent_step,
    plot_digit_gallery,
    plot_finite_difference_error,
    plot_gradient_along_true_logit,
    plot_gradient_per_class,
    plot_logits_and_probabilities,
    plot_loss_curve,
    plot_loss_of_true_probability,
    plot_suppress_encourage,
    plot_temperature,
    plot_trajectories,
    plot_weight_images,
    save_descent_animation,
)
from ce_lib.softmax import softmax  # noqa: E402


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
    """Every axis with data has a title and labelled axes; the figure renders."""
    fig.canvas.draw()
    for ax in fig.axes:
        if ax.get_label() == "<colorbar>" or not ax.has_data():
            continue
        assert ax.get_title(), "axis without a title"
        assert ax.get_xlabel() and ax.get_ylabel(), f"unlabelled axes in {ax.get_title()!r}"


# ------------------------------------------------------------------- suppress/encourage


def test_palette_is_okabe_ito():
    assert set(PALETTE) == set(OKABE_ITO.values())
    assert {ENCOURAGE_COLOR, SUPPRESS_COLOR} <= set(OKABE_ITO.values())
    assert class_color(len(PALETTE)) == class_color(0)
    with pytest.raises(ValueError, match="k: expected a non-negative integer"):
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
    assert_labelled(fig)


def test_loss_curve_of_a_linear_descent_and_of_arrays():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    d = train_linear(X, [0, 1, 1], n_steps=5)
    fig = plot_loss_curve(d, test_losses=d.losses[::-1])
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), d.losses)
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), d.losses[::-1])
    assert_labelled(fig)


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
    with pytest.raises(ValueError, match="max_lr: expected a number >= lr"):
        interactive_suppress_encourage([0.0, 1.0], 0, lr=2.0, max_lr=1.0)
    with pytest.raises(ValueError, match="y: expected an integer class"):
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


# -------------------------------------------------------------------------------- errors


def test_figures_reject_bad_input(tmp_path):
    d = descend_logits([0.0, 1.0], 0, n_steps=2)
    cases = [
        (lambda: plot_descent_step(d, 3), r"step: expected an integer in \[0, 2\], got 3"),
        (lambda: plot_descent_step(d, 1.0), "step: expected an integer"),
        (lambda: plot_descent_step("d", 0), "descent: expected a LogitDescent"),
        (lambda: plot_trajectories(None), "descent: expected a LogitDescent"),
        (lambda: plot_suppress_encourage([0.0, 1.0], 2), "y: expected an integer class"),
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
        (lambda: animate_descent(d, interval=0), "interval: expected a positive number"),
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
    assert_labelled(fig)


def test_finite_difference_error_plot_with_its_references():
    epsilons = np.logspace(-10, -2, 9)
    errors = epsilons**2 + 1e-16 / epsilons
    fig = plot_finite_difference_error(epsilons, errors)
    ax = fig.axes[0]
    measured, truncation, rounding = ax.lines[:3]
    np.testing.assert_allclose(measured.get_ydata(), errors)
    np.testing.assert_allclose(truncation.get_ydata(), epsilons**2)
    np.testing.assert_allclose(rounding.get_ydata(), 1e-16 / epsilons)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert_labelled(fig)


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
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
