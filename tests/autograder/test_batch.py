"""Finding submissions and grading them in parallel (real sandbox, real definitions)."""

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from autograder import batch, definitions
from autograder.batch import (
    Submission,
    failed_report,
    find_submissions,
    grade_submission,
    grade_submissions,
)

EXAMPLE_CLASS = Path(__file__).resolve().parents[2] / "autograder/examples/class/submitted"
LESSON = "lesson3_implement"


def notebook_of(student):
    return EXAMPLE_CLASS / student / LESSON / f"{LESSON}.ipynb"


def small_class(tmp_path, students):
    """A submitted folder holding copies of some example students."""
    submitted = tmp_path / "submitted"
    for student in students:
        target = submitted / student / LESSON
        target.mkdir(parents=True)
        shutil.copy(notebook_of(student), target / f"{LESSON}.ipynb")
    return submitted


def test_finds_every_notebook_in_nbgrader_layout(tmp_path):
    for student in ("bob", "ada"):
        folder = tmp_path / student / LESSON
        folder.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(), folder / f"{LESSON}.ipynb")
    (tmp_path / "ada" / LESSON / "extra.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    found = find_submissions(tmp_path)
    # One row per student and lesson: the lesson's notebook is graded, not the extra file.
    assert [(s.student_id, s.notebook_id) for s in found] == [("ada", LESSON), ("bob", LESSON)]
    assert all(s.assignment_id == LESSON and s.path.name == f"{LESSON}.ipynb" for s in found)


def test_a_jupyter_copy_is_graded_with_a_note(tmp_path):
    folder = tmp_path / "cy" / LESSON
    folder.mkdir(parents=True)
    shutil.copy(notebook_of("correct_reference"), folder / f"{LESSON}-Copy1.ipynb")
    [submission] = find_submissions(tmp_path)
    assert submission.notebook_id == LESSON and submission.path.name == f"{LESSON}-Copy1.ipynb"
    assert "Copy1" in submission.note
    report = grade_submission(submission, secret=b"s")
    assert report["status"] == "graded" and report["score"] == report["max_score"]
    assert "Copy1" in report["notes"][0]


def test_an_assignment_without_its_notebook_still_gets_a_submission(tmp_path):
    folder = tmp_path / "cy" / LESSON
    folder.mkdir(parents=True)
    (folder / "answers.txt").write_text("I forgot the notebook")
    [submission] = find_submissions(tmp_path)
    assert submission.notebook_id == LESSON and submission.path is None
    report = grade_submission(submission, secret=b"s")
    assert report["status"] == "failed" and "no notebook of" in report["reason"]
    assert report["score"] == 0
    assert {t["id"] for t in report["tests"]} == {
        t.id for t in definitions.tests_for_lesson(LESSON)
    }


def test_submitted_must_be_a_folder(tmp_path):
    with pytest.raises(ValueError, match="submitted: expected a folder of student folders, got"):
        find_submissions(tmp_path / "missing")


def test_one_students_folder_is_refused_with_the_layout_expected(tmp_path):
    (tmp_path / "ada" / LESSON).mkdir(parents=True)
    shutil.copy(notebook_of("correct_reference"), tmp_path / "ada" / LESSON / f"{LESSON}.ipynb")
    with pytest.raises(ValueError, match=r"SUBMITTED/\{student_id\}/\{assignment_id\}"):
        find_submissions(tmp_path / "ada")


def test_jobs_must_be_positive():
    with pytest.raises(ValueError, match=r"jobs: expected an integer >= 1, got 0\."):
        list(grade_submissions([], secret=b"s", jobs=0))


def test_failed_report_lists_every_test_with_zero_points():
    submission = Submission("ada", LESSON, LESSON, Path("nowhere.ipynb"))
    report = failed_report(submission, "the grading worker process died")
    assert report["score"] == 0 and report["status"] == "failed"
    assert report["max_score"] == sum(t.points for t in definitions.tests_for_lesson(LESSON))
    assert all(t["points"] == 0 and not t["passed"] for t in report["tests"])


def test_a_report_is_plain_json_with_the_ids(tmp_path):
    [submission] = find_submissions(small_class(tmp_path, ["correct_reference"]))
    report = grade_submission(submission, secret=b"course secret")
    assert json.loads(json.dumps(report)) == report
    assert (report["student_id"], report["assignment_id"], report["notebook_id"]) == (
        "correct_reference",
        LESSON,
        LESSON,
    )
    assert report["score"] == report["max_score"] > 0


def test_two_workers_give_the_same_reports_as_one(tmp_path):
    submitted = small_class(
        tmp_path, ["correct_reference", "mc_missing_true_class_term", "mc_sign_flipped"]
    )
    submissions = find_submissions(submitted)

    def scores(jobs):
        reports = grade_submissions(submissions, secret=b"same secret", jobs=jobs)
        return sorted(
            (r["student_id"], r["score"], tuple(tuple(t["misconceptions"]) for t in r["tests"]))
            for r in reports
        )

    serial, parallel = scores(1), scores(2)
    assert serial == parallel
    assert len(parallel) == 3


# Fault hooks for the process pool. The pool forks its workers from this process, so a worker
# runs whatever `autograder.batch.grade_submission` is here; these stand in for it. Each
# leaves a file per attempt in the folder named by the submission's note, so a test can count.


def _attempt(submission):
    folder = Path(submission.note)
    number = len(list(folder.glob(f"{submission.student_id}-*"))) + 1
    (folder / f"{submission.student_id}-{number}").touch()
    return number


def _dies_on_first_attempt(submission, **options):
    number = _attempt(submission)
    if submission.student_id == "ada" and number == 1:
        os._exit(1)
    return {"student_id": submission.student_id, "status": "graded", "attempt": number}


def _dies_every_time(submission, **options):
    number = _attempt(submission)
    if submission.student_id == "ada":
        os._exit(1)
    return {"student_id": submission.student_id, "status": "graded", "attempt": number}


def _pool_class(tmp_path, students):
    attempts = tmp_path / "attempts"
    attempts.mkdir()
    return attempts, [
        Submission(student, LESSON, LESSON, tmp_path / f"{student}.ipynb", note=str(attempts))
        for student in students
    ]


def test_a_pool_worker_that_dies_gets_its_notebook_graded_again(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "grade_submission", _dies_on_first_attempt)
    attempts, submissions = _pool_class(tmp_path, ["ada", "bob", "cy"])
    reports = {r["student_id"]: r for r in batch._grade_in_pool(submissions, 2, {})}
    assert set(reports) == {"ada", "bob", "cy"}
    assert reports["ada"] == {"student_id": "ada", "status": "graded", "attempt": 2}
    assert {r["status"] for r in reports.values()} == {"graded"}
    assert sorted(p.name for p in attempts.glob("ada-*")) == ["ada-1", "ada-2"]


def test_a_pool_worker_that_dies_twice_is_an_error_row_and_the_class_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "grade_submission", _dies_every_time)
    attempts, submissions = _pool_class(tmp_path, ["ada", "bob"])
    reports = list(batch._grade_in_pool(submissions, 2, {}))
    by_student = {r["student_id"]: r for r in reports}
    assert len(reports) == 2 and set(by_student) == {"ada", "bob"}
    ada = by_student["ada"]
    assert (ada["status"], ada["reason"], ada["score"]) == (
        "error",
        "the grading worker process died",
        0.0,
    )
    assert {t["id"] for t in ada["tests"]} == {t.id for t in definitions.tests_for_lesson(LESSON)}
    # Two tries and no more: the run ends instead of retrying forever.
    assert sorted(p.name for p in attempts.glob("ada-*")) == ["ada-1", "ada-2"]
    # A notebook in the same pool as the dying one is either graded or, when the pool broke
    # under it twice, recorded as the same error; it is never lost.
    assert by_student["bob"]["status"] in {"graded", "error"}
