r"""The class report: one self-contained HTML page, and the same numbers as CSV files.

:func:`write_class_report` reads the reports of a grading run,
``OUT/reports/{student_id}/{assignment_id}/{notebook_id}.json`` (see
:mod:`autograder.grading`), and the submitted notebooks they name, and writes

``OUT/class-report.html``
    score distribution per lesson, counts by status, per-test difficulty and discrimination,
    misconception prevalence per test, the students who need attention (grader errors,
    failures, zeros) and suspiciously similar answers (:mod:`autograder.similarity`), each
    pair with its shared code;
``OUT/class-report/*.csv``
    ``lessons.csv``, ``score_distribution.csv``, ``tests.csv``, ``misconceptions.csv``,
    ``attention.csv`` and ``similar_pairs.csv``: every number of the page.

Everything a student controls (ids, reasons, messages, code) is data: code is parsed,
never run; text reaches the page through Jinja's autoescaping after control and
bidirectional-formatting characters are made visible (``\x1b`` is shown as ``\x1b``), and
CSV cells that a spreadsheet would run as a formula are prefixed with ``'``. The page has
no script, its figures are inline SVG images drawn by Matplotlib, and its Content Security
Policy forbids loading anything else.

Run it as ``python -m autograder.class_report OUT``.
"""

from __future__ import annotations

import argparse
import base64
import csv
import io
import json
import math
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.outputs.atomic import write_text_atomically
from autograder.outputs.explanations import explain_misconception
from autograder.outputs.grades_csv import format_points, neutralize_formula
from autograder.regular_files import read_regular_file

__all__ = [
    "CSV_FOLDER",
    "PAGE_NAME",
    "add_arguments",
    "attention_list",
    "lesson_statistics",
    "load_reports",
    "main",
    "run",
    "similar_answers",
    "write_class_report",
]

PAGE_NAME = "class-report.html"
CSV_FOLDER = "class-report"
STATUSES = ("graded", "failed", "error")
MAX_REPORT_BYTES = 8 * 1024 * 1024
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
TEMPLATES = Path(__file__).resolve().parent / "templates"

#: The misconception figure of a lesson shows at most this many bars (the table has all).
MOST_MISCONCEPTIONS = 15
#: Discrimination below this is shown as weak.
WEAK_DISCRIMINATION = 0.2

DISCRIMINATION_MEANING = (
    "Discrimination is the correlation between a test's points and the points of the rest "
    "of the lesson (corrected item-total correlation): near +1 the students who pass the test "
    "are those who do well on the others, near 0 or below it the test measures something "
    "else, or nearly everyone gets the same points on it, so read it again."
)

# C0 and C1 controls, line and paragraph separators, bidirectional and zero-width formatting.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_INVISIBLE_IN_CODE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]"
)


def _escape_char(match):
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value, *, code=False):
    r"""Return ``value`` as text with every invisible or control character spelled out.

    ``code=True`` keeps tabs and newlines. The result is still to be HTML-escaped (the page
    template does that); this only stops a name from hiding characters or reordering text.

    Examples
    --------
    >>> visible("ada\x1b[2J\u202eevil")
    'ada\\x1b[2J\\u202eevil'
    >>> visible("a\tb\nc", code=True)
    'a\tb\nc'
    """
    text = "" if value is None else str(value)
    return (_INVISIBLE_IN_CODE if code else _INVISIBLE).sub(_escape_char, text)


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


# --------------------------------------------------------------------------- reading


@dataclass
class LoadedReports:
    r"""The reports of a grading run.

    Attributes
    ----------
    reports : list of dict
        One normalised report per notebook (see :func:`load_reports`).
    unreadable : list of (str, str)
        Report files that could not be read: their path under ``reports/`` and why.
    """

    reports: list = field(default_factory=list)
    unreadable: list = field(default_factory=list)


def _normalise_test(test):
    test = test if isinstance(test, dict) else {}
    codes = test.get("misconceptions")
    return {
        "id": str(test.get("id", "?")),
        "points": _number(test.get("points")),
        "max_points": _number(test.get("max_points")),
        "passed": bool(test.get("passed", False)),
        "misconceptions": [str(code) for code in codes] if isinstance(codes, list) else [],
    }


def normalise_report(report, *, student_id="", assignment_id="", notebook_id=""):
    r"""Return ``report`` with every field the class report reads, in a known type.

    Ids missing from the report come from its place under ``reports/``. The lesson is the
    report's ``lesson_id`` (whose tests were run), else its assignment.

    Examples
    --------
    >>> r = normalise_report({"score": "7", "status": "graded", "tests": [{"id": "t"}]},
    ...                      student_id="ada", assignment_id="lesson1_softmax_loss")
    >>> r["lesson"], r["score"], r["tests"][0]["points"]
    ('lesson1_softmax_loss', 7.0, 0.0)
    """
    tests = report.get("tests")
    student = report.get("student_id") or student_id
    assignment = report.get("assignment_id") or assignment_id
    notes = report.get("notes")
    return {
        "student_id": str(student),
        "assignment_id": str(assignment),
        "notebook_id": str(report.get("notebook_id") or notebook_id),
        "lesson": str(report.get("lesson_id") or assignment),
        "status": str(report.get("status") or "failed"),
        "score": _number(report.get("score")),
        "max_score": _number(report.get("max_score")),
        "reason": str(report.get("reason") or ""),
        "notes": [str(note) for note in notes] if isinstance(notes, list) else [],
        "notebook": str(report.get("notebook") or ""),
        "tests": [_normalise_test(test) for test in tests] if isinstance(tests, list) else [],
    }


def load_reports(out_dir):
    r"""Read every ``reports/*/*/*.json`` under ``out_dir``.

    Returns
    -------
    LoadedReports
        The reports sorted by lesson, student and notebook; files that are not a report
        (unreadable, not JSON, not an object) are listed in ``unreadable``.
    """
    root = Path(out_dir) / "reports"
    loaded = LoadedReports()
    if not root.is_dir():
        return loaded
    for path in sorted(root.glob("*/*/*.json")):
        where = path.relative_to(root).as_posix()
        try:
            report = json.loads(read_regular_file(path, max_bytes=MAX_REPORT_BYTES))
        except (OSError, ValueError) as error:
            loaded.unreadable.append((where, f"{type(error).__name__}: {error}"))
            continue
        if not isinstance(report, dict):
            loaded.unreadable.append((where, "not a JSON object"))
            continue
        loaded.reports.append(
            normalise_report(
                report,
                student_id=path.parent.parent.name,
                assignment_id=path.parent.name,
                notebook_id=path.stem,
            )
        )
    loaded.reports.sort(key=lambda r: (r["lesson"], r["student_id"], r["notebook_id"]))
    return loaded


# --------------------------------------------------------------------------- statistics


@dataclass
class PerTestStats:
    r"""One test of a lesson over its graded notebooks.

    ``difficulty`` is the mean fraction of the test's points obtained (1 = everyone got
    every point); ``discrimination`` is the corrected item-total correlation, ``None`` when
    it is undefined (fewer than 3 notebooks, or no spread in the test or the rest).
    """

    test: str
    max_points: float
    notebooks: int
    mean_points: float
    difficulty: float
    full_marks: int
    discrimination: float | None


@dataclass
class MisconceptionStats:
    r"""How many graded notebooks got one misconception code on one test."""

    test: str
    code: str
    notebooks: int
    of: int
    explanation: str

    @property
    def percent(self):
        r"""Share of the graded notebooks, in percent."""
        return 100.0 * self.notebooks / self.of if self.of else 0.0


@dataclass
class LessonStats:
    r"""The numbers of one lesson.

    Scores (mean, median, sample standard deviation, histogram) are over the notebooks that
    have a grade, ``graded`` and ``failed`` ones; an ``error`` is no grade. Tests and
    misconceptions are over the ``graded`` notebooks only: a failed notebook's zeros say
    nothing about a test.
    """

    lesson: str
    counts: dict
    max_score: float
    scores: list
    failed_scores: list
    mean: float | None
    median: float | None
    sd: float | None
    minimum: float | None
    maximum: float | None
    zeros: int
    bin_edges: list
    graded_counts: list
    failed_counts: list
    tests: list
    misconceptions: list

    @property
    def notebooks(self):
        r"""Number of notebooks of the lesson, whatever their status."""
        return sum(self.counts.values())


def _mode(values, default=0.0):
    counted = Counter(values)
    return max(counted, key=lambda v: (counted[v], v)) if counted else default


def _bin_edges(max_score):
    if max_score <= 0:
        return [0.0, 1.0]
    # int(): max_score may be a NumPy float, whose round() gives a float in older NumPy.
    bins = int(round(max_score)) if float(max_score).is_integer() and max_score <= 20 else 10  # noqa: RUF046
    return [float(edge) for edge in np.linspace(0.0, max_score, bins + 1)]


def _histogram(values, edges):
    if not values:
        return [0] * (len(edges) - 1)
    clipped = np.clip(np.asarray(values, dtype=float), edges[0], edges[-1])
    return [int(count) for count in np.histogram(clipped, bins=edges)[0]]


def corrected_item_total(item, total):
    r"""Correlation of ``item`` with ``total - item`` (Pearson), or None if undefined.

    Examples
    --------
    >>> round(corrected_item_total([0, 1, 1, 0], [1, 3, 2, 0]), 4)
    0.7071
    >>> corrected_item_total([1, 1, 1], [1, 2, 3]) is None
    True
    """
    x = np.asarray(item, dtype=float)
    y = np.asarray(total, dtype=float) - x
    if x.size < 3:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    sxx, syy = float(dx @ dx), float(dy @ dy)
    if sxx <= 1e-12 * max(1.0, float(x @ x)) or syy <= 1e-12 * max(1.0, float(y @ y)):
        return None
    return float(np.clip((dx @ dy) / math.sqrt(sxx * syy), -1.0, 1.0))


def _test_statistics(graded):
    order, by_test = [], defaultdict(list)
    for report in graded:
        total = sum(test["points"] for test in report["tests"])
        for test in report["tests"]:
            if test["id"] not in by_test:
                order.append(test["id"])
            by_test[test["id"]].append((test, total))
    stats, misconceptions = [], []
    for test_id in order:
        rows = by_test[test_id]
        max_points = _mode([test["max_points"] for test, _ in rows])
        points = [test["points"] for test, _ in rows]
        fractions = [
            test["points"] / test["max_points"] if test["max_points"] > 0 else 0.0
            for test, _ in rows
        ]
        stats.append(
            PerTestStats(
                test=test_id,
                max_points=max_points,
                notebooks=len(rows),
                mean_points=float(np.mean(points)),
                difficulty=float(np.mean(fractions)),
                full_marks=sum(1 for test, _ in rows if test["passed"]),
                discrimination=corrected_item_total(points, [total for _, total in rows]),
            )
        )
        codes = Counter(code for test, _ in rows for code in dict.fromkeys(test["misconceptions"]))
        for code, count in sorted(codes.items(), key=lambda item: (-item[1], item[0])):
            explanation = explain_misconception(code)["explanation"]
            misconceptions.append(MisconceptionStats(test_id, code, count, len(rows), explanation))
    return stats, misconceptions


def lesson_statistics(reports):
    r"""Return the :class:`LessonStats` of every lesson of ``reports``, sorted by lesson.

    Parameters
    ----------
    reports : list of dict
        Normalised reports (:func:`load_reports`, :func:`normalise_report`).
    """
    by_lesson = defaultdict(list)
    for report in reports:
        by_lesson[report["lesson"]].append(report)
    lessons = []
    for lesson in sorted(by_lesson):
        group = by_lesson[lesson]
        counts = {status: 0 for status in STATUSES}
        for report in group:
            counts[report["status"]] = counts.get(report["status"], 0) + 1
        graded = [r for r in group if r["status"] == "graded"]
        scored = [r for r in group if r["status"] != "error"]
        scores = [r["score"] for r in graded]
        failed_scores = [r["score"] for r in scored if r["status"] != "graded"]
        every = scores + failed_scores
        max_score = _mode([r["max_score"] for r in group])
        edges = _bin_edges(max_score)
        tests, misconceptions = _test_statistics(graded)
        lessons.append(
            LessonStats(
                lesson=lesson,
                counts=counts,
                max_score=max_score,
                scores=scores,
                failed_scores=failed_scores,
                mean=float(np.mean(every)) if every else None,
                median=float(np.median(every)) if every else None,
                sd=float(np.std(every, ddof=1)) if len(every) > 1 else None,
                minimum=float(min(every)) if every else None,
                maximum=float(max(every)) if every else None,
                zeros=sum(1 for score in scores if abs(score) < 1e-9),
                bin_edges=edges,
                graded_counts=_histogram(scores, edges),
                failed_counts=_histogram(failed_scores, edges),
                tests=tests,
                misconceptions=misconceptions,
            )
        )
    return lessons


# --------------------------------------------------------------------------- attention


@dataclass
class Attention:
    r"""A notebook someone should look at: ``kind`` is ``error``, ``failed`` or ``zero``."""

    kind: str
    lesson: str
    student_id: str
    assignment_id: str
    notebook_id: str
    score: float
    max_score: float
    reason: str
    action: str


_ACTIONS = {
    "error": "The grader failed, so this is no grade: rerun ce-grade autograde.",
    "failed": "The code could not be fully graded: read the reason, then the notebook.",
    "zero": "Graded, and no test gave a point: check the student is not stuck.",
}


def attention_list(reports):
    r"""Return the notebooks with a grader error, a failure or a zero score, in that order.

    Examples
    --------
    >>> reports = [normalise_report({"status": "graded", "score": 0, "tests": []},
    ...                             student_id="ada", assignment_id="l1"),
    ...            normalise_report({"status": "error", "reason": "no sandbox"},
    ...                             student_id="bob", assignment_id="l1")]
    >>> [(item.kind, item.student_id) for item in attention_list(reports)]
    [('error', 'bob'), ('zero', 'ada')]
    """
    items = []
    for report in reports:
        if report["status"] == "graded":
            if abs(report["score"]) >= 1e-9:
                continue
            kind = "zero"
            codes = list(
                dict.fromkeys(code for test in report["tests"] for code in test["misconceptions"])
            )
            parts = [report["reason"]] if report["reason"] else []
            parts += report["notes"]
            if codes:
                parts.append("misconceptions: " + ", ".join(codes))
            reason = "; ".join(parts) or "no test gave a point"
        else:
            kind = report["status"] if report["status"] in ("error", "failed") else "failed"
            reason = report["reason"] or f"status {report['status']}"
        items.append(
            Attention(
                kind=kind,
                lesson=report["lesson"],
                student_id=report["student_id"],
                assignment_id=report["assignment_id"],
                notebook_id=report["notebook_id"],
                score=report["score"],
                max_score=report["max_score"],
                reason=reason,
                action=_ACTIONS[kind],
            )
        )
    order = {"error": 0, "failed": 1, "zero": 2}
    items.sort(key=lambda item: (order[item.kind], item.lesson, item.student_id, item.notebook_id))
    return items


# --------------------------------------------------------------------------- similarity


def _cell_source(cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def _nbgrader(cell):
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def _read_notebook_cells(path):
    notebook = json.loads(read_regular_file(path, max_bytes=MAX_NOTEBOOK_BYTES))
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("not a notebook")
    return [cell for cell in cells if isinstance(cell, dict)]


def template_cells(course_root, lesson):
    r"""Return ``{grade_id: source}`` of the solution cells of a lesson's released version.

    The released student version is ``notebooks/{lesson}/{lesson}.ipynb`` under
    ``course_root``; an empty dict when there is none.
    """
    if course_root is None or not lesson or lesson in (".", "..") or "/" in lesson:
        return {}
    path = Path(course_root) / "notebooks" / lesson / f"{lesson}.ipynb"
    try:
        cells = _read_notebook_cells(path)
    except (OSError, ValueError):
        return {}
    return {
        str(_nbgrader(cell).get("grade_id")): _cell_source(cell)
        for cell in cells
        if _nbgrader(cell).get("solution") and _nbgrader(cell).get("grade_id")
    }


def solution_cells(cells, templates):
    r"""Return ``(grade_id, source, template)`` of the code cells that hold answers.

    A cell holds an answer when nbgrader marks it ``solution: true`` or when its grade id
    is one of the released version's solution cells (a student may drop the metadata).

    Examples
    --------
    >>> cells = [{"cell_type": "code", "source": "x = 1",
    ...           "metadata": {"nbgrader": {"solution": True, "grade_id": "a"}}},
    ...          {"cell_type": "code", "source": "check()", "metadata": {}}]
    >>> solution_cells(cells, {"a": "# YOUR CODE HERE"})
    [('a', 'x = 1', '# YOUR CODE HERE')]
    """
    found = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        nbgrader = _nbgrader(cell)
        grade_id = str(nbgrader.get("grade_id") or f"cell {index}")
        if nbgrader.get("solution") is True or grade_id in templates:
            found.append((grade_id, _cell_source(cell), templates.get(grade_id, "")))
    return found


@dataclass
class SimilarityResult:
    r"""Flagged pairs of every lesson, and how many notebooks each lesson compared.

    Attributes
    ----------
    pairs : list of (str, SimilarPair)
        ``(lesson, pair)``, most similar first within a lesson.
    compared : dict
        ``{lesson: number of notebooks compared}``.
    unreadable : dict
        ``{lesson: number of notebooks that could not be read}``.
    templates : dict
        ``{lesson: whether the released version was found and removed}``.
    """

    pairs: list = field(default_factory=list)
    compared: dict = field(default_factory=dict)
    unreadable: dict = field(default_factory=dict)
    templates: dict = field(default_factory=dict)


def _notebook_path(name, bases):
    # A report names its notebook as autograde was given it: relative to where it ran.
    path = Path(name)
    if path.is_absolute():
        return path
    for base in bases:
        if (Path(base) / path).exists():
            return Path(base) / path
    return path


def similar_answers(reports, course_root=None, *, out_dir=None, **options):
    r"""Compare the answers of the notebooks of each lesson; return a SimilarityResult.

    Parameters
    ----------
    reports : list of dict
        Normalised reports; each names its notebook in ``notebook``.
    course_root : path, optional
        Where ``notebooks/{lesson}/{lesson}.ipynb`` (the released version) is.
    out_dir : path, optional
        The output folder. A relative notebook path is looked up from the current folder,
        then from ``course_root`` and from the folder that holds ``out_dir``.
    **options
        Passed to :func:`autograder.similarity.find_similar`.
    """
    from autograder.similarity import Submission, find_similar

    by_lesson = defaultdict(list)
    for report in reports:
        by_lesson[report["lesson"]].append(report)
    result = SimilarityResult()
    bases = [Path.cwd()] + [
        Path(p) for p in (course_root, out_dir and Path(out_dir).resolve().parent) if p
    ]
    for lesson in sorted(by_lesson):
        templates = template_cells(course_root, lesson)
        result.templates[lesson] = bool(templates)
        submissions, unreadable = [], 0
        for report in by_lesson[lesson]:
            try:
                path = _notebook_path(report["notebook"], bases) if report["notebook"] else None
                cells = _read_notebook_cells(path) if path else None
            except (OSError, ValueError, RecursionError):
                cells = None
            if cells is None:
                unreadable += 1
                continue
            key = (report["student_id"], report["assignment_id"], report["notebook_id"])
            submissions.append(Submission(key, solution_cells(cells, templates)))
        result.compared[lesson] = len(submissions)
        result.unreadable[lesson] = unreadable
        for pair in find_similar(submissions, **options):
            if pair.a[0] != pair.b[0]:  # two notebooks of one student are no concern
                result.pairs.append((lesson, pair))
    return result


# --------------------------------------------------------------------------- figures

#: Okabe-Ito colours (as ce_lib.plots) for the three statuses, with hatches as a second cue.
STATUS_STYLE = {
    "graded": ("#0072B2", ""),
    "failed": ("#E69F00", "//"),
    "error": ("#CC79A7", "xx"),
}


def _label(text):
    # Matplotlib reads $...$ as mathematics: show a dollar as a dollar.
    return visible(text).replace("$", r"\$")


def _figure(width, height):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def _svg(figure):
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "class-report"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def figure_of_statuses(lessons):
    r"""Stacked bars: notebooks of each lesson by status."""
    figure = _figure(9.0, 1.3 + 0.45 * len(lessons))
    axes = figure.add_subplot()
    names = [_label(stats.lesson) for stats in lessons]
    left = np.zeros(len(lessons))
    for status in STATUSES:
        colour, hatch = STATUS_STYLE[status]
        values = np.array([stats.counts.get(status, 0) for stats in lessons], dtype=float)
        axes.barh(
            names, values, left=left, color=colour, hatch=hatch, edgecolor="white", label=status
        )
        left += values
    axes.invert_yaxis()
    axes.set_title("Notebooks by status")
    axes.set_xlabel("notebooks")
    axes.set_ylabel("lesson")
    axes.legend(title="status", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure


def figure_of_scores(stats):
    r"""Stacked histogram of the scores of one lesson: graded and failed notebooks."""
    figure = _figure(9.0, 3.4)
    axes = figure.add_subplot()
    edges = np.asarray(stats.bin_edges)
    widths = np.diff(edges)
    graded = np.asarray(stats.graded_counts, dtype=float)
    failed = np.asarray(stats.failed_counts, dtype=float)
    colour, hatch = STATUS_STYLE["graded"]
    axes.bar(
        edges[:-1],
        graded,
        width=widths,
        align="edge",
        color=colour,
        hatch=hatch,
        edgecolor="white",
        label="graded",
    )
    colour, hatch = STATUS_STYLE["failed"]
    axes.bar(
        edges[:-1],
        failed,
        width=widths,
        bottom=graded,
        align="edge",
        color=colour,
        hatch=hatch,
        edgecolor="white",
        label="failed",
    )
    axes.set_xlim(edges[0], edges[-1])
    from matplotlib.ticker import MaxNLocator

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{_label(stats.lesson)}: score distribution")
    axes.set_xlabel(f"score (points out of {format_points(stats.max_score, digits=2)})")
    axes.set_ylabel("notebooks")
    axes.legend(title="status", loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    return figure


def figure_of_tests(stats):
    r"""Two panels of horizontal bars: each test's difficulty and discrimination."""
    tests = stats.tests
    figure = _figure(9.0, 1.5 + 0.42 * max(len(tests), 1))
    left, right = figure.subplots(1, 2, sharey=True)
    names = [_label(test.test) for test in tests]
    positions = np.arange(len(tests))
    left.barh(positions, [test.difficulty for test in tests], color="#0072B2")
    left.set_xlim(0, 1)
    left.set_yticks(positions, names)
    left.invert_yaxis()
    left.set_title("Difficulty")
    left.set_xlabel("mean fraction of the points obtained")
    left.set_ylabel("test")
    values = [test.discrimination for test in tests]
    shown = [0.0 if value is None else value for value in values]
    colours = [
        "#D55E00" if value is None or value < WEAK_DISCRIMINATION else "#009E73" for value in values
    ]
    hatches = ["//" if value is None or value < WEAK_DISCRIMINATION else "" for value in values]
    bars = right.barh(positions, shown, color=colours, edgecolor="white")
    for bar, hatch in zip(bars, hatches, strict=True):
        bar.set_hatch(hatch)
    for position, value in zip(positions, values, strict=True):
        if value is None:
            right.text(0.02, position, "undefined", va="center", fontsize="small")
    right.axvline(
        WEAK_DISCRIMINATION,
        color="#000000",
        linestyle="--",
        linewidth=0.8,
        label=f"weak below {WEAK_DISCRIMINATION}",
    )
    right.set_xlim(-1, 1)
    right.set_title("Discrimination")
    right.set_xlabel("corrected item-total correlation")
    right.legend(loc="lower left", fontsize="small")
    figure.suptitle(f"{_label(stats.lesson)}: tests")
    return figure


def figure_of_misconceptions(stats):
    r"""Horizontal bars: the share of graded notebooks with each misconception, per test."""
    ranked = sorted(stats.misconceptions, key=lambda item: -item.percent)
    items = [item for item in stats.misconceptions if item in ranked[:MOST_MISCONCEPTIONS]]
    figure = _figure(9.0, 1.3 + 0.36 * len(items))
    axes = figure.add_subplot()
    names = [f"{_label(item.test)}: {_label(item.code)}" for item in items]
    positions = np.arange(len(items))
    bars = axes.barh(positions, [item.percent for item in items], color="#D55E00")
    right = min(112.0, max(10.0, 1.25 * max(item.percent for item in items)))
    for bar, item in zip(bars, items, strict=True):
        axes.text(
            bar.get_width() + 0.01 * right,
            bar.get_y() + bar.get_height() / 2,
            f"{item.percent:.0f} %",
            va="center",
            fontsize="small",
        )
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, right)
    title = f"{_label(stats.lesson)}: misconceptions"
    if len(items) < len(stats.misconceptions):
        title += f"\n(the {len(items)} most frequent of {len(stats.misconceptions)})"
    axes.set_title(title)
    axes.set_xlabel("graded notebooks with the misconception (%)")
    axes.set_ylabel("test: misconception")
    return figure


# --------------------------------------------------------------------------- CSV


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        value = round(value, 6) + 0.0  # 6 decimals; no "-0"
        return str(int(value)) if value.is_integer() else repr(value)
    return neutralize_formula(visible(value))


def _csv(path, columns, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    write_text_atomically(path, buffer.getvalue())


def write_csv_files(folder, lessons, attention, similarity):
    r"""Write the CSV files of the report into ``folder``; return their paths."""
    folder = Path(folder)
    files = {
        "lessons.csv": (
            [
                "lesson",
                "notebooks",
                "graded",
                "failed",
                "error",
                "max_score",
                "mean_score",
                "median_score",
                "sd_score",
                "min_score",
                "max_score_obtained",
                "zeros",
            ],
            [
                [
                    s.lesson,
                    s.notebooks,
                    s.counts.get("graded", 0),
                    s.counts.get("failed", 0),
                    s.counts.get("error", 0),
                    s.max_score,
                    s.mean,
                    s.median,
                    s.sd,
                    s.minimum,
                    s.maximum,
                    s.zeros,
                ]
                for s in lessons
            ],
        ),
        "score_distribution.csv": (
            ["lesson", "score_from", "score_to", "graded", "failed"],
            [
                [
                    s.lesson,
                    s.bin_edges[i],
                    s.bin_edges[i + 1],
                    s.graded_counts[i],
                    s.failed_counts[i],
                ]
                for s in lessons
                for i in range(len(s.graded_counts))
            ],
        ),
        "tests.csv": (
            [
                "lesson",
                "test",
                "max_points",
                "graded_notebooks",
                "mean_points",
                "difficulty",
                "full_marks",
                "discrimination",
            ],
            [
                [
                    s.lesson,
                    t.test,
                    t.max_points,
                    t.notebooks,
                    round(t.mean_points, 6),
                    round(t.difficulty, 6),
                    t.full_marks,
                    None if t.discrimination is None else round(t.discrimination, 6),
                ]
                for s in lessons
                for t in s.tests
            ],
        ),
        "misconceptions.csv": (
            ["lesson", "test", "code", "notebooks", "graded_notebooks", "percent", "explanation"],
            [
                [s.lesson, m.test, m.code, m.notebooks, m.of, round(m.percent, 6), m.explanation]
                for s in lessons
                for m in s.misconceptions
            ],
        ),
        "attention.csv": (
            [
                "kind",
                "lesson",
                "student_id",
                "assignment_id",
                "notebook_id",
                "score",
                "max_score",
                "reason",
                "action",
            ],
            [
                [
                    a.kind,
                    a.lesson,
                    a.student_id,
                    a.assignment_id,
                    a.notebook_id,
                    None if a.kind == "error" else a.score,
                    a.max_score,
                    a.reason,
                    a.action,
                ]
                for a in attention
            ],
        ),
        "similar_pairs.csv": (
            [
                "lesson",
                "student_a",
                "assignment_a",
                "notebook_a",
                "student_b",
                "assignment_b",
                "notebook_b",
                "similarity",
                "share_a",
                "share_b",
                "shared_chars",
                "cells",
            ],
            [
                [
                    lesson,
                    *p.a,
                    *p.b,
                    round(p.similarity, 6),
                    round(p.share_a, 6),
                    round(p.share_b, 6),
                    p.shared_chars,
                    ";".join(c.grade_id for c in p.cells),
                ]
                for lesson, p in similarity.pairs
            ],
        ),
    }
    paths = []
    for name, (columns, rows) in files.items():
        _csv(folder / name, columns, rows)
        paths.append(folder / name)
    return paths


# --------------------------------------------------------------------------- page


def _template():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    # An en dash, as in print, stands for a missing number in the report's tables.
    environment.filters["points"] = lambda value: (
        "–" if value is None else format_points(value, digits=2)  # noqa: RUF001
    )
    environment.filters["ratio"] = lambda value: "–" if value is None else f"{value:.2f}"  # noqa: RUF001
    environment.filters["percent"] = lambda value: f"{100 * value:.0f} %"
    return environment.get_template("class_report.html.j2")


def _code_lines(source, shared, template):
    return [
        {
            "number": number + 1,
            "text": visible(line, code=True) or " ",
            "kind": "shared" if number in shared else "template" if number in template else "",
        }
        for number, line in enumerate(str(source).splitlines())
    ]


def _where(key, lesson):
    # Name the notebook only when it is not the lesson's usual one.
    _, assignment, notebook = key
    if assignment == lesson and notebook == lesson:
        return ""
    return f" ({visible(assignment)}/{visible(notebook)}.ipynb)"


def _pair_view(index, lesson, pair):
    return {
        "where_a": _where(pair.a, lesson),
        "where_b": _where(pair.b, lesson),
        "anchor": f"pair-{index}",
        "lesson": visible(lesson),
        "a": [visible(part) for part in pair.a],
        "b": [visible(part) for part in pair.b],
        "similarity": pair.similarity,
        "share_a": pair.share_a,
        "share_b": pair.share_b,
        "shared_chars": pair.shared_chars,
        "shared_lines": sum(len(cell.lines_a) for cell in pair.cells),
        "cells": [
            {
                "grade_id": visible(cell.grade_id),
                "a": _code_lines(cell.source_a, cell.lines_a, cell.template_a),
                "b": _code_lines(cell.source_b, cell.lines_b, cell.template_b),
            }
            for cell in pair.cells
        ],
    }


def _lesson_view(index, stats):
    return {
        "anchor": f"lesson-{index}",
        "name": visible(stats.lesson),
        "stats": stats,
        "histogram": _svg(figure_of_scores(stats)),
        "tests_figure": _svg(figure_of_tests(stats)) if stats.tests else None,
        "misconceptions_figure": (
            _svg(figure_of_misconceptions(stats)) if stats.misconceptions else None
        ),
        "tests": [
            {
                "name": visible(t.test),
                "stats": t,
                "weak": t.discrimination is None or t.discrimination < WEAK_DISCRIMINATION,
            }
            for t in stats.tests
        ],
        "misconceptions": [
            {
                "test": visible(m.test),
                "code": visible(m.code),
                "stats": m,
                "explanation": visible(m.explanation),
            }
            for m in stats.misconceptions
        ],
    }


def render_class_report(out_dir, loaded, lessons, attention, similarity, csv_names):
    r"""Return the HTML page of the class report."""
    from autograder.similarity import COMMON_NOTEBOOKS, MIN_SHARED_CHARS, THRESHOLD

    reports = loaded.reports
    counts = Counter(report["status"] for report in reports)
    by_kind = defaultdict(list)
    for item in attention:
        by_kind[item.kind].append(
            {
                "lesson": visible(item.lesson),
                "student_id": visible(item.student_id),
                "notebook_id": visible(item.notebook_id),
                "assignment_id": visible(item.assignment_id),
                "score": item.score,
                "max_score": item.max_score,
                "reason": visible(item.reason),
            }
        )
    return _template().render(
        title=f"Class report: {visible(Path(out_dir).resolve().name)}",
        out_dir=visible(Path(out_dir).resolve()),
        notebooks=len(reports),
        students=len({report["student_id"] for report in reports}),
        counts={status: counts.get(status, 0) for status in STATUSES},
        other_statuses={visible(k): v for k, v in counts.items() if k not in STATUSES},
        status_figure=_svg(figure_of_statuses(lessons)) if lessons else None,
        lessons=[_lesson_view(i + 1, stats) for i, stats in enumerate(lessons)],
        errors=by_kind["error"],
        failures=by_kind["failed"],
        zeros=by_kind["zero"],
        actions=_ACTIONS,
        unreadable=[(visible(path), visible(why)) for path, why in loaded.unreadable],
        pairs=[
            _pair_view(i + 1, lesson, pair) for i, (lesson, pair) in enumerate(similarity.pairs)
        ],
        compared=[
            {
                "lesson": visible(lesson),
                "notebooks": similarity.compared[lesson],
                "unreadable": similarity.unreadable[lesson],
                "template": similarity.templates[lesson],
            }
            for lesson in sorted(similarity.compared)
        ],
        threshold=THRESHOLD,
        min_shared_chars=MIN_SHARED_CHARS,
        common_notebooks=COMMON_NOTEBOOKS,
        discrimination_meaning=DISCRIMINATION_MEANING,
        weak_discrimination=WEAK_DISCRIMINATION,
        csv_folder=CSV_FOLDER,
        csv_names=csv_names,
    )


def write_class_report(out_dir, *, course_root=None):
    r"""Write ``OUT/class-report.html`` and ``OUT/class-report/*.csv``; return the page's path.

    Parameters
    ----------
    out_dir : str or os.PathLike
        The output folder of a grading run (``ce-grade autograde --out OUT``); its
        ``reports/`` are read.
    course_root : str or os.PathLike, optional
        The course, whose ``notebooks/{lesson}/{lesson}.ipynb`` (the released student
        versions) are removed from the answers before comparing them; by default
        :func:`autograder.secret.default_course_root`.

    Returns
    -------
    pathlib.Path
        ``OUT/class-report.html``.

    Raises
    ------
    FileNotFoundError
        If ``out_dir`` is not a folder.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise FileNotFoundError(
            f"out_dir: expected the output folder of a grading run, got {str(out_dir)!r}."
        )
    if course_root is None:
        from autograder.secret import default_course_root

        course_root = default_course_root()
    loaded = load_reports(out_dir)
    lessons = lesson_statistics(loaded.reports)
    attention = attention_list(loaded.reports)
    similarity = similar_answers(loaded.reports, course_root, out_dir=out_dir)
    csv_paths = write_csv_files(out_dir / CSV_FOLDER, lessons, attention, similarity)
    page = render_class_report(
        out_dir, loaded, lessons, attention, similarity, [path.name for path in csv_paths]
    )
    path = out_dir / PAGE_NAME
    write_text_atomically(path, page)
    return path


#: What ``ce-grade report`` does, for its help line.
HELP = "write OUT/class-report.html and OUT/class-report/*.csv from a grading run's reports"


def add_arguments(parser):
    r"""Add the arguments of the report command to ``parser`` (an ``argparse`` parser).

    ``ce-grade report`` and ``python -m autograder.class_report`` share them; :func:`run`
    takes the parsed arguments.
    """
    parser.add_argument("out", type=Path, metavar="OUT", help="the --out folder of autograde")
    parser.add_argument(
        "--course-root",
        type=Path,
        default=None,
        help="the course whose notebooks/ hold the released student versions "
        "(default: the repository this package was installed from)",
    )
    return parser


def run(args):
    r"""Write the class report for parsed :func:`add_arguments`; return the exit status."""
    if not args.out.is_dir():
        print(
            f"error: OUT: expected the output folder of a grading run, got {str(args.out)!r}.",
            file=sys.stderr,
        )
        return 2
    path = write_class_report(args.out, course_root=args.course_root)
    print(f"class report: {path}")
    return 0


def main(argv=None):
    r"""``python -m autograder.class_report OUT [--course-root ROOT]``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m autograder.class_report", description=HELP)
    return run(add_arguments(parser).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
