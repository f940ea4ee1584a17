"""The ``ce-grade`` command: usage errors, autograde, check, release and demo."""

import csv
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from autograder.gradebook import nbgrader_command

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CLASS = ROOT / "autograder/examples/class/submitted"
LESSON = "lesson3_implement"
CE_GRADE = [sys.executable, "-m", "autograder.cli"]


def copy_students(target, students):
    for student in students:
        shutil.copytree(EXAMPLE_CLASS / student, target / student)
    return target


@pytest.fixture
def course(tmp_path):
    """A private copy of the course with lesson 3 only, and a course secret."""
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions" / LESSON, root / "solutions" / LESSON)
    (root / ".ce_grade_secret").write_text("a secret for the tests\n")
    return root


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("another secret\n")
    return path


def read_grades(out):
    with (out / "grades.csv").open(newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["autograde", "no/such/folder", "--out", "o"],
            "argument SUBMITTED: expected an existing folder, got 'no/such/folder'.",
        ),
        (
            ["autograde", ".", "--out", "o", "--jobs", "0"],
            "argument --jobs: expected an integer >= 1, got '0'.",
        ),
        (
            ["autograde", ".", "--out", "o", "--jobs", "two"],
            "argument --jobs: expected an integer >= 1, got 'two'.",
        ),
        (["autograde", "."], "--out"),
        (["check"], "NOTEBOOK"),
        (["frobnicate"], "invalid choice"),
        (
            ["autograde", ".", "--out", "o", "--secret-file", "missing"],
            "argument --secret-file: expected an existing file, got 'missing'.",
        ),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_check_of_a_missing_notebook_is_an_error(tmp_path):
    path = tmp_path / "nothing.ipynb"
    with pytest.raises(SystemExit) as raised:
        cli.main(["check", str(path)])
    assert str(raised.value) == (
        f"ce-grade: error: NOTEBOOK: expected a notebook file, got {str(path)!r}."
    )


def test_release_of_an_unknown_lesson_is_an_error(course):
    with pytest.raises(
        SystemExit, match=r"LESSON: expected one of lesson3_implement, got 'nope'\."
    ):
        cli.main(["release", "nope", "--course-root", str(course)])


def test_release_without_solutions_names_the_course_root(tmp_path):
    with pytest.raises(SystemExit) as raised:
        cli.main(["release", "--course-root", str(tmp_path)])
    assert str(raised.value) == (
        "ce-grade: error: --course-root: expected a course folder holding solutions/, "
        f"got {str(tmp_path)!r}."
    )


def test_an_empty_secret_file_is_named(tmp_path):
    (tmp_path / "secret").write_text("\n")
    (tmp_path / "nb.ipynb").write_text("{}")
    with pytest.raises(SystemExit) as raised:
        cli.main(["check", str(tmp_path / "nb.ipynb"), "--secret-file", str(tmp_path / "secret")])
    assert str(raised.value) == (
        "ce-grade: error: --secret-file: expected a file holding the secret, got the empty "
        f"file {str(tmp_path / 'secret')!r}."
    )


def test_out_must_not_be_a_file(tmp_path):
    (tmp_path / "out").write_text("")
    with pytest.raises(SystemExit, match="ce-grade: error: --out: expected a folder, got the file"):
        cli.main(["autograde", str(tmp_path), "--out", str(tmp_path / "out"), "--no-gradebook"])


@pytest.mark.slow
def test_autograde_grades_a_class_into_outputs_and_the_gradebook(tmp_path, course, capsys):
    submitted = copy_students(
        course / "submitted", ["correct_reference", "mc_sign_flipped", "not_a_notebook"]
    )
    (submitted / "no_notebook" / LESSON).mkdir(parents=True)
    out = tmp_path / "out"
    argv = ["autograde", str(submitted), "--out", str(out), "--jobs", "2"]
    assert cli.main([*argv, "--course-root", str(course)]) == 0
    captured = capsys.readouterr()
    assert "4 notebooks graded" in captured.out
    assert "grading" in captured.err  # the progress bar

    grades = read_grades(out)
    assert set(grades) == {"correct_reference", "mc_sign_flipped", "not_a_notebook", "no_notebook"}
    assert (out / "class-report.html").is_file() and "class report:" in captured.out
    assert cli.main(["report", str(out), "--course-root", str(course)]) == 0
    assert grades["correct_reference"]["score"] == grades["correct_reference"]["max_score"]
    assert "sign_flipped" in grades["mc_sign_flipped"]["misconceptions"]
    assert grades["not_a_notebook"]["status"] == "failed" and grades["not_a_notebook"]["reason"]
    assert "no notebook of lesson3_implement submitted" in grades["no_notebook"]["reason"]
    for student in grades:
        report = json.loads((out / "reports" / student / LESSON / f"{LESSON}.json").read_text())
        assert report["student_id"] == student and report["tests"]
        assert (out / "feedback" / student / LESSON / f"{LESSON}.html").is_file()

    # Stock nbgrader sees the same scores, and the formgrader finds the notebooks.
    subprocess.run([*nbgrader_command(), "export"], cwd=course, check=True, capture_output=True)
    with (course / "grades.csv").open(newline="") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    assert exported == {student: float(row["score"]) for student, row in grades.items()}
    autograded = course / "autograded" / "correct_reference" / LESSON / f"{LESSON}.ipynb"
    nbformat.validate(nbformat.read(autograded, 4))


@pytest.mark.slow
def test_regrading_is_idempotent_and_keeps_other_rows(tmp_path, secret_file):
    submitted = copy_students(tmp_path / "submitted", ["mc_not_averaged", "correct_loops"])
    out = tmp_path / "out"
    argv = ["autograde", str(submitted), "--out", str(out), "--no-gradebook", "--quiet"]
    argv += ["--secret-file", str(secret_file)]
    assert cli.main(argv) == 0
    first = read_grades(out)
    report_path = out / "reports" / "mc_not_averaged" / LESSON / f"{LESSON}.json"
    first_report = json.loads(report_path.read_text())

    # Regrade one student only: the other row stays, nothing is duplicated.
    shutil.rmtree(submitted / "correct_loops")
    assert cli.main(argv) == 0
    second = read_grades(out)
    assert set(second) == set(first)
    strip = ("duration_s",)
    assert {k: v for k, v in second["mc_not_averaged"].items() if k not in strip} == {
        k: v for k, v in first["mc_not_averaged"].items() if k not in strip
    }
    second_report = json.loads(report_path.read_text())
    assert [t["points"] for t in second_report["tests"]] == [
        t["points"] for t in first_report["tests"]
    ]


@pytest.mark.slow
def test_check_prints_the_report_of_a_notebook():
    notebook = EXAMPLE_CLASS / "mc_missing_true_class_term" / LESSON / f"{LESSON}.ipynb"
    result = subprocess.run(
        [*CE_GRADE, "check", str(notebook)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "[PASS] l3_softmax" in result.stdout
    assert "[FAIL] l3_cross_entropy_grad" in result.stdout
    assert "missing_true_class_term" in result.stdout
    assert result.stdout.count("Your gradient has no -1 on the") == 1


@pytest.mark.slow
def test_check_as_json_matches_the_autograde_report(tmp_path, secret_file):
    notebook = EXAMPLE_CLASS / "mc_sign_flipped" / LESSON / f"{LESSON}.ipynb"
    result = subprocess.run(
        [*CE_GRADE, "check", str(notebook), "--json", "--secret-file", str(secret_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    checked = json.loads(result.stdout)
    submitted = copy_students(tmp_path / "submitted", ["mc_sign_flipped"])
    out = tmp_path / "out"
    cli.main(["autograde", str(submitted), "--out", str(out), "--no-gradebook", "--quiet",
              "--secret-file", str(secret_file)])  # fmt: skip
    graded = json.loads((out / "reports/mc_sign_flipped" / LESSON / f"{LESSON}.json").read_text())
    for key in ("score", "max_score", "status"):
        assert checked[key] == graded[key]
    assert [(t["id"], t["points"], t["misconceptions"]) for t in checked["tests"]] == [
        (t["id"], t["points"], t["misconceptions"]) for t in graded["tests"]
    ]


def test_check_of_something_that_is_not_a_notebook_still_reports(tmp_path, capsys):
    broken = tmp_path / f"{LESSON}.ipynb"
    broken.write_text("print('hello')")
    assert cli.main(["check", str(broken)]) == 0
    out = capsys.readouterr().out
    assert "not fully graded" in out and "0 / 10 points" in out


@pytest.mark.slow
def test_release_is_stock_nbgrader_and_deterministic(course):
    assert cli.main(["release", "--course-root", str(course)]) == 0
    released = course / "notebooks" / LESSON / f"{LESSON}.ipynb"
    first = released.read_bytes()
    assert cli.main(["release", LESSON, "--course-root", str(course)]) == 0
    assert released.read_bytes() == first
    # Same bytes as the committed student version of the repository.
    assert first == (ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb").read_bytes()
    assert "BEGIN SOLUTION" not in first.decode()


@pytest.mark.slow
def test_demo_releases_and_prints_the_grade_table(tmp_path, course, monkeypatch, capsys):
    shutil.copytree(ROOT / "notebooks" / LESSON, course / "notebooks" / LESSON)
    small_class = copy_students(tmp_path / "class", ["correct_reference", "mc_wrong_axis"])
    monkeypatch.setattr(cli, "EXAMPLE_CLASS", small_class)
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--course-root", str(course)]) == 0
    printed = capsys.readouterr().out
    assert "notebooks/ matches a fresh release of solutions/" in printed
    assert "correct_reference" in printed and "wrong_axis" in printed
    assert "2 notebooks graded: 1 full marks" in printed
    assert set(read_grades(out / "grades")) == {"correct_reference", "mc_wrong_axis"}
    # The demo never touches the course's records: a scratch course holds its gradebook.
    assert not (course / "gradebook.db").exists() and not (course / "autograded").exists()
    assert (out / "course" / "gradebook.db").is_file()
    assert "expected outcomes (examples/class/expected.json): 2 of 2 students match" in printed


@pytest.mark.slow
@pytest.mark.serial
def test_an_interrupted_run_keeps_the_grades_already_written(tmp_path, secret_file):
    submitted = tmp_path / "submitted"
    # Graded in this order: a correct notebook, then one that loops until its time limit.
    shutil.copytree(EXAMPLE_CLASS / "correct_reference", submitted / "a_first")
    shutil.copytree(EXAMPLE_CLASS / "attack_infinite_loop", submitted / "z_last")
    out = tmp_path / "out"
    command = [*CE_GRADE, "autograde", str(submitted), "--out", str(out), "--no-gradebook"]
    command += ["--quiet", "--secret-file", str(secret_file)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first_report = out / "reports" / "a_first" / LESSON / f"{LESSON}.json"
    try:
        deadline = time.monotonic() + 300
        while not (out / "grades.csv").exists() and time.monotonic() < deadline:
            assert process.poll() is None, "the run ended before it could be interrupted"
            time.sleep(0.2)
    finally:
        process.kill()
        process.wait()
    assert set(read_grades(out)) == {"a_first"}
    assert json.loads(first_report.read_text())["score"] == 10
    assert not list(out.rglob("*.tmp"))

    # Resumed, the run grades only what is left, and ends as an uninterrupted run does.
    kept = first_report.read_bytes()
    argv = ["autograde", str(submitted), "--no-gradebook", "--quiet"]
    argv += ["--secret-file", str(secret_file)]
    assert cli.main([*argv, "--out", str(out)]) == 0
    assert first_report.read_bytes() == kept  # not graded again
    fresh = tmp_path / "fresh"
    assert cli.main([*argv, "--out", str(fresh)]) == 0

    def without_times(rows):
        return {
            name: {k: v for k, v in row.items() if k != "duration_s"} for name, row in rows.items()
        }

    assert without_times(read_grades(out)) == without_times(read_grades(fresh))
    for name in ("a_first", "z_last"):
        resumed, straight = (
            json.loads((folder / "reports" / name / LESSON / f"{LESSON}.json").read_text())
            for folder in (out, fresh)
        )
        for report in (resumed, straight):
            report.pop("duration_s")
            for test in report["tests"]:
                test.pop("duration_s", None)
        assert resumed == straight


@pytest.mark.slow
def test_release_reports_a_lesson_nbgrader_cannot_build(course, capsys):
    broken = course / "solutions" / "lesson9_broken"
    broken.mkdir()
    (broken / "lesson9_broken.ipynb").write_text("not a notebook")
    with pytest.raises(SystemExit, match="nbgrader could not release lesson9_broken"):
        cli.main(["release", "lesson9_broken", "--course-root", str(course)])
    assert "lesson9_broken" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_without_bubblewrap_grades_the_honest_notebooks_and_says_so(
    tmp_path, course, monkeypatch, capsys
):
    shutil.copytree(ROOT / "notebooks" / LESSON, course / "notebooks" / LESSON)
    small_class = copy_students(tmp_path / "class", ["correct_reference", "attack_read_solution"])
    monkeypatch.setattr(cli, "EXAMPLE_CLASS", small_class)
    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: None)
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--course-root", str(course)]) == 0
    captured = capsys.readouterr()
    assert "bubblewrap is not installed" in captured.out
    assert "WITHOUT isolation" in captured.err
    assert set(read_grades(out / "grades")) == {"correct_reference"}
