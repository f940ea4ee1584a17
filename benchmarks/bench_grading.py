r"""Throughput of ``ce-grade autograde --jobs 2`` against stock ``nbgrader autograde``.

Both grade the same fixed class of benign lesson-3 submissions (correct and buggy, no
attacks, so that no time limit is hit) in temporary copies of the course, on the same
machine, in the same run. The script prints the wall times, submissions per second, the
ratio, the cost per submission and where the time of ``ce-grade`` goes.

Run it from anywhere::

    python benchmarks/bench_grading.py                      # 16 submissions
    python benchmarks/bench_grading.py --size 32
    python benchmarks/bench_grading.py --all-lessons --size 24  # all six lessons
    python benchmarks/bench_grading.py --quick              # 2 submissions, a smoke test

The target, with the sandbox on, is a ratio of at least 3 on these lesson-3 submissions and
of at least 5 on a sample of all six lessons (``--all-lessons``: each lesson's solution and
its untouched student version in turn).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.autograded import write_autograded_notebook
from autograder.batch import find_submissions
from autograder.gradebook import GradebookWriter, generate_assignment, nbgrader_command
from autograder.outputs import ClassOutputs

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_CLASS = ROOT / "autograder" / "examples" / "class" / "submitted"
LESSON = "lesson3_implement"
SECRET = "benchmark secret"
#: The benign example students: correct answers and one per misconception (no attacks).
BENIGN = sorted(
    path.name
    for path in EXAMPLE_CLASS.iterdir()
    if path.name.startswith(("correct_", "mc_")) and path.name != "mc_uses_reference"
)


ALL_LESSONS = sorted(path.name for path in (ROOT / "solutions").iterdir() if path.is_dir())


def make_course(folder, lessons=(LESSON,)):
    """A course copy with ``lessons`` released (their grade cells known to the gradebook)."""
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", folder)
    for lesson in lessons:
        shutil.copytree(ROOT / "solutions" / lesson, folder / "solutions" / lesson)
        generate_assignment(folder, lesson)
    return folder


def fill_class(course, size, lessons=(LESSON,)):
    """``size`` submissions, each under its own student id.

    Lesson 3 alone: cycling over the benign example students. Several lessons: each lesson
    in turn, its solution and its untouched student version alternately.
    """
    for index in range(size):
        if tuple(lessons) == (LESSON,):
            student = BENIGN[index % len(BENIGN)]
            target = course / "submitted" / f"s{index:03d}_{student}" / LESSON
            source = EXAMPLE_CLASS / student / LESSON / f"{LESSON}.ipynb"
        else:
            lesson = lessons[index % len(lessons)]
            kind = "solutions" if (index // len(lessons)) % 2 == 0 else "notebooks"
            target = course / "submitted" / f"s{index:03d}" / lesson
            source = ROOT / kind / lesson / f"{lesson}.ipynb"
        target.mkdir(parents=True)
        shutil.copy(source, target / source.name)
    return course / "submitted"


def environment():
    env = dict(os.environ, CE_GRADE_SECRET=SECRET)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
    return env


def timed(command, cwd):
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=environment(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"command failed: {' '.join(command)}")
    return wall


def run_stock(course, lessons=(LESSON,)):
    return sum(timed([*nbgrader_command(), "autograde", lesson, "--force"], course)
               for lesson in lessons)  # fmt: skip


def run_ce_grade(course, out, jobs):
    command = [sys.executable, "-m", "autograder.cli", "autograde", str(course / "submitted")]
    command += ["--out", str(out), "--jobs", str(jobs), "--course-root", str(course), "--quiet"]
    return timed(command, course)


def stock_scores(course, lessons=(LESSON,)):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {
            (s.student.id, lesson): round(s.score, 4)
            for lesson in lessons
            for s in gradebook.find_assignment(lesson).submissions
        }


def sandbox_start_cost(repeats=5):
    """The cost of isolation: the warm process of a lesson view, then each notebook's sandbox.

    Returns ``(warm start s, per-notebook start s (median), warm memory MiB, isolation)``.
    The warm process starts once per lesson view and grading process; every notebook then
    gets its own namespaces, forked from it.
    """
    from autograder.definitions import view_for
    from autograder.sandbox import warm
    from autograder.sandbox.launcher import Limits, Sandbox

    warm.shutdown()
    view = view_for(LESSON)
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        with Sandbox(Limits(), view) as box:
            box.start([])
        times.append(time.perf_counter() - start)
    memory = 0
    current = warm._warm.get(view)
    if current is not None and current.pids.available:
        for pid in (current.pids.path / "cgroup.procs").read_text().split():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    memory += int(line.split()[1]) / 1024
    warm.shutdown()
    return times[0], statistics.median(times[1:]), memory, Limits().isolation


def writing_cost(reports, course, scratch):
    """Seconds to write outputs and the gradebook for ``reports`` (the main process's work)."""
    start = time.perf_counter()
    outputs = ClassOutputs(scratch)
    paths = {
        (s.student_id, s.assignment_id): s.path for s in find_submissions(course / "submitted")
    }
    with GradebookWriter(course) as writer:
        for report in reports:
            outputs.add(report)
            path = paths[(report["student_id"], report["assignment_id"])]
            if writer.record(report, path) is not None:
                write_autograded_notebook(
                    course, report, path, gradebook=writer.gradebook, db_url=writer.db_url
                )
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=16, help="submissions in the class")
    parser.add_argument("--jobs", type=int, default=2, help="ce-grade local workers")
    parser.add_argument("--quick", action="store_true", help="2 submissions: a smoke test")
    parser.add_argument(
        "--all-lessons", action="store_true", help="a sample of all six lessons, not lesson 3"
    )
    args = parser.parse_args(argv)
    lessons = ALL_LESSONS if args.all_lessons else [LESSON]
    size = 2 if args.quick else args.size
    if size < 1 or args.jobs < 1:
        parser.error(f"--size and --jobs must be positive, got {size} and {args.jobs}")

    with tempfile.TemporaryDirectory(prefix="bench-grading-") as scratch:
        scratch = Path(scratch)
        template = make_course(scratch / "template", lessons)
        fill_class(template, size, lessons)
        stock_course = Path(shutil.copytree(template, scratch / "stock"))
        ce_course = Path(shutil.copytree(template, scratch / "ce"))
        out = scratch / "out"

        what = "of all six lessons" if args.all_lessons else "benign lesson-3"
        print(f"class: {size} {what} submissions; machine: {os.cpu_count()} cores")
        stock_wall = run_stock(stock_course, lessons)
        ce_wall = run_ce_grade(ce_course, out, args.jobs)

        reports = [json.loads(p.read_text()) for p in sorted(out.glob("reports/*/*/*.json"))]
        ce_scores = {(r["student_id"], r["assignment_id"]): round(r["score"], 4) for r in reports}
        stock = stock_scores(stock_course, lessons)
        agree = sum(abs(stock.get(k, -1) - v) < 1e-3 for k, v in ce_scores.items())
        durations = [r["duration_s"] for r in reports]
        warm_cost, start_cost, warm_memory, isolation = sandbox_start_cost()
        write_cost = writing_cost(reports, Path(shutil.copytree(template, scratch / "w")),
                                  scratch / "w-out")  # fmt: skip

    per_grade = statistics.median(durations)
    print(f"stock nbgrader autograde : {stock_wall:7.2f} s  {size / stock_wall:6.3f} subm/s  "
          f"{stock_wall / size:6.2f} s per submission")  # fmt: skip
    print(f"ce-grade --jobs {args.jobs}        : {ce_wall:7.2f} s  {size / ce_wall:6.3f} subm/s  "
          f"{ce_wall / size:6.2f} s per submission")  # fmt: skip
    target = 5 if args.all_lessons else 3
    print(f"throughput ratio (ce-grade / stock): {stock_wall / ce_wall:.2f}x (target >= {target}x)")
    print(f"scores agree on {agree} of {len(ce_scores)} submissions")
    print("where the time of ce-grade goes:")
    print(f"  isolation                     : {isolation}")
    print(f"  warm process of a lesson view : {warm_cost:6.2f} s once per view and worker, "
          f"{warm_memory:.0f} MiB resident")  # fmt: skip
    print(f"  sandbox per notebook (median) : {start_cost:6.3f} s (own namespaces, fresh /tmp)")
    print(f"  grade_notebook (median)       : {per_grade:6.2f} s per submission "
          f"(sandbox start, student cells, hidden and public cases, comparison)")  # fmt: skip
    print(f"  student cells + tests (median): {max(per_grade - start_cost, 0.0):6.2f} s")
    print(f"  writing outputs + gradebook   : {write_cost / max(len(reports), 1):6.3f} s "
          f"per submission (main process)")  # fmt: skip
    fixed = ce_wall - sum(durations) / args.jobs - write_cost
    print(f"  start-up and scheduling       : {fixed:6.2f} s in total (CLI, worker processes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
