r"""Scores into the course's nbgrader gradebook.

After ``ce-grade autograde`` an instructor keeps using stock nbgrader: the formgrader reads
the grades in ``gradebook.db`` and the notebooks in ``autograded/`` (written by
:mod:`autograder.autograded`), manual grading adds ``manual_score`` on top of our
``auto_score``, and ``nbgrader export`` writes the scores. Only the main process of
``ce-grade`` writes here (SQLite wants a single writer).
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

log = logging.getLogger(__name__)


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
    r"""The single writer of the gradebook of a course.

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
        r"""Write the scores of ``report`` into the gradebook.

        The autograded notebook is written afterwards, from the gradebook, by
        :func:`autograder.autograded.write_autograded_notebook`.

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
        return {"raw_score": float(submitted.score), "manual": manual}

    def set_late_penalty(self, report, penalty):
        r"""Store the notebook's ``late_submission_penalty`` as stock nbgrader autograde does.

        ``penalty`` is None when the submission is not late (nothing is stored).
        """
        submitted = self.gradebook.find_submission_notebook(
            report["notebook_id"], report["assignment_id"], report["student_id"]
        )
        submitted.late_submission_penalty = penalty
        self.gradebook.db.commit()
