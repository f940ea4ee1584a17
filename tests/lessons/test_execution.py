"""Every lesson runs three ways: the solution cleanly, the student version up to its exercises.

The same check, for each lesson and each version, wherever the lesson runs:

- ``kernel``: executed with nbclient in the course's ``python3`` kernel;
- ``view``: the cells ce-grade runs, in the lesson's grading view (the sandbox, where the
  reference is absent);
- ``jupyterlab``: opened in JupyterLab in Chromium, run through the Run menu as a learner
  does, saved from the page and checked both on the page and in the saved file (figures
  drawn, widgets rendered, every cell run; the interactive lessons' slider redraws its figure).

The solution raises nothing and writes nothing to stderr. The untouched student version
raises only where an exercise is unfilled (a ``NotImplementedError``, or a ``NameError``
for a name only an answer defines), at least once, and writes nothing else to stderr.
"""

import time
from dataclasses import dataclass, field

import pytest
from nbclient import NotebookClient

from autograder import definitions
from autograder.grading import read_notebook as read_for_grading
from autograder.grading import select_cells, trusted_notebook
from autograder.sandbox.launcher import Limits, Sandbox
from tests.browser.course_copy import SOLUTIONS, STUDENT_VERSIONS, LessonNotebook
from tests.browser.learner_run import (
    assert_control_redraws_figure,
    notebook_in_lab,
    run_like_a_learner,
)
from tests.browser.learner_view import (
    cells_not_run,
    error_and_stderr_problems,
    errors,
    figure_problems,
    is_unfilled_exercise_error,
    names_answers_define,
)

from .conftest import (
    EXECUTION_SECONDS,
    LESSONS,
    ROOT,
    TEST_SECRET,
    read_notebook,
    release_path,
    solution_path,
)

pytestmark = pytest.mark.slow

#: Lessons whose solution must show an interactive control that redraws a figure.
INTERACTIVE_LESSONS = {"lesson4_suppress_encourage"}


@dataclass
class Run:
    r"""What one way of running a notebook saw.

    ``errors`` holds ``(cell index, ename, evalue)`` with ``sources[cell index]`` the cell's
    code; ``problems`` what only this way can see (stderr, cells not run, figures).
    """

    sources: list
    errors: list
    problems: list = field(default_factory=list)

    def describe(self, cell, ename, evalue):
        code = self.sources[cell].strip() if isinstance(cell, int) else ""
        first_line = code.splitlines()[0][:60] if code else "?"
        return f"cell {cell} ({first_line!r}) raised {ename}: {evalue}"


def _stderr(notebook):
    return [
        f"cell {index} wrote to stderr: {output.text[:300]!r}"
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.get("name") == "stderr"
    ]


def run_in_kernel(lesson, version, request, tmp_path):
    path = solution_path(lesson) if version == "solution" else release_path(lesson)
    notebook = read_notebook(path)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    start = time.perf_counter()
    client.execute()
    if version == "solution":
        EXECUTION_SECONDS[lesson] = time.perf_counter() - start
    return Run([cell.source for cell in notebook.cells], errors(notebook), _stderr(notebook))


def run_in_view(lesson, version, request, tmp_path):
    request.getfixturevalue("bubblewrap")
    path = solution_path(lesson) if version == "solution" else release_path(lesson)
    test_ids = [test.id for test in definitions.tests_for_lesson(lesson)]
    sources, _, _ = select_cells(read_for_grading(path), trusted_notebook(lesson, ROOT), test_ids)
    with Sandbox(Limits(), definitions.view_for(lesson)) as box:
        ready = box.start(sources)
    found = [
        (error.get("cell"), error.get("error"), str(error.get("detail") or ""))
        for error in ready.get("cell_errors") or []
    ]
    return Run(list(sources), found)


def run_in_jupyterlab(lesson, version, request, tmp_path):
    lab_session = request.getfixturevalue("lab_session")
    screenshots = request.getfixturevalue("screenshots")
    kind = SOLUTIONS if version == "solution" else STUDENT_VERSIONS
    notebook_id = LessonNotebook(lesson, kind)
    assert notebook_id.source().is_file(), f"{notebook_id.relative_path} is missing"
    folder = screenshots / kind / lesson
    with notebook_in_lab(lab_session, notebook_id.relative_path, folder) as notebook:
        saved, rendered = run_like_a_learner(notebook, folder)
        if version == "solution" and lesson in INTERACTIVE_LESSONS:
            assert_control_redraws_figure(notebook, folder)
    # Errors are judged below as for the other ways; here the stderr of every other cell,
    # on the page and in the file, what did not run and what was not drawn.
    error_cells = frozenset(index for index, _, _ in errors(saved))
    problems = (
        cells_not_run(saved, rendered)
        + error_and_stderr_problems(saved, rendered, allowed_error_cells=error_cells)
        + figure_problems(saved, rendered)
    )
    return Run([cell.source for cell in saved.cells], errors(saved), problems)


RUNNERS = {"kernel": run_in_kernel, "view": run_in_view, "jupyterlab": run_in_jupyterlab}


@pytest.fixture(autouse=True)
def _course_secret(monkeypatch):
    # Kernels inherit the environment: hidden cases are drawn from a fixed test secret.
    monkeypatch.setenv("CE_GRADE_SECRET", TEST_SECRET)


@pytest.mark.parametrize(
    "where",
    [
        "kernel",
        "view",
        pytest.param("jupyterlab", marks=[pytest.mark.browser, pytest.mark.serial]),
    ],
)
@pytest.mark.parametrize("version", ["solution", "student"])
@pytest.mark.parametrize("lesson", LESSONS)
def test_the_lesson_runs_up_to_its_unfilled_exercises(lesson, version, where, request, tmp_path):
    run = RUNNERS[where](lesson, version, request, tmp_path)
    if version == "solution":
        wrong = run.errors
    else:
        answers = names_answers_define(read_notebook(solution_path(lesson)))
        wrong = [
            error for error in run.errors if not is_unfilled_exercise_error(*error[1:], answers)
        ]
        assert any(ename == "NotImplementedError" for _, ename, _ in run.errors), (
            f"no unfilled exercise of the student version of {lesson} raised "
            f"NotImplementedError ({where})"
        )
    problems = [run.describe(*error) for error in wrong] + run.problems
    assert not problems, f"the {version} of {lesson} ({where}):\n  " + "\n  ".join(problems)
