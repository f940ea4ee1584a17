"""Every attack of the example class gets no more than a plain wrong answer."""

import hashlib
import os
from pathlib import Path

import pytest

from autograder.examples import example_class
from autograder.sandbox.warm import shutdown as shutdown_warm_processes
from autograder.secret import default_course_root

EXPECTED = example_class.expected_outcomes()
ATTACKS = sorted(student for student in EXPECTED if student.startswith("attack_"))

pytestmark = [pytest.mark.slow, pytest.mark.serial, pytest.mark.usefixtures("bubblewrap")]


def _course_fingerprint():
    root = default_course_root()
    watched = [
        *sorted((root / "solutions").rglob("*")),
        root / "gradebook.db",
        root / ".ce_grade_secret",
        root / "autograded",
    ]
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None
        for path in watched
        if path.exists()
    }


def _descendants():
    """The live processes started, directly or not, by this one (pool workers, sandboxes)."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            parents[stat.parent.name] = fields[1]
    found, frontier = [], [str(os.getpid())]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


@pytest.fixture(scope="module")
def graded():
    before = _course_fingerprint()
    reports = example_class.grade_example_class(ATTACKS, jobs=2)
    return reports, before, _course_fingerprint()


@pytest.mark.parametrize("student", ATTACKS)
def test_exact_outcome(student, graded):
    reports, _, _ = graded
    assert example_class.outcome_differences(reports[student], EXPECTED[student]) == []
    assert reports[student]["score"] < 10.0


def test_no_attack_scores_more_than_its_honest_work(graded):
    reports, _, _ = graded
    # Only the deleted-test-cells student wrote real code (a sign-flipped gradient).
    for student, report in reports.items():
        if student == "attack_deleted_test_cells":
            assert report["score"] == 6.0
        else:
            assert report["score"] == 0.0, student


def test_the_course_is_untouched_by_attacks(graded):
    _, before, after = graded
    assert before == after
    assert not (default_course_root() / "autograded" / "marker.txt").exists()


def test_printed_output_never_reaches_feedback(graded):
    reports, _, _ = graded
    for report in reports.values():
        for test in report["tests"]:
            assert "All tests passed" not in test["message"]


def test_sandboxes_leave_no_process_behind(graded):
    shutdown_warm_processes()
    assert _descendants() == []


def test_isolation_is_reported(graded):
    reports, _, _ = graded
    used = {report["isolation"] for student, report in reports.items()}
    assert used == {"bubblewrap"}
