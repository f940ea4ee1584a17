"""Every lesson graded by ce-grade in its own sandbox view: the reference is absent from it.

The solution must still earn full marks there and the untouched student version nothing: the
view leaves out only what the lesson asks the student to write. The lessons' own cells run in
the view too, as the grader runs them: the solution's without a single error, the untouched
student version's failing only where an exercise is still unfilled.
"""

import ast
import re

import pytest

from autograder import definitions
from autograder.grading import grade_notebook, read_notebook, select_cells, trusted_notebook
from autograder.sandbox.launcher import Limits, Sandbox

from .conftest import LESSONS, ROOT, TEST_SECRET, release_path, solution_path

pytestmark = pytest.mark.usefixtures("bubblewrap")

_NAME_ERROR = re.compile(r"name '(?P<name>\w+)' is not defined")


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_solution_earns_full_marks_in_its_view(lesson):
    report = grade_notebook(solution_path(lesson), lesson_id=lesson, secret=TEST_SECRET)
    assert report["isolation"] == "bubblewrap"
    assert report["status"] == "graded", report["reason"]
    failed = [test["message"] for test in report["tests"] if not test["passed"]]
    assert report["score"] == report["max_score"], failed


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_untouched_student_version_earns_nothing(lesson):
    report = grade_notebook(release_path(lesson), lesson_id=lesson, secret=TEST_SECRET)
    assert report["status"] == "graded", report["reason"]
    assert report["score"] == 0.0


def run_cells_in_view(path, lesson):
    r"""Run the cells of ``path`` as ce-grade does, in the lesson's view; return the sources
    that ran and the cell errors."""
    test_ids = [test.id for test in definitions.tests_for_lesson(lesson)]
    sources, _, _ = select_cells(read_notebook(path), trusted_notebook(lesson, ROOT), test_ids)
    with Sandbox(Limits(), definitions.view_for(lesson)) as box:
        ready = box.start(sources)
    return sources, ready.get("cell_errors") or []


def _describe(sources, error):
    cell = error.get("cell")
    first_line = sources[cell].strip().splitlines()[0] if isinstance(cell, int) else "?"
    return f"cell {cell} ({first_line!r}): {error.get('detail') or error.get('error')}"


def names_answers_define(lesson):
    r"""Names bound by the answer cells (nbgrader ``solution`` cells) of the lesson's source."""
    names = set()
    for cell in read_notebook(solution_path(lesson))["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.FunctionDef):
                names.add(node.name)
    return names


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_cell_of_the_solution_runs_in_its_view(lesson):
    sources, errors = run_cells_in_view(solution_path(lesson), lesson)
    assert errors == [], f"{lesson} fails in its grading view:\n" + "\n".join(
        _describe(sources, error) for error in errors
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_untouched_student_version_fails_only_at_unfilled_exercises_in_its_view(lesson):
    # An unfilled exercise raises NotImplementedError wherever it is called; a name that only
    # an answer defines is missing until the answer is written. Anything else (the reference
    # reached for, a name a failed demonstration left undefined) is the lesson's fault.
    sources, errors = run_cells_in_view(release_path(lesson), lesson)
    answers = names_answers_define(lesson)
    wrong = []
    for error in errors:
        if error.get("error") == "NotImplementedError":
            continue
        match = _NAME_ERROR.search(str(error.get("detail", "")))
        if error.get("error") == "NameError" and match and match["name"] in answers:
            continue
        wrong.append(_describe(sources, error))
    assert not wrong, f"the student version of {lesson} fails in its view:\n" + "\n".join(wrong)
    assert any(error.get("error") == "NotImplementedError" for error in errors)


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
