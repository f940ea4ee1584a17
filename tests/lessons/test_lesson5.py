"""Lesson 5 (softmax regression on digits): references, answers and the training it grades."""

import time

import numpy as np
import pytest

from autograder import definitions
from autograder.definitions.lesson5_digits_regression import (
    TRAIN_MAX_LOSS,
    held_out_loss,
)
from ce_lib import cross_entropy, gradient_relative_error, softmax
from ce_lib.regression import load_digits_split

from .conftest import read_notebook, solution_path
from .test_lesson4 import SECRETS, function_tests, solution_namespace

LESSON = "lesson5_digits_regression"


def run_cells(lesson, cell_ids):
    r"""Execute the code cells ``cell_ids`` of the solution, in order; return the namespace."""
    cells = {cell.get("id"): cell for cell in read_notebook(solution_path(lesson)).cells}
    namespace = {}
    for cell_id in cell_ids:
        source = "\n".join(
            line for line in cells[cell_id].source.splitlines() if not line.startswith("%")
        )
        exec(compile(source, f"{lesson}:{cell_id}", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("test", function_tests(LESSON), ids=lambda test: test.id)
@pytest.mark.parametrize("secret", SECRETS)
def test_solution_functions_pass_hidden_cases_of_any_secret(test, secret):
    function = solution_namespace(LESSON)[test.name]
    result = test.run_in_process(function, hidden=True, secret=secret)
    assert result.passed, result.message


@pytest.mark.parametrize("secret", SECRETS)
def test_gradient_references_match_finite_differences(secret):
    weight_test = definitions.get_test("l5_weight_gradient")
    bias_test = definitions.get_test("l5_bias_gradient")
    for case in weight_test.cases(hidden=True, secret=secret):
        X, y, W, b = case.args
        error_W = gradient_relative_error(
            lambda W, X=X, y=y, b=b: cross_entropy(X @ W + b, y),
            lambda W, X=X, y=y, b=b: weight_test.reference(X, y, W, b),
            W,
        )
        error_b = gradient_relative_error(
            lambda b, X=X, y=y, W=W: cross_entropy(X @ W + b, y),
            lambda b, X=X, y=y, W=W: bias_test.reference(X, y, W, b),
            b,
        )
        assert error_W < 1e-6 and error_b < 1e-6


@pytest.mark.parametrize("secret", SECRETS)
def test_step_reference_descends_the_penalised_loss(secret):
    # The step is -lr times the gradient of J + (l2 / 2) ||W||^2, by finite differences.
    test = definitions.get_test("l5_sgd_step")
    for case in test.cases(hidden=True, secret=secret):
        X, y, W, b, lr, l2 = case.args
        step = test.expected(case)

        def penalised(W, X=X, y=y, b=b, l2=l2):
            return cross_entropy(X @ W + b, y) + 0.5 * l2 * np.sum(W**2)

        error = gradient_relative_error(penalised, lambda W, s=step, lr=lr: (W - s[:-1]) / lr, W)
        assert error < 1e-6
        np.testing.assert_allclose(
            step[-1], b - lr * definitions.get_test("l5_bias_gradient").reference(X, y, W, b)
        )


def _onehot(y, n_classes):
    return np.eye(n_classes)[y]


@pytest.mark.parametrize(
    ("code", "student"),
    [
        (
            "not_averaged",
            lambda X, y, W, b: X.T @ (softmax(X @ W + b) - _onehot(y, W.shape[1])),
        ),
        (
            "sign_flipped",
            lambda X, y, W, b: X.T @ (_onehot(y, W.shape[1]) - softmax(X @ W + b)) / len(y),
        ),
    ],
)
def test_wrong_weight_gradients_are_diagnosed(code, student):
    result = definitions.get_test("l5_weight_gradient").run_in_process(student)
    assert result.points < result.max_points
    assert result.misconceptions == [code]


def _gradients(X, y, W, b):
    G = softmax(X @ W + b) - _onehot(y, W.shape[1])
    return X.T @ G / len(y), G.mean(axis=0)


def _lost(result):
    return {entry["name"] for entry in result.requirements if entry["points"] < entry["max_points"]}


@pytest.mark.parametrize(
    ("student", "code", "lost"),
    [
        (
            lambda X, y, W, b, lr, l2: np.vstack(_step(X, y, W, b, lr, l2, sign=-1.0)),
            "lr_sign",
            {"values", "penalty", "bias", "one_sample", "inputs"},
        ),
        (
            lambda X, y, W, b, lr, l2: np.vstack(_step(X, y, W, b, lr, l2, scale=len(y))),
            "not_averaged",
            {"values", "penalty", "bias"},
        ),
        (
            lambda X, y, W, b, lr, l2: np.vstack(_step(X, y, W, b, lr, 0.0)),
            "l2_missing",
            {"penalty"},
        ),
        (
            lambda X, y, W, b, lr, l2: np.vstack(_step(X, y, W, b, lr, l2, penalise_b=True)),
            "l2_on_bias",
            {"bias"},
        ),
    ],
    ids=["ascent", "summed", "no L2", "L2 on b"],
)
def test_a_wrong_step_loses_what_it_skips_and_is_diagnosed(student, code, lost):
    result = definitions.get_test("l5_sgd_step").run_in_process(
        student, hidden=True, secret=SECRETS[0]
    )
    assert _lost(result) == lost
    assert result.misconceptions == [code]


def _step(X, y, W, b, lr, l2, *, sign=1.0, scale=1.0, penalise_b=False):
    gW, gb = _gradients(X, y, W, b)
    W_new = W - sign * lr * (scale * gW + l2 * W)
    b_new = b - sign * lr * (scale * gb + (l2 * b if penalise_b else 0.0))
    return W_new, b_new


# ------------------------------------------------------------------ the training loop


def _reference_train():
    return definitions.get_test("l5_train").reference


def _loop(kind):
    r"""A training loop with a typical fault, returning W over b like ``train_as_array``."""

    def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
        W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
        order = np.random.default_rng(seed).permutation(len(y))
        starts = {"full_batch": [0], "first_batch_only": [0]}.get(
            kind, range(0, len(y), batch_size)
        )
        size = len(y) if kind == "full_batch" else batch_size
        for _ in range(n_epochs):
            for start in starts:
                batch = order[start : start + size]
                W, b = _step(
                    X[batch], y[batch], W, b, lr, l2, scale=len(batch) if kind == "summed" else 1.0
                )
        return np.vstack([W, b])

    return train


@pytest.mark.parametrize("secret", SECRETS)
def test_the_reference_loop_passes_with_a_margin_in_well_under_a_third_of_a_second(secret):
    test = definitions.get_test("l5_train")
    for case in test.cases(hidden=True, secret=secret):
        start = time.perf_counter()
        parameters = test.expected(case)
        assert time.perf_counter() - start < 0.3
        if case.requirement == "learns":
            assert held_out_loss(case, parameters) < TRAIN_MAX_LOSS - 0.1
    assert test.run_in_process(test.reference, hidden=True, secret=secret).passed


@pytest.mark.parametrize(
    ("kind", "code", "lost"),
    [
        ("full_batch", "full_batch_epoch", {"learns"}),
        ("first_batch_only", "first_batch_only", {"learns"}),
        # A summed step also misses the course's loop where one batch holds every sample.
        ("summed", None, {"learns", "last_batch", "epochs", "inputs"}),
    ],
)
def test_a_broken_loop_fails_every_run(kind, code, lost):
    result = definitions.get_test("l5_train").run_in_process(
        _loop(kind), hidden=True, secret=SECRETS[1]
    )
    learns = next(entry for entry in result.requirements if entry["name"] == "learns")
    assert learns["points"] == 0
    assert "held-out digits" in result.message
    assert _lost(result) == lost
    assert result.misconceptions == ([code] if code else [])


def test_weights_trained_beforehand_fail_on_the_drawn_digits():
    # Well-trained weights that ignore the data they are given: right on the unmixed public
    # digits, useless once the grader mixes the pixels and renames the classes.
    data = load_digits_split()
    trained = _reference_train()(data.X_train, data.y_train, 10, 0.5, 1e-3, 32, 20, 0)

    def memorised(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
        return trained

    result = definitions.get_test("l5_train").run_in_process(
        memorised, hidden=True, secret=SECRETS[2]
    )
    assert result.points == 0
    assert "1 of 4 correct" in result.message  # the public run on unmixed digits passed


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        (np.zeros((64, 10)), "expected (65, 10): W with b as its last row"),
        (np.full((65, 10), np.nan), "inf or NaN"),
        (np.ones((65, 10), dtype=bool), "not W and b as an array of numbers"),
    ],
)
def test_malformed_trained_parameters_are_wrong_answers(answer, problem):
    result = definitions.get_test("l5_train").run_in_process(lambda *args: answer)
    assert result.points == 0
    assert problem in result.message


def test_training_in_the_notebook_reaches_95_percent_test_accuracy():
    namespace = run_cells(
        LESSON,
        [
            "l5-imports",
            "l5-data-load",
            "l5-model-start",
            "l5-weight-gradient-solution",
            "l5-bias-gradient-solution",
            "l5-sgd-step-solution",
            "l5-train-solution",
            "l5-search",
            "l5-training-loop",
        ],
    )
    assert namespace["test_accuracy"] >= 0.95
    assert namespace["l2_chosen"] > 0  # over 100 epochs, the penalty pays on validation


def test_without_the_learners_train_the_nearest_class_mean_stands_in():
    namespace = run_cells(LESSON, ["l5-imports", "l5-data-load", "l5-model-start"])
    namespace["validation_loss"] = {}
    exec(
        compile(
            {c.get("id"): c for c in read_notebook(solution_path(LESSON)).cells}[
                "l5-training-loop"
            ].source,
            "l5-training-loop",
            "exec",
        ),
        namespace,
    )
    assert 0.85 <= namespace["test_accuracy"] < 0.95


@pytest.mark.parametrize("secret", SECRETS)
def test_understanding_references_follow_from_the_model(secret):
    shape_test = definitions.get_test("l5_weight_gradient_shape")
    for case in shape_test.cases(hidden=True, secret=secret):
        n_samples, n_features, n_classes = case.args
        rng = np.random.default_rng(0)
        X = rng.standard_normal((n_samples, n_features))
        y = rng.integers(0, n_classes, n_samples)
        W, b = np.zeros((n_features, n_classes)), np.zeros(n_classes)
        gradient = definitions.get_test("l5_weight_gradient").reference(X, y, W, b)
        np.testing.assert_array_equal(shape_test.expected(case), gradient.shape)
        bias_gradient = definitions.get_test("l5_bias_gradient").reference(X, y, W, b)
        assert definitions.get_test("l5_bias_gradient_sum").reference == pytest.approx(
            bias_gradient.sum(), abs=1e-12
        )
    loss_test = definitions.get_test("l5_initial_loss")
    for case in loss_test.cases(hidden=True, secret=secret):
        X, y, n_classes = case.args
        zero_logits = np.zeros((len(y), n_classes))
        assert loss_test.expected(case) == pytest.approx(cross_entropy(zero_logits, y))


# ------------------------------------------------------------------ the probes themselves

LESSON5_PROBES = [
    (test.id, code) for test in function_tests(LESSON) for code in test.misconceptions
]


@pytest.mark.parametrize(
    ("test_id", "code"), LESSON5_PROBES, ids=[f"{t}-{c}" for t, c in LESSON5_PROBES]
)
def test_a_probe_answer_is_diagnosed_as_its_own_code_only(test_id, code):
    # A student whose answer is the probe's first alternative: every other probe must differ
    # from it on some case, or the two codes would be reported together.
    test = definitions.get_test(test_id)
    probe = test.misconceptions[code]

    def student(*args):
        predicted = probe(*args)
        return predicted[0] if isinstance(predicted, list) else predicted

    result = test.run_in_process(student, hidden=True, secret=SECRETS[0])
    assert result.points < result.max_points
    assert result.misconceptions == [code], result.message


def test_a_transposed_weight_gradient_is_told_in_the_words_of_W():
    def transposed(X, y, W, b):
        return (softmax(X @ W + b) - _onehot(y, W.shape[1])).T @ X / len(y)

    result = definitions.get_test("l5_weight_gradient").run_in_process(transposed)
    assert "dJ/dW has the shape of W" in result.message
    assert "rows are samples" not in result.message
    assert result.misconceptions == ["transposed_shape"]
