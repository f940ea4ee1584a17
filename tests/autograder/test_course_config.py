"""The course's nbgrader_config.py works with nbgrader's exchange.

A scratch copy of the course (its config, lesson 1's source and released student version)
goes through the whole exchange with stock nbgrader: the instructor releases, a student
fetches and submits, the instructor collects. The exchange is a scratch folder given on the
command line (``--Exchange.root``), never the machine's ``/srv/nbgrader/exchange``.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.late import LatePolicy, load_course_config
from autograder.matching import Lessons, match_class

ROOT = Path(__file__).resolve().parents[2]
LESSON = "lesson1_softmax_loss"
COURSE_ID = load_course_config(ROOT).CourseDirectory.course_id


def run_nbgrader(cwd, *args, check=True):
    scripts = str(Path(sys.executable).parent)
    env = dict(os.environ, PATH=os.pathsep.join([scripts, os.environ.get("PATH", "")]))
    result = subprocess.run(
        [str(Path(sys.executable).with_name("nbgrader")), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, f"nbgrader {' '.join(args)}:\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def exchange(tmp_path_factory):
    """A scratch course, a student's home and an exchange; lesson 1 released and submitted."""
    base = tmp_path_factory.mktemp("exchange")
    course, home, root = base / "course", base / "home", base / "exchange"
    for folder in ("solutions", "notebooks"):
        shutil.copytree(ROOT / folder / LESSON, course / folder / LESSON)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    home.mkdir()
    on_exchange = f"--Exchange.root={root}"
    released = run_nbgrader(course, "release_assignment", LESSON, on_exchange)
    student = [f"--course={COURSE_ID}", on_exchange]
    run_nbgrader(home, "fetch_assignment", LESSON, *student)
    run_nbgrader(home, "submit", LESSON, *student, "--student=ada")
    run_nbgrader(course, "collect", LESSON, on_exchange)
    return {"course": course, "home": home, "root": root, "released": released}


def test_the_course_has_an_id_fit_for_a_folder_name():
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", COURSE_ID), COURSE_ID


@pytest.mark.slow
def test_release_assignment_puts_the_student_version_on_the_exchange(exchange):
    released = exchange["root"] / COURSE_ID / "outbound" / LESSON / f"{LESSON}.ipynb"
    student_version = ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb"
    assert released.read_bytes() == student_version.read_bytes()
    assert f"Released as: {COURSE_ID} {LESSON}" in exchange["released"].stderr


@pytest.mark.slow
def test_a_student_fetches_and_submits_and_the_instructor_collects(exchange):
    fetched = exchange["home"] / LESSON / f"{LESSON}.ipynb"
    assert fetched.read_bytes() == (ROOT / "notebooks" / LESSON / f"{LESSON}.ipynb").read_bytes()
    collected = exchange["course"] / "submitted" / "ada" / LESSON
    assert (collected / f"{LESSON}.ipynb").read_bytes() == fetched.read_bytes()
    stamp = (collected / "timestamp.txt").read_text()
    assert stamp.endswith(" UTC")

    # What nbgrader collected is what ce-grade's matching and late policy expect.
    (row,) = match_class(exchange["course"] / "submitted", Lessons.from_course(ROOT))
    assert (row.student_id, row.lesson_id, row.outcome) == ("ada", LESSON, "exact")
    policy = LatePolicy.from_course(exchange["course"])
    submitted, source = policy.submission_time("ada", LESSON, collected)
    assert source == "timestamp.txt"
    assert submitted.strftime("%Y-%m-%d %H:%M:%S.%f") == stamp.removesuffix(" UTC")


@pytest.mark.slow
def test_without_a_course_id_release_assignment_fails(exchange, tmp_path):
    result = run_nbgrader(
        exchange["course"],
        "release_assignment",
        LESSON,
        f"--Exchange.root={tmp_path}",
        "--CourseDirectory.course_id=",
        check=False,
    )
    assert result.returncode != 0
    assert "No course id specified" in result.stderr
