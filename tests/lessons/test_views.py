"""Every lesson graded by ce-grade in its own sandbox view: the reference is absent from it.

The solution must still earn full marks there and the untouched student version nothing: the
view leaves out only what the lesson asks the student to write. (The lessons' own cells run
in the view as well as in a kernel and in JupyterLab: ``test_execution.py``.)
"""

import pytest

from autograder.grading import grade_notebook

from .conftest import LESSONS, TEST_SECRET, release_path, solution_path

pytestmark = pytest.mark.usefixtures("bubblewrap")


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_the_solution_earns_full_marks_in_its_view(lesson):
    report = grade_notebook(solution_path(lesson), lesson_id=lesson, secret=TEST_SECRET)
    assert report["isolation"] == "bubblewrap"
    assert report["status"] == "graded", report["reason"]
    failed = [test["message"] for test in report["tests"] if not test["passed"]]
    assert report["score"] == report["max_score"], failed


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS)
def test_the_untouched_student_version_earns_nothing(lesson):
    report = grade_notebook(release_path(lesson), lesson_id=lesson, secret=TEST_SECRET)
    assert report["status"] == "graded", report["reason"]
    assert report["score"] == 0.0


#: Questions whose answer is one fixed fact (0 for every input): scored on their one answer.
EXEMPT = {"l2_gradient_sum", "l5_bias_gradient_sum"}


def _memorising(test):
    """A student who answers every public case from a table and anything else with zeros."""
    import numpy as np

    table = [(case.args, test.expected(case)) for case in test.cases()]

    def answer(*args):
        for known, value in table:
            if len(known) == len(args) and all(
                np.shape(a) == np.shape(b) and np.allclose(a, b)
                for a, b in zip(known, args, strict=True)
            ):
                return value
        return np.zeros_like(np.asarray(table[0][1], dtype=float))

    return answer


def _memorising_expression(test):
    """A SymPy expression equal to the reference at the public points and 0 elsewhere."""
    import sympy

    pieces = []
    for case in test.cases():
        point = case.args[0]
        value = test.expected(case)
        condition = sympy.And(
            *[sympy.Eq(sympy.Symbol(name), number) for name, number in point.items()]
        )
        pieces.append((sympy.Float(float(value.ravel()[0])), condition))
    return sympy.Piecewise(*pieces, (0, True))


@pytest.mark.parametrize("lesson", LESSONS)
def test_a_table_of_the_public_answers_scores_like_a_blank(lesson):
    from autograder.definitions import tests_for_lesson

    for test in tests_for_lesson(lesson):
        if test.id in EXEMPT or test.kind == "value":
            assert test.id in EXEMPT, f"{test.id} is a value question not listed as exempt"
            continue
        if test.kind == "expression":
            student = _memorising_expression(test)
            if not all(test.expected(case).size == 1 for case in test.cases()):
                continue  # a list of expressions: the scalar table above does not apply
        else:
            student = _memorising(test)
        result = test.run_in_process(student, hidden=True, secret=TEST_SECRET)
        assert result.points == 0, (test.id, result.message)
