"""Every lesson runs: the solution cleanly, the student version up to its unfilled exercises."""

import time

import pytest
from nbclient import NotebookClient

from .conftest import (
    EXECUTION_SECONDS,
    LESSONS,
    TEST_SECRET,
    read_notebook,
    release_path,
    solution_path,
)


def execute(path, workdir, *, allow_errors):
    r"""Execute the notebook at ``path`` in ``workdir`` with the venv's python3 kernel."""
    notebook = read_notebook(path)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(workdir)}},
    )
    start = time.perf_counter()
    client.execute()
    return notebook, time.perf_counter() - start


def outputs(notebook, output_type, name=None):
    r"""Return ``(cell id, output)`` for every output of a type (and stream name)."""
    return [
        (cell.get("id"), output)
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.output_type == output_type and (name is None or output.get("name") == name)
    ]


@pytest.fixture(autouse=True)
def _course_secret(monkeypatch):
    # Kernels inherit the environment: hidden cases are drawn from a fixed test secret.
    monkeypatch.setenv("CE_GRADE_SECRET", TEST_SECRET)


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_notebook_executes_without_errors_or_warnings(lesson, tmp_path):
    notebook, seconds = execute(solution_path(lesson), tmp_path, allow_errors=True)
    EXECUTION_SECONDS[lesson] = seconds
    print(f"{lesson}: executed in {seconds:.1f} s")
    errors = [
        f"cell {cell_id}: {out.ename}: {out.evalue}" for cell_id, out in outputs(notebook, "error")
    ]
    assert not errors, f"{lesson} raised:\n" + "\n".join(errors)
    stderr = [
        f"cell {cell_id}: {out.text}" for cell_id, out in outputs(notebook, "stream", "stderr")
    ]
    assert not stderr, f"{lesson} wrote to stderr (a warning?):\n" + "\n".join(stderr)


@pytest.mark.parametrize("lesson", LESSONS)
def test_student_notebook_fails_only_through_unfilled_exercises(lesson, tmp_path):
    notebook, _ = execute(release_path(lesson), tmp_path, allow_errors=True)
    wrong = [
        f"cell {cell_id}: {out.ename}: {out.evalue}"
        for cell_id, out in outputs(notebook, "error")
        if out.ename != "NotImplementedError"
        and not any("NotImplementedError" in line for line in out.traceback)
    ]
    assert not wrong, (
        f"the student version of {lesson} raised errors other than an unfilled exercise's "
        "NotImplementedError:\n" + "\n".join(wrong)
    )
    stderr = [
        f"cell {cell_id}: {out.text}" for cell_id, out in outputs(notebook, "stream", "stderr")
    ]
    assert not stderr, f"the student version of {lesson} wrote to stderr:\n" + "\n".join(stderr)
