r"""The HTML feedback page of one graded notebook.

Everything a submission controls (messages that may quote its output, the reason, the
student and notebook names) is HTML-escaped by the template engine. The page shows what
the report holds and nothing else, so hidden inputs and expected values, which never enter
a report, cannot appear in it.
"""

from functools import cache
from pathlib import Path

import jinja2

from autograder.outputs.explanations import explain_misconception, without_explanations
from autograder.outputs.grades_csv import format_points

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@cache
def _template():
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return environment.get_template("feedback.html.j2")


def _points(value):
    return format_points(value, digits=2)


def render_feedback_html(report):
    r"""Render the feedback page of ``report`` (a report dict with student and notebook ids).

    Parameters
    ----------
    report : dict
        A report as returned by :func:`autograder.grading.grade_notebook`, plus
        ``student_id``, ``assignment_id`` and ``notebook_id``.

    Returns
    -------
    str
        A standalone HTML page.

    Examples
    --------
    >>> page = render_feedback_html({"student_id": "ada", "assignment_id": "lesson3_implement",
    ...     "notebook_id": "lesson3_implement", "score": 0, "max_score": 1,
    ...     "status": "failed", "reason": "<script>", "isolation": "rlimit", "tests": []})
    >>> "&lt;script&gt;" in page and "<script>" not in page
    True
    """
    from autograder.definitions.explanations import EXPLANATIONS

    tests = []
    for test in report.get("tests", []):
        tests.append(
            {
                "id": test.get("id", "?"),
                "points": _points(test.get("points", 0.0)),
                "max_points": _points(test.get("max_points", 0.0)),
                "passed": bool(test.get("passed", False)),
                "message": without_explanations(
                    test.get("message") or "", test.get("misconceptions", [])
                ),
                "cases_passed": int(test.get("cases_passed", 0) or 0),
                "cases_total": int(test.get("cases_total", 0) or 0),
                "requirements": [
                    {
                        "text": str(entry.get("text", entry.get("name", ""))),
                        "points": _points(entry.get("points", 0.0)),
                        "max_points": _points(entry.get("max_points", 0.0)),
                        "cases_passed": int(entry.get("cases_passed", 0) or 0),
                        "cases_total": int(entry.get("cases_total", 0) or 0),
                    }
                    for entry in test.get("requirements") or []
                    if isinstance(entry, dict)
                ],
                "explained": [
                    explain_misconception(code) for code in test.get("misconceptions", [])
                ],
                # Why the answer is what it is: kept out of the student notebook, shown here
                # once the question has been graded.
                "why": EXPLANATIONS.get(str(test.get("id")), ""),
            }
        )
    return _template().render(
        student_id=str(report.get("student_id", "")),
        assignment_id=str(report.get("assignment_id", "")),
        notebook_id=str(report.get("notebook_id", "")),
        score=_points(report.get("score", 0.0)),
        max_score=_points(report.get("max_score", 0.0)),
        reason=str(report.get("reason") or ""),
        isolation=str(report.get("isolation") or "unknown"),
        not_isolated=report.get("isolation") == "none",
        error=report.get("status") == "error",
        notes=[str(note) for note in report.get("notes") or []][:20],
        tests=tests,
    )
