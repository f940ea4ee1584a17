"""The bundled example class: every correct and misconception student gets its exact outcome."""

import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.examples import example_class
from autograder.secret import default_course_root

pytestmark = [pytest.mark.slow, pytest.mark.serial]

EXPECTED = example_class.expected_outcomes()
NON_ATTACK = [student for student in EXPECTED if not student.startswith("attack_")]


@pytest.fixture(scope="module")
def reports():
    return example_class.grade_example_class(NON_ATTACK, jobs=2)


def test_the_class_covers_every_misconception_and_attack():
    from autograder.definitions import tests_for_lesson

    # Every code a lesson-3 test can report has its student (the bank covers every lesson).
    codes = {student[3:] for student in EXPECTED if student.startswith("mc_")}
    lesson3 = {
        code for test in tests_for_lesson("lesson3_implement") for code in test.misconceptions
    }
    assert codes == lesson3 | {"uses_reference"}
    attacks = {student for student in EXPECTED if student.startswith("attack_")}
    assert len(attacks) >= 14
    assert {"correct_reference", "correct_loops", "not_a_notebook"} <= set(EXPECTED)
    assert set(example_class.student_ids()) == set(EXPECTED)


@pytest.mark.parametrize("student", NON_ATTACK)
def test_exact_outcome(student, reports):
    assert example_class.outcome_differences(reports[student], EXPECTED[student]) == []


@pytest.mark.parametrize("student", [s for s in NON_ATTACK if s.startswith("mc_")])
def test_each_misconception_student_is_named_in_the_feedback(student, reports):
    code = student[3:]
    messages = "\n".join(test["message"] for test in reports[student]["tests"])
    assert f"[{code}]" in messages
    assert reports[student]["score"] < reports["correct_reference"]["score"]


def test_the_builder_makes_the_committed_submissions(tmp_path):
    # The class follows the lesson: rebuilding its code from the student version changes nothing.
    root = default_course_root()
    release = root / "notebooks" / example_class.LESSON_ID / f"{example_class.LESSON_ID}.ipynb"
    if not release.is_file():
        course = tmp_path / "course"
        shutil.copytree(root / "solutions" / example_class.LESSON_ID,
                        course / "solutions" / example_class.LESSON_ID)  # fmt: skip
        (course / "nbgrader_config.py").write_text(
            "from pathlib import Path\nc = get_config()\n"
            "c.CourseDirectory.root = str(Path(__file__).resolve().parent)\n"
            "c.CourseDirectory.source_directory = 'solutions'\n"
            "c.CourseDirectory.release_directory = 'notebooks'\n"
        )
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", example_class.LESSON_ID,
             "--force"],
            cwd=course, check=True, capture_output=True,
        )  # fmt: skip
        release = course / "notebooks" / example_class.LESSON_ID / release.name
    rebuilt = tmp_path / "submitted"
    example_class.build_class(release, rebuilt)
    for student in example_class.student_ids():
        built = example_class.submission_path(student, rebuilt)
        committed = example_class.submission_path(student)
        if student == "not_a_notebook":
            assert built.read_bytes() == committed.read_bytes()
            continue
        sources = [
            [
                cell.source
                for cell in nbformat.read(str(path), as_version=4).cells
                if cell.cell_type == "code"
            ]
            for path in (built, committed)
        ]
        assert sources[0] == sources[1], student


def test_parse_sections_rejects_unknown_cells():
    notebook = nbformat.v4.new_notebook()
    with pytest.raises(ValueError, match="grade_id 'nowhere' is not a cell"):
        example_class.build_notebook(notebook, "# %% nowhere\nx = 1\n")
