"""``--scheduler``: the same per-submission work on a Dask distributed cluster."""

import csv
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from dask.distributed import LocalCluster

from autograder import cli, definitions, grading
from autograder.batch import find_submissions, grade_submissions

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CLASS = ROOT / "autograder/examples/class/submitted"
LESSON = "lesson3_implement"
STUDENTS = ["correct_loops", "mc_true_class_only", "not_a_notebook"]


def test_autograde_on_a_local_dask_cluster_matches_local_grading(tmp_path, capsys):
    submitted = tmp_path / "submitted"
    for student in STUDENTS:
        shutil.copytree(EXAMPLE_CLASS / student, submitted / student)
    secret = tmp_path / "secret"
    secret.write_text("dask secret\n")
    out = tmp_path / "out"
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    try:
        argv = ["autograde", str(submitted), "--out", str(out), "--no-gradebook"]
        argv += ["--scheduler", cluster.scheduler_address, "--secret-file", str(secret)]
        assert cli.main(argv) == 0
    finally:
        cluster.close()
    assert "3 notebooks graded" in capsys.readouterr().out
    with (out / "grades.csv").open(newline="") as handle:
        on_dask = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert set(on_dask) == set(STUDENTS)

    local = {
        report["student_id"]: report
        for report in grade_submissions(find_submissions(submitted), secret=b"dask secret")
    }
    for student in STUDENTS:
        assert float(on_dask[student]["score"]) == local[student]["score"]
        assert on_dask[student]["status"] == local[student]["status"]
    assert "true_class_only" in on_dask["mc_true_class_only"]["misconceptions"]


def test_a_notebook_the_trusted_side_cannot_read_gives_a_row_without_a_task(tmp_path):
    # A path that is a folder: it fails before any task is sent, and still gives its row.
    submitted = tmp_path / "submitted"
    weird = submitted / "ada" / LESSON / f"{LESSON}.ipynb"
    weird.mkdir(parents=True)
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    try:
        reports = list(
            grade_submissions(
                find_submissions(submitted), secret=b"s", scheduler=cluster.scheduler_address
            )
        )
    finally:
        cluster.close()
    [report] = reports
    assert report["student_id"] == "ada" and report["status"] == "failed" and report["reason"]


#: A line in a cell of a submission whose Dask task the fault hook below makes fail.
FAULT_MARK = "# the Dask task of this notebook raises"
_real_run_job = grading.run_job


def _run_job_failing_where_marked(job):
    # Stands in for autograder.grading.run_job on the worker: the task itself fails.
    if any(FAULT_MARK in cell for cell in job["cells"]):
        raise RuntimeError("injected failure of a Dask task")
    return _real_run_job(job)


@pytest.mark.usefixtures("bubblewrap")
def test_a_dask_task_that_fails_is_an_error_row_and_the_class_goes_on(tmp_path, monkeypatch):
    submitted = tmp_path / "submitted"
    for student in ("correct_loops", "ada"):
        shutil.copytree(EXAMPLE_CLASS / "correct_loops", submitted / student)
    marked = submitted / "ada" / LESSON / f"{LESSON}.ipynb"
    notebook = nbformat.read(marked, as_version=4)
    first_code = next(cell for cell in notebook.cells if cell.cell_type == "code")
    first_code.source += f"\n{FAULT_MARK}\n"
    nbformat.write(notebook, marked)
    monkeypatch.setattr(grading, "run_job", _run_job_failing_where_marked)
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    )
    try:
        reports = {
            report["student_id"]: report
            for report in grade_submissions(
                find_submissions(submitted), secret=b"s", scheduler=cluster.scheduler_address
            )
        }
    finally:
        cluster.close()
    assert set(reports) == {"correct_loops", "ada"}
    failed = reports["ada"]
    assert (failed["status"], failed["score"]) == ("error", 0.0)
    assert failed["reason"] == "the Dask worker failed (RuntimeError)"
    lesson_tests = definitions.tests_for_lesson(LESSON)
    assert {t["id"] for t in failed["tests"]} == {t.id for t in lesson_tests}
    graded = reports["correct_loops"]
    assert (graded["status"], graded["score"]) == ("graded", graded["max_score"])


def test_a_job_carries_no_path_and_no_secret(tmp_path):
    import json

    from autograder.grading import prepare, sandbox_job
    from autograder.sandbox.launcher import Limits

    submitted = tmp_path / "submitted"
    shutil.copytree(EXAMPLE_CLASS / "correct_loops", submitted / "correct_loops")
    path = submitted / "correct_loops" / LESSON / f"{LESSON}.ipynb"
    prepared = prepare(path, lesson_id=LESSON, secret=b"a dask secret never sent")
    job = sandbox_job(prepared, Limits())
    text = json.dumps(job, default=lambda value: value.tolist())
    assert str(tmp_path) not in text and "dask secret" not in text
    assert set(job) == {"lesson_id", "cells", "requests", "limits"}


@pytest.fixture(scope="module")
def separate_cluster(tmp_path_factory):
    """A real `dask scheduler` and two `dask worker` processes, in folders without the course.

    Their environment has no course secret and points the course root at an empty folder.
    """
    import os
    import subprocess
    import sys
    import time

    home = tmp_path_factory.mktemp("cluster")
    scheduler_file = home / "scheduler.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CE_GRADE")}
    env["CE_GRADE_COURSE_ROOT"] = str(home)
    dask = str(Path(sys.executable).with_name("dask"))
    processes = [
        subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(scheduler_file)],
            cwd=home, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    ]  # fmt: skip
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    for index in range(2):
        folder = home / f"worker{index}"
        folder.mkdir()
        processes.append(
            subprocess.Popen(
                [dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                 "--no-dashboard", "--local-directory", str(folder)],
                cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
    address = json.loads(scheduler_file.read_text())["address"]
    from dask.distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
    yield address
    for process in reversed(processes):
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.usefixtures("bubblewrap")
def test_workers_without_the_course_or_the_secret_grade_as_this_machine(tmp_path, separate_cluster):
    submitted = tmp_path / "submitted"
    for student in ["correct_loops", "mc_sign_flipped", "attack_read_solution", "not_a_notebook"]:
        shutil.copytree(EXAMPLE_CLASS / student, submitted / student)
    secret = tmp_path / "secret"
    secret.write_text("cluster secret\n")
    reports = {}
    for where, extra in (("cluster", ["--scheduler", separate_cluster]), ("local", [])):
        out = tmp_path / where
        argv = ["autograde", str(submitted), "--out", str(out), "--no-gradebook", "--quiet"]
        assert cli.main([*argv, "--secret-file", str(secret), *extra]) == 0
        with (out / "grades.csv").open(newline="") as handle:
            reports[where] = {
                row["student_id"]: (row["score"], row["status"], row["misconceptions"])
                for row in csv.DictReader(handle)
            }
    assert reports["cluster"] == reports["local"]
    assert reports["cluster"]["correct_loops"][0] == "10"
