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
from numbers import Integral
from pathlib import Path

from ce_lib.validation import check_scalar


@dataclass(frozen=True, order=True)
class Submission:
    r"""One row of a class: what one student handed in for one lesson.

    ``path`` is the notebook to grade, found in nbgrader's layout
    ``SUBMITTED/{student_id}/{assignment_id}/{notebook_id}.ipynb`` or recognised by
    :mod:`autograder.matching` (a Jupyter copy, a typo, another folder name); ``note`` says
    what was recognised. ``problem`` is the reason when there is nothing to grade (no
    notebook, several candidates, no recognisable lesson): the row is then ``failed``.
    """

    student_id: str
    assignment_id: str
    notebook_id: str
    path: Path | None
    note: str = ""
    problem: str | None = None


def course_lessons(course_root=None):
    r"""Return the :class:`autograder.matching.Lessons` of the course.

    From ``course_root/solutions`` when it is there (every cell id of every lesson), else
    from the test definitions (the grade ids of the tests).
    """
    from autograder.matching import Lessons

    if course_root is not None and (Path(course_root) / "solutions").is_dir():
        try:
            return Lessons.from_course(course_root)
        except ValueError:
            pass
    from autograder.definitions import lesson_ids, tests_for_lesson

    return Lessons(
        {lesson: frozenset(test.id for test in tests_for_lesson(lesson)) for lesson in lesson_ids()}
    )


def find_submissions(submitted, *, lessons=None):
    r"""List one :class:`Submission` per student and lesson of a submitted folder.

    Parameters
    ----------
    submitted : str or os.PathLike
        nbgrader's submitted folder, ``SUBMITTED/{student_id}/{assignment_id}/``.
    lessons : autograder.matching.Lessons, optional
        The course's lessons (default: :func:`course_lessons` of the definitions).

    Returns
    -------
    list of Submission
        Sorted by student and assignment. Every assignment folder gives exactly one row:
        the lesson's notebook when one candidate is found (a note says what was graded),
        a ``problem`` otherwise.

    Raises
    ------
    ValueError
        If ``submitted`` does not have nbgrader's layout; the message states the layout it
        expects and what was found.
    """
    from autograder.matching import match_class

    if not Path(submitted).is_dir():
        raise ValueError(
            f"submitted: expected a folder of student folders, got {str(submitted)!r}."
        )
    found = []
    for match in match_class(submitted, lessons or course_lessons()):
        row = match.assignment_id or "unknown"
        if match.gradable:
            note = match.note if match.outcome == "resolved" else ""
            found.append(Submission(match.student_id, row, row, Path(match.notebook), note))
        else:
            found.append(Submission(match.student_id, row, row, None, problem=match.reason))
    return sorted(found)


def _lesson_tests(lesson_id):
    try:
        from autograder.definitions import tests_for_lesson

        return tests_for_lesson(lesson_id)
    except ValueError:  # not a lesson of the course: the report lists no test
        return []


def failed_report(submission, reason, *, duration_s=0.0, status="failed"):
    r"""The report of a submission that was not graded.

    ``status`` is ``"failed"`` when the submission itself is the reason (no notebook) and
    ``"error"`` when the grader failed (no grade at all). Every test of the lesson is listed
    with 0 points and ``reason``.
    """
    from autograder.report import notebook_report

    results = [
        test.failed_result(f"Not graded: {reason}")
        for test in _lesson_tests(submission.assignment_id)
    ]
    report = notebook_report(
        submission.assignment_id, submission.path or "", results, status=status, reason=reason,
        isolation="not run", duration_s=duration_s,
    )  # fmt: skip
    return _with_ids(report, submission)


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
    if submission.path is None or submission.problem:
        return failed_report(submission, submission.problem or "no notebook submitted")
    try:
        from autograder.grading import grade_notebook

        report = grade_notebook(
            submission.path,
            lesson_id=submission.assignment_id,
            secret=secret,
            limits=limits,
            course_root=course_root,
        )
        return _with_ids(report, submission)
    except Exception as error:  # the grader's own failure must not stop the class
        return failed_report(
            submission,
            f"internal grader error ({type(error).__name__}: {error})",
            duration_s=time.perf_counter() - start,
            status="error",
        )


def _with_ids(report, submission):
    # Reports cross process boundaries and land in JSON: built-in types only, with the ids.
    report = json.loads(json.dumps(report, default=_plain))
    report.update(
        student_id=submission.student_id,
        assignment_id=submission.assignment_id,
        notebook_id=submission.notebook_id,
    )
    if submission.note:
        report["notes"] = [submission.note, *report.get("notes", [])]
    return report


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
    jobs = check_scalar(jobs, "jobs", Integral, min_val=1)
    submissions = list(submissions)
    options = {"secret": secret, "limits": limits, "course_root": course_root}
    if scheduler is not None:
        yield from _grade_on_dask(submissions, scheduler, options)
    elif jobs == 1 or len(submissions) <= 1:
        for submission in submissions:
            yield grade_submission(submission, **options)
    else:
        yield from _grade_in_pool(submissions, jobs, options)


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


class ClusterUnavailable(RuntimeError):
    r"""A Dask worker cannot grade: another version of ce-grade, or its sandbox fails."""


def worker_status(lesson_ids, limits):
    r"""Run on each Dask worker before it takes work: its ce-grade version and sandbox self-test.

    Returns ``{"fingerprint": the code fingerprint of ce-grade there, "problems": [...]}``.
    """
    from autograder.definitions import view_for
    from autograder.resume import code_fingerprint
    from autograder.sandbox.launcher import SandboxError, self_test

    problems = []
    for lesson_id in lesson_ids:
        try:
            self_test(view_for(lesson_id), limits)
        except SandboxError as error:
            problems.append(f"{lesson_id}: {error}")
    return {"fingerprint": code_fingerprint(), "problems": problems}


def check_workers(client, lesson_ids, limits):
    r"""Refuse a cluster whose workers run another ce-grade or cannot start the sandbox."""
    from autograder.resume import code_fingerprint

    statuses = client.run(worker_status, sorted(lesson_ids), limits)
    if not statuses:
        raise ClusterUnavailable("the Dask cluster has no worker")
    ours = code_fingerprint()
    problems = []
    for worker, status in sorted(statuses.items()):
        if status["fingerprint"] != ours:
            problems.append(f"{worker} runs another version of ce-grade")
        problems.extend(f"{worker}: sandbox self-test of {item}" for item in status["problems"])
    if problems:
        raise ClusterUnavailable("; ".join(problems))


def _grade_on_dask(submissions, address, options):
    r"""Grade on a Dask cluster that shares no disk with this machine and holds no secret.

    This process reads each notebook, picks its cells and draws its cases; a task carries
    only that job (the cells and the inputs, no secret, no expected value) to a worker, which
    runs it in its own sandbox and returns the raw answers; comparison and diagnosis happen
    here.
    """
    from dask.distributed import Client, as_completed

    from autograder.grading import prepare, run_job, sandbox_job, score
    from autograder.sandbox.launcher import Limits

    limits = options["limits"] or Limits()
    with Client(address) as client:
        gradable = [s for s in submissions if s.path is not None and not s.problem]
        check_workers(client, {s.assignment_id for s in gradable}, limits)
        futures = {}
        for submission in submissions:
            if submission.path is None or submission.problem:
                yield failed_report(submission, submission.problem or "no notebook submitted")
                continue
            prepared = prepare(
                submission.path,
                lesson_id=submission.assignment_id,
                secret=options["secret"],
                course_root=options["course_root"],
            )
            if isinstance(prepared, dict):
                yield _with_ids(prepared, submission)
                continue
            future = client.submit(
                run_job,
                sandbox_job(prepared, limits),
                pure=False,
                key=f"ce-grade-{submission.student_id}-{submission.assignment_id}"
                f"-{submission.notebook_id}-{time.time_ns()}",
            )
            futures[future] = (submission, prepared)
        try:
            for future in as_completed(futures):
                submission, prepared = futures[future]
                try:
                    run = future.result()
                except Exception as error:
                    yield failed_report(
                        submission,
                        f"the Dask worker failed ({type(error).__name__})",
                        status="error",
                    )
                    continue
                try:
                    yield _with_ids(score(prepared, run, limits), submission)
                except Exception as error:  # the grader's own failure must not stop the class
                    yield failed_report(
                        submission,
                        f"internal grader error ({type(error).__name__})",
                        status="error",
                    )
        finally:
            client.cancel(list(futures))
