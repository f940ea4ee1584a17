r"""``grades.csv``: one row per student and notebook, replaced on a regrade."""

import csv
import io
from pathlib import Path

from autograder.outputs.atomic import write_text_atomically
from autograder.points import format_points

GRADES_COLUMNS = (
    "student_id",
    "assignment_id",
    "notebook_id",
    "score",
    "max_score",
    "raw_score",
    "late_submission_penalty",
    "status",
    "reason",
    "misconceptions",
    "isolation",
    "duration_s",
)

_KEY = ("student_id", "assignment_id", "notebook_id")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralize_formula(text):
    r"""Return ``text`` so that a spreadsheet shows it as text, never runs it as a formula.

    >>> neutralize_formula("=HYPERLINK(1)"), neutralize_formula("-2"), neutralize_formula("ada")
    ("'=HYPERLINK(1)", '-2', 'ada')
    """
    text = str(text)
    if text.startswith(_FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def _restore(text):
    # The inverse of neutralize_formula, so that a regrade finds the row it replaces.
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def report_to_row(report):
    r"""Flatten one report into a ``grades.csv`` row (a dict of strings).

    ``misconceptions`` joins the distinct codes of all tests with ``;`` in test order.

    Examples
    --------
    >>> row = report_to_row({"student_id": "ada", "assignment_id": "lesson3_implement",
    ...     "notebook_id": "lesson3_implement", "score": 7.5, "max_score": 10,
    ...     "status": "graded", "reason": None, "isolation": "bubblewrap", "duration_s": 1.25,
    ...     "tests": [{"misconceptions": ["sign_flipped"]}, {"misconceptions": []}]})
    >>> row["score"], row["max_score"], row["misconceptions"], row["reason"]
    ('7.5', '10', 'sign_flipped', '')
    """
    codes = []
    for test in report.get("tests", []):
        for code in test.get("misconceptions", []):
            if code not in codes:
                codes.append(code)
    return {
        "student_id": str(report["student_id"]),
        "assignment_id": str(report["assignment_id"]),
        "notebook_id": str(report["notebook_id"]),
        # A grader failure is not a grade: no score at all rather than a zero.
        "score": "" if report.get("status") == "error" else format_points(report.get("score", 0.0)),
        "max_score": format_points(report.get("max_score", 0.0)),
        "raw_score": ""
        if report.get("status") == "error"
        else format_points(report.get("raw_score", report.get("score", 0.0))),
        "late_submission_penalty": format_points(report.get("late_submission_penalty", 0.0)),
        "status": str(report.get("status", "failed")),
        "reason": str(report.get("reason") or ""),
        "misconceptions": ";".join(codes),
        "isolation": str(report.get("isolation") or ""),
        "duration_s": f"{float(report.get('duration_s', 0.0)):.3f}",
    }


class GradesTable:
    r"""The rows of ``grades.csv``, keyed by (student, assignment, notebook).

    Rows already in the file are kept, so grading part of a class again (or finishing an
    interrupted run) updates only the rows it grades.

    Parameters
    ----------
    path : str or os.PathLike
        Location of ``grades.csv``; read at once when it exists.
    """

    def __init__(self, path):
        self.path = Path(path)
        self._rows = {}
        if self.path.exists():
            with self.path.open(newline="", encoding="utf-8") as handle:
                for row in csv.DictReader(handle):
                    if all(row.get(column) for column in _KEY):
                        row = {column: _restore(row.get(column) or "") for column in row}
                        self._rows[tuple(row[column] for column in _KEY)] = {
                            column: row.get(column) or "" for column in GRADES_COLUMNS
                        }

    def __len__(self):
        return len(self._rows)

    def rows(self):
        """All rows sorted by student, assignment and notebook."""
        return [self._rows[key] for key in sorted(self._rows)]

    def keys(self):
        """The (student, assignment, notebook) keys of the rows, sorted."""
        return sorted(self._rows)

    def remove(self, key):
        """Drop the row of ``key`` (a (student, assignment, notebook) tuple) if present."""
        self._rows.pop(tuple(key), None)

    def upsert(self, report):
        """Add the row of ``report`` or replace the row it regrades."""
        row = report_to_row(report)
        self._rows[tuple(row[column] for column in _KEY)] = row

    def save(self):
        """Write the whole table atomically."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=GRADES_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(
            {column: neutralize_formula(value) for column, value in row.items()}
            for row in self.rows()
        )
        write_text_atomically(self.path, buffer.getvalue())
