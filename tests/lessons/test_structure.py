"""Static checks of the lesson sources: grade cells, test definitions and hidden tests."""

import re

import pytest

from autograder import definitions

from .conftest import LESSONS, grade_cells, read_notebook, release_path, solution_path

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.DOTALL)


def test_lessons_are_found():
    assert LESSONS, "no lesson found in solutions/"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_grade_cell_runs_a_registered_test_with_the_same_points(lesson):
    cells = grade_cells(read_notebook(solution_path(lesson)))
    assert cells, f"{lesson} has no grade cell"
    for grade_id, cell in cells.items():
        test = definitions.get_test(grade_id)
        assert test.lesson == lesson, f"{grade_id} is a test of {test.lesson}, not {lesson}"
        points = cell.metadata["nbgrader"].get("points")
        assert points == test.points, (
            f"grade cell {grade_id} of {lesson} gives {points} points, its test {test.points}"
        )
        assert f'check("{grade_id}",' in cell.source, (
            f"grade cell {grade_id} of {lesson} does not call check({grade_id!r}, ...)"
        )


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_registered_test_has_a_grade_cell(lesson):
    cells = grade_cells(read_notebook(solution_path(lesson)))
    missing = [test.id for test in definitions.tests_for_lesson(lesson) if test.id not in cells]
    assert not missing, f"tests of {lesson} without a grade cell: {missing}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_hidden_tests_do_not_reach_the_student_version(lesson):
    solution = read_notebook(solution_path(lesson))
    student_text = "\n".join(cell.source for cell in read_notebook(release_path(lesson)).cells)
    hidden = [
        block.strip()
        for cell in solution.cells
        for block in HIDDEN.findall(cell.source)
        if block.strip()
    ]
    for cell in grade_cells(solution).values():
        assert HIDDEN.search(cell.source), (
            f"grade cell {cell.metadata.nbgrader.grade_id} has no hidden tests"
        )
    assert "HIDDEN TESTS" not in student_text
    leaked = [block for block in hidden if block in student_text]
    assert not leaked, f"hidden tests of {lesson} appear in its student version: {leaked}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_source_is_stored_without_outputs(lesson):
    notebook = read_notebook(solution_path(lesson))
    with_outputs = [
        cell.get("id")
        for cell in notebook.cells
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not with_outputs, f"cells of {lesson} stored with outputs: {with_outputs}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_cell_ids_are_unique_and_kept_in_the_student_version(lesson):
    solution_ids = [cell.get("id") for cell in read_notebook(solution_path(lesson)).cells]
    student_ids = [cell.get("id") for cell in read_notebook(release_path(lesson)).cells]
    assert None not in solution_ids, f"{lesson} has cells without an id (nbformat 4.5)"
    assert len(set(solution_ids)) == len(solution_ids), f"{lesson} repeats a cell id"
    assert student_ids == solution_ids
