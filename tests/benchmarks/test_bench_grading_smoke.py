"""The grading benchmark runs end to end and prints its figures (speed is not judged here)."""

import re

import pytest

from tests.benchmarks.scripts import run_benchmark as _run

pytestmark = [pytest.mark.slow, pytest.mark.serial]


def run_benchmark(*args):
    return _run("bench_grading.py", *args)


def test_quick_run_grades_with_both_and_prints_the_ratio():
    result = run_benchmark("--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "class: 2 benign lesson-3 submissions" in out
    for label in ("stock nbgrader autograde", "ce-grade --jobs 2"):
        row = re.search(rf"{re.escape(label)}\s*:\s*(\d+\.\d+) s\s+(\d+\.\d+) subm/s", out)
        assert row and float(row.group(1)) > 0 and float(row.group(2)) > 0, out
    ratio = re.search(r"throughput ratio \(ce-grade / stock\): (\d+\.\d+)x", out)
    assert ratio and float(ratio.group(1)) > 0, out
    # Both graders run the same definitions: benign submissions get the same scores.
    assert "scores agree on 2 of 2 submissions" in out
    assert re.search(r"isolation\s*: bubblewrap", out), out


def test_bad_size_is_refused():
    result = run_benchmark("--size", "0")
    assert result.returncode == 2
    assert "must be positive" in result.stderr


def test_the_scale_benchmark_grades_small_classes_of_every_lesson(bubblewrap):
    result = _run("bench_class_scale.py", "--sizes", "6", "12")
    assert result.returncode == 0, result.stderr
    assert re.search(r"\|\s*12\s*\|\s*\d+\.\d s\s*\|", result.stdout), result.stdout
    assert "main process peak" in result.stdout


def test_the_all_lessons_sample_runs_both_graders(bubblewrap):
    result = run_benchmark("--all-lessons", "--size", "6")
    assert result.returncode == 0, result.stderr
    assert "class: 6 of all six lessons submissions" in result.stdout
    assert "(target >= 5x)" in result.stdout
    assert "scores agree on 6 of 6 submissions" in result.stdout
