r"""Grading a class: finding submissions and grading them in parallel.

Workers (local processes or Dask workers) only call
:func:`autograder.grading.grade_notebook` and send the report back; the main process is
the single writer of every output and of the gradebook.
"""

import json
import multiprocessing
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Submission:
    r"""One notebook of one student in nbgrader's submitted layout.

    ``path`` is ``SUBMITTED/{student_id}/{assignment_id}/{notebook_id}.ipynb``; it may not
    exist when a student handed in an assignment folder without the lesson's notebook.
    """

    student_id: str
    assignment_id: str
    notebook_id: str
    path: Path


def _visible_dirs(folder):
    # A symbolic link is never followed: it could point at another student's folder.
    return sorted(
        p
        for p in folder.iterdir()
        if not p.is_symlink() and p.is_dir() and not p.name.startswith(".")
    )


def find_submissions(submitted, *, expected_notebooks=None):
    r"""List every notebook in ``SUBMITTED/{student}/{assignment}/{notebook}.ipynb``.

    Parameters
    ----------
    submitted : str or os.PathLike
        The submitted folder of an nbgrader course (or any folder in that layout).
    expected_notebooks : callable, optional
        ``expected_notebooks(assignment_id)`` returns the notebook ids an assignment must
        contain. A missing one still becomes a :class:`Submission` (whose path does not
        exist), so that the student gets a row and a reason instead of disappearing.
        By default every assignment is expected to hold ``{assignment_id}.ipynb``.

    Returns
    -------
    list of Submission
        Sorted by student, assignment and notebook.

    Raises
    ------
    ValueError
        If ``submitted`` is not a folder.
    """
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise ValueError(f"submitted must be a folder of student folders, got {str(submitted)!r}")
    if expected_notebooks is None:

        def expected_notebooks(assignment_id):
            return [assignment_id]

    found = []
    for student in _visible_dirs(submitted):
        for assignment in _visible_dirs(student):
            notebook_ids = {
                p.stem for p in assignment.glob("*.ipynb") if p.is_file() or p.is_symlink()
            }
            notebook_ids.update(expected_notebooks(assignment.name))
            for notebook_id in sorted(notebook_ids):
                path = assignment / f"{notebook_id}.ipynb"
                found.append(Submission(student.name, assignment.name, notebook_id, path))
    return sorted(found)


def _lesson_tests(lesson_id):
    try:
        from autograder.definitions import tests_for_lesson

        return [(test.id, float(test.points)) for test in tests_for_lesson(lesson_id)]
    except Exception:
        return []


def failed_report(submission, reason, *, duration_s=0.0, status="failed"):
    r"""The report of a submission that was not graded.

    ``status`` is ``"failed"`` when the submission itself is the reason (no notebook) and
    ``"error"`` when the grader failed (no grade at all). Every test of the lesson is listed
    with 0 points and ``reason``.
    """
    tests = [
        {
            "id": test_id,
            "points": 0.0,
            "max_points": points,
            "passed": False,
            "message": f"Not graded: {reason}",
            "misconceptions": [],
            "cases_passed": 0,
            "cases_total": 0,
        }
        for test_id, points in _lesson_tests(submission.assignment_id)
    ]
    return {
        "lesson_id": submission.assignment_id,
        "notebook": str(submission.path),
        "score": 0.0,
        "max_score": sum(t["max_points"] for t in tests),
        "status": status,
        "reason": reason,
        "isolation": "not run",
        "tests": tests,
        "duration_s": duration_s,
        "student_id": submission.student_id,
        "assignment_id": submission.assignment_id,
        "notebook_id": submission.notebook_id,
    }


def _plain(value):
    # Reports cross process boundaries and land in JSON: keep them to built-in types.
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def grade_submission(submission, *, secret, limits=None, course_root=None):
    r"""Grade one submission and return its report with the student and notebook ids.

    This is the unit of work sent to a local worker or a Dask worker. It never raises:
    a grader error becomes a failed report naming it.

    Parameters
    ----------
    submission : Submission
    secret : bytes or str
        The course secret the hidden inputs are drawn from.
    limits : optional
        Passed to :func:`autograder.grading.grade_notebook`.
    course_root : str or os.PathLike, optional
        The course whose private folders the sandbox must not see (default: the
        repository of this package).

    Returns
    -------
    dict
        The report of :func:`autograder.grading.grade_notebook` plus ``student_id``,
        ``assignment_id`` and ``notebook_id``; built-in types only.
    """
    start = time.perf_counter()
    if not Path(submission.path).exists():
        return failed_report(
            submission, f"no notebook submitted: {Path(submission.path).name} is missing"
        )
    try:
        from autograder.grading import grade_notebook

        report = grade_notebook(
            submission.path,
            lesson_id=submission.assignment_id,
            secret=secret,
            limits=limits,
            course_root=course_root,
        )
        report = json.loads(json.dumps(report, default=_plain))
        report.update(
            student_id=submission.student_id,
            assignment_id=submission.assignment_id,
            notebook_id=submission.notebook_id,
        )
        return report
    except Exception as error:  # the grader's own failure must not stop the class
        return failed_report(
            submission,
            f"internal grader error ({type(error).__name__}: {error})",
            duration_s=time.perf_counter() - start,
            status="error",
        )


def grade_submissions(
    submissions, *, secret, jobs=1, scheduler=None, limits=None, course_root=None
):
    r"""Grade ``submissions`` and yield their reports in the order they finish.

    Parameters
    ----------
    submissions : list of Submission
    secret : bytes or str
    jobs : int, default 1
        Local worker processes; 1 grades in this process.
    scheduler : str, optional
        Address of a Dask distributed scheduler (``tcp://host:8786``); when given, the
        same per-submission work runs on that cluster and ``jobs`` is ignored.
    limits, course_root : optional
        Passed to :func:`grade_submission`.

    Yields
    ------
    dict
        One report per submission.
    """
    if int(jobs) < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    submissions = list(submissions)
    options = {"secret": secret, "limits": limits, "course_root": course_root}
    if scheduler is not None:
        yield from _grade_on_dask(submissions, scheduler, options)
    elif jobs == 1 or len(submissions) <= 1:
        for submission in submissions:
            yield grade_submission(submission, **options)
    else:
        yield from _grade_in_pool(submissions, int(jobs), options)


def _worker_context():
    # Workers forked from this process inherit its imported modules: nbformat and NumPy
    # take seconds to import on a busy machine, and each spawned worker would pay that again.
    # Fork is safe only without other threads; elsewhere (or on other platforms) spawn.
    import threading

    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        import nbformat  # noqa: F401  (the grader reads notebooks with it)

        import autograder.grading  # noqa: F401  (imported once, before the fork)

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def die_with_parent():
    r"""Ask Linux to kill this worker when the process that started it dies (``kill -9``).

    A worker left behind would keep grading, and writing, after its run was stopped.
    """
    import ctypes
    import signal

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        parent = os.getppid()
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _grade_in_pool(submissions, jobs, options):
    pending = list(submissions)
    # A worker that dies (for instance killed by the system) breaks the pool; the
    # submissions it had not finished get one more try in a fresh pool.
    for attempt in range(2):
        if not pending:
            return
        retry = []
        context = _worker_context()
        executor = ProcessPoolExecutor(
            max_workers=min(jobs, len(pending)),
            mp_context=context,
            initializer=die_with_parent,
        )
        try:
            futures = {executor.submit(grade_submission, s, **options): s for s in pending}
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    submission = futures[future]
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        if attempt == 0:
                            retry.append(submission)
                        else:
                            yield failed_report(
                                submission, "the grading worker process died", status="error"
                            )
                    except Exception as error:
                        yield failed_report(
                            submission,
                            f"internal grader error ({type(error).__name__})",
                            status="error",
                        )
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        pending = retry


def _grade_on_dask(submissions, address, options):
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        futures = {}
        for submission in submissions:
            future = client.submit(
                grade_submission,
                submission,
                **options,
                pure=False,
                key=f"ce-grade-{submission.student_id}-{submission.assignment_id}"
                f"-{submission.notebook_id}-{time.time_ns()}",
            )
            futures[future] = submission
        try:
            for future in as_completed(futures):
                submission = futures[future]
                try:
                    yield future.result()
                except Exception as error:
                    yield failed_report(
                        submission,
                        f"the Dask worker failed ({type(error).__name__})",
                        status="error",
                    )
        finally:
            client.cancel(list(futures))
