"""The cross-entropy benchmark runs and prints its table (speed is not judged here)."""

import os
import re

import pytest

from tests.benchmarks.scripts import run_benchmark as _run

pytestmark = [pytest.mark.slow, pytest.mark.serial]


def run_benchmark(*args, env=None):
    return _run("bench_cross_entropy.py", *args, env=env)


def test_quick_run_prints_every_shape_and_dtype():
    result = run_benchmark("--quick")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "BLAS limited to 1 thread" in out
    assert re.search(r"blas: \w+ .*kernel=", out), out
    for shape in ["(256, 10)", "(4096, 1000)", "(65536, 100)"]:
        for dtype in ["float32", "float64"]:
            row = re.search(rf"{re.escape(shape)}\s+{dtype}\s+(.*)", out)
            assert row, f"no row for {shape} {dtype}:\n{out}"
            ratios = re.findall(r"\s(\d+\.\d\d)(?=\s|$)", row.group(1))
            assert ratios and all(float(r) > 0 for r in ratios), row.group(0)
    assert "ce_lib / scipy:" in out


def test_bad_repeats_are_refused():
    result = run_benchmark("--repeats", "0")
    assert result.returncode == 2
    assert "--repeats: expected a positive integer, got 0" in result.stderr


def test_openblas_overrides_are_unset_for_the_benchmark_only():
    env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "1048576"}
    env.pop("CE_BENCH_RESTARTED", None)
    result = run_benchmark("--repeats", "0", env=env)
    assert "unset for this process: OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE" in result.stdout
    assert result.returncode == 2  # and the restarted process still parses its arguments


def test_runs_without_torch(tmp_path):
    # a package named torch that fails to import hides the real one from the benchmark
    (tmp_path / "torch").mkdir()
    (tmp_path / "torch" / "__init__.py").write_text("raise ImportError('hidden')\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = run_benchmark("--quick", "--shape", "64,5", env=env)
    assert result.returncode == 0, result.stderr
    assert "torch not installed" in result.stdout
    assert re.search(r"\(64, 5\)\s+float32", result.stdout)
    assert "ce_lib / scipy:" in result.stdout and "ce_lib / torch" not in result.stdout


def test_bad_shape_is_refused():
    result = run_benchmark("--shape", "10x3")
    assert result.returncode == 2
    assert "expected N,K such as 256,10, got '10x3'" in result.stderr
