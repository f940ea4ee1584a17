r"""Grade one submitted notebook: run its code in the sandbox, score it on the trusted side.

:func:`grade_notebook` never raises for anything a submission does. It reads the notebook,
keeps the student's code cells (never the submitted test cells), runs them once in a
sandboxed worker, asks the worker for the answers to every test of the lesson (public and
hidden cases, drawn here from the course secret), then checks, compares and diagnoses those
answers in this process with the references of :mod:`ce_lib`.

The report is a plain dict::

    {"lesson_id", "notebook", "score", "max_score", "status": "graded" | "failed",
     "reason", "isolation", "tests": [{"id", "points", "max_points", "passed", "message",
     "misconceptions", "cases_passed", "cases_total"}], "notes", "duration_s"}

``status`` is ``"failed"`` when part of the grading could not run (not a notebook, the
process crashed, exited, ran out of time or memory, printed too much); ``reason`` then says
why, and every test of the lesson is still listed. Edited or deleted test cells do not stop
grading (the tests come from the course's definitions), but ``reason`` records them.
"""

import re
import time
from pathlib import Path

from autograder import definitions
from autograder.definitions import forbidden_for, lesson_ids
from autograder.sandbox.launcher import Limits, Sandbox, SandboxError, private_course_paths
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
    r"""Return the notebook at ``path`` as a dict, or raise ``ValueError`` saying why not."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"the submission {path.name} is not a file")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the submission is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    try:
        notebook = nbformat.read(str(path), as_version=4)
    except Exception as error:  # noqa: BLE001 - any unreadable file is "not a notebook"
        raise ValueError(
            f"the submission is not a readable notebook ({type(error).__name__})"
        ) from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise ValueError("the submission is not a notebook (it has no list of cells)")
    return notebook


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
        sources.append(source)
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


def _hidden_paths(path, course_root, limits):
    hidden = private_course_paths(course_root)
    path = Path(path).resolve()
    package_root = Path(__file__).resolve().parent.parent
    # nbgrader's layout SUBMITTED/{student}/{assignment}/{notebook}.ipynb: hide SUBMITTED.
    for candidate in (path.parents[2] if len(path.parents) > 3 else None, path.parent):
        if candidate is None or len(candidate.parts) < 3:
            continue
        if candidate in package_root.parents or candidate == package_root:
            continue
        hidden.append(str(candidate))
        break
    hidden.extend(str(extra) for extra in limits.hidden_paths)
    return hidden


def _report(lesson_id, path, results, status, reason, isolation, notes, started):
    tests = [result.as_dict() for result in results]
    return {
        "lesson_id": lesson_id,
        "notebook": str(path),
        "score": round(sum(test["points"] for test in tests), 4),
        "max_score": float(sum(test["max_points"] for test in tests)),
        "status": status,
        "reason": reason,
        "isolation": isolation,
        "tests": tests,
        "notes": notes,
        "duration_s": round(time.monotonic() - started, 3),
    }


def grade_notebook(path, *, lesson_id=None, secret, limits=None, course_root=None):
    r"""Grade the notebook at ``path`` and return its report (see the module docstring).

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
    started = time.monotonic()
    limits = limits or Limits()
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
        return _report(lesson_id, path, [], "failed", reason, "none", [], started)
    tests = definitions.tests_for_lesson(lesson_id)
    if notebook is None:
        results = [test.failed_result(f"Not graded: {read_error}.") for test in tests]
        return _report(lesson_id, path, results, "failed", read_error, "none", [], started)
    try:
        return _grade(path, notebook, lesson_id, tests, secret, limits, course_root, started)
    except Exception as error:  # noqa: BLE001 - the contract: never raise for a submission
        reason = f"grading stopped unexpectedly ({type(error).__name__})"
        results = [test.failed_result(f"Not graded: {reason}.") for test in tests]
        return _report(lesson_id, path, results, "failed", reason, "none", [], started)


def _grade(path, notebook, lesson_id, tests, secret, limits, course_root, started):
    trusted = trusted_notebook(lesson_id, course_root)
    sources, notes, tampered = select_cells(notebook, trusted, [test.id for test in tests])
    forbidden = forbidden_for(lesson_id)
    forbidden = {"functions": forbidden.functions, "modules": forbidden.modules}
    hidden_paths = _hidden_paths(path, course_root, limits)
    cases = {test.id: test.cases(hidden=True, secret=secret) for test in tests}
    # Every public case is asked before any hidden one: what the student's code says about a
    # public case (an exception message) is shown, so it must not have seen hidden inputs yet.
    pending = [(test, False) for test in tests] + [(test, True) for test in tests]
    answers = {test.id: {} for test in tests}
    attempts = {test.id: False for test in tests}
    stopped = {}
    stops = []
    isolation = "none"
    cell_attempts = None
    restarts_left = 2
    out_of_memory = False
    while pending:
        budget = limits.notebook_timeout_s - (time.monotonic() - started)
        if budget <= 0.5:
            stops.append("the notebook used up its time limit")
            for test, _ in pending:
                stopped.setdefault(test.id, "the notebook used up its time limit")
            break
        with Sandbox(_with_budget(limits, budget), hidden_paths) as box:
            try:
                ready = box.start(sources, forbidden)
            except SandboxError as error:
                isolation = box.isolation or isolation
                stops.append(f"while running the cells: {error}")
                for test, _ in pending:
                    stopped.setdefault(test.id, str(error))
                break
            isolation = box.isolation
            if cell_attempts is None:
                cell_attempts = list(ready.get("forbidden", []))
                notes.extend(_cell_notes(ready.get("cell_errors", [])))
            out_of_memory |= _mentions_memory_error(ready.get("cell_errors"))
            while pending:
                test, hidden = pending.pop(0)
                if test.id in stopped:
                    continue
                subset = [case for case in cases[test.id] if case.hidden == hidden]
                if not subset:
                    continue
                try:
                    response = box.request(test.request(subset))
                except SandboxError as error:
                    stops.append(f"{test.id}: {error}")
                    stopped[test.id] = str(error)
                    break
                out_of_memory |= _mentions_memory_error(response.get("answers"))
                attempts[test.id] |= bool(response.get("forbidden"))
                answers[test.id][hidden] = _clean_answers(response, len(subset))
        if pending and restarts_left == 0:
            for test, _ in pending:
                stopped.setdefault(test.id, "the notebook kept failing")
            break
        restarts_left -= 1

    results = []
    for test in tests:
        if test.id in stopped:
            results.append(test.failed_result(f"Not graded: {stopped[test.id]}."))
            continue
        ordered = [
            case for hidden in (False, True) for case in cases[test.id] if case.hidden == hidden
        ]
        given = answers[test.id].get(False, []) + answers[test.id].get(True, [])
        extra = ["uses_reference"] if attempts[test.id] else []
        result = test.evaluate(ordered, given, extra_codes=extra)
        if cell_attempts and not result.passed and not extra:
            # A forbidden import in a cell explains a test that then failed.
            result = test.evaluate(ordered, given, extra_codes=["uses_reference"])
        results.append(result)
    reasons = stops + tampered
    if out_of_memory:
        reasons.append(f"the code ran out of memory (limit {limits.memory_mb} MiB)")
    status = "failed" if stops else "graded"
    reason = "; ".join(reasons) if reasons else None
    return _report(lesson_id, path, results, status, reason, isolation, notes, started)


def _with_budget(limits, budget):
    from dataclasses import replace

    return replace(limits, notebook_timeout_s=max(budget, 0.5))


def _mentions_memory_error(entries):
    return any(
        isinstance(entry, dict) and entry.get("error") == "MemoryError" for entry in entries or []
    )


def _cell_notes(cell_errors):
    notes = []
    for entry in cell_errors[:10]:
        if not isinstance(entry, dict):
            continue
        notes.append(f"cell {entry.get('cell')} raised {entry.get('detail') or entry.get('error')}")
    return notes


def _clean_answers(response, count):
    r"""Keep only well-formed answers; anything else counts as a wrong answer."""
    answers = response.get("answers") if isinstance(response, dict) else None
    if not isinstance(answers, list) or len(answers) != count:
        return [{"error": "ProtocolError", "detail": "answered out of turn"}] * count
    clean = []
    for answer in answers:
        if isinstance(answer, dict) and "error" in answer:
            clean.append(
                {"error": str(answer["error"])[:100], "detail": str(answer.get("detail", ""))}
            )
        elif isinstance(answer, dict) and "value" in answer:
            clean.append({"value": answer["value"]})
        else:
            clean.append({"error": "ProtocolError", "detail": "malformed answer"})
    return clean
