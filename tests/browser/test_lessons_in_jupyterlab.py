r"""JupyterLab in Chromium sees what a learner sees, and the course has its lessons.

The harness notebook checks the browser checks themselves; every lesson's solution and
student version runs in JupyterLab in ``tests/lessons/test_execution.py``, beside the same
lesson run in a kernel and in its grading view.
"""

from __future__ import annotations

import sys

import pytest

from .course_copy import (
    HARNESS_NOTEBOOK,
    SOLUTIONS,
    STUDENT_VERSIONS,
    LessonNotebook,
    discover_lessons,
)
from .learner_run import assert_control_redraws_figure, notebook_in_lab, run_like_a_learner
from .learner_view import (
    cells_not_run,
    error_and_stderr_problems,
    errors,
    figure_problems,
    unfilled_exercise_error_cells,
)

LESSONS = discover_lessons()


def test_the_course_has_lessons():
    assert LESSONS, f"no lesson notebooks found in {SOLUTIONS}/ or {STUDENT_VERSIONS}/"


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_lesson_has_both_versions(lesson):
    missing = [
        notebook.relative_path
        for notebook in (
            LessonNotebook(lesson, SOLUTIONS),
            LessonNotebook(lesson, STUDENT_VERSIONS),
        )
        if not notebook.source().is_file()
    ]
    assert not missing, f"lesson {lesson} is missing {missing}"


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.browser
def test_harness_sees_what_a_learner_sees(lab_session, screenshots):
    folder = screenshots / "harness"
    with notebook_in_lab(lab_session, HARNESS_NOTEBOOK, folder) as notebook:
        saved, rendered = run_like_a_learner(notebook, folder)
        assert cells_not_run(saved, rendered) == []
        # Run past the unfilled exercise: the cells after it ran.
        assert "ran after the error" in saved.cells[4].outputs[0].text
        assert [(index, ename) for index, ename, _ in errors(saved)] == [(3, "NotImplementedError")]
        found = error_and_stderr_problems(saved, rendered)
        assert len(found) == 2, found
        assert "NotImplementedError" in found[0] and "stderr" in found[1]
        unfilled = unfilled_exercise_error_cells(saved, answer_names=set())
        assert unfilled == {3}
        assert len(error_and_stderr_problems(saved, rendered, allowed_error_cells=unfilled)) == 1
        assert figure_problems(saved, rendered) == []
        assert [len(rendered[i].images) for i in (1, 2)] == [1, 1]
        assert rendered[2].sliders == 1
        # The kernel is the project's environment (ce_lib imports), nbgrader's extension is on.
        assert saved.cells[6].outputs[0].text.strip() == sys.prefix
        assert notebook.page.locator(".lm-MenuBar-item", has_text="Nbgrader").count() == 1
        assert_control_redraws_figure(notebook, folder)
