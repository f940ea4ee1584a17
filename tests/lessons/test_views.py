"""Every lesson graded by ce-grade in its own sandbox view: the reference is absent from it.

The solution must still earn full marks there and the untouched student version nothing: the
view leaves out only what the lesson asks the student to write.
"""

import pytest

from autograder.grading import grade_notebook

from .conftest import LESSONS, TEST_SECRET, release_path, solution_path

pytestmark = pytest.mark.usefixtures("bubblewrap")


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
