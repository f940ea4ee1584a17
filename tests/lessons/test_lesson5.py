"""Lesson 5 (softmax regression on digits): references, answers and the accuracy it promises."""

import numpy as np
import pytest

from autograder import definitions
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


def test_training_in_the_notebook_reaches_95_percent_test_accuracy():
    namespace = run_cells(LESSON, ["l5-imports", "l5-data-load", "l5-training-loop"])
    assert namespace["test_accuracy"] >= 0.95
    assert namespace["train_losses"][-1] < namespace["train_losses"][0]


def test_understanding_answers_follow_from_the_model():
    data = load_digits_split()
    n_features, n_classes = data.X_train.shape[1], data.n_classes
    rng = np.random.default_rng(0)
    W = rng.standard_normal((n_features, n_classes))
    b = rng.standard_normal(n_classes)
    args = (data.X_train, data.y_train, W, b)
    weight_gradient = definitions.get_test("l5_weight_gradient").reference(*args)
    bias_gradient = definitions.get_test("l5_bias_gradient").reference(*args)
    np.testing.assert_array_equal(
        definitions.get_test("l5_weight_gradient_shape").reference, weight_gradient.shape
    )
    assert definitions.get_test("l5_bias_gradient_sum").reference == pytest.approx(
        bias_gradient.sum(), abs=1e-12
    )
    zero_logits = np.zeros((len(data.y_train), n_classes))
    assert definitions.get_test("l5_initial_loss").reference == pytest.approx(
        cross_entropy(zero_logits, data.y_train)
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
    assert result.points == 0
    assert code in result.misconceptions
