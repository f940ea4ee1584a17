"""Running a benchmark script the way a person does, from a fresh interpreter."""

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def run_benchmark(script, *args, env=None, timeout=900):
    """Run ``benchmarks/{script}`` with ``args``; return the finished process (text output)."""
    return subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
