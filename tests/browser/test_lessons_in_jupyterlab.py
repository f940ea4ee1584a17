r"""The lessons as a learner meets them: opened and run in JupyterLab, in Chromium.

Every lesson's solution and student version is copied into the server's root,
opened in its own JupyterLab tab (File > Open from Path…), run through the Run menu
(going on past errors as a learner would), saved from the page and checked both on
the page and in the saved file, then closed with its kernel shut down. Screenshots
of each notebook land in ``out/screenshots/jupyterlab/{solutions,notebooks}/{lesson}/``
(or under ``$CE_BROWSER_SCREENSHOTS``); the terminal summary prints the folder and
the seconds each step took.

Run them with ``.venv/bin/pytest tests/browser``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import nbformat
import pytest

from .course_copy import (
    HARNESS_NOTEBOOK,
    SOLUTIONS,
    STUDENT_VERSIONS,
    LessonNotebook,
    discover_lessons,
)
from .lab_ui import LabNotebookPage, load_jupyterlab
from .learner_view import (
    cells_not_run,
    error_and_stderr_problems,
    errors,
    figure_problems,
    names_answers_define,
    unfilled_exercise_error_cells,
)

LESSONS = discover_lessons()
#: Lessons whose solution must show an interactive control that redraws a figure.
INTERACTIVE_LESSONS = {"lesson4_suppress_encourage"}


@contextlib.contextmanager
def notebook_in_lab(lab_session, relative_path: str, screenshots: Path):
    r"""Give ``relative_path`` as a notebook to open in the JupyterLab page; always close it.

    On failure a screenshot of the page is saved as ``failure.png`` next to the others,
    the kernel is shut down and JupyterLab is reloaded, so the next notebook starts clean.
    """
    page, jupyterlab, step_timings = lab_session
    for stale in screenshots.glob("*.png"):  # from an earlier run
        stale.unlink()
    notebook = LabNotebookPage(page, jupyterlab, relative_path)
    try:
        yield notebook
        notebook.close()
    except BaseException:
        with contextlib.suppress(Exception):
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=screenshots / "failure.png")
        with contextlib.suppress(Exception):
            notebook.shut_down_kernel()
        load_jupyterlab(page, jupyterlab)
        raise
    finally:
        step_timings[relative_path] = notebook.timings


def run_like_a_learner(notebook: LabNotebookPage, screenshots: Path):
    r"""Open, run every cell, save; return what was saved and what the page showed."""
    notebook.open()
    notebook.run_every_cell()
    rendered = notebook.read_cells()
    saved = notebook.save()
    notebook.screenshot_pages(screenshots)
    return saved, rendered


def assert_no_problems(relative_path: str, problems: list[str]) -> None:
    assert not problems, f"{relative_path} in JupyterLab:\n  " + "\n  ".join(problems)


def assert_control_redraws_figure(notebook: LabNotebookPage, screenshots: Path) -> None:
    r"""The slider next to a figure renders, and moving it changes the figure's image."""
    cell = notebook.cell_with_slider_and_figure()
    assert cell.count(), (
        f"{notebook.relative_path}: no slider with a figure next to it was rendered"
    )
    output_area = cell.locator(".jp-Cell-outputArea")
    images_before = notebook.figure_images(cell)
    pixels_before = output_area.screenshot(path=screenshots / "control-before.png")
    value_before, value_after = notebook.move_control(cell)
    images_after = notebook.figure_images(cell)
    pixels_after = output_area.screenshot(path=screenshots / "control-after.png")
    assert images_after != images_before, (
        f"moving the slider from {value_before} to {value_after} left the figure unchanged"
    )
    assert pixels_after != pixels_before, "the output area looks the same after moving the slider"


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


@pytest.fixture
def lab_session(jupyterlab_page, jupyterlab, step_timings):
    return jupyterlab_page, jupyterlab, step_timings


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


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_runs_cleanly_in_jupyterlab(lesson, lab_session, screenshots):
    notebook_id = LessonNotebook(lesson, SOLUTIONS)
    assert notebook_id.source().is_file(), f"{notebook_id.relative_path} is missing"
    folder = screenshots / SOLUTIONS / lesson
    path = notebook_id.relative_path
    with notebook_in_lab(lab_session, path, folder) as notebook:
        saved, rendered = run_like_a_learner(notebook, folder)
        assert_no_problems(
            path,
            cells_not_run(saved, rendered)
            + error_and_stderr_problems(saved, rendered)
            + figure_problems(saved, rendered),
        )
        if lesson in INTERACTIVE_LESSONS:
            assert_control_redraws_figure(notebook, folder)


@pytest.mark.browser
@pytest.mark.parametrize("lesson", LESSONS)
def test_student_version_shows_only_unfilled_exercises(lesson, lab_session, screenshots):
    notebook_id = LessonNotebook(lesson, STUDENT_VERSIONS)
    solution = LessonNotebook(lesson, SOLUTIONS).source()
    assert notebook_id.source().is_file(), f"{notebook_id.relative_path} is missing"
    assert solution.is_file(), f"{notebook_id.relative_path} has no source in {SOLUTIONS}/"
    answer_names = names_answers_define(nbformat.read(solution, as_version=4))
    folder = screenshots / STUDENT_VERSIONS / lesson
    path = notebook_id.relative_path
    with notebook_in_lab(lab_session, path, folder) as notebook:
        saved, rendered = run_like_a_learner(notebook, folder)
        unfilled = unfilled_exercise_error_cells(saved, answer_names)
        assert_no_problems(
            path,
            cells_not_run(saved, rendered)
            + error_and_stderr_problems(saved, rendered, allowed_error_cells=unfilled)
            + figure_problems(saved, rendered),
        )
        assert any(ename == "NotImplementedError" for _, ename, _ in errors(saved)), (
            f"{path}: no unfilled exercise raised NotImplementedError in JupyterLab"
        )
