"""Tests of ce_lib.dynamics: recorded descents and the suppress/encourage sign facts."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from ce_lib.cross_entropy import cross_entropy, cross_entropy_grad
from ce_lib.dynamics import (
    LogitDescent,
    SignFacts,
    check_sign_facts,
    descend_logits,
    descend_logits_several_labels,
    record_descent,
    several_labels_loss_and_grad,
    smoothed_target,
)
from ce_lib.gradcheck import numerical_gradient
from ce_lib.softmax import softmax


@pytest.fixture
def rng():
    return np.random.default_rng(31337)


# ---------------------------------------------------------------------- one label


def test_descent_records_every_step_with_ce_lib_gradients(rng):
    z0 = 2.0 * rng.standard_normal(5)
    d = descend_logits(z0, 3, lr=0.7, n_steps=15)
    assert isinstance(d, LogitDescent)
    assert d.n_steps == 15 and d.n_classes == 5 and d.true_class == 3 and d.kind == "one_label"
    assert d.logits.shape == d.probabilities.shape == d.gradients.shape == (16, 5)
    np.testing.assert_array_equal(d.logits[0], z0)
    labels = np.full(16, 3)
    np.testing.assert_allclose(d.gradients, cross_entropy_grad(d.logits, labels, reduction="none"))
    np.testing.assert_allclose(d.losses, cross_entropy(d.logits, labels, reduction="none"))
    np.testing.assert_allclose(d.probabilities, softmax(d.logits))
    np.testing.assert_allclose(d.logits[1:], d.logits[:-1] - 0.7 * d.gradients[:-1])
    np.testing.assert_array_equal(d.target, np.eye(5)[3])


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("lr", [0.1, 1.0, 10.0])
def test_sign_facts_hold_for_one_label_at_any_learning_rate(seed, lr):
    rng = np.random.default_rng(seed)
    n_classes = int(rng.integers(2, 8))
    y = int(rng.integers(n_classes))
    d = descend_logits(3.0 * rng.standard_normal(n_classes), y, lr=lr, n_steps=25)
    facts = check_sign_facts(d)
    assert isinstance(facts, SignFacts)
    assert facts.holds, str(facts)
    assert facts.violations == []
    # Encourage and suppress, literally: z_y rises and every other logit falls.
    others = np.arange(n_classes) != y
    assert np.all(np.diff(d.logits[:, y]) > 0)
    assert np.all(np.diff(d.logits[:, others], axis=0) < 0)
    assert np.all(np.diff(d.losses) < 0)


@given(
    z=arrays(np.float64, st.integers(2, 8), elements=st.floats(-20.0, 20.0)),
    data=st.data(),
    lr=st.floats(1e-3, 20.0),
)
def test_sign_facts_hold_for_any_logits_and_learning_rate(z, data, lr):
    y = data.draw(st.integers(0, z.size - 1), label="y")
    d = descend_logits(z, y, lr=lr, n_steps=10)
    facts = check_sign_facts(d)
    assert facts.holds, str(facts)
    assert np.all(np.diff(d.logits[:, y]) >= 0)


def test_true_probability_approaches_one(rng):
    d = descend_logits(rng.standard_normal(4), 1, lr=2.0, n_steps=200)
    assert d.probabilities[-1, 1] > 0.99
    assert abs(d.gradients[-1]).max() < 0.01


def test_zero_steps_records_the_start_only():
    d = descend_logits([0.0, 0.0], 1, n_steps=0)
    assert d.n_steps == 0
    np.testing.assert_allclose(d.gradients[0], [0.5, -0.5])


# ------------------------------------------------------------------ label smoothing


def test_smoothed_target():
    np.testing.assert_allclose(smoothed_target(2, 4, 0.2), [0.05, 0.05, 0.85, 0.05])
    np.testing.assert_array_equal(smoothed_target(0, 3), [1.0, 0.0, 0.0])


def test_label_smoothing_gradient_is_a_minus_the_smoothed_target(rng):
    d = descend_logits(rng.standard_normal(4), 0, n_steps=5, label_smoothing=0.3)
    assert d.kind == "label_smoothing"
    np.testing.assert_allclose(d.gradients, d.probabilities - smoothed_target(0, 4, 0.3))


def test_label_smoothing_breaks_the_sign_facts_past_the_target():
    # a_0 starts at 0.96, above its smoothed target 1 - 0.2 + 0.2 / 3 = 0.867.
    d = descend_logits([4.0, 0.0, 0.0], 0, lr=1.0, n_steps=10, label_smoothing=0.2)
    facts = check_sign_facts(d)
    assert not facts.holds
    assert not facts.true_class_nonpositive
    assert not facts.others_nonnegative
    assert facts.sums_to_zero
    assert not facts.progress  # descent lowers a_0 towards the target
    assert any("passed its smoothed target" in v for v in facts.violations)
    assert any("wrong class is encouraged" in v for v in facts.violations)
    assert d.probabilities[-1, 0] < d.probabilities[0, 0]
    # Settles at the target, not at one.
    long = descend_logits([4.0, 0.0, 0.0], 0, lr=1.0, n_steps=300, label_smoothing=0.2)
    np.testing.assert_allclose(long.probabilities[-1], d.target, atol=1e-6)


# ------------------------------------------------------------------ several labels


def test_several_labels_gradient_is_the_derivative_of_the_summed_loss(rng):
    z = rng.standard_normal(5)
    labels = [0, 3]
    loss, grad = several_labels_loss_and_grad(z, labels)
    assert loss == pytest.approx(-np.log(softmax(z)[labels]).sum())
    numeric = numerical_gradient(lambda v: several_labels_loss_and_grad(v, labels)[0], z)
    np.testing.assert_allclose(grad, numeric, atol=1e-7)
    np.testing.assert_allclose(grad, 2 * softmax(z) - np.isin(np.arange(5), labels))


def test_ce_lib_rejects_the_target_the_summed_loss_accepts():
    with pytest.raises(ValueError):
        cross_entropy(np.zeros((1, 4)), np.array([[1, 0, 0, 1]]))


def test_several_labels_compete_and_break_the_sign_facts():
    d = descend_logits_several_labels([0.0, 2.0, 1.0, -1.0], [0, 1], lr=1.0, n_steps=60)
    assert d.kind == "several_labels"
    with pytest.raises(ValueError, match="several labels"):
        _ = d.true_class
    # Neither label can win: they share the probability, each tending to 1 / |L|.
    a0, a1 = d.probabilities[-1, [0, 1]]
    assert a0 == pytest.approx(a1, abs=1e-6)
    assert 0.49 < a0 <= 0.5
    facts = check_sign_facts(d)
    assert not facts.true_class_nonpositive
    assert facts.sums_to_zero
    assert not facts.progress  # label 1 starts above 1/2 and is pushed down
    assert any("labels compete" in v for v in facts.violations)
    assert d.gradients[0, 1] > 0  # a_1 = 0.6 > 1/2 at the start


def test_one_label_through_the_summed_loss_is_the_ordinary_descent(rng):
    z = rng.standard_normal(3)
    np.testing.assert_allclose(
        descend_logits_several_labels(z, [2], n_steps=5).logits,
        descend_logits(z, 2, n_steps=5).logits,
    )


# ---------------------------------------------------------------- recorded elsewhere


@pytest.mark.parametrize(
    ("descend", "labels", "smoothing"),
    [
        (lambda z: descend_logits(z, 2, lr=0.7, n_steps=12), 2, 0.0),
        (lambda z: descend_logits(z, 1, lr=1.5, n_steps=12, label_smoothing=0.2), [1], 0.2),
        (lambda z: descend_logits_several_labels(z, [0, 3], lr=0.5, n_steps=12), [0, 3], 0.0),
    ],
)
def test_a_descent_recorded_from_its_logits_is_the_same_descent(rng, descend, labels, smoothing):
    d = descend(2.0 * rng.standard_normal(5))
    again = record_descent(d.logits, labels, lr=d.lr, label_smoothing=smoothing)
    assert (again.labels, again.kind, again.n_steps, again.lr) == (d.labels, d.kind, 12, d.lr)
    np.testing.assert_array_equal(again.logits, d.logits)
    np.testing.assert_allclose(again.target, d.target, atol=1e-15)
    for field in ("probabilities", "gradients", "losses"):
        np.testing.assert_allclose(getattr(again, field), getattr(d, field), atol=1e-12)
    assert check_sign_facts(again) == check_sign_facts(d)


def test_a_recorded_path_keeps_its_own_steps():
    # A step the wrong way is recorded as taken; the gradients are the loss's own there.
    logits = np.array([[0.0, 0.0], [-0.5, 0.5]])
    d = record_descent(logits, np.int64(0), lr=1.0)
    np.testing.assert_allclose(d.gradients[0], [-0.5, 0.5])
    assert not check_sign_facts(d).progress


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"logits": [0.0, 1.0]}, r"logits: expected .* shape \(n_steps \+ 1, n_classes\)"),
        ({"logits": [[0.0], [1.0]]}, "n_classes >= 2"),
        ({"logits": [[0.0, np.nan]]}, "logits: expected finite logits, got nan at step 0"),
        ({"logits": [["a", 1.0]]}, "logits: expected an array"),
        ({"labels": 2}, r"labels: expected an integer in \[0, 2\), got 2"),
        ({"labels": [0, 0]}, "labels: expected distinct classes"),
        ({"lr": 0.0}, "lr: expected a finite number > 0"),
        ({"labels": [0, 1], "label_smoothing": 0.1}, "label_smoothing: only for one label"),
    ],
)
def test_record_descent_rejects_bad_input(arguments, message):
    arguments = {"logits": [[0.0, 1.0], [0.5, 0.5]], "labels": 0, "lr": 1.0, **arguments}
    with pytest.raises(ValueError, match=message):
        record_descent(arguments.pop("logits"), arguments.pop("labels"), **arguments)


# ------------------------------------------------------------------ reported violations


def test_each_broken_fact_is_described_once_at_its_first_step():
    d = descend_logits([4.0, 0.0, 0.0], 0, lr=1.0, n_steps=30, label_smoothing=0.2)
    facts = check_sign_facts(d)
    broken = [facts.true_class_nonpositive, facts.others_nonnegative, facts.progress]
    assert broken == [False, False, False] and facts.sums_to_zero
    assert [v.split(":")[0] for v in facts.violations] == ["step 0", "step 0", "step 1"]


# -------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"z": [1.0]}, "z: expected the logits of one sample"),
        ({"z": [[1.0, 2.0]]}, "z: expected the logits of one sample"),
        ({"z": [1.0, np.nan]}, "z: expected finite logits, got nan at class 1"),
        ({"z": ["a", "b"]}, "z: expected a 1-D array of real logits"),
        ({"y": 3}, r"y: expected an integer in \[0, 3\), got 3"),
        ({"y": True}, r"y: expected an integer in \[0, 3\)"),
        ({"y": 1.0}, r"y: expected an integer in \[0, 3\)"),
        ({"lr": 0.0}, "lr: expected a finite number > 0"),
        ({"lr": np.inf}, "lr: expected a finite number > 0"),
        ({"n_steps": -1}, "n_steps: expected an integer >= 0"),
        ({"label_smoothing": 1.5}, r"label_smoothing: expected a number in \[0, 1\]"),
    ],
)
def test_descend_logits_rejects_bad_input(kwargs, message):
    arguments = {"z": [1.0, 2.0, 3.0], "y": 0, **kwargs}
    z, y = arguments.pop("z"), arguments.pop("y")
    with pytest.raises(ValueError, match=message):
        descend_logits(z, y, **arguments)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (2, "labels: expected a list of distinct classes"),
        ([], "labels: expected at least one class"),
        ([1, 1], "labels: expected distinct classes"),
        ([0, 5], r"labels: expected an integer in \[0, 3\), got 5"),
    ],
)
def test_several_labels_reject_bad_label_sets(labels, message):
    with pytest.raises(ValueError, match=message):
        descend_logits_several_labels([0.0, 1.0, 2.0], labels)


def test_other_bad_input():
    with pytest.raises(ValueError, match="descent: expected a LogitDescent, got ndarray"):
        check_sign_facts(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="atol: expected a finite number >= 0"):
        check_sign_facts(descend_logits([0.0, 1.0], 0), atol=-1.0)
    with pytest.raises(ValueError, match="n_classes: expected an integer >= 2"):
        smoothed_target(0, 1)
