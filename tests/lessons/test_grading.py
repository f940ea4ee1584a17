"""The student versions match nbgrader's output, and stock nbgrader grades the lessons right."""

import pytest

from .conftest import BLANK_STUDENT, LESSONS, SOLUTION_STUDENT, release_path

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_version_is_what_nbgrader_generates(lesson, course_copy):
    regenerated = course_copy / "notebooks" / lesson / f"{lesson}.ipynb"
    committed = release_path(lesson)
    assert committed.is_file(), (
        f"{committed} is missing: run `nbgrader generate_assignment {lesson} --force`"
    )
    assert regenerated.read_bytes() == committed.read_bytes(), (
        f"notebooks/{lesson} drifted from solutions/{lesson}: run "
        f"`nbgrader generate_assignment {lesson} --force` and commit the result"
    )


@pytest.mark.parametrize("lesson", LESSONS)
def test_autograded_solution_gets_full_marks(lesson, autograded):
    scores = autograded[(SOLUTION_STUDENT, lesson)]
    assert scores, f"the gradebook holds no graded cell for {lesson}"
    short = {
        grade_id: f"{score} of {max_score}"
        for grade_id, (score, max_score) in scores.items()
        if score != max_score
    }
    assert not short, f"the solution of {lesson} lost points: {short}"


@pytest.mark.parametrize("lesson", LESSONS)
def test_autograded_untouched_student_version_gets_zero(lesson, autograded):
    scores = autograded[(BLANK_STUDENT, lesson)]
    assert scores, f"the gradebook holds no graded cell for {lesson}"
    earned = {grade_id: score for grade_id, (score, _) in scores.items() if score != 0}
    assert not earned, f"the untouched student version of {lesson} earned points: {earned}"
