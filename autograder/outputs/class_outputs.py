r"""The single writer of a class's outputs under ``OUT``."""

import json
from pathlib import Path

from autograder.outputs.atomic import write_text_atomically
from autograder.outputs.feedback import render_feedback_html
from autograder.outputs.grades_csv import GradesTable


def _safe_part(name):
    # Ids come from folder names of the submitted layout; refuse anything that would leave OUT.
    name = str(name)
    if name in {"", ".", ".."} or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"id: expected a plain folder or file name, got {name!r}.")
    return name


class ClassOutputs:
    r"""Writes ``grades.csv``, ``reports/`` and ``feedback/`` under one output folder.

    Each call of :meth:`add` writes the report and the feedback page of one notebook and
    then ``grades.csv``, each atomically, so whatever is on disk is consistent and complete
    up to the last report received.

    Parameters
    ----------
    out : str or os.PathLike
        The output folder; created if missing. An existing ``grades.csv`` is kept and
        updated (a regrade replaces rows).
    """

    def __init__(self, out):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.table = GradesTable(self.out / "grades.csv")

    def report_path(self, report):
        """Where the JSON report of ``report`` goes."""
        return self._path("reports", report, ".json")

    def feedback_path(self, report):
        """Where the HTML feedback page of ``report`` goes."""
        return self._path("feedback", report, ".html")

    def _path(self, kind, report, suffix):
        parts = [_safe_part(report[key]) for key in ("student_id", "assignment_id", "notebook_id")]
        return self.out / kind / parts[0] / parts[1] / f"{parts[2]}{suffix}"

    def forget_stale_rows(self, submissions):
        r"""Remove the rows a regrade replaced: files that are gone, folders renamed.

        For every student and lesson graded in this run, a row under another notebook id (a
        ``-Copy1`` graded before the matching existed, a notebook since removed) is dropped
        with its report and feedback page; so are the student's rows under an assignment id
        that is no lesson (a folder since renamed). Rows of other students and lessons stay:
        grading part of a class updates only what it grades.
        """
        from autograder.definitions import lesson_ids

        lessons = set(lesson_ids())
        current = {(s.student_id, s.assignment_id, s.notebook_id) for s in submissions}
        graded = {(s.student_id, s.assignment_id) for s in submissions}
        students = {s.student_id for s in submissions}
        stale = [
            key
            for key in self.table.keys()
            if key not in current
            and ((key[0], key[1]) in graded or (key[0] in students and key[1] not in lessons))
        ]
        for key in stale:
            self.table.remove(key)
            report = dict(zip(("student_id", "assignment_id", "notebook_id"), key, strict=True))
            for path in (self.report_path(report), self.feedback_path(report)):
                try:
                    path.unlink(missing_ok=True)
                except (OSError, ValueError):
                    pass
        if stale:
            self.table.save()
        return stale

    def add(self, report):
        """Write the report, the feedback page and the updated ``grades.csv``."""
        text = json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        write_text_atomically(self.report_path(report), text)
        write_text_atomically(self.feedback_path(report), render_feedback_html(report))
        self.table.upsert(report)
        self.table.save()
