"""``ce-grade autograde`` applies the course's late policy as stock ``nbgrader autograde`` does.

One scratch course (lesson 1, a due date, penalty "zero") is copied twice with the same
submissions: stock nbgrader grades one copy, ce-grade the other. Raw scores, penalties and
final scores must agree, in ``grades.csv``, in the gradebook and in ``nbgrader export``; a
manual score given in between is flagged, never silently kept or lost.
"""

import csv
import shutil

import pytest
from nbgrader.api import Gradebook

from autograder import cli

from .test_late import (
    DUE,
    LESSON,
    add_to_config,
    partial_notebook,
    run_nbgrader,
    scratch_course,
    source_notebook,
    submit,
)

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("bubblewrap")]

CASES = {
    "ontime": (source_notebook, "2024-03-01 16:00:00.000000 UTC"),
    "late": (source_notebook, "2024-03-01 18:30:00.000000 CET"),
    "late_partial": (partial_notebook, "2024-03-02 03:00:00.000000 UTC"),
}


def _rows(path, key="student_id"):
    with open(path, newline="", encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def _penalties(course):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            student: gradebook.find_submission_notebook(
                LESSON, LESSON, student
            ).late_submission_penalty
            for student in CASES
        }


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    base = tmp_path_factory.mktemp("late-grading")
    template = scratch_course(base / "template")
    add_to_config(template, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    run_nbgrader(template, "db", "assignment", "add", LESSON, f"--duedate={DUE}")
    run_nbgrader(template, "generate_assignment", LESSON, "--force")
    for student, (notebook, timestamp) in CASES.items():
        submit(template, student, notebook(), timestamp)
    (template / ".ce_grade_secret").write_text("late grading secret\n")
    stock = shutil.copytree(template, base / "stock")
    ours = shutil.copytree(template, base / "ours")
    run_nbgrader(stock, "autograde", LESSON, "--force")
    run_nbgrader(stock, "export", "--to=export.csv")
    out = base / "out"
    argv = ["autograde", str(ours / "submitted"), "--out", str(out), "--quiet"]
    assert cli.main([*argv, "--course-root", str(ours)]) == 0
    run_nbgrader(ours, "export", "--to=export.csv")
    return {"stock": stock, "ours": ours, "out": out, "argv": argv}


def test_grades_csv_has_the_scores_of_nbgrader_export(courses):
    exported = _rows(courses["stock"] / "export.csv")
    grades = _rows(courses["out"] / "grades.csv")
    for student in CASES:
        for column in ("raw_score", "late_submission_penalty", "score"):
            assert float(grades[student][column]) == pytest.approx(
                float(exported[student][column])
            ), (student, column)
    assert float(grades["late"]["score"]) == 0.0 and float(grades["late"]["raw_score"]) > 0


def test_the_gradebook_holds_the_penalties_stock_nbgrader_stores(courses):
    assert _penalties(courses["ours"]) == _penalties(courses["stock"])
    ours = _rows(courses["ours"] / "export.csv")
    stock = _rows(courses["stock"] / "export.csv")
    for student in CASES:
        assert float(ours[student]["score"]) == pytest.approx(float(stock[student]["score"]))


def test_the_report_says_how_late(courses):
    import json

    report = json.loads(
        (courses["out"] / "reports" / "late" / LESSON / f"{LESSON}.json").read_text()
    )
    assert "late" in report["late"] and "zero" in report["late"]
    assert report["late"] in report["notes"]
    feedback = (courses["out"] / "feedback" / "late" / LESSON / f"{LESSON}.html").read_text()
    assert report["late"].split(";")[0] in feedback  # the HTML escapes the rest's quote


def test_a_manual_score_is_flagged_on_a_regrade(courses, capsys):
    ours = courses["ours"]
    with Gradebook(f"sqlite:///{ours / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("l1_several_labels_best", LESSON, LESSON, "ontime")
        grade.manual_score = 0.0
        gradebook.db.commit()
    argv = [arg for arg in courses["argv"] if arg != "--quiet"]
    assert cli.main([*argv, "--course-root", str(ours), "--no-resume"]) == 0
    printed = capsys.readouterr().out
    assert "ontime/lesson1_softmax_loss/lesson1_softmax_loss: manual scores override" in printed
    grades = _rows(courses["out"] / "grades.csv")
    assert float(grades["ontime"]["raw_score"]) == float(grades["ontime"]["max_score"]) - 1
