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

    Only the solution's function definitions (and the read-only cells that define what the
    grader calls) are needed to grade its functions; the magics of the imports cell
    (``%matplotlib inline``) are skipped.
    """
    namespace = {}
    for cell in read_notebook(solution_path(lesson)).cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        is_imports = cell.get("id", "").endswith("-imports")
        # Answer cells, and read-only cells that define what the grader calls (lesson 5).
        defines = meta.get("solution") or (meta.get("locked") and not meta.get("grade"))
        if is_imports or (defines and "def " in cell.source):
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


@pytest.mark.parametrize("secret", SECRETS)
def test_step_signs_reference_is_the_sign_of_one_descent_step(secret):
    test = definitions.get_test("l4_step_signs")
    for case in test.cases(hidden=True, secret=secret):
        z, y = case.args
        change = descend_logits(z, y, lr=0.5, n_steps=1).logits[1] - z
        assert np.all(change != 0.0)  # no probability so small that the step rounds away
        np.testing.assert_array_equal(test.expected(case), np.sign(change))


@pytest.mark.parametrize("secret", SECRETS)
def test_first_step_rise_reference_is_what_descent_does_from_equal_logits(secret):
    test = definitions.get_test("l4_first_step_rise")
    for case in test.cases(hidden=True, secret=secret):
        n_classes, lr = case.args
        descent = descend_logits(np.zeros(n_classes), 0, lr=lr, n_steps=1)
        rise = descent.logits[1, 0] - descent.logits[0, 0]
        assert test.expected(case) == pytest.approx(rise)


@pytest.mark.parametrize("secret", SECRETS)
def test_compete_threshold_reference_is_where_a_label_entry_changes_sign(secret):
    test = definitions.get_test("l4_compete_threshold")
    for case in test.cases(hidden=True, secret=secret):
        (n_labels,) = case.args
        threshold = test.expected(case)
        labels = list(range(n_labels))
        for a_k, sign in ((0.99 * threshold, -1.0), (1.01 * threshold, 1.0)):
            # One class more than labels; label 0 gets a_k, the other mass is spread evenly.
            a = np.full(n_labels + 1, (1.0 - a_k) / n_labels)
            a[0] = a_k
            gradient = several_labels_loss_and_grad(np.log(a), labels)[1]
            assert np.sign(gradient[0]) == sign


def test_questions_are_graded_on_drawn_inputs_not_on_the_examples():
    # Right on the examples of the question text only: no hidden point.
    def only_the_example(z, y):
        return np.array([-1.0, 1.0, -1.0, -1.0])

    result = definitions.get_test("l4_step_signs").run_in_process(
        only_the_example, hidden=True, secret=SECRETS[0]
    )
    assert result.points == 0


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
    entries = {entry["name"]: entry for entry in result.requirements}
    assert entries["one_label"]["cases_passed"] == entries["one_label"]["cases_total"] > 0
    assert result.misconceptions == ["missing_target_sum"]


def test_unanswered_questions_are_unfilled_exercises():
    from autograder import check

    def stub(n_labels):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("l4_compete_threshold", stub)
