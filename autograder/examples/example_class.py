r"""Build the example class: lesson 3 submissions made from the student version and code files.

Each example student is one file in ``class/students/``. A ``.cells`` file (Python code that
is never imported) is split into sections by lines ``# %% <action>``:

``# %% <grade_id>``
    replaces the source of the notebook cell with that nbgrader ``grade_id`` (a solution cell
    such as ``l3-softmax-solution``; a test cell id edits the test cell);
``# %% <grade_id> <- <student_id>``
    copies that section from another student (no body);
``# %% delete <grade_id>``
    deletes the cell;
``# %% first`` and ``# %% after <grade_id>``
    insert a new code cell without nbgrader metadata at the top or after a cell.

Any other file (``.txt``) is copied as the submitted notebook unchanged: it is not a notebook.
The outcome every student must get is in ``class/expected.json``.

Rebuild after the lesson changes with ``python -m autograder.examples.example_class``.
"""

import copy
import json
import re
import shutil
from pathlib import Path

import nbformat

from autograder.examples.outcomes import EXAMPLE_SECRET

CLASS_DIR = Path(__file__).resolve().parent / "class"
STUDENTS_DIR = CLASS_DIR / "students"
SUBMITTED_DIR = CLASS_DIR / "submitted"
EXPECTED_FILE = CLASS_DIR / "expected.json"
LESSON_ID = "lesson3_implement"


def example_limits(**changes):
    r"""Return the limits the example class is graded with.

    A CPU-time limit of a few seconds stops the endless loops quickly, while generous
    wall-clock limits keep a busy machine from failing the honest notebooks.
    """
    from dataclasses import replace

    from autograder.sandbox.launcher import Limits

    return replace(
        Limits(cells_timeout_s=60.0, test_timeout_s=20.0, notebook_timeout_s=90.0, cpu_s=5.0),
        **changes,
    )


_SECTION = re.compile(r"^# %% (.+)$", re.MULTILINE)


def student_ids():
    r"""Return the ids of the example students, sorted."""
    return sorted(path.stem for path in STUDENTS_DIR.iterdir() if path.suffix in (".cells", ".txt"))


def expected_outcomes():
    r"""Return the expected outcome of every example student (``class/expected.json``)."""
    return json.loads(EXPECTED_FILE.read_text(encoding="utf-8"))


def submission_path(student_id, submitted_dir=SUBMITTED_DIR):
    r"""Return the path of ``student_id``'s notebook in nbgrader's submitted layout."""
    return Path(submitted_dir) / student_id / LESSON_ID / f"{LESSON_ID}.ipynb"


def parse_sections(text):
    r"""Return the ``(action, body)`` pairs of a student file, in order.

    >>> parse_sections("# %% first\nx = 1\n# %% delete l3_softmax\n")
    [('first', 'x = 1'), ('delete l3_softmax', '')]
    """
    parts = _SECTION.split(text)
    return [(parts[i].strip(), parts[i + 1].strip("\n")) for i in range(1, len(parts), 2)]


def _code_cell(source):
    return nbformat.v4.new_code_cell(source)


def _index_of(cells, grade_id):
    for index, cell in enumerate(cells):
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            return index
    raise ValueError(f"grade_id {grade_id!r} is not a cell of the student version")


def _section_body(student_id, action):
    text = (STUDENTS_DIR / f"{student_id}.cells").read_text(encoding="utf-8")
    for name, body in parse_sections(text):
        if name == action:
            return body
    raise ValueError(f"student {student_id!r} has no section {action!r}")


def build_notebook(student_version, text):
    r"""Return the notebook a student with code file ``text`` submits."""
    notebook = copy.deepcopy(student_version)
    cells = notebook.cells
    for action, body in parse_sections(text):
        words = action.split()
        if words[0] == "delete":
            del cells[_index_of(cells, words[1])]
        elif words[0] == "first":
            cells.insert(0, _code_cell(body))
        elif words[0] == "after":
            cells.insert(_index_of(cells, words[1]) + 1, _code_cell(body))
        elif len(words) == 3 and words[1] == "<-":
            cells[_index_of(cells, words[0])].source = _section_body(words[2], words[0])
        else:
            cells[_index_of(cells, words[0])].source = body
    return notebook


def build_class(student_version_path, submitted_dir=SUBMITTED_DIR):
    r"""Write every example student's submission under ``submitted_dir``; return their ids."""
    student_version = nbformat.read(str(student_version_path), as_version=4)
    submitted_dir = Path(submitted_dir)
    ids = student_ids()
    for student_id in ids:
        target = submission_path(student_id, submitted_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = STUDENTS_DIR / f"{student_id}.cells"
        if not source.exists():
            shutil.copyfile(STUDENTS_DIR / f"{student_id}.txt", target)
            continue
        notebook = build_notebook(student_version, source.read_text(encoding="utf-8"))
        nbformat.write(notebook, str(target))
    return ids


def outcome_differences(report, expected):
    r"""Return how ``report`` differs from an ``expected.json`` entry (empty when it matches).

    >>> expected = {"status": "graded", "score": 3.0, "reason_contains": None,
    ...             "tests": {"t": {"points": 3.0, "misconceptions": []}}}
    >>> report = {"status": "graded", "score": 3.0, "reason": None,
    ...           "tests": [{"id": "t", "points": 3.0, "misconceptions": ["sign_flipped"]}]}
    >>> outcome_differences(report, expected)
    ["t: misconceptions ['sign_flipped'], expected []"]
    """
    differences = []
    if report["status"] != expected["status"]:
        differences.append(
            f"status {report['status']!r}, expected {expected['status']!r} ({report['reason']})"
        )
    if abs(report["score"] - expected["score"]) > 1e-4:
        differences.append(f"score {report['score']}, expected {expected['score']}")
    wanted = expected.get("reason_contains")
    if wanted is None and report["reason"] is not None:
        differences.append(f"reason {report['reason']!r}, expected none")
    if wanted is not None and wanted not in (report["reason"] or ""):
        differences.append(f"reason {report['reason']!r}, expected it to mention {wanted!r}")
    tests = {test["id"]: test for test in report["tests"]}
    if set(tests) != set(expected["tests"]):
        differences.append(f"tests {sorted(tests)}, expected {sorted(expected['tests'])}")
    for test_id, outcome in expected["tests"].items():
        test = tests.get(test_id)
        if test is None:
            continue
        if abs(test["points"] - outcome["points"]) > 1e-4:
            differences.append(f"{test_id}: points {test['points']}, expected {outcome['points']}")
        if test["misconceptions"] != outcome["misconceptions"]:
            differences.append(
                f"{test_id}: misconceptions {test['misconceptions']}, "
                f"expected {outcome['misconceptions']}"
            )
    return differences


def grade_example_class(student_ids_to_grade=None, *, jobs=2, limits=None, secret=EXAMPLE_SECRET):
    r"""Grade example students as ``ce-grade autograde`` does; return their reports.

    The submissions go through :func:`autograder.batch.grade_submissions`, the one path
    that grades a class (a process pool here, Dask with ``--scheduler``).

    Parameters
    ----------
    student_ids_to_grade : list of str, optional
        Which students (default: all).
    jobs : int
        How many notebooks are graded at once (each in its own worker process and sandbox).
    limits : Limits, optional
        Defaults to :func:`example_limits`.

    Returns
    -------
    dict
        ``{student_id: report}``, in the order of ``student_ids_to_grade``.
    """
    from autograder.batch import Submission, grade_submissions

    ids = list(student_ids_to_grade or student_ids())
    submissions = [
        Submission(student_id, LESSON_ID, LESSON_ID, submission_path(student_id))
        for student_id in ids
    ]
    reports = {
        report["student_id"]: report
        for report in grade_submissions(
            submissions, secret=secret, jobs=jobs, limits=limits or example_limits()
        )
    }
    return {student_id: reports[student_id] for student_id in ids}


def main(argv=None):
    r"""Rebuild the bundled class from the course's student version of lesson 3."""
    import argparse

    from autograder.secret import default_course_root

    parser = argparse.ArgumentParser(description=main.__doc__)
    root = default_course_root()
    default = root / "notebooks" / LESSON_ID / f"{LESSON_ID}.ipynb" if root else None
    parser.add_argument("--student-version", type=Path, default=default)
    parser.add_argument("--out", type=Path, default=SUBMITTED_DIR)
    args = parser.parse_args(argv)
    ids = build_class(args.student_version, args.out)
    print(f"built {len(ids)} submissions under {args.out}")


if __name__ == "__main__":
    main()
