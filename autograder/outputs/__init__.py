r"""What ``ce-grade`` writes for a class: ``grades.csv``, JSON reports and HTML feedback.

The main process is the only writer. :class:`ClassOutputs` takes each report as it arrives
and writes it at once (atomically), so an interrupted run keeps every grade already written
and a regrade replaces rows instead of adding them.
"""

from autograder.outputs.class_outputs import ClassOutputs
from autograder.outputs.feedback import render_feedback_html
from autograder.outputs.grades_csv import GRADES_COLUMNS, GradesTable, report_to_row
from autograder.outputs.terminal import format_grade_table, format_report

__all__ = [
    "GRADES_COLUMNS",
    "ClassOutputs",
    "GradesTable",
    "format_grade_table",
    "format_report",
    "render_feedback_html",
    "report_to_row",
]
