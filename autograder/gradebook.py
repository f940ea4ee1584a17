r"""Scores into the course's nbgrader gradebook, and the autograded notebooks.

After ``ce-grade autograde`` an instructor keeps using stock nbgrader: the formgrader reads
``autograded/{student}/{assignment}/{notebook}.ipynb`` and the grades in ``gradebook.db``,
manual grading adds ``manual_score`` on top of our ``auto_score``, and ``nbgrader export``
writes the scores. Only the main process of ``ce-grade`` writes here (SQLite wants a single
writer).
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.outputs.atomic import write_text_atomically
from autograder.outputs.explanations import explain_misconception

log = logging.getLogger(__name__)
# nbgrader's cell restoration warns about every edited test cell; the report already says so.
_nbgrader_log = logging.getLogger(f"{__name__}.nbgrader")
_nbgrader_log.setLevel(logging.ERROR)


def nbgrader_command():
    """The ``nbgrader`` executable of this Python environment."""
    candidate = Path(sys.executable).with_name("nbgrader")
    return [str(candidate)] if candidate.exists() else [sys.executable, "-m", "nbgrader"]


def put_environment_on_path():
    r"""Put this environment's scripts folder first on ``PATH`` (idempotent).

    nbgrader creates a new gradebook by running the ``alembic`` executable found on
    ``PATH``; without an activated environment (``.venv/bin/ce-grade ...``) it would not be
    found.
    """
    scripts = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[:1] != [scripts]:
        os.environ["PATH"] = os.pathsep.join([scripts, *(p for p in parts if p != scripts)])


def generate_assignment(course_root, assignment_id, *, release_directory=None, check=True):
    r"""Run stock ``nbgrader generate_assignment --force`` for one lesson.

    This is what registers the lesson's notebooks and grade cells in the gradebook (and what
    writes the student version).

    Parameters
    ----------
    course_root : str or os.PathLike
        The folder holding ``nbgrader_config.py`` and ``solutions/``.
    assignment_id : str
        A lesson id, a folder of ``solutions/``.
    release_directory : str or os.PathLike, optional
        Where to write the student version instead of the configured ``notebooks/``.
    check : bool, default True
        Raise :class:`subprocess.CalledProcessError` when nbgrader fails.

    Returns
    -------
    subprocess.CompletedProcess
    """
    put_environment_on_path()
    command = [*nbgrader_command(), "generate_assignment", assignment_id, "--force"]
    if release_directory is not None:
        command.append(f"--CourseDirectory.release_directory={release_directory}")
    return subprocess.run(
        command, cwd=course_root, check=check, capture_output=True, text=True, timeout=600
    )


# Runs in a fresh process: nbgrader's API generates several lessons after one start-up
# (importing nbgrader takes seconds), and its logging stays out of this process.
_RELEASE_SCRIPT = """
import json, sys
from nbgrader.apps import NbGraderAPI
from traitlets.config.loader import PyFileConfigLoader
root, release, lessons = sys.argv[1], sys.argv[2], sys.argv[3:]
config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
config.CourseDirectory.root = root
if release:
    config.CourseDirectory.release_directory = release
api = NbGraderAPI(config=config)
for lesson in lessons:
    result = api.generate_assignment(lesson, force=True, create=True)
    error = None if result["success"] else (result.get("error") or result.get("log") or "failed")
    print(json.dumps({"lesson": lesson, "error": error}), flush=True)
"""


def release_lessons(course_root, lessons, *, release_directory=None):
    r"""Generate the student versions of several lessons with nbgrader's API, in one process.

    Equivalent to ``nbgrader generate_assignment LESSON --force`` for each lesson (the same
    nbgrader code, the same bytes), without paying nbgrader's start-up once per lesson.

    Parameters
    ----------
    course_root : str or os.PathLike
        The folder holding ``nbgrader_config.py`` and ``solutions/``.
    lessons : list of str
        Lesson ids, folders of ``solutions/``.
    release_directory : str or os.PathLike, optional
        Where to write the student versions instead of the configured ``notebooks/``.

    Returns
    -------
    dict
        ``{lesson: None}`` for each lesson released, ``{lesson: error text}`` otherwise.
    """
    put_environment_on_path()
    root = str(Path(course_root).resolve())
    command = [sys.executable, "-c", _RELEASE_SCRIPT, root, str(release_directory or "")]
    result = subprocess.run(
        [*command, *lessons], cwd=root, capture_output=True, text=True, timeout=1800
    )
    outcome = {lesson: f"nbgrader stopped: {result.stderr[-2000:]}" for lesson in lessons}
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            item = json.loads(line)
            outcome[item["lesson"]] = item["error"]
    return outcome


def _parse_timestamp(path):
    # nbgrader's collect writes timestamp.txt next to the notebook, in its own format.
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(path.read_text().strip())
    except (OSError, ValueError, TypeError, OverflowError):
        return None


class GradebookWriter:
    r"""The single writer of the gradebook and of the autograded notebooks of a course.

    Parameters
    ----------
    course_root : str or os.PathLike
        The course root (``nbgrader_config.py``, ``solutions/``, ``gradebook.db``).

    Use it as a context manager; :meth:`record` writes one report.
    """

    def __init__(self, course_root):
        from nbgrader.api import Gradebook

        self.course_root = Path(course_root).resolve()
        self.db_url = f"sqlite:///{self.course_root / 'gradebook.db'}"
        self._gradebook_class = Gradebook
        self.gradebook = None
        self._registered = {}

    def __enter__(self):
        put_environment_on_path()
        self.gradebook = self._gradebook_class(self.db_url)
        return self

    def __exit__(self, *exc_info):
        self.gradebook.close()
        self.gradebook = None

    def _assignment_known(self, assignment_id):
        from nbgrader.api import MissingEntry

        try:
            assignment = self.gradebook.find_assignment(assignment_id)
        except MissingEntry:
            return False
        return any(notebook.grade_cells for notebook in assignment.notebooks)

    def ensure_assignment(self, assignment_id):
        r"""Make sure the gradebook knows the lesson's grade cells; True when it does.

        An unknown lesson that has a source in ``solutions/`` is registered with stock
        ``generate_assignment`` into a temporary release folder, so ``notebooks/`` is not
        touched.
        """
        if assignment_id in self._registered:
            return self._registered[assignment_id]
        known = self._assignment_known(assignment_id)
        if not known and (self.course_root / "solutions" / assignment_id).is_dir():
            with tempfile.TemporaryDirectory(prefix="ce-grade-release-") as release:
                result = generate_assignment(
                    self.course_root, assignment_id, release_directory=release, check=False
                )
            if result.returncode != 0:
                log.warning("nbgrader generate_assignment failed:\n%s", result.stderr[-2000:])
            # nbgrader wrote through its own connection: start a fresh session to see it.
            self.gradebook.close()
            self.gradebook = self._gradebook_class(self.db_url)
            known = self._assignment_known(assignment_id)
        self._registered[assignment_id] = known
        return known

    def record(self, report, submission_path=None):
        r"""Write the scores of ``report`` and its autograded notebook.

        Each grade cell whose ``grade_id`` is a test id receives that test's points as
        ``auto_score``; a manual score already given by a grader is kept and the cell is
        flagged for review, as stock nbgrader does.

        Returns
        -------
        dict or None
            None when nothing was written (no such assignment or notebook in the
            gradebook); else ``{"raw_score": the notebook's score as nbgrader counts it
            (manual scores where given, extra credit included), "manual": [grade ids whose
            manual score overrides the new automatic one]}``.
        """
        with warnings.catch_warnings():
            # nbgrader's own submission creation triggers SQLAlchemy autoflush warnings.
            warnings.filterwarnings("ignore", message=r"Object of type .* not in session")
            try:
                return self._record(report, submission_path)
            except Exception:
                # Leave the session usable for the next student's report.
                self.gradebook.db.rollback()
                raise

    def _record(self, report, submission_path):
        from nbgrader.api import MissingEntry

        student_id = report["student_id"]
        assignment_id = report["assignment_id"]
        notebook_id = report["notebook_id"]
        if not self.ensure_assignment(assignment_id):
            log.warning("gradebook has no assignment %r: scores not recorded", assignment_id)
            return None
        gradebook = self.gradebook
        try:
            source_notebook = gradebook.find_notebook(notebook_id, assignment_id)
        except MissingEntry:
            log.warning("gradebook has no notebook %r in %r", notebook_id, assignment_id)
            return None
        grade_cell_names = [cell.name for cell in source_notebook.grade_cells]
        solution_cell_names = {cell.name for cell in source_notebook.solution_cells}

        gradebook.update_or_create_student(student_id)
        extra = {}
        if submission_path is not None:
            stamp = _parse_timestamp(Path(submission_path).parent / "timestamp.txt")
            if stamp is not None:
                extra["timestamp"] = stamp
        gradebook.update_or_create_submission(assignment_id, student_id, **extra)

        points = {test["id"]: float(test["points"]) for test in report.get("tests", [])}
        manual = []
        for name in grade_cell_names:
            grade = gradebook.find_grade(name, notebook_id, assignment_id, student_id)
            if name in points:
                grade.auto_score = points[name]
            elif name in solution_cell_names:
                grade.auto_score = None  # a written answer: graded by hand
            else:
                grade.auto_score = 0.0  # a grade cell no test answers for
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            if grade.manual_score is not None and grade.auto_score is not None:
                if abs(float(grade.manual_score) - grade.auto_score) > 1e-9:
                    manual.append(name)
        gradebook.db.commit()
        submitted = gradebook.find_submission_notebook(notebook_id, assignment_id, student_id)
        raw_score = float(submitted.score)

        notebook = self._autograded_notebook(report, submission_path)
        folder = self.course_root / "autograded" / student_id / assignment_id
        target = folder / f"{notebook_id}.ipynb"
        write_text_atomically(target, nbformat.writes(notebook))
        return {"raw_score": raw_score, "manual": manual}

    def set_late_penalty(self, report, penalty):
        r"""Store the notebook's ``late_submission_penalty`` as stock nbgrader autograde does.

        ``penalty`` is None when the submission is not late (nothing is stored).
        """
        submitted = self.gradebook.find_submission_notebook(
            report["notebook_id"], report["assignment_id"], report["student_id"]
        )
        submitted.late_submission_penalty = penalty
        self.gradebook.db.commit()

    def _autograded_notebook(self, report, submission_path):
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
                "db_url": self.db_url,
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
            notebook = self._notebook_from_gradebook(report)
        # What the student's kernel displayed never reaches the formgrader: an output can
        # hold HTML or JavaScript that would run in the grader's browser.
        for cell in notebook.cells:
            if cell.cell_type == "code":
                cell.outputs = []
                cell.execution_count = None
            cell.pop("attachments", None)
        self._write_results_into_grade_cells(notebook, report)
        # Cells nbgrader added back carry no id, which nbformat 4.5 requires.
        for cell in notebook.cells:
            if notebook.get("nbformat_minor", 0) >= 5 and "id" not in cell:
                cell["id"] = generate_corpus_id()
        return notebook

    def _notebook_from_gradebook(self, report):
        # An unreadable submission: the lesson's grade cells alone, with the reason on top.
        source = self.gradebook.find_notebook(report["notebook_id"], report["assignment_id"])
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

    @staticmethod
    def _write_results_into_grade_cells(notebook, report):
        tests = {test["id"]: test for test in report.get("tests", [])}
        for cell in notebook.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if cell.cell_type != "code" or grade_id not in tests:
                continue
            test = tests[grade_id]
            lines = [str(test.get("message") or "")]
            for code in test.get("misconceptions", []):
                item = explain_misconception(code)
                if item["explanation"] and item["explanation"] in lines[0]:
                    continue  # the message already explains it
                lines.append(f"misconception {code}: {item['explanation'] or item['title']}")
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
