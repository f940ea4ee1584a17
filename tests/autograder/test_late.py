"""The late-submission policy: nbgrader's due dates, timestamps, extensions and plugins.

The comparison tests build a real scratch nbgrader course (the course's config and lesson 1),
run stock ``nbgrader autograde --force`` on late, on-time, extended and manually overridden
submissions, and check that :class:`autograder.late.LatePolicy` gives the penalty stock
nbgrader stored in the gradebook and the score ``nbgrader export`` writes. The other tests
use nbgrader's Python API only and take milliseconds.
"""

import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

from autograder.late import LateAssessment, LatePolicy, format_duration, load_course_config

ROOT = Path(__file__).resolve().parents[2]
LESSON = "lesson1_softmax_loss"
DUE = "2024-03-01 17:00:00 UTC"
DUE_TIME = datetime.datetime(2024, 3, 1, 17, 0)

# The custom plugin a course may keep next to its nbgrader_config.py: 6 points per started
# day late (more than a notebook's score after two days: nbgrader caps it at the score).
CUSTOM_PLUGIN = """
from nbgrader.plugins import LateSubmissionPlugin


class PerDayPenalty(LateSubmissionPlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        started_days = -(-total_seconds_late // 86400)
        return 6.0 * started_days
"""


def run_nbgrader(course, *args):
    """Run stock nbgrader in ``course``; its environment's scripts (alembic) come first."""
    scripts = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    command = [str(Path(sys.executable).with_name("nbgrader")), *args]
    result = subprocess.run(
        command, cwd=course, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def scratch_course(folder):
    """A course folder with the repository's nbgrader_config.py and lesson 1's source."""
    course = folder / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / LESSON, course / "solutions" / LESSON)
    return course


def add_to_config(course, *lines):
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(lines) + "\n")


def source_notebook():
    return json.loads((ROOT / "solutions" / LESSON / f"{LESSON}.ipynb").read_text("utf-8"))


def partial_notebook():
    """The reference answers with two of the three understanding answers wrong (8 of 10)."""
    notebook = source_notebook()
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "l1-understanding-solution":
            cell["source"] = (
                "def loss_uniform(K):\n    return float(np.log(K))\n\n"
                "def probability_for_loss(J):\n    return 0.5\n\n"
                "def several_labels_best(n_labels):\n    return 1.0\n"
            )
    return notebook


def record_submission(gradebook, student, **values):
    """nbgrader's own update_or_create_submission (its autoflush warns about itself)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Object of type .* not in session")
        return gradebook.update_or_create_submission(LESSON, student, **values)


def submit(course, student, notebook, timestamp):
    folder = course / "submitted" / student / LESSON
    folder.mkdir(parents=True)
    (folder / f"{LESSON}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp, encoding="utf-8")
    return folder


# student: (notebook, timestamp.txt or None, extension in days or None)
CASES = {
    "ontime": (source_notebook, "2024-03-01 16:00:00.000000 UTC", None),
    # nbgrader writes timestamps in the exchange's timezone: 18:30 CET is 17:30 UTC.
    "cet_late": (source_notebook, "2024-03-01 18:30:00.000000 CET", None),
    "extended": (source_notebook, "2024-03-02 23:00:00.000000 UTC", 2),
    "late_extension": (source_notebook, "2024-03-04 17:00:00.000000 UTC", 1),
    "late_partial": (partial_notebook, "2024-03-02 03:00:00.000000 UTC", None),
    "nostamp": (source_notebook, None, None),
}


def stock_results(course, students):
    """``{student: (score, late_submission_penalty, total_seconds_late)}`` from the gradebook."""
    results = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student in students:
            notebook = gradebook.find_submission_notebook(LESSON, LESSON, student)
            submission = gradebook.find_submission(LESSON, student)
            results[student] = (
                notebook.score,
                notebook.late_submission_penalty,
                submission.total_seconds_late,
            )
    return results


@pytest.fixture(scope="module")
def stock(tmp_path_factory):
    """A scratch course graded twice by stock nbgrader: penalty "zero", then a plugin class.

    Returns the course, the policies read before each stock run, the stock results of each
    run and the rows of ``nbgrader export`` after the first run.
    """
    course = scratch_course(tmp_path_factory.mktemp("late"))
    run_nbgrader(course, "db", "assignment", "add", LESSON, f"--duedate={DUE}")
    run_nbgrader(course, "generate_assignment", LESSON, "--force")
    run_nbgrader(course, "db", "student", "add", "ontime", "--first-name=Ada", "--last-name=L")
    roster = course / "students.csv"
    roster.write_text("id,first_name,last_name\n" + "".join(f"{s},F,L\n" for s in CASES))
    run_nbgrader(course, "db", "student", "import", str(roster))
    for student, (notebook, timestamp, _days) in CASES.items():
        submit(course, student, notebook(), timestamp)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        for student, (_notebook, _timestamp, days) in CASES.items():
            if days is not None:
                record_submission(gradebook, student)
                gradebook.grant_extension(LESSON, student, days=days)

    add_to_config(course, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    zero_policy = LatePolicy.from_course(course)
    run_nbgrader(course, "autograde", LESSON, "--force")
    zero_results = stock_results(course, CASES)
    run_nbgrader(course, "export", "--to=export.csv")
    with open(course / "export.csv", newline="", encoding="utf-8") as handle:
        exported = {row["student_id"]: row for row in csv.DictReader(handle)}

    # A manual grade raises late_partial's score before the second run, as a grader would.
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("l1_several_labels_best", LESSON, LESSON, "late_partial")
        grade.manual_score = 1.0
        gradebook.db.commit()
    (course / "course_late.py").write_text(CUSTOM_PLUGIN, encoding="utf-8")
    add_to_config(
        course,
        'c.LateSubmissionPlugin.penalty_method = "none"',
        'c.AssignLatePenalties.plugin_class = "course_late.PerDayPenalty"',
    )
    plugin_policy = LatePolicy.from_course(course)
    run_nbgrader(course, "autograde", LESSON, "--force", "--student=late_*")
    plugin_results = stock_results(course, ["late_extension", "late_partial"])
    return {
        "course": course,
        "zero_policy": zero_policy,
        "zero": zero_results,
        "exported": exported,
        "plugin_policy": plugin_policy,
        "plugin": plugin_results,
    }


def assert_same_as_stock(policy, course, results):
    for student, (score, penalty, seconds_late) in results.items():
        folder = course / "submitted" / student / LESSON
        assessment = policy.assess(student, LESSON, folder, score)
        assert assessment.seconds_late == pytest.approx(seconds_late), student
        assert assessment.nbgrader_penalty == pytest.approx(penalty), student
        assert assessment.penalty == pytest.approx(penalty or 0.0), student
        assert assessment.score == pytest.approx(max(0.0, score - (penalty or 0.0))), student


@pytest.mark.slow
def test_the_zero_policy_matches_stock_autograde(stock):
    results = stock["zero"]
    # The scratch course did what the cases say under stock nbgrader.
    assert results["ontime"] == (10.0, None, 0)
    assert results["cet_late"] == (10.0, 10.0, 1800.0)
    assert results["extended"][1] is None
    assert results["late_extension"][1:] == (10.0, 2 * 86400.0)
    assert results["late_partial"] == (8.0, 8.0, 10 * 3600.0)
    assert results["nostamp"][1] is None
    assert_same_as_stock(stock["zero_policy"], stock["course"], results)


@pytest.mark.slow
def test_scores_are_those_of_nbgrader_export(stock):
    policy, course = stock["zero_policy"], stock["course"]
    for student, row in stock["exported"].items():
        raw = float(row["raw_score"])
        assessment = policy.assess(student, LESSON, course / "submitted" / student / LESSON, raw)
        assert assessment.penalty == pytest.approx(float(row["late_submission_penalty"]))
        assert assessment.score == pytest.approx(float(row["score"]))


@pytest.mark.slow
def test_a_custom_plugin_class_and_a_manual_grade_match_stock_autograde(stock):
    results = stock["plugin"]
    # Two days late: 12 points capped at the score; a manual point raised 8 to 9.
    assert results["late_extension"] == (10.0, 10.0, 2 * 86400.0)
    assert results["late_partial"] == (9.0, 6.0, 10 * 3600.0)
    assert stock["plugin_policy"].method == "course_late.PerDayPenalty"
    assert_same_as_stock(stock["plugin_policy"], stock["course"], results)


@pytest.mark.slow
def test_a_policy_read_after_stock_autograde_gives_the_same_answers(stock):
    course = stock["course"]
    after = LatePolicy.from_course(course)
    assert after.recorded  # stock nbgrader recorded the submission times
    assert_same_as_stock(after, course, stock["plugin"])


@pytest.mark.slow
def test_the_notes_say_what_happened(stock):
    policy, course = stock["zero_policy"], stock["course"]

    def note(student, score=10.0):
        return policy.assess(student, LESSON, course / "submitted" / student / LESSON, score).note

    assert note("ontime") == "submitted on time (due 2024-03-01 17:00 UTC)"
    assert note("cet_late") == (
        "submitted 30 min late (due 2024-03-01 17:00 UTC, submitted 2024-03-01 17:30 UTC); "
        "the course's late policy (zero) gives 0 of 10"
    )
    assert note("extended") == (
        "submitted 30.0 h after the due date (2024-03-01 17:00 UTC), within the extension "
        "of 48.0 h (2.0 days): on time"
    )
    assert note("late_extension").startswith(
        "submitted 48.0 h (2.0 days) late after the extension of 24.0 h (due 2024-03-02 17:00"
    )
    assert note("nostamp") == "no submission time (no timestamp.txt): no late penalty"


# --- Fast tests: nbgrader's API only ---------------------------------------------------------


@pytest.fixture(scope="module")
def empty_gradebook(tmp_path_factory):
    """A gradebook with lesson 1 due at DUE and the student ada, made once per module.

    A new gradebook asks this environment's ``alembic`` script for its schema version, which
    takes seconds; each test copies this one instead.
    """
    path = tmp_path_factory.mktemp("gradebook") / "gradebook.db"
    scripts = str(Path(sys.executable).parent)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", os.pathsep.join([scripts, os.environ.get("PATH", "")]))
        with Gradebook(f"sqlite:///{path}") as gradebook:
            gradebook.add_assignment(LESSON, duedate=DUE)
            gradebook.add_student("ada")
    return path


@pytest.fixture
def course(tmp_path, empty_gradebook):
    """A course with the repository's config and a gradebook that has a due date."""
    course = scratch_course(tmp_path)
    shutil.copy(empty_gradebook, course / "gradebook.db")
    return course


def test_the_repository_course_has_no_penalty_unless_configured(course):
    policy = LatePolicy.from_course(course)
    assert policy.method == "none"
    folder = submit(course, "ada", source_notebook(), "2024-03-03 02:30:00.000000 UTC")
    assessment = policy.assess("ada", LESSON, folder, 10)
    assert isinstance(assessment, LateAssessment)
    assert assessment.late and assessment.seconds_late == 33.5 * 3600
    assert (assessment.penalty, assessment.score, assessment.nbgrader_penalty) == (0.0, 10.0, None)
    assert assessment.note.endswith("the course's late policy (none) gives 10 of 10")
    assert assessment.due == DUE_TIME and assessment.timestamp_source == "timestamp.txt"


def test_zero_gives_the_sentence_of_the_issue(course):
    add_to_config(course, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    folder = submit(course, "ada", source_notebook(), "2024-03-03 02:30:00.000000 UTC")
    assessment = LatePolicy.from_course(course).assess("ada", LESSON, folder, 10.0)
    assert (assessment.penalty, assessment.score) == (10.0, 0.0)
    assert assessment.note == (
        "submitted 33.5 h late (due 2024-03-01 17:00 UTC, submitted 2024-03-03 02:30 UTC); "
        "the course's late policy (zero) gives 0 of 10"
    )


def test_without_a_gradebook_nothing_is_late_and_no_gradebook_is_created(tmp_path):
    course = scratch_course(tmp_path)
    folder = submit(course, "ada", source_notebook(), "2030-01-01 00:00:00.000000 UTC")
    assessment = LatePolicy.from_course(course).assess("ada", LESSON, folder, 3.5)
    assert (assessment.seconds_late, assessment.penalty, assessment.score) == (0.0, 0.0, 3.5)
    assert "no due date" in assessment.note
    assert not (course / "gradebook.db").exists()


def test_an_empty_timestamp_falls_back_to_the_time_in_the_gradebook(course):
    add_to_config(course, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    folder = submit(course, "ada", source_notebook(), "  \n")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        record_submission(gradebook, "ada", timestamp="2024-03-02 17:00 UTC")
    assessment = LatePolicy.from_course(course).assess("ada", LESSON, folder, 4.0)
    assert assessment.timestamp_source == "gradebook"
    assert (assessment.seconds_late, assessment.penalty) == (86400.0, 4.0)


@pytest.mark.parametrize(
    "content, expected",
    [("not a time", "got 'not a time' in"), (b"\xff\xfe", "small text file, got")],
)
def test_an_unreadable_timestamp_is_an_error_naming_the_file(course, content, expected):
    folder = submit(course, "ada", source_notebook(), None)
    path = folder / "timestamp.txt"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ValueError, match=expected) as raised:
        LatePolicy.from_course(course).assess("ada", LESSON, folder, 1.0)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("kind", ["symlink", "fifo", "folder"])
def test_a_timestamp_that_is_not_a_regular_file_is_never_opened(course, tmp_path, kind):
    folder = submit(course, "ada", source_notebook(), None)
    path = folder / "timestamp.txt"
    if kind == "symlink":
        target = tmp_path / "elsewhere.txt"
        target.write_text("2020-01-01 00:00:00 UTC")
        path.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(path)  # opening it for reading would block without O_NONBLOCK
    else:
        path.mkdir()
    expected = "submission_dir: expected nbgrader's timestamp.txt as a small text file, got"
    with pytest.raises(ValueError, match=expected) as raised:
        LatePolicy.from_course(course).assess("ada", LESSON, folder, 1.0)
    assert repr(str(path)) in str(raised.value)


@pytest.mark.parametrize(
    "name, value, expected",
    [
        ("raw_score", float("nan"), "raw_score: expected a finite number, got nan."),
        ("raw_score", "ten", "raw_score: expected a finite number, got 'ten'."),
        ("raw_score", True, "raw_score: expected a finite number, got True."),
        ("student_id", "", "student_id: expected a non-empty string, got ''."),
        ("assignment_id", None, "assignment_id: expected a non-empty string, got None."),
    ],
)
def test_bad_arguments_are_named(course, name, value, expected):
    arguments = {"student_id": "ada", "assignment_id": LESSON, "raw_score": 1.0}
    arguments[name] = value
    policy = LatePolicy.from_course(course)
    with pytest.raises(ValueError, match=expected) as raised:
        policy.assess(submission_dir=course, **arguments)
    assert repr(value) in str(raised.value)


def test_a_plugin_class_that_does_not_exist_is_named(course):
    add_to_config(course, 'c.AssignLatePenalties.plugin_class = "no_such_module.Plugin"')
    with pytest.raises(ValueError, match=r"AssignLatePenalties\.plugin_class") as raised:
        LatePolicy.from_course(course)
    assert "no_such_module.Plugin" in str(raised.value)


def test_a_config_file_that_fails_is_named(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n1 / 0\n")
    with pytest.raises(ValueError, match="nbgrader_config") as raised:
        load_course_config(tmp_path)
    assert "ZeroDivisionError" in str(raised.value)
    with pytest.raises(ValueError, match="course_root: expected a course folder, got"):
        load_course_config(tmp_path / "missing")


def test_the_config_root_defaults_to_the_course(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n")
    assert load_course_config(tmp_path).CourseDirectory.root == str(tmp_path.resolve())


def test_the_fingerprint_follows_the_policy(course):
    first = LatePolicy.from_course(course)
    assert first.fingerprint() == LatePolicy.from_course(course).fingerprint()
    add_to_config(course, 'c.LateSubmissionPlugin.penalty_method = "zero"')
    zero = LatePolicy.from_course(course)
    assert zero.fingerprint() != first.fingerprint()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        record_submission(gradebook, "ada", timestamp="2024-03-02 17:00 UTC")
    assert LatePolicy.from_course(course).fingerprint() == zero.fingerprint()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.grant_extension(LESSON, "ada", hours=5)
    extended = LatePolicy.from_course(course)
    assert extended.fingerprint() != zero.fingerprint()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(LESSON, duedate="2024-04-01 17:00:00 UTC")
    assert LatePolicy.from_course(course).fingerprint() != extended.fingerprint()


def test_durations_read_well():
    assert format_duration(59) == "59 s"
    assert format_duration(3599) == "60 min"
    assert format_duration(47.9 * 3600) == "47.9 h"
    assert format_duration(2 * 86400) == "48.0 h (2.0 days)"
