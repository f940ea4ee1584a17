r"""Grade one submitted notebook: run its code in the sandbox, score it on the trusted side.

:func:`grade_notebook` never raises for anything a submission does. It reads the notebook,
keeps the student's code cells (never the submitted test cells), runs them once in a
sandboxed worker, asks the worker for the answers to every test of the lesson (public and
hidden cases, drawn here from the course secret), then checks, compares and diagnoses those
answers in this process with the references of :mod:`ce_lib`.

The report is a plain dict::

    {"lesson_id", "notebook", "score", "max_score", "status": "graded" | "failed" | "error",
     "reason", "isolation", "tests": [{"id", "points", "max_points", "passed", "message",
     "misconceptions", "cases_passed", "cases_total"}], "notes", "duration_s"}

``status`` is ``"failed"`` when the student's code could not be fully graded (not a
notebook, the process crashed, exited, ran out of time or memory, printed too much) and
``"error"`` when the grader itself failed (the sandbox could not start): an error is not a
grade, and rerunning grades the notebook. ``reason`` says why; every test is still listed.
Edited or deleted test cells do not stop grading (the tests come from the course's
definitions), but ``reason`` records them.
"""

import errno
import os
import re
import stat
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

from autograder import definitions
from autograder.definitions import forbidden_for, lesson_ids, view_for
from autograder.report import notebook_report
from autograder.sandbox.launcher import Limits, Sandbox, SandboxError
from autograder.secret import default_course_root

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
_CHECK_CALL = re.compile(r"""\bcheck\s*\(\s*["']""")


_HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.DOTALL)


def _normalise(source):
    # The student version lacks the hidden tests of the source version: compare without them.
    source = _HIDDEN_TESTS.sub("", source)
    return "\n".join(line.rstrip() for line in source.strip().splitlines() if line.strip())


def _nbgrader_metadata(cell):
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def _source(cell):
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def read_notebook(path):
    r"""Return the notebook at ``path`` as a dict, or raise ``ValueError`` saying why not.

    Only a regular file is read, never through a symbolic link, and never more than
    :data:`MAX_NOTEBOOK_BYTES`: a FIFO, a device or a link to someone else's file is refused
    without being opened for reading. Every cell's source must be text.
    """
    import nbformat

    data = read_notebook_bytes(path)
    try:
        with warnings.catch_warnings():
            # nbformat warns once per repaired cell (a missing or repeated id, say): a crafted
            # notebook would print hundreds of thousands of lines on the grader's terminal.
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # any unreadable file is "not a notebook"
        raise ValueError(
            f"the submission is not a readable notebook ({type(error).__name__})"
        ) from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise ValueError("the submission is not a notebook (it has no list of cells)")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            raise ValueError(f"cell {index} of the submission is not a notebook cell")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            continue
        if not isinstance(source, str):
            raise ValueError(
                f"cell {index} of the submission has a source that is not text "
                f"({type(source).__name__})"
            )
    return notebook


def read_notebook_bytes(path):
    r"""Return the bytes of the regular file at ``path`` (no link, no FIFO, size-limited)."""
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise ValueError(f"the submission {path.name} is a symbolic link, not a file") from None
        raise ValueError(
            f"the submission {path.name} cannot be opened ({error.strerror})"
        ) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"the submission {path.name} is not a regular file")
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise ValueError(f"the submission is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the submission is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    return data


def infer_lesson_id(path, notebook=None):
    r"""Return the lesson of a submission from its file name, folder or grade ids, or None."""
    known = set(lesson_ids())
    path = Path(path)
    for candidate in (path.stem, path.parent.name):
        if candidate in known:
            return candidate
    for cell in (notebook or {}).get("cells", []):
        grade_id = _nbgrader_metadata(cell).get("grade_id") if isinstance(cell, dict) else None
        if isinstance(grade_id, str):
            try:
                return definitions.get_test(grade_id).lesson
            except ValueError:
                continue
    return None


def trusted_notebook(lesson_id, course_root):
    r"""Return the course's own student version of ``lesson_id`` (or its source), or None."""
    if course_root is None:
        return None
    for folder in ("notebooks", "solutions"):
        path = Path(course_root) / folder / lesson_id / f"{lesson_id}.ipynb"
        if path.is_file():
            try:
                return read_notebook(path)
            except ValueError:
                continue
    return None


def select_cells(notebook, trusted, test_ids):
    r"""Return ``(sources_to_run, notes, tampered)`` for a submitted notebook.

    Student code cells run as submitted. Test cells (by nbgrader ``grade_id`` or, without
    metadata, by a call of ``check``) never run. Read-only instructor cells run from the
    course's own copy. ``tampered`` lists sentences about edited or deleted test cells.
    """
    trusted_cells = {}
    for cell in (trusted or {}).get("cells", []):
        grade_id = _nbgrader_metadata(cell).get("grade_id")
        if cell.get("cell_type") == "code" and isinstance(grade_id, str):
            trusted_cells[grade_id] = cell
    test_cell_ids = set(test_ids) | {
        grade_id
        for grade_id, cell in trusted_cells.items()
        if _nbgrader_metadata(cell).get("grade") and not _nbgrader_metadata(cell).get("solution")
    }
    # A course cell may name, in its metadata, the cheaper code that runs in its place under
    # grading ({"ce_grade": {"under_grading": "..."}}): work no graded answer depends on, such
    # as a hyperparameter search. Only the course's own copy of the cell is trusted for it.
    stand_ins = {}
    for cell in (trusted or {}).get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        ce_grade = (cell.get("metadata") or {}).get("ce_grade") or {}
        if isinstance(ce_grade, dict) and isinstance(ce_grade.get("under_grading"), str):
            stand_ins[_normalise(_source(cell))] = ce_grade["under_grading"]
    sources, notes, seen, edited = [], [], set(), []
    skipped_unmarked = 0
    for cell in notebook.get("cells", []):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = _source(cell)
        nbgrader = _nbgrader_metadata(cell)
        grade_id = nbgrader.get("grade_id")
        grade_id = grade_id if isinstance(grade_id, str) else None
        if grade_id in test_cell_ids:
            seen.add(grade_id)
            reference = trusted_cells.get(grade_id)
            if reference is not None and _normalise(_source(reference)) != _normalise(source):
                edited.append(grade_id)
            continue
        if nbgrader.get("grade") and not nbgrader.get("solution"):
            continue  # a test cell of some other notebook: never run
        reference = trusted_cells.get(grade_id) if grade_id else None
        if reference is not None and not _nbgrader_metadata(reference).get("solution"):
            if _normalise(_source(reference)) != _normalise(source):
                notes.append(f"the read-only cell {grade_id} was edited; the course's copy ran")
            sources.append(_source(reference))
            continue
        if _CHECK_CALL.search(source):
            skipped_unmarked += 1
            continue
        sources.append(stand_ins.get(_normalise(source), source))
    if skipped_unmarked:
        notes.append(
            f"{skipped_unmarked} cell(s) calling check() without test metadata were not run"
        )
    tampered = []
    if edited:
        tampered.append("test cells edited: " + ", ".join(sorted(edited)))
    expected_cells = test_cell_ids & (set(trusted_cells) if trusted else set(test_ids))
    deleted = sorted(expected_cells - seen)
    if deleted:
        tampered.append("test cells deleted: " + ", ".join(deleted))
    return sources, notes, tampered


def course_cells(sources, trusted):
    r"""Return the indices of ``sources`` that are the course's own cells, unchanged.

    Under grading the lesson's view leaves the reference out, so a course cell that shows or
    compares with it cannot run: that says nothing about the student. Only errors in the
    other cells (the student's own code) become notes or evidence of reaching for the
    reference.
    """
    course = {
        _normalise(_source(cell))
        for cell in (trusted or {}).get("cells", [])
        if isinstance(cell, dict)
        and cell.get("cell_type") == "code"
        and not _nbgrader_metadata(cell).get("solution")
    }
    return {index for index, source in enumerate(sources) if _normalise(source) in course}


def _report(lesson_id, path, results, status, reason, isolation, notes, started):
    return notebook_report(
        lesson_id, path, results, status=status, reason=reason, isolation=isolation,
        notes=notes, duration_s=time.monotonic() - started,
    )  # fmt: skip


def grade_notebook(path, *, lesson_id=None, secret, limits=None, course_root=None):
    r"""Grade the notebook at ``path`` and return its report (see the module docstring).

    The three stages, :func:`prepare` (trusted: read the notebook, pick its cells, draw the
    cases), :func:`run_job` (the sandbox: run the cells, answer the cases) and
    :func:`score` (trusted: compare, diagnose, report), run here one after the other; a
    Dask cluster runs only the middle one on its workers.

    Parameters
    ----------
    path : path-like
        The submitted notebook.
    lesson_id : str, optional
        The lesson; by default inferred from the file name, its folder or its grade ids.
    secret : bytes or str
        The course secret from which the hidden cases are drawn.
    limits : Limits, optional
        Time, memory and output limits and the isolation; defaults to :class:`Limits()`.
    course_root : path-like, optional
        The course (``solutions/``, ``notebooks/``, the gradebook); by default the
        repository this package was installed from.

    Returns
    -------
    dict
        The report. This function does not raise for anything the submission does.
    """
    limits = limits or Limits()
    prepared = prepare(path, lesson_id=lesson_id, secret=secret, course_root=course_root)
    if isinstance(prepared, dict):
        return prepared
    try:
        return score(prepared, run_job(sandbox_job(prepared, limits)), limits)
    except Exception as error:  # the contract: never raise for a submission
        return prepared.failure(
            f"grading stopped unexpectedly ({type(error).__name__})", status="error"
        )


@dataclass
class Prepared:
    r"""A notebook ready for the sandbox; trusted-side data that never leaves this process."""

    path: Path
    lesson_id: str
    tests: list
    cases: dict
    sources: list
    trusted: dict | None
    notes: list
    tampered: list
    started: float

    def failure(self, reason, status="failed"):
        results = [test.failed_result(f"Not graded: {reason}.") for test in self.tests]
        return _report(
            self.lesson_id, self.path, results, status, reason, "not run", [], self.started
        )


def prepare(path, *, lesson_id=None, secret, course_root=None):
    r"""Read a submission and draw its cases: a :class:`Prepared`, or the report of a failure.

    Runs on the trusted side only: it reads the course's own copy of the lesson and the
    secret.
    """
    started = time.monotonic()
    course_root = Path(course_root) if course_root is not None else default_course_root()
    path = Path(path)
    try:
        notebook = read_notebook(path)
    except (ValueError, OSError) as error:
        notebook, read_error = None, str(error)
    else:
        read_error = None
    lesson_id = lesson_id or infer_lesson_id(path, notebook)
    if lesson_id is None or lesson_id not in lesson_ids():
        reason = read_error or "could not tell which lesson this notebook belongs to"
        return _report(lesson_id, path, [], "failed", reason, "not run", [], started)
    tests = definitions.tests_for_lesson(lesson_id)
    if notebook is None:
        results = [test.failed_result(f"Not graded: {read_error}.") for test in tests]
        return _report(lesson_id, path, results, "failed", read_error, "not run", [], started)
    trusted = trusted_notebook(lesson_id, course_root)
    sources, notes, tampered = select_cells(notebook, trusted, [test.id for test in tests])
    cases = {test.id: test.cases(hidden=True, secret=secret) for test in tests}
    return Prepared(path, lesson_id, tests, cases, sources, trusted, notes, tampered, started)


def sandbox_job(prepared, limits):
    r"""Return the plain-data job of the sandbox stage: the cells, the requests, the limits.

    Every public case is asked before any hidden one: what the student's code says about a
    public case (an exception message) is shown, so it must not have seen hidden inputs yet.
    The job holds no secret and no expected value.
    """
    requests = []
    for hidden in (False, True):
        for test in prepared.tests:
            subset = [case for case in prepared.cases[test.id] if case.hidden == hidden]
            if subset:
                requests.append(
                    {
                        "test": test.id,
                        "hidden": hidden,
                        "count": len(subset),
                        "request": test.request(subset),
                    }
                )
    return {
        "lesson_id": prepared.lesson_id,
        "cells": list(prepared.sources),
        "requests": requests,
        "limits": asdict(limits),
    }


def run_job(job):
    r"""Run a :func:`sandbox_job` in the lesson's sandbox and return the raw answers.

    The only stage a Dask worker runs: it needs the installed package and bubblewrap, not
    the course's files or its secret. Returns plain data: ``answers`` (``{test: {"public" |
    "hidden": [answer, ...]}}``), ``stopped`` (``{test: reason}``), ``stops``,
    ``cell_errors``, ``out_of_memory`` and ``grader_failure`` (None, or why the sandbox
    itself failed).
    """
    started = time.monotonic()
    limits = Limits(**job["limits"])
    view = view_for(job["lesson_id"])
    run = {
        "answers": {},
        "stopped": {},
        "stops": [],
        "cell_errors": [],
        "out_of_memory": False,
        "grader_failure": None,
    }
    pending = list(job["requests"])
    first_start = True
    for _attempt in range(3):
        if not pending:
            break
        budget = limits.notebook_timeout_s - (time.monotonic() - started)
        if budget <= 0.5:
            run["stops"].append("the notebook used up its time limit")
            for item in pending:
                run["stopped"].setdefault(item["test"], "the notebook used up its time limit")
            return run
        with Sandbox(_with_budget(limits, budget), view) as box:
            try:
                ready = box.start(job["cells"])
            except SandboxError as error:
                if error.grader_failure:
                    run["grader_failure"] = str(error)
                    return run
                run["stops"].append(f"while running the cells: {error}")
                for item in pending:
                    run["stopped"].setdefault(item["test"], str(error))
                return run
            errors = _clean_cell_errors(ready.get("cell_errors"))
            if first_start:
                run["cell_errors"] = errors
                first_start = False
            run["out_of_memory"] |= _mentions_memory_error(errors)
            while pending:
                item = pending.pop(0)
                if item["test"] in run["stopped"]:
                    continue
                try:
                    response = box.request(item["request"])
                except SandboxError as error:
                    if error.grader_failure:
                        run["grader_failure"] = str(error)
                        return run
                    run["stops"].append(f"{item['test']}: {error}")
                    run["stopped"][item["test"]] = str(error)
                    break
                run["out_of_memory"] |= _mentions_memory_error(response.get("answers"))
                which = "hidden" if item["hidden"] else "public"
                answers = _clean_answers(response, item["count"])
                run["answers"].setdefault(item["test"], {})[which] = answers
    for item in pending:
        run["stopped"].setdefault(item["test"], "the notebook kept failing")
    return run


def score(prepared, run, limits):
    r"""Compare, diagnose and report: the trusted stage after :func:`run_job`."""
    lesson_id, path, tests = prepared.lesson_id, prepared.path, prepared.tests
    if run["grader_failure"]:
        results = [test.failed_result(f"Not graded: {run['grader_failure']}.") for test in tests]
        return _report(
            lesson_id, path, results, "error", run["grader_failure"], limits.isolation, [],
            prepared.started,
        )  # fmt: skip
    notes = list(prepared.notes)
    ours = course_cells(prepared.sources, prepared.trusted)
    student_errors = [error for error in run["cell_errors"] if error.get("cell") not in ours]
    notes.extend(_cell_notes(student_errors))
    absent = forbidden_for(lesson_id)
    cells_reached_reference = _reached_reference(student_errors, absent)
    results = []
    for test in tests:
        if test.id in run["stopped"]:
            results.append(test.failed_result(f"Not graded: {run['stopped'][test.id]}."))
            continue
        cases = prepared.cases[test.id]
        ordered = [case for hidden in (False, True) for case in cases if case.hidden == hidden]
        answers = run["answers"].get(test.id, {})
        given = answers.get("public", []) + answers.get("hidden", [])
        if len(given) != len(ordered):
            results.append(test.failed_result("Not graded: the answers did not all come back."))
            continue
        result = test.evaluate(ordered, given)
        if not result.passed and (
            cells_reached_reference or _reached_reference(given, absent, key="detail")
        ):
            result = test.evaluate(ordered, given, extra_codes=["uses_reference"])
        results.append(result)
    reasons = run["stops"] + prepared.tampered
    if run["out_of_memory"]:
        reasons.append(f"the code ran out of memory (limit {limits.memory_mb} MiB)")
    status = "failed" if run["stops"] else "graded"
    reason = "; ".join(reasons) if reasons else None
    return _report(
        lesson_id, path, results, status, reason, limits.isolation, notes, prepared.started
    )


def _reached_reference(entries, absent, key="detail"):
    r"""Whether errors show the code reached for what the lesson's view leaves out."""
    names = (*absent.modules, "scipy", "sklearn", "torch", "jax", "tensorflow")
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        error = str(entry.get("error", ""))
        detail = str(entry.get(key, ""))
        if error == "ReferenceUnavailable" or "ReferenceUnavailable" in detail:
            return True
        if error in ("ModuleNotFoundError", "ImportError") or "ModuleNotFoundError" in detail:
            if any(f"'{name}" in detail for name in names):
                return True
    return False


def _with_budget(limits, budget):
    from dataclasses import replace

    return replace(limits, notebook_timeout_s=max(budget, 0.5))


def _mentions_memory_error(entries):
    if not isinstance(entries, list):  # whatever the sandbox sent
        return False
    return any(isinstance(entry, dict) and entry.get("error") == "MemoryError" for entry in entries)


def _clean_cell_errors(errors):
    r"""Keep the well-formed cell errors of a ready message, as plain text and int cells.

    The student's code can write the ready message itself: a cell that is a list (unhashable)
    or errors that are a number made the grader stop, a grader failure instead of a grade.
    """
    if not isinstance(errors, list):
        return []
    return [
        {
            "cell": error.get("cell") if type(error.get("cell")) is int else None,
            "error": student_text(error.get("error", ""), 100),
            "detail": student_text(error.get("detail", "")),
        }
        for error in errors
        if isinstance(error, dict)
    ]


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def student_text(value, limit=300):
    r"""Return text that came from the student's code, safe to keep: a short plain string.

    Control characters (ANSI escapes, bidirectional overrides) are removed and the length is
    limited here, on the trusted side, whatever the sandbox sent.

    >>> student_text("\x1b[31mred\x1b[0m" + "x" * 500, limit=10)
    '[31mred[0m...'
    """
    text = _CONTROL.sub("", value if isinstance(value, str) else str(value))
    return text if len(text) <= limit else text[:limit] + "..."


def _cell_notes(cell_errors):
    notes = []
    for entry in cell_errors[:10]:
        if not isinstance(entry, dict):
            continue
        cell = entry.get("cell")
        cell = cell if type(cell) is int else "?"
        detail = student_text(entry.get("detail") or entry.get("error") or "an error")
        notes.append(f"cell {cell} raised {detail}")
    return notes


def _clean_answers(response, count):
    r"""Keep only well-formed answers; anything else counts as a wrong answer."""
    answers = response.get("answers") if isinstance(response, dict) else None
    if not isinstance(answers, list) or len(answers) != count:
        return [{"error": "ProtocolError", "detail": "answered out of turn"}] * count
    clean = []
    for answer in answers:
        if isinstance(answer, dict) and "error" in answer:
            entry = {
                "error": student_text(answer["error"], 100),
                "detail": student_text(answer.get("detail", "")),
            }
        elif isinstance(answer, dict) and "value" in answer:
            entry = {"value": answer["value"]}
        else:
            clean.append({"error": "ProtocolError", "detail": "malformed answer"})
            continue
        # The arguments after the call: plain data (the wire decoded them) or None; the test
        # compares them with what it sent before looking at anything else.
        if isinstance(answer.get("args"), list):
            entry["args"] = answer["args"]
        clean.append(entry)
    return clean
