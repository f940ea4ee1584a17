"""Scores reach nbgrader's gradebook and the formgrader's autograded notebooks.

Every test works on a temporary copy of the course, never on the repository's gradebook.
"""

import csv
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import definitions
from autograder.autograded import autograded_path, write_autograded_notebook
from autograder.gradebook import GradebookWriter, generate_assignment, nbgrader_command

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
LESSON = "lesson3_implement"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A course copy whose gradebook knows lesson 3 (released once by stock nbgrader)."""
    root = tmp_path_factory.mktemp("template") / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions" / LESSON, root / "solutions" / LESSON)
    release = tmp_path_factory.mktemp("release")
    generate_assignment(root, LESSON, release_directory=release)
    submitted = root / "submitted" / "ada" / LESSON
    submitted.mkdir(parents=True)
    shutil.copy(release / LESSON / f"{LESSON}.ipynb", submitted / f"{LESSON}.ipynb")
    return root


@pytest.fixture
def course(tmp_path, template):
    """A fresh copy of the template course, with ada's untouched student notebook."""
    return shutil.copytree(template, tmp_path / "course")


@pytest.fixture
def released(template):
    return submitted_path(template)


def report_for(student, points, *, reason=None):
    tests = definitions.tests_for_lesson(LESSON)
    return {
        "student_id": student,
        "assignment_id": LESSON,
        "notebook_id": LESSON,
        "lesson_id": LESSON,
        "score": sum(points.get(t.id, 0.0) for t in tests),
        "max_score": float(sum(t.points for t in tests)),
        "status": "graded" if reason is None else "failed",
        "reason": reason,
        "isolation": "bubblewrap",
        "tests": [
            {
                "id": t.id,
                "points": points.get(t.id, 0.0),
                "max_points": float(t.points),
                "passed": points.get(t.id, 0.0) == t.points,
                "message": f"message of {t.id}",
                "misconceptions": ["sign_flipped"] if points.get(t.id, 0.0) < t.points else [],
                "cases_passed": 0,
                "cases_total": 0,
            }
            for t in tests
        ],
    }


def record(writer, report, path):
    """Write ``report`` as ce-grade does: the gradebook, then the autograded notebook."""
    recorded = writer.record(report, path)
    if recorded is not None:
        write_autograded_notebook(
            writer.course_root, report, path, gradebook=writer.gradebook, db_url=writer.db_url
        )
    return recorded


def submitted_path(course, student="ada"):
    return course / "submitted" / student / LESSON / f"{LESSON}.ipynb"


def auto_scores(course, student="ada"):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            t.id: gradebook.find_grade(t.id, LESSON, LESSON, student).auto_score
            for t in definitions.tests_for_lesson(LESSON)
        }


def export(course):
    subprocess.run(
        [*nbgrader_command(), "export"], cwd=course, check=True, capture_output=True, text=True
    )
    with (course / "grades.csv").open(newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def test_scores_reach_the_gradebook_and_nbgrader_export(course):
    first, *rest = definitions.tests_for_lesson(LESSON)
    points = {first.id: first.points / 2, **{t.id: float(t.points) for t in rest}}
    with GradebookWriter(course) as writer:
        assert writer.record(report_for("ada", points), submitted_path(course))
    assert auto_scores(course) == points
    row = export(course)["ada"]
    assert float(row["score"]) == pytest.approx(sum(points.values()))
    assert float(row["max_score"]) == sum(t.points for t in definitions.tests_for_lesson(LESSON))


def test_autograded_notebook_carries_the_results_in_its_grade_cells(course):
    first, *_rest = definitions.tests_for_lesson(LESSON)
    points = {first.id: 1.0}
    with GradebookWriter(course) as writer:
        record(writer, report_for("ada", points), submitted_path(course))
    notebook = nbformat.read(course / "autograded" / "ada" / LESSON / f"{LESSON}.ipynb", 4)
    nbformat.validate(notebook)
    cells = {
        c.metadata["nbgrader"]["grade_id"]: c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert set(cells) == {t.id for t in definitions.tests_for_lesson(LESSON)}
    outputs = cells[first.id].outputs
    assert f"message of {first.id}" in outputs[0]["text"]
    assert "misconception sign_flipped" in outputs[0]["text"]
    assert outputs[-1]["data"]["text/plain"] == "1"


def test_edited_and_deleted_test_cells_are_restored_from_the_gradebook(course, released):
    notebook = nbformat.read(released, 4)
    test_ids = [t.id for t in definitions.tests_for_lesson(LESSON)]
    kept = []
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id == test_ids[0]:
            cell.source = "score = 3  # full marks, surely"
        if grade_id != test_ids[-1]:
            kept.append(cell)
    notebook.cells = kept
    nbformat.write(notebook, submitted_path(course))
    with GradebookWriter(course) as writer:
        record(writer, report_for("ada", {}), submitted_path(course))
    autograded = nbformat.read(course / "autograded" / "ada" / LESSON / f"{LESSON}.ipynb", 4)
    sources = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in autograded.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert set(sources) == set(test_ids)
    assert "full marks, surely" not in sources[test_ids[0]]
    assert f'check("{test_ids[0]}"' in sources[test_ids[0]]


def test_an_unreadable_submission_gets_zero_and_a_notebook_stating_why(course):
    submitted_path(course).write_text("this is not json")
    with GradebookWriter(course) as writer:
        record(writer, report_for("ada", {}, reason="not a notebook"), submitted_path(course))
    assert set(auto_scores(course).values()) == {0.0}
    notebook = nbformat.read(course / "autograded" / "ada" / LESSON / f"{LESSON}.ipynb", 4)
    assert "not a notebook" in notebook.cells[0].source


def test_regrading_updates_scores_and_keeps_manual_grades(course):
    first = definitions.tests_for_lesson(LESSON)[0]
    with GradebookWriter(course) as writer:
        writer.record(report_for("ada", {}), submitted_path(course))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(first.id, LESSON, LESSON, "ada")
        grade.manual_score = 2.0
        gradebook.db.commit()
    with GradebookWriter(course) as writer:
        writer.record(report_for("ada", {first.id: 1.0}), submitted_path(course))
        writer.record(report_for("ada", {first.id: 1.0}), submitted_path(course))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade(first.id, LESSON, LESSON, "ada")
        assert (grade.auto_score, grade.manual_score, grade.needs_manual_grade) == (1.0, 2.0, True)
        assert len(gradebook.find_assignment(LESSON).submissions) == 1
    # nbgrader's export uses the manual score where a grader gave one.
    assert float(export(course)["ada"]["score"]) == pytest.approx(2.0)


def test_an_unknown_assignment_is_not_recorded(course):
    report = report_for("ada", {})
    report["assignment_id"] = "no_such_lesson"
    with GradebookWriter(course) as writer:
        assert not record(writer, report, submitted_path(course))
    assert not (course / "autograded").exists()


def test_the_submission_time_from_nbgrader_collect_is_kept(course):
    (submitted_path(course).parent / "timestamp.txt").write_text("2026-01-05 12:30:00.000000 UTC")
    with GradebookWriter(course) as writer:
        writer.record(report_for("ada", {}), submitted_path(course))
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        stamp = gradebook.find_submission(LESSON, "ada").timestamp
    assert (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute) == (2026, 1, 5, 12, 30)


def test_a_failed_write_leaves_the_writer_usable(course):
    # A report the writer cannot use is refused; the next student's report still lands.
    first = definitions.tests_for_lesson(LESSON)[0]
    broken = report_for("ada", {})
    broken["tests"][0]["points"] = "not a number"
    with GradebookWriter(course) as writer:
        with pytest.raises(ValueError):
            writer.record(broken, submitted_path(course))
        assert writer.record(report_for("bob", {first.id: 1.0}), submitted_path(course))
    assert auto_scores(course, "bob")[first.id] == 1.0


def test_the_writer_writes_the_gradebook_and_the_notebook_is_rendered_from_it(course):
    report = report_for("ada", {})
    with GradebookWriter(course) as writer:
        assert writer.record(report, submitted_path(course))
        assert not (course / "autograded").exists()
        path = write_autograded_notebook(
            course, report, submitted_path(course), gradebook=writer.gradebook, db_url=writer.db_url
        )
    assert (
        path
        == autograded_path(course, report)
        == (course / "autograded" / "ada" / LESSON / f"{LESSON}.ipynb")
    )
    nbformat.validate(nbformat.read(path, 4))
