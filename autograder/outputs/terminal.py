r"""Plain-text views of reports: one notebook for ``ce-grade check``, a class for ``demo``."""

import re
import textwrap

from autograder.outputs.explanations import explanations_to_add
from autograder.outputs.grades_csv import format_points, report_to_row

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def sanitize_terminal(value):
    r"""Return ``value`` as text with every control character removed (ANSI escapes included).

    Anything a student chose (names, messages) goes through this before it reaches a
    terminal, so it cannot move the cursor, recolour or rewrite earlier lines.

    >>> sanitize_terminal("\x1b[2Kall tests passed\r")
    '[2Kall tests passed'
    """
    return _CONTROL.sub("", str(value))


def _points(value):
    return format_points(value, digits=2)


def format_report(report, *, width=88):
    r"""The report of one notebook as the learner reads it in a terminal.

    Examples
    --------
    >>> print(format_report({"lesson_id": "lesson3_implement", "notebook": "n.ipynb",
    ...     "score": 1.5, "max_score": 3, "status": "graded", "reason": None,
    ...     "isolation": "bubblewrap", "tests": [{"id": "l3_softmax", "points": 1.5,
    ...     "max_points": 3, "passed": False, "message": "2 of 4 cases wrong.",
    ...     "misconceptions": [], "cases_passed": 2, "cases_total": 4}]}))
    n.ipynb (lesson3_implement): 1.5 / 3 points
    isolation: bubblewrap
    <BLANKLINE>
    [FAIL] l3_softmax  1.5 / 3  (2 of 4 cases)
        2 of 4 cases wrong.
    """
    lines = [
        f"{report.get('notebook', '?')} ({report.get('lesson_id') or '?'}): "
        f"{_points(report.get('score', 0))} / {_points(report.get('max_score', 0))} points",
        f"isolation: {report.get('isolation') or 'unknown'}",
    ]
    if report.get("isolation") == "none":
        lines.append("WARNING: graded WITHOUT isolation (--no-sandbox or no bubblewrap)")
    if report.get("status") == "error":
        lines.append("NOT GRADED: the grader failed on this notebook; rerun to grade it")
    if report.get("reason"):
        lines.append(f"not fully graded: {report['reason']}")
    indent = " " * 4
    for test in report.get("tests", []):
        mark = "PASS" if test.get("passed") else "FAIL"
        cases = ""
        if test.get("cases_total"):
            cases = f"  ({test.get('cases_passed', 0)} of {test['cases_total']} cases)"
        lines.append("")
        lines.append(
            f"[{mark}] {test.get('id', '?')}  "
            f"{_points(test.get('points', 0))} / {_points(test.get('max_points', 0))}{cases}"
        )
        for paragraph in str(test.get("message") or "").splitlines():
            # Keep the message's own indentation (its bullet lists) when wrapping.
            lead = indent + " " * (len(paragraph) - len(paragraph.lstrip()))
            wrapped = textwrap.wrap(
                paragraph.strip(), width, initial_indent=lead, subsequent_indent=lead + "  "
            )
            lines.extend(wrapped or [""])
        for item in explanations_to_add(test.get("message") or "", test.get("misconceptions", [])):
            text = f"misconception {item['code']}: {item['explanation'] or item['title']}"
            lines.extend(
                textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent * 2)
            )
    return sanitize_terminal("\n".join(lines))


def format_grade_table(reports):
    r"""A fixed-width table of a class with a summary line.

    Columns: student, notebook, score / max, and the misconception codes or the reason
    the submission could not be fully graded.

    Examples
    --------
    >>> print(format_grade_table([{"student_id": "ada", "assignment_id": "lesson3_implement",
    ...     "notebook_id": "lesson3_implement", "score": 10, "max_score": 10,
    ...     "status": "graded", "reason": None, "tests": []}]))
    student  notebook                             score    misconceptions / reason
    -------  -----------------------------------  -------  -----------------------
    ada      lesson3_implement/lesson3_implement  10 / 10  -
    1 notebooks graded: 1 full marks, 0 partial, 0 zero, 0 not fully graded; mean 100.0%
    """
    rows = []
    for report in sorted(reports, key=lambda r: (r["student_id"], r["assignment_id"])):
        row = report_to_row(report)
        detail = row["misconceptions"].replace(";", ", ")
        if row["reason"]:
            detail = f"{detail}; {row['reason']}" if detail else row["reason"]
        rows.append(
            (
                row["student_id"],
                f"{row['assignment_id']}/{row['notebook_id']}",
                "error"
                if report.get("status") == "error"
                else f"{_points(row['score'])} / {_points(row['max_score'])}",
                " ".join((detail or "-").split()),
            )
        )
    header = ("student", "notebook", "score", "misconceptions / reason")
    widths = [max([len(header[i]), *(len(r[i]) for r in rows)]) for i in range(3)]
    widths.append(len(header[3]))

    def line(cells):
        padded = [c.ljust(w) for c, w in zip(cells[:3], widths, strict=False)]
        return "  ".join([*padded, cells[3]])

    out = [line(header), line(["-" * w for w in widths])]
    out.extend(line(r) for r in rows)
    out.append(_summary(reports))
    return sanitize_terminal("\n".join(out))


def format_attention(reports, *, limit=50):
    r"""Name the notebooks an instructor must look at, and why (empty when there are none).

    >>> print(format_attention([{"student_id": "ada", "assignment_id": "l3",
    ...     "notebook_id": "l3", "status": "failed", "reason": "the notebook printed too much"}]))
    not fully graded (1):
      ada/l3/l3: failed: the notebook printed too much
    """
    flagged = []
    for report in sorted(reports, key=lambda r: (r["student_id"], r["assignment_id"])):
        who = "/".join(
            str(report.get(k, "?")) for k in ("student_id", "assignment_id", "notebook_id")
        )
        status = report.get("status")
        if status in ("failed", "error"):
            flagged.append(f"{who}: {status}: {report.get('reason') or 'no reason given'}")
        elif report.get("manual_scores"):
            cells = ", ".join(report["manual_scores"])
            flagged.append(f"{who}: manual scores override the new automatic ones ({cells})")
    if not flagged:
        return ""
    lines = [f"not fully graded ({len(flagged)}):"]
    lines += [f"  {line}" for line in flagged[:limit]]
    if len(flagged) > limit:
        lines.append(f"  ... and {len(flagged) - limit} more (see grades.csv)")
    return sanitize_terminal("\n".join(lines))


def _summary(reports):
    full = partial = zero = failed = errors = 0
    fractions = []
    for report in reports:
        score, top = float(report.get("score", 0)), float(report.get("max_score", 0))
        fractions.append(score / top if top > 0 else 0.0)
        if report.get("status") == "error":
            errors += 1
        elif report.get("status") != "graded" or report.get("reason"):
            failed += 1
        elif top > 0 and score >= top - 1e-9:
            full += 1
        elif score > 0:
            partial += 1
        else:
            zero += 1
    mean = 100.0 * sum(fractions) / len(fractions) if fractions else 0.0
    summary = (
        f"{len(reports)} notebooks graded: {full} full marks, {partial} partial, {zero} zero, "
        f"{failed} not fully graded; mean {mean:.1f}%"
    )
    if errors:
        summary += f"; {errors} NOT GRADED (grader error)"
    if any(report.get("isolation") == "none" for report in reports):
        summary += "; WITHOUT ISOLATION (--no-sandbox)"
    return summary
