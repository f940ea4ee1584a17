"""grades.csv, JSON reports, HTML feedback and the terminal views."""

import csv
import html
import json

import pytest

from autograder.misconceptions import CODES, explain
from autograder.outputs import (
    GRADES_COLUMNS,
    ClassOutputs,
    GradesTable,
    format_grade_table,
    format_report,
    render_feedback_html,
    report_to_row,
)
from autograder.outputs.atomic import write_text_atomically


def make_report(
    student="ada",
    score=3.0,
    *,
    reason=None,
    message="2 of 4 cases wrong.",
    codes=("missing_true_class_term",),
    status="graded",
):
    return {
        "student_id": student,
        "assignment_id": "lesson3_implement",
        "notebook_id": "lesson3_implement",
        "lesson_id": "lesson3_implement",
        "notebook": f"/submitted/{student}/lesson3_implement/lesson3_implement.ipynb",
        "score": score,
        "max_score": 10.0,
        "status": status,
        "reason": reason,
        "isolation": "bubblewrap",
        "duration_s": 0.5,
        "tests": [
            {
                "id": "l3_softmax",
                "points": 3.0,
                "max_points": 3.0,
                "passed": True,
                "message": "All cases pass.",
                "misconceptions": [],
                "cases_passed": 4,
                "cases_total": 4,
            },
            {
                "id": "l3_cross_entropy_grad",
                "points": score - 3.0,
                "max_points": 7.0,
                "passed": False,
                "message": message,
                "misconceptions": list(codes),
                "cases_passed": 2,
                "cases_total": 4,
            },
        ],
    }


def read_csv(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_row_has_the_design_columns_and_joins_codes():
    row = report_to_row(make_report(codes=("sign_flipped", "not_averaged")))
    assert set(GRADES_COLUMNS) <= set(row)
    assert row["misconceptions"] == "sign_flipped;not_averaged"
    assert row["score"] == "3" and row["max_score"] == "10"


def test_class_outputs_write_report_feedback_and_csv(tmp_path):
    outputs = ClassOutputs(tmp_path / "out")
    report = make_report()
    outputs.add(report)
    written = json.loads(
        (tmp_path / "out/reports/ada/lesson3_implement/lesson3_implement.json").read_text()
    )
    assert written == report
    page = (tmp_path / "out/feedback/ada/lesson3_implement/lesson3_implement.html").read_text()
    assert "l3_cross_entropy_grad" in page
    rows = read_csv(tmp_path / "out/grades.csv")
    assert [r["student_id"] for r in rows] == ["ada"]
    assert list(rows[0]) == list(GRADES_COLUMNS)


def test_regrade_replaces_rows_instead_of_adding(tmp_path):
    outputs = ClassOutputs(tmp_path)
    outputs.add(make_report("ada", 3.0))
    outputs.add(make_report("bob", 5.0))
    # A second run (a new writer reading the existing file) regrades ada only.
    again = ClassOutputs(tmp_path)
    again.add(make_report("ada", 9.0))
    rows = read_csv(tmp_path / "grades.csv")
    assert [(r["student_id"], r["score"]) for r in rows] == [("ada", "9"), ("bob", "5")]


def test_grades_table_ignores_rows_without_ids(tmp_path):
    path = tmp_path / "grades.csv"
    path.write_text("student_id,assignment_id,notebook_id,score\n,,,3\nada,l,n,1\n")
    assert len(GradesTable(path)) == 1


def test_feedback_explains_each_misconception_in_course_words():
    page = render_feedback_html(make_report(codes=("missing_true_class_term", "sign_flipped")))
    for code in ("missing_true_class_term", "sign_flipped"):
        assert code in page
        # The explanation is HTML-escaped the same way the page escapes all text.
        assert explain(code).replace(">", "&gt;").replace("<", "&lt;")[:60] in page


@pytest.mark.parametrize("field", ["message", "reason", "student"])
def test_feedback_escapes_student_controlled_text(field):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    kwargs = {"message": "ok", "reason": None, "student": "ada"}
    kwargs[field] = payload
    student = kwargs.pop("student")
    page = render_feedback_html(make_report(student, **kwargs))
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;" in page


def test_feedback_shows_the_reason_of_a_failed_submission():
    page = render_feedback_html(
        make_report(score=3.0, status="failed", reason="time limit of 10 s exceeded")
    )
    assert "Not fully graded" in page and "time limit of 10 s exceeded" in page


def test_every_code_has_an_explanation_shown_in_the_terminal():
    for code in CODES:
        text = format_report(make_report(codes=(code,)))
        assert f"misconception {code}:" in text
        assert explain(code).split()[0] in text


def test_terminal_report_lists_every_test_with_points():
    text = format_report(make_report(score=5.0))
    assert "[PASS] l3_softmax  3 / 3" in text
    assert "[FAIL] l3_cross_entropy_grad  2 / 7  (2 of 4 cases)" in text


def test_grade_table_summarises_a_class():
    reports = [
        make_report("ada", 10.0, codes=()),
        make_report("bob", 3.0),
        make_report("cy", 0.0, status="failed", reason="not a notebook", codes=()),
    ]
    table = format_grade_table(reports)
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["student", "notebook", "score"]
    assert "missing_true_class_term" in lines[3]
    assert "not a notebook" in lines[4]
    assert lines[-1].startswith("3 notebooks graded: 1 full marks, 1 partial, 0 zero, 1 not")


def test_grade_table_of_an_empty_class():
    assert format_grade_table([]).splitlines()[-1].startswith("0 notebooks graded")


def test_ids_that_would_escape_the_output_folder_are_refused(tmp_path):
    with pytest.raises(ValueError, match="id: expected a plain folder or file name, got"):
        ClassOutputs(tmp_path).add(make_report(".."))


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "a.txt"
    write_text_atomically(target, "one")
    write_text_atomically(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "a.txt"
    write_text_atomically(target, "old")
    with pytest.raises(TypeError):
        write_text_atomically(target, object())
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_an_explanation_already_in_the_message_is_shown_once():
    message = "0 of 4 cases.\n  Likely misconception: " + explain("true_class_only")
    report = make_report(message=message, codes=("true_class_only",))
    escaped = explain("true_class_only").replace(">", "&gt;").replace("'", "&#39;")
    assert render_feedback_html(report).count(escaped) == 1
    assert format_report(report).count(explain("true_class_only")[:40]) == 1


def test_feedback_explains_a_graded_question_after_grading():
    from autograder.definitions.explanations import EXPLANATIONS

    test_id = next(iter(EXPLANATIONS))
    report = {
        "student_id": "ada", "assignment_id": "lesson1_softmax_loss",
        "notebook_id": "lesson1_softmax_loss", "score": 0.0, "max_score": 1.0,
        "status": "graded", "reason": None, "isolation": "bubblewrap",
        "tests": [{"id": test_id, "points": 0.0, "max_points": 1.0, "passed": False,
                   "message": "wrong answer", "misconceptions": []}],
    }  # fmt: skip
    page = render_feedback_html(report)
    assert "Why:" in page and html.escape(EXPLANATIONS[test_id][:40], quote=False) in page


def test_outputs_follow_the_umask(tmp_path):
    import os

    old = os.umask(0o027)
    try:
        write_text_atomically(tmp_path / "team.txt", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "team.txt").stat().st_mode & 0o777 == 0o640


def test_feedback_of_a_grader_error_has_no_score():
    report = {
        "student_id": "ada", "assignment_id": "lesson3_implement",
        "notebook_id": "lesson3_implement", "score": 0.0, "max_score": 10.0,
        "status": "error", "reason": "the sandbox could not start", "isolation": "bubblewrap",
        "tests": [],
    }  # fmt: skip
    page = render_feedback_html(report)
    assert "Not graded" in page and "Score:" not in page


def test_an_unknown_report_status_is_named():
    from autograder.report import notebook_report

    with pytest.raises(ValueError) as raised:
        notebook_report("lesson3_implement", "", [], status="done", isolation="none")
    assert str(raised.value) == "status: expected one of ('graded', 'failed', 'error'), got 'done'."
