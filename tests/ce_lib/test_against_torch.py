"""ce_lib against PyTorch's ``torch.nn.functional.cross_entropy``: values and autograd
gradients across options, dtypes and target forms. Runs where torch is installed (CI)."""

import itertools

import numpy as np
import pytest

from ce_lib import cross_entropy, cross_entropy_grad, cross_entropy_with_grad

torch = pytest.importorskip("torch")
F = torch.nn.functional

TOLERANCE = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-10, atol=1e-12)}
REDUCTIONS = ["mean", "sum", "none"]


def torch_loss_and_grad(
    z,
    target,
    *,
    weight=None,
    ignore_index=None,
    smoothing=0.0,
    reduction="mean",
    one_hot_as_labels=False,
):
    z_t = torch.tensor(z, requires_grad=True)
    if np.asarray(target).dtype.kind == "f":
        target_t = torch.tensor(target)
    else:
        target_t = torch.tensor(np.asarray(target, dtype=np.int64))
    if one_hot_as_labels:
        target_t = target_t.argmax(dim=-1)
    kwargs = {"label_smoothing": smoothing, "reduction": reduction}
    if weight is not None:
        kwargs["weight"] = torch.tensor(weight, dtype=z_t.dtype)
    if ignore_index is not None:
        kwargs["ignore_index"] = ignore_index
    loss = F.cross_entropy(z_t, target_t, **kwargs)
    loss.sum().backward() if reduction != "none" else None
    if reduction == "none":
        # row i of the gradient is the gradient of sample i's own loss
        loss.backward(torch.ones_like(loss))
    return loss.detach().numpy(), z_t.grad.numpy()


def assert_matches(ours, theirs, dtype):
    loss, grad = ours
    loss_t, grad_t = theirs
    assert np.asarray(loss).dtype == dtype
    assert grad.dtype == dtype
    np.testing.assert_allclose(np.asarray(loss), loss_t, **TOLERANCE[dtype])
    np.testing.assert_allclose(grad, grad_t, **TOLERANCE[dtype])


def make_case(rng, n_samples, n_classes, dtype, scale=3.0):
    z = (scale * rng.standard_normal((n_samples, n_classes))).astype(dtype)
    y = rng.integers(0, n_classes, n_samples)
    weight = rng.uniform(0.1, 2.0, n_classes)
    return z, y, weight


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "reduction, use_weight, smoothing",
    list(itertools.product(REDUCTIONS, [False, True], [0.0, 0.1, 1.0])),
)
def test_integer_labels_match_torch(dtype, reduction, use_weight, smoothing):
    rng = np.random.default_rng(0)
    z, y, weight = make_case(rng, 37, 6, dtype)
    weight = weight if use_weight else None
    options = dict(weight=weight, label_smoothing=smoothing, reduction=reduction)
    ours = cross_entropy_with_grad(z, y, **options)
    theirs = torch_loss_and_grad(z, y, weight=weight, smoothing=smoothing, reduction=reduction)
    assert_matches(ours, theirs, dtype)
    np.testing.assert_allclose(cross_entropy(z, y, **options), theirs[0], **TOLERANCE[dtype])
    np.testing.assert_allclose(cross_entropy_grad(z, y, **options), theirs[1], **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "reduction, use_weight, smoothing",
    list(itertools.product(REDUCTIONS, [False, True], [0.0, 0.25])),
)
def test_ignore_index_matches_torch(dtype, reduction, use_weight, smoothing):
    rng = np.random.default_rng(1)
    z, y, weight = make_case(rng, 20, 5, dtype)
    y[[2, 7, 11]] = -100
    weight = weight if use_weight else None
    ours = cross_entropy_with_grad(
        z, y, weight=weight, ignore_index=-100, label_smoothing=smoothing, reduction=reduction
    )
    theirs = torch_loss_and_grad(
        z, y, weight=weight, ignore_index=-100, smoothing=smoothing, reduction=reduction
    )
    assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_ignore_index_inside_class_range_matches_torch(dtype):
    rng = np.random.default_rng(2)
    z, y, weight = make_case(rng, 30, 4, dtype)
    ours = cross_entropy_with_grad(z, y, weight=weight, ignore_index=2, label_smoothing=0.2)
    theirs = torch_loss_and_grad(z, y, weight=weight, ignore_index=2, smoothing=0.2)
    assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "reduction, use_weight, smoothing",
    list(itertools.product(REDUCTIONS, [False, True], [0.0, 0.3])),
)
def test_distributions_match_torch(dtype, reduction, use_weight, smoothing):
    rng = np.random.default_rng(3)
    z, _, weight = make_case(rng, 25, 7, dtype)
    t = rng.dirichlet(np.ones(7), 25).astype(dtype)
    weight = weight if use_weight else None
    options = dict(weight=weight, label_smoothing=smoothing, reduction=reduction)
    ours = cross_entropy_with_grad(z, t, **options)
    theirs = torch_loss_and_grad(z, t, weight=weight, smoothing=smoothing, reduction=reduction)
    assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_one_hot_matches_torch_class_indices(dtype, reduction):
    rng = np.random.default_rng(4)
    z, y, weight = make_case(rng, 16, 5, dtype)
    one_hot = np.eye(5, dtype=np.int64)[y]
    ours = cross_entropy_with_grad(
        z, one_hot, weight=weight, label_smoothing=0.1, reduction=reduction
    )
    theirs = torch_loss_and_grad(
        z, one_hot, weight=weight, smoothing=0.1, reduction=reduction, one_hot_as_labels=True
    )
    assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target_kind", ["label", "one_hot", "distribution"])
def test_single_sample_matches_torch(dtype, reduction, target_kind):
    rng = np.random.default_rng(5)
    z = (3 * rng.standard_normal(6)).astype(dtype)
    weight = rng.uniform(0.1, 2.0, 6)
    target = {
        "label": 4,
        "one_hot": np.eye(6, dtype=np.int64)[4],
        "distribution": rng.dirichlet(np.ones(6)).astype(dtype),
    }[target_kind]
    ours = cross_entropy_with_grad(
        z, target, weight=weight, label_smoothing=0.2, reduction=reduction
    )
    theirs = torch_loss_and_grad(
        z,
        target,
        weight=weight,
        smoothing=0.2,
        reduction=reduction,
        one_hot_as_labels=target_kind == "one_hot",
    )
    assert np.ndim(ours[0]) == 0
    assert ours[1].shape == z.shape
    assert_matches(ours, theirs, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("magnitude", [1e2, 1e3, 1e4])
def test_large_logits_match_torch(dtype, magnitude):
    rng = np.random.default_rng(6)
    z = (magnitude * rng.uniform(-1, 1, (50, 8))).astype(dtype)
    y = rng.integers(0, 8, 50)
    ours = cross_entropy_with_grad(z, y, label_smoothing=0.1)
    theirs = torch_loss_and_grad(z, y, smoothing=0.1)
    assert np.isfinite(ours[0]) and np.isfinite(ours[1]).all()
    # the loss is as large as the logits: compare relative to its size
    np.testing.assert_allclose(ours[0], theirs[0], rtol=TOLERANCE[dtype]["rtol"] * 10)
    np.testing.assert_allclose(ours[1], theirs[1], **TOLERANCE[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_large_batch_spanning_several_blocks_matches_torch(dtype):
    rng = np.random.default_rng(7)
    z, y, weight = make_case(rng, 3000, 100, dtype)
    y[::17] = 5000  # ignored, and outside the class range
    ours = cross_entropy_with_grad(z, y, weight=weight, ignore_index=5000, label_smoothing=0.05)
    theirs = torch_loss_and_grad(z, y, weight=weight, ignore_index=5000, smoothing=0.05)
    assert_matches(ours, theirs, dtype)


def test_integer_logits_match_torch_in_float64():
    rng = np.random.default_rng(8)
    z = rng.integers(-5, 5, (10, 4))
    y = rng.integers(0, 4, 10)
    ours = cross_entropy_with_grad(z, y)
    theirs = torch_loss_and_grad(z.astype(np.float64), y)
    assert_matches(ours, theirs, np.float64)
