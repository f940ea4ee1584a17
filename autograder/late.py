r"""nbgrader's late-submission policy, computed the way stock ``nbgrader autograde`` does.

Nothing here re-implements nbgrader's rules; every piece is nbgrader's own:

- the **due date** of an assignment is the one in the course's gradebook
  (``nbgrader db assignment add ASSIGNMENT --duedate "2024-03-01 17:00:00 UTC"``), read with
  :class:`nbgrader.api.Gradebook`;
- a student's **extension**, if any, is the one recorded in the gradebook for that
  submission (:meth:`nbgrader.api.Gradebook.grant_extension`);
- the **submission time** is ``timestamp.txt`` of the submitted assignment folder (written
  by ``nbgrader submit``/``collect``), parsed by :func:`nbgrader.utils.parse_utc` as
  :meth:`nbgrader.coursedir.CourseDirectory.get_existing_timestamp` does; without one, the
  time already recorded in the gradebook counts, as in stock nbgrader;
- the **penalty** comes from the late-submission plugin configured in the course's
  ``nbgrader_config.py`` (``c.LateSubmissionPlugin.penalty_method = "zero"`` or a custom
  ``c.AssignLatePenalties.plugin_class``), called and bounded by nbgrader's own
  :class:`nbgrader.preprocessors.AssignLatePenalties`.

The score after the penalty is ``max(0, raw - penalty)``, as ``nbgrader export`` writes it.

Used by the grader as::

    policy = LatePolicy.from_course(course_root)       # once per grading run
    assessment = policy.assess("ada", "lesson3_implement", assignment_folder, raw_score=10.0)
    assessment.note  # "submitted 33.5 h late (due ..., submitted ...); the course's late
                     #  policy (zero) gives 0 of 10"
"""

import contextlib
import datetime
import hashlib
import json
import logging
import os
import sys
import types
from dataclasses import dataclass, field
from numbers import Real
from pathlib import Path

from autograder.regular_files import entry_kind, read_regular_file
from ce_lib.validation import check_scalar

__all__ = ["LateAssessment", "LatePolicy", "format_duration", "load_course_config"]

#: ``timestamp.txt`` is one line; anything longer is not nbgrader's.
MAX_TIMESTAMP_BYTES = 4096

_quiet = logging.getLogger(f"{__name__}.nbgrader")
_quiet.addHandler(logging.NullHandler())
_quiet.propagate = False


def load_course_config(course_root):
    r"""Load the nbgrader configuration that stock nbgrader uses when run in ``course_root``.

    Stock ``nbgrader`` reads ``jupyter_config`` and ``nbgrader_config`` (``.py`` and
    ``.json``) from every Jupyter configuration folder (``jupyter --paths``), then the
    ``nbgrader_config.py`` of the folder it runs in, which wins. The same files are read
    here, with the course root in place of the working folder; ``CourseDirectory.root``
    defaults to the course root, as it defaults to the working folder in stock nbgrader.

    Parameters
    ----------
    course_root : str or os.PathLike
        The folder holding the course's ``nbgrader_config.py``.

    Returns
    -------
    traitlets.config.Config

    Raises
    ------
    ValueError
        If ``course_root`` is not a folder, or a configuration file fails to load (the
        message names the file).
    """
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Application, Config

    root = Path(course_root)
    if not root.is_dir():
        raise ValueError(f"course_root: expected a course folder, got {str(course_root)!r}.")
    config = Config()
    sources = [
        ("jupyter_config", jupyter_config_path()),
        ("nbgrader_config", jupyter_config_path()),
        ("nbgrader_config", [str(root.resolve())]),
    ]
    for base_name, path in sources:
        try:
            for loaded, _filename in Application._load_config_files(
                base_name, path=path, raise_config_file_errors=True
            ):
                config.merge(loaded)
        except Exception as error:
            raise ValueError(
                f"the nbgrader configuration {base_name} in {path} failed to load: "
                f"{type(error).__name__}: {error}"
            ) from error
    if "root" not in config.CourseDirectory:
        config.CourseDirectory.root = str(root.resolve())
    return config


@contextlib.contextmanager
def _importable(folder):
    # Stock nbgrader puts its working folder (the course root) on sys.path, so that a custom
    # plugin class can live in a module next to nbgrader_config.py.
    folder = str(folder)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        yield
    finally:
        if added:
            with contextlib.suppress(ValueError):
                sys.path.remove(folder)


def format_duration(seconds):
    r"""Say a positive duration the way a report reads it.

    Parameters
    ----------
    seconds : float

    Returns
    -------
    str

    Examples
    --------
    >>> format_duration(40), format_duration(600), format_duration(120600)
    ('40 s', '10 min', '33.5 h')
    >>> format_duration(3 * 86400 + 3600)
    '73.0 h (3.0 days)'
    """
    seconds = float(seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    hours = f"{seconds / 3600:.1f} h"
    if seconds >= 48 * 3600:
        return f"{hours} ({seconds / 86400:.1f} days)"
    return hours


def _format_points(value):
    return f"{round(float(value), 2):g}"


def _format_time(moment):
    # Gradebook times are naive UTC (nbgrader.utils.parse_utc).
    return f"{moment:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True)
class LateAssessment:
    r"""What the course's late policy makes of one submitted notebook.

    Attributes
    ----------
    seconds_late : float
        Seconds after the due date plus extension; 0 when on time or when there is no due
        date or no submission time (nbgrader's ``total_seconds_late``).
    penalty : float
        Points taken, between 0 and the raw score (nbgrader's ``late_submission_penalty``,
        0 where nbgrader stores nothing).
    score : float
        ``max(0, raw_score - penalty)``, as ``nbgrader export`` writes ``score``.
    note : str
        One sentence for reports and feedback.
    raw_score : float
        The score before the penalty.
    due : datetime.datetime or None
        The assignment's due date (naive UTC), without the extension.
    extension : datetime.timedelta or None
        The student's extension.
    submitted : datetime.datetime or None
        The submission time (naive UTC).
    timestamp_source : str
        ``"timestamp.txt"``, ``"gradebook"`` or ``""`` (none known).
    method : str
        The policy: ``"none"``, ``"zero"`` or the custom plugin class's dotted name.
    nbgrader_penalty : float or None
        Exactly what stock ``nbgrader autograde`` stores as the notebook's
        ``late_submission_penalty``: None when the submission is not late or the plugin
        gives no penalty, else :attr:`penalty`.
    """

    seconds_late: float
    penalty: float
    score: float
    note: str
    raw_score: float = 0.0
    due: datetime.datetime | None = None
    extension: datetime.timedelta | None = None
    submitted: datetime.datetime | None = None
    timestamp_source: str = ""
    method: str = "none"
    nbgrader_penalty: float | None = None

    @property
    def late(self):
        r"""True when the submission came after its due date and extension."""
        return self.seconds_late > 0


@dataclass(frozen=True)
class LatePolicy:
    r"""A course's due dates, extensions and late-submission plugin, read once.

    Build it with :meth:`from_course`; :meth:`assess` then computes the penalty of each
    notebook. The gradebook is read once, when the policy is built (a snapshot for one
    grading run).

    Attributes
    ----------
    course_root : pathlib.Path
    method : str
        ``"none"``, ``"zero"`` or the dotted name of a custom plugin class.
    due_dates : dict
        ``{assignment_id: datetime or None}`` from the gradebook (naive UTC).
    extensions : dict
        ``{(assignment_id, student_id): timedelta}`` for students given an extension.
    recorded : dict
        ``{(assignment_id, student_id): datetime}``: submission times already in the
        gradebook, used when a submission has no ``timestamp.txt``.
    """

    course_root: Path
    method: str
    due_dates: dict
    extensions: dict = field(default_factory=dict)
    recorded: dict = field(default_factory=dict)
    _assigner: object = field(default=None, repr=False, compare=False)
    _plugin_settings: str = field(default="", repr=False, compare=False)

    @classmethod
    def from_course(cls, course_root):
        r"""Read the late policy of the course at ``course_root``.

        Parameters
        ----------
        course_root : str or os.PathLike
            The folder holding ``nbgrader_config.py`` (and, by default, ``gradebook.db``).

        Returns
        -------
        LatePolicy

        Raises
        ------
        ValueError
            If ``course_root`` is not a folder, the configuration fails to load, or the
            configured plugin class cannot be imported or is not an nbgrader plugin.
        """
        from nbgrader.coursedir import CourseDirectory
        from nbgrader.preprocessors import AssignLatePenalties
        from traitlets import TraitError

        root = Path(course_root).resolve()
        config = load_course_config(root)
        coursedir = CourseDirectory(config=config)
        with _importable(coursedir.root):
            try:
                assigner = AssignLatePenalties(config=config, log=_quiet)
                assigner.init_plugin()
            except (TraitError, ImportError) as error:
                configured = config.AssignLatePenalties.get("plugin_class", "")
                raise ValueError(
                    "AssignLatePenalties.plugin_class in nbgrader_config.py: expected an "
                    "importable nbgrader plugin class (a LateSubmissionPlugin), got "
                    f"{configured!r} ({error})."
                ) from error
        plugin = assigner.plugin_inst
        plugin_class = type(plugin)
        from nbgrader.plugins import LateSubmissionPlugin

        if plugin_class is LateSubmissionPlugin:
            method = str(plugin.penalty_method)
        else:
            method = f"{plugin_class.__module__}.{plugin_class.__qualname__}"
        settings = json.dumps(
            {
                "class": f"{plugin_class.__module__}.{plugin_class.__qualname__}",
                "plugin": {k: repr(v) for k, v in sorted(plugin.trait_values(config=True).items())},
                "LateSubmissionPlugin": repr(dict(config.LateSubmissionPlugin)),
            },
            sort_keys=True,
        )
        due_dates, extensions, recorded = _read_gradebook(coursedir)
        return cls(
            course_root=root,
            method=method,
            due_dates=due_dates,
            extensions=extensions,
            recorded=recorded,
            _assigner=assigner,
            _plugin_settings=settings,
        )

    def fingerprint(self):
        r"""A short hash of the course-wide part of the policy.

        It covers the plugin and its settings, the due dates and the extensions. Two
        policies with the same fingerprint give the same assessment of a submission handed
        in at the same time with the same score; the submission time itself
        (:meth:`submission_time`) belongs to each submission's own key, so the times that
        grading records in the gradebook do not change the fingerprint.

        Returns
        -------
        str
            16 hexadecimal digits.
        """
        state = {
            "method": self.method,
            "plugin": self._plugin_settings,
            "due": {k: str(v) for k, v in sorted(self.due_dates.items())},
            "ext": {"/".join(k): str(v) for k, v in sorted(self.extensions.items())},
        }
        text = json.dumps(state, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def submission_time(self, student_id, assignment_id, submission_dir):
        r"""Return ``(time, source)``: when the submission was handed in, as nbgrader sees it.

        ``timestamp.txt`` in ``submission_dir`` wins; an empty or absent one leaves the time
        recorded in the gradebook, if any (stock ``nbgrader autograde`` keeps it too).

        Parameters
        ----------
        student_id, assignment_id : str
        submission_dir : str or os.PathLike
            The submitted assignment folder, ``SUBMITTED/{student}/{assignment}/``.

        Returns
        -------
        tuple
            ``(datetime or None, "timestamp.txt" | "gradebook" | "")``; the time is naive
            UTC.

        Raises
        ------
        ValueError
            If ``timestamp.txt`` is not a regular file (a link or a FIFO is never opened) or
            is not a time :func:`nbgrader.utils.parse_utc` reads (stock nbgrader stops on it
            too).
        """
        from nbgrader.utils import parse_utc

        path = Path(submission_dir) / "timestamp.txt"
        kind = entry_kind(path)
        if kind is not None:
            expected = "submission_dir: expected nbgrader's timestamp.txt as a small text file"
            if kind != "file":
                raise ValueError(f"{expected}, got {str(path)!r}, a {kind}.")
            try:
                text = read_regular_file(path, max_bytes=MAX_TIMESTAMP_BYTES)
                text = text.decode("utf-8").strip()
            except UnicodeDecodeError as error:
                raise ValueError(f"{expected}, got {str(path)!r} ({error}).") from None
            except ValueError:  # too large, or replaced since it was looked at
                raise ValueError(
                    f"{expected}, got {str(path)!r}, larger than {MAX_TIMESTAMP_BYTES} bytes "
                    "or changed while being read."
                ) from None
            if text:
                try:
                    return parse_utc(text), "timestamp.txt"
                except (ValueError, OverflowError, TypeError) as error:
                    raise ValueError(
                        f"timestamp.txt: expected a time nbgrader reads, such as "
                        f"'2024-03-01 17:00:00.000000 UTC', got {text[:80]!r} in "
                        f"{str(path)!r} ({error})."
                    ) from None
        recorded = self.recorded.get((assignment_id, student_id))
        return (recorded, "gradebook") if recorded is not None else (None, "")

    def assess(self, student_id, assignment_id, submission_dir, raw_score):
        r"""Compute the late penalty of one submitted notebook, as stock nbgrader does.

        Parameters
        ----------
        student_id : str
        assignment_id : str
            The assignment (lesson) id, as in the gradebook.
        submission_dir : str or os.PathLike
            The submitted assignment folder holding ``timestamp.txt``.
        raw_score : float
            The notebook's score before any penalty, counted as nbgrader counts
            ``SubmittedNotebook.score``: per grade cell the manual score where a grader gave
            one, the automatic one otherwise, plus extra credit.

        Returns
        -------
        LateAssessment

        Raises
        ------
        ValueError
            If an id is not a non-empty string, ``raw_score`` is not a finite number, or
            ``timestamp.txt`` is unreadable (see :meth:`submission_time`).
        """
        for name, value in (("student_id", student_id), ("assignment_id", assignment_id)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name}: expected a non-empty string, got {value!r}.")
        raw = float(check_scalar(raw_score, "raw_score", Real))

        due = self.due_dates.get(assignment_id)
        extension = self.extensions.get((assignment_id, student_id))
        submitted, source = self.submission_time(student_id, assignment_id, submission_dir)
        common = {
            "raw_score": raw,
            "due": due,
            "extension": extension,
            "submitted": submitted,
            "timestamp_source": source,
            "method": self.method,
        }
        if due is None:
            note = f"no due date for {assignment_id} in the gradebook: no late penalty"
            return LateAssessment(0.0, 0.0, max(0.0, raw), note, **common)
        if submitted is None:
            note = "no submission time (no timestamp.txt): no late penalty"
            return LateAssessment(0.0, 0.0, max(0.0, raw), note, **common)
        # nbgrader.api.SubmittedAssignment.duedate and total_seconds_late.
        deadline = due + extension if extension is not None else due
        seconds_late = max(0.0, (submitted - deadline).total_seconds())
        if seconds_late <= 0:
            if extension is not None and submitted > due:
                note = (
                    f"submitted {format_duration((submitted - due).total_seconds())} after the "
                    f"due date ({_format_time(due)}), within the extension of "
                    f"{format_duration(extension.total_seconds())}: on time"
                )
            else:
                note = f"submitted on time (due {_format_time(due)})"
            return LateAssessment(0.0, 0.0, max(0.0, raw), note, **common)

        stored = self._penalty(student_id, raw, seconds_late)
        penalty = 0.0 if stored is None else stored
        score = max(0.0, raw - penalty)
        extended = (
            f" after the extension of {format_duration(extension.total_seconds())}"
            if extension is not None
            else ""
        )
        note = (
            f"submitted {format_duration(seconds_late)} late{extended} "
            f"(due {_format_time(deadline)}, submitted {_format_time(submitted)}); "
            f"the course's late policy ({self.method}) gives {_format_points(score)} "
            f"of {_format_points(raw)}"
        )
        return LateAssessment(seconds_late, penalty, score, note, nbgrader_penalty=stored, **common)

    def _penalty(self, student_id, raw, seconds_late):
        # nbgrader.preprocessors.AssignLatePenalties.preprocess, without the database.
        assigner = self._assigner
        if assigner is None:
            return None
        penalty = assigner.plugin_inst.late_submission_penalty(student_id, raw, seconds_late)
        if penalty is None:
            return None
        notebook = types.SimpleNamespace(score=raw)
        return float(assigner._check_late_penalty(notebook, penalty))


def _read_gradebook(coursedir):
    # Due dates, extensions and recorded submission times, read once; a course without a
    # gradebook has no due dates (and none is created here).
    from nbgrader.api import Assignment, Gradebook, SubmittedAssignment

    db_url = coursedir.db_url
    if db_url.startswith("sqlite:///"):
        database = db_url[len("sqlite:///") :]
        if not os.path.isfile(database) or os.path.getsize(database) == 0:
            return {}, {}, {}
    due_dates, extensions, recorded = {}, {}, {}
    with Gradebook(db_url, coursedir.course_id) as gradebook:
        for assignment in gradebook.db.query(Assignment).all():
            due_dates[assignment.name] = assignment.duedate
        for submission in gradebook.db.query(SubmittedAssignment).all():
            key = (submission.assignment.name, submission.student.id)
            if submission.extension is not None:
                extensions[key] = submission.extension
            if submission.timestamp is not None:
                recorded[key] = submission.timestamp
    return due_dates, extensions, recorded
