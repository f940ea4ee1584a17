r"""A notebook's report: the one shape every grading path writes, built by one constructor.

``ce-grade`` writes one report per notebook (JSON next to the feedback page), whether the
notebook was graded, could not be graded (``failed``: no notebook, a time limit, ...) or met
a grader failure (``error``). :func:`notebook_report` builds all of them; each test's entry
is :meth:`autograder.definitions.framework.TestResult.as_dict`.

>>> report = notebook_report("lesson3_implement", "n.ipynb", [], status="failed",
...                          reason="no notebook submitted", isolation="not run")
>>> report["score"], report["max_score"], report["tests"]
(0.0, 0.0, [])
"""

from typing import NotRequired, TypedDict

#: What can happen to a notebook: a grade, a grade of 0 with its reason, or no grade at all.
STATUSES = ("graded", "failed", "error")


class RequirementEntry(TypedDict):
    r"""One requirement of a test: what it asks, and what the answer earned of it."""

    name: str
    text: str
    points: float
    max_points: float
    cases_passed: int
    cases_total: int


class TestEntry(TypedDict):
    r"""One test of a notebook: its points, feedback message and misconception codes."""

    __test__ = False  # a report entry, not a pytest test class

    id: str
    points: float
    max_points: float
    passed: bool
    message: str
    misconceptions: list[str]
    cases_passed: int
    cases_total: int
    requirements: list[RequirementEntry]


class NotebookReport(TypedDict):
    r"""The report of one notebook (the ids are added when it belongs to a class)."""

    lesson_id: str
    notebook: str
    score: float
    max_score: float
    status: str
    reason: str | None
    isolation: str
    tests: list[TestEntry]
    notes: list[str]
    duration_s: float
    student_id: NotRequired[str]
    assignment_id: NotRequired[str]
    notebook_id: NotRequired[str]


def notebook_report(lesson_id, notebook, results, *, status, reason=None, isolation, notes=(),
                    duration_s=0.0):  # fmt: skip
    r"""Return the :class:`NotebookReport` of a notebook whose tests gave ``results``.

    Parameters
    ----------
    lesson_id : str
    notebook : str or os.PathLike
        The notebook's path ("" when there is none).
    results : list of TestResult
        One per test of the lesson, graded or not (``failed_result``).
    status : {"graded", "failed", "error"}
    reason : str, optional
        Why the notebook was not fully graded.
    isolation : str
        ``"bubblewrap"``, ``"none"`` or ``"not run"``.
    notes : sequence of str
    duration_s : float
    """
    if status not in STATUSES:
        raise ValueError(f"status: expected one of {STATUSES}, got {status!r}.")
    tests = [result.as_dict() for result in results]
    return {
        "lesson_id": lesson_id,
        "notebook": str(notebook),
        "score": round(float(sum(test["points"] for test in tests)), 4),
        "max_score": float(sum(test["max_points"] for test in tests)),
        "status": status,
        "reason": reason,
        "isolation": isolation,
        "tests": tests,
        "notes": list(notes),
        "duration_s": round(duration_s, 3),
    }
