"""``ce-grade autograde`` as a whole: no weak mode by accident, failures that are not grades,
outputs that hold wherever things live, one run per output folder, nothing left running."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import cli
from autograder.sandbox import warm

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CLASS = ROOT / "autograder/examples/class/submitted"
LESSON = "lesson3_implement"
STUDENTS = ["correct_reference", "mc_sign_flipped", "attack_read_solution"]


def _class(target, students=STUDENTS):
    for student in students:
        shutil.copytree(EXAMPLE_CLASS / student, target / student)
    return target


def _grades(out):
    with (out / "grades.csv").open(newline="") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


def _autograde(submitted, out, secret_file, *extra):
    return cli.main(
        [
            "autograde",
            str(submitted),
            "--out",
            str(out),
            "--no-gradebook",
            "--quiet",
            "--secret-file",
            str(secret_file),
            *extra,
        ]
    )


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("trust tests secret\n")
    return path


def test_without_bubblewrap_autograde_refuses_and_writes_nothing(
    tmp_path, secret_file, monkeypatch, capsys
):
    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: None)
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as refused:
        _autograde(_class(tmp_path / "submitted"), out, secret_file)
    assert "apt-get install bubblewrap" in str(refused.value.code)
    assert not (out / "grades.csv").exists() and not (out / "reports").exists()


def test_a_failing_self_test_stops_the_run_before_anything_is_written(
    tmp_path, secret_file, monkeypatch
):
    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: "/bin/false")
    warm.shutdown()
    out = tmp_path / "out"
    with pytest.raises(SystemExit, match="self-test of lesson3_implement failed"):
        _autograde(_class(tmp_path / "submitted"), out, secret_file)
    assert not (out / "grades.csv").exists()


@pytest.mark.slow
def test_no_sandbox_is_explicit_and_every_output_says_so(tmp_path, secret_file, capsys):
    out = tmp_path / "out"
    code = _autograde(_class(tmp_path / "submitted", ["correct_reference"]), out, secret_file,
                      "--no-sandbox")  # fmt: skip
    assert code == 0
    assert "WITHOUT isolation" in capsys.readouterr().err
    assert _grades(out)["correct_reference"]["isolation"] == "none"
    report = (out / "reports/correct_reference" / LESSON / f"{LESSON}.json").read_text()
    assert '"isolation": "none"' in report
    feedback = (out / "feedback/correct_reference" / LESSON / f"{LESSON}.html").read_text()
    assert "isolation: none" in feedback


@pytest.mark.slow
@pytest.mark.serial
def test_a_sandbox_failure_mid_run_is_an_error_row_not_a_zero(
    tmp_path, secret_file, monkeypatch, capsys, bubblewrap
):
    # The self-test passes; then every notebook's sandbox fails to start.
    def broken(*args, **kwargs):
        raise warm.WarmProcessError("injected failure")

    monkeypatch.setattr(cli, "check_sandbox", lambda limits, lessons: None)
    monkeypatch.setattr(warm, "warm_process", broken)
    out = tmp_path / "out"
    code = _autograde(_class(tmp_path / "submitted"), out, secret_file)
    assert code == 1
    rows = _grades(out)
    assert {row["status"] for row in rows.values()} == {"error"}
    assert {row["score"] for row in rows.values()} == {""}
    err = capsys.readouterr().err
    assert "the grader failed on 3 notebook(s)" in err and "correct_reference" in err
    monkeypatch.undo()
    assert _autograde(tmp_path / "submitted", out, secret_file) == 0  # a rerun grades them
    assert {row["status"] for row in _grades(out).values()} == {"graded"}


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.parametrize("where", ["tmp", "root-level", "deep"])
def test_scores_do_not_depend_on_where_things_live(where, tmp_path, secret_file, bubblewrap):
    if where == "tmp":
        base = tmp_path
    elif where == "root-level":
        base = Path(f"/ce-grade-test-{os.getpid()}")
    else:
        base = tmp_path.joinpath(*[f"level{index}" for index in range(12)])
    try:
        base.mkdir(parents=True, exist_ok=True)
        secret = base / "the-secret.txt"
        shutil.copy(secret_file, secret)
        out = base / "out"
        assert _autograde(_class(base / "submitted"), out, secret) == 0
        scores = {name: row["score"] for name, row in _grades(out).items()}
        assert scores == {"correct_reference": "10", "mc_sign_flipped": "6",
                          "attack_read_solution": "0"}  # fmt: skip
    finally:
        if where == "root-level":
            shutil.rmtree(base, ignore_errors=True)


def test_a_second_run_into_the_same_output_folder_is_refused(tmp_path, secret_file):
    import fcntl

    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".ce-grade.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(SystemExit, match="another ce-grade run is writing the output"):
            _autograde(_class(tmp_path / "submitted"), out, secret_file)


@pytest.mark.slow
@pytest.mark.serial
def test_student_text_is_neutralised_in_every_output(tmp_path, secret_file, bubblewrap):
    submitted = tmp_path / "submitted"
    name = "=HYPERLINK(1)\x1b[31m"
    shutil.copytree(EXAMPLE_CLASS / "mc_sign_flipped", submitted / name)
    out = tmp_path / "out"
    assert _autograde(submitted, out, secret_file) == 0
    text = (out / "grades.csv").read_text()
    assert "\n'=HYPERLINK" in text  # a spreadsheet shows it as text
    from autograder.outputs import format_grade_table

    rows = list(csv.DictReader((out / "grades.csv").open(newline="")))
    shown = format_grade_table([{**row, "score": 6.0, "max_score": 10.0, "tests": []}
                                for row in rows])  # fmt: skip
    assert "\x1b" not in shown


def _descendants(pid):
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


def _alive(pids):
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


@pytest.mark.slow
@pytest.mark.serial
def test_kill_9_of_ce_grade_leaves_no_process_behind(tmp_path, secret_file, bubblewrap):
    submitted = _class(tmp_path / "submitted", ["attack_infinite_loop", "correct_loops"])
    command = [sys.executable, "-m", "autograder.cli", "autograde", str(submitted), "--out",
               str(tmp_path / "out"), "--jobs", "2", "--no-gradebook", "--quiet",
               "--secret-file", str(secret_file)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    seen = []
    while time.monotonic() < deadline:
        seen = _descendants(process.pid)
        if len(seen) >= 6:  # workers, bubblewrap, warm processes and a notebook running
            break
        time.sleep(0.2)
    assert len(seen) >= 4, "grading never started"
    time.sleep(1.0)
    seen = set(seen) | set(_descendants(process.pid))
    process.send_signal(signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 15
    while _alive(seen) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _alive(seen) == []
