"""Lesson 4 (suppress and encourage): its test definitions agree with the dynamics they teach.

The shared checks (execution, grading, drift) run over every lesson elsewhere; these check
what is specific to lesson 4: the references against ``ce_lib.dynamics`` and finite
differences, the answers of "check your understanding", the misconception diagnoses, and the
solution's functions on hidden cases drawn from several secrets.
"""

from functools import cache

import numpy as np
import pytest

from autograder import definitions
from autograder.definitions.framework import FunctionTest
from ce_lib import gradient_relative_error, log_softmax, softmax
from ce_lib.dynamics import descend_logits, several_labels_loss_and_grad

from .conftest import read_notebook, solution_path

LESSON = "lesson4_suppress_encourage"
#: Secrets for drawing hidden cases: the solution must pass whatever the course secret is.
SECRETS = (b"first course", b"second course", b"third course")


@cache
def solution_namespace(lesson):
    r"""Run the imports cell and the solution cells that define functions; return the names.

    Only the solution's function definitions are needed to grade its functions; the magics
    of the imports cell (``%matplotlib inline``) are skipped.
    """
    namespace = {}
    for cell in read_notebook(solution_path(lesson)).cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        is_imports = cell.get("id", "").endswith("-imports")
        if is_imports or (meta.get("solution") and "def " in cell.source):
            source = "\n".join(
                line for line in cell.source.splitlines() if not line.startswith("%")
            )
            exec(compile(source, f"{lesson}:{cell.get('id')}", "exec"), namespace)
    return namespace


def function_tests(lesson):
    return [test for test in definitions.tests_for_lesson(lesson) if isinstance(test, FunctionTest)]


@pytest.mark.parametrize("test", function_tests(LESSON), ids=lambda test: test.id)
@pytest.mark.parametrize("secret", SECRETS)
def test_solution_functions_pass_hidden_cases_of_any_secret(test, secret):
    function = solution_namespace(LESSON)[test.name]
    result = test.run_in_process(function, hidden=True, secret=secret)
    assert result.passed, result.message
    assert result.cases_total > len(test.cases())  # the hidden cases were drawn and run


@pytest.mark.parametrize("secret", SECRETS)
def test_descent_step_reference_is_one_step_of_descend_logits(secret):
    test = definitions.get_test("l4_descent_step")
    for case in test.cases(hidden=True, secret=secret):
        z, y, lr = case.args
        expected = descend_logits(z, y, lr=lr, n_steps=1).logits[1]
        np.testing.assert_allclose(test.expected(case), expected, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("secret", SECRETS)
def test_several_labels_reference_matches_finite_differences(secret):
    test = definitions.get_test("l4_several_labels_grad")
    for case in test.cases(hidden=True, secret=secret):
        z, labels = case.args
        error = gradient_relative_error(
            lambda logits, labels=labels: -log_softmax(logits)[labels].sum(),
            lambda logits, labels=labels: several_labels_loss_and_grad(logits, labels)[1],
            z,
        )
        assert error < 1e-6
        np.testing.assert_allclose(
            test.expected(case), several_labels_loss_and_grad(z, labels)[1], rtol=1e-12
        )


def test_step_signs_answer_is_the_sign_of_one_descent_step():
    z, y = np.array([2.0, -1.0, 0.5, 3.0]), 1
    change = descend_logits(z, y, lr=0.5, n_steps=1).logits[1] - z
    np.testing.assert_array_equal(definitions.get_test("l4_step_signs").reference, np.sign(change))


def test_first_step_rise_answer_is_what_descent_does_from_equal_logits():
    descent = descend_logits(np.zeros(5), 0, lr=1.0, n_steps=1)
    rise = descent.logits[1, 0] - descent.logits[0, 0]
    assert definitions.get_test("l4_first_step_rise").reference == pytest.approx(rise)


def test_compete_threshold_answer_is_where_a_label_entry_changes_sign():
    threshold = definitions.get_test("l4_compete_threshold").reference
    labels = [0, 1, 2, 3]
    for a_k, sign in ((threshold - 0.01, -1.0), (threshold + 0.01, 1.0)):
        # Five classes; label 0 gets probability a_k, the other mass is spread evenly.
        a = np.full(5, (1.0 - a_k) / 4)
        a[0] = a_k
        gradient = several_labels_loss_and_grad(np.log(a), labels)[1]
        assert np.sign(gradient[0]) == sign


@pytest.mark.parametrize(
    ("code", "student"),
    [
        ("sign_flipped", lambda z, y, lr: z + lr * (softmax(z) - np.eye(len(z))[y])),
        ("missing_true_class_term", lambda z, y, lr: z - lr * softmax(z)),
    ],
)
def test_wrong_descent_steps_are_diagnosed(code, student):
    result = definitions.get_test("l4_descent_step").run_in_process(student)
    assert result.points == 0
    assert code in result.misconceptions


def test_several_labels_without_the_count_is_not_full_marks():
    # a - 1_L counts the log-sum-exp term once: right only for a single label.
    def student(z, labels):
        return softmax(z) - np.isin(np.arange(len(z)), labels)

    result = definitions.get_test("l4_several_labels_grad").run_in_process(student)
    assert 0 < result.points < result.max_points
    assert "a single label" not in result.message  # the one-label case passed


def test_value_questions_start_unanswered():
    from autograder import check

    with pytest.raises(NotImplementedError, match="not answered yet"):
        check("l4_step_signs", None)
