r"""The autograded notebooks the formgrader reads: ``autograded/{student}/{assignment}/``.

Each is the student's notebook with the test cells restored by stock nbgrader (or, when the
submission cannot be read, the lesson's grade cells from the gradebook), every output
removed and each grade cell given the test's feedback and points. The scores themselves go
into the gradebook through :class:`autograder.gradebook.GradebookWriter`; this module only
reads the gradebook.
"""

import logging
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.outputs.atomic import write_text_atomically
from autograder.outputs.explanations import explanations_to_add

# nbgrader's cell restoration warns about every edited test cell; the report already says so.
_nbgrader_log = logging.getLogger(f"{__name__}.nbgrader")
_nbgrader_log.setLevel(logging.ERROR)


def autograded_path(course_root, report):
    r"""Where the autograded notebook of ``report`` goes under ``course_root``."""
    folder = Path(course_root) / "autograded" / report["student_id"] / report["assignment_id"]
    return folder / f"{report['notebook_id']}.ipynb"


def write_autograded_notebook(course_root, report, submission_path, *, gradebook, db_url):
    r"""Render the autograded notebook of ``report`` and write it; return its path.

    ``gradebook`` is an open :class:`nbgrader.api.Gradebook` of the course that already
    holds the report's scores, and ``db_url`` its address.
    """
    notebook = autograded_notebook(report, submission_path, gradebook=gradebook, db_url=db_url)
    target = autograded_path(course_root, report)
    write_text_atomically(target, nbformat.writes(notebook))
    return target


def autograded_notebook(report, submission_path, *, gradebook, db_url):
    r"""Return the autograded notebook of ``report`` (see the module's description)."""
    from nbgrader.preprocessors import OverwriteCells

    from autograder.grading import read_notebook

    notebook = None
    if submission_path is not None:
        try:
            notebook = nbformat.from_dict(read_notebook(submission_path))
        except Exception:
            notebook = None
    resources = {
        "nbgrader": {
            "notebook": report["notebook_id"],
            "assignment": report["assignment_id"],
            "student": report["student_id"],
            "db_url": db_url,
        }
    }
    if notebook is not None:
        try:
            # Stock nbgrader's own restoration of edited or deleted test cells.
            restore = OverwriteCells(add_missing_cells=True, log=_nbgrader_log)
            notebook, _ = restore.preprocess(notebook, resources)
        except Exception:
            notebook = None
    if notebook is None:
        notebook = _notebook_from_gradebook(report, gradebook)
    # What the student's kernel displayed never reaches the formgrader: an output can
    # hold HTML or JavaScript that would run in the grader's browser.
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None)
    _write_results_into_grade_cells(notebook, report)
    # Cells nbgrader added back carry no id, which nbformat 4.5 requires.
    for cell in notebook.cells:
        if notebook.get("nbformat_minor", 0) >= 5 and "id" not in cell:
            cell["id"] = generate_corpus_id()
    return notebook


def _notebook_from_gradebook(report, gradebook):
    # An unreadable submission: the lesson's grade cells alone, with the reason on top.
    source = gradebook.find_notebook(report["notebook_id"], report["assignment_id"])
    grade_cells = {cell.name: cell for cell in source.grade_cells}
    solution_names = {cell.name for cell in source.solution_cells}
    notebook = new_notebook()
    notebook.cells.append(
        new_markdown_cell(f"**Submission not gradable:** {report.get('reason') or 'unknown'}")
    )
    for source_cell in source.source_cells:
        if source_cell.name not in grade_cells:
            continue
        metadata = {
            "deletable": False,
            "editable": False,
            "nbgrader": {
                "grade": True,
                "grade_id": source_cell.name,
                "locked": source_cell.locked,
                "checksum": source_cell.checksum,
                "points": grade_cells[source_cell.name].max_score,
                "solution": source_cell.name in solution_names,
                "schema_version": 3,
            },
        }
        make_cell = new_code_cell if source_cell.cell_type == "code" else new_markdown_cell
        notebook.cells.append(make_cell(source_cell.source, metadata=metadata))
    return notebook


def _write_results_into_grade_cells(notebook, report):
    tests = {test["id"]: test for test in report.get("tests", [])}
    for cell in notebook.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if cell.cell_type != "code" or grade_id not in tests:
            continue
        test = tests[grade_id]
        lines = [str(test.get("message") or "")]
        for item in explanations_to_add(lines[0], test.get("misconceptions", [])):
            lines.append(f"misconception {item['code']}: {item['explanation'] or item['title']}")
        # The score as the cell's value: what stock nbgrader reads as partial credit.
        cell.outputs = [
            new_output("stream", name="stdout", text="\n".join(lines) + "\n"),
            new_output(
                "execute_result",
                data={"text/plain": f"{float(test['points']):g}"},
                execution_count=None,
            ),
        ]
        cell.execution_count = None
