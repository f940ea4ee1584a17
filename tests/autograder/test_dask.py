"""``--scheduler``: the same per-submission work on a Dask distributed cluster."""

import csv
import shutil
from pathlib import Path

from dask.distributed import LocalCluster

from autograder import cli
from autograder.batch import find_submissions, grade_submissions

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


def test_a_failing_dask_task_still_gives_a_row(tmp_path):
    # A path that is a folder: grading it is an error the worker reports, not a lost row.
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
