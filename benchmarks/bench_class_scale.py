#!/usr/bin/env python3
r"""How ``ce-grade autograde`` scales: classes of 100 to 1,800 notebooks of all six lessons.

A class of ``students x 6`` notebooks is generated from the course's own lessons: each
student hands in, for each lesson, either the solution (about two in three) or the untouched
student version, so both full and empty notebooks are graded. Each class is graded with the
sandbox on (``--jobs 2`` by default) into a fresh output folder; the script prints the wall
time, the time per notebook, the peak memory of the main process and the cost per notebook
relative to the smallest class (linear cost keeps it near 1).

    python benchmarks/bench_class_scale.py                 # 100, 300, 900 and 1,800 notebooks
    python benchmarks/bench_class_scale.py --sizes 60 120  # quicker

The goal is 1,800 notebooks in under 10 minutes with ``--jobs 2`` on a 2-core machine, the
main process under 500 MB.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def make_class(submitted, n_notebooks):
    r"""Write ``n_notebooks`` submissions (whole students of six lessons, then a remainder)."""
    count = 0
    student = 0
    while count < n_notebooks:
        for lesson in LESSONS:
            if count >= n_notebooks:
                break
            source = "solutions" if (student + LESSONS.index(lesson)) % 3 else "notebooks"
            folder = submitted / f"student{student:04d}" / lesson
            folder.mkdir(parents=True)
            shutil.copy(ROOT / source / lesson / f"{lesson}.ipynb", folder / f"{lesson}.ipynb")
            count += 1
        student += 1


def _peak_rss_mb(pid, stop, peak):
    while not stop.is_set():
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak[0] = max(peak[0], int(line.split()[1]) / 1024)
        except OSError:
            return
        time.sleep(0.5)


def grade(submitted, out, jobs, secret):
    command = [sys.executable, "-m", "autograder.cli", "autograde", str(submitted), "--out",
               str(out), "--jobs", str(jobs), "--no-gradebook", "--quiet", "--no-resume",
               "--secret-file", str(secret)]  # fmt: skip
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    stop, peak = threading.Event(), [0.0]
    watcher = threading.Thread(target=_peak_rss_mb, args=(process.pid, stop, peak))
    watcher.start()
    code = process.wait()
    stop.set()
    watcher.join()
    return time.perf_counter() - start, peak[0], code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300, 900, 1800])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ce-grade-scale-") as scratch:
        scratch = Path(scratch)
        secret = scratch / "secret"
        secret.write_text("scale benchmark secret\n")
        for size in args.sizes:
            submitted = scratch / f"class{size}"
            make_class(submitted, size)
            wall, peak, code = grade(submitted, scratch / f"out{size}", args.jobs, secret)
            rows.append((size, wall, peak, code))
            print(f"{size:5d} notebooks: {wall:7.1f} s, {wall / size:.3f} s per notebook, "
                  f"main process peak {peak:.0f} MB, exit {code}", flush=True)  # fmt: skip
    base = rows[0][1] / rows[0][0]
    print()
    print("| notebooks | wall | per notebook | relative cost per notebook | main process peak |")
    print("|---|---|---|---|---|")
    for size, wall, peak, _ in rows:
        print(f"| {size} | {wall:.1f} s | {wall / size:.3f} s | {wall / size / base:.2f} | "
              f"{peak:.0f} MB |")  # fmt: skip
    return 0 if all(code == 0 for *_, code in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
