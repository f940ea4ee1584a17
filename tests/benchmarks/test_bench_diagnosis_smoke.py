"""The diagnosis benchmark runs and prints its precision/recall table."""

import re

from tests.benchmarks.scripts import run_benchmark


def test_prints_a_row_per_lesson_and_a_total():
    result = run_benchmark("bench_diagnosis.py")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "| lesson | variants | wrong |" in out
    total = re.search(r"^\| all \| (\d+) \| (\d+) \| .* \| (\d+)% \| (\d+)% \|$", out, re.M)
    assert total, out
    assert int(total.group(1)) > int(total.group(2)) > 0
    assert int(total.group(3)) == 100
    assert "Variants whose outcome differs" not in out
