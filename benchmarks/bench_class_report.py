r"""Time ``write_class_report`` on generated classes of 30, 300 and 1,800 notebooks.

A generated class has ``students`` students on all six lessons. Each student's notebook is
the lesson's released student version with every solution cell answered: with the
lesson's reference solution as is (common code), with it renamed and commented, with
unique code of the student's own, left unanswered, or copied from another student (so
that similar pairs exist). Each notebook gets a report as ``ce-grade autograde`` writes
it: 90 % graded, 7 % failed, 3 % grader errors, random points per test and misconception
codes on some failed tests. Everything is drawn from a fixed seed.

Usage::

    python benchmarks/bench_class_report.py                 # 5, 50 and 300 students
    python benchmarks/bench_class_report.py --students 300  # one size
    python benchmarks/bench_class_report.py --quick         # 5 students: does it run?

The page must render in well under 30 s for 1,800 notebooks (300 students), and the time
must grow linearly with the class.
"""

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

STATUS_WEIGHTS = {"graded": 0.90, "failed": 0.07, "error": 0.03}


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _solution_sources(lesson):
    notebook = json.loads((ROOT / "solutions" / lesson / f"{lesson}.ipynb").read_text())
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: _source(cell)
        for cell in notebook["cells"]
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def _own_code(rng, reference):
    # The reference with a renamed local, a comment, and lines only this student writes.
    lines = reference.splitlines()
    body = [line for line in lines if line.startswith("    ")] or ["    pass"]
    extra = [
        f"    scale_{rng.randrange(10**6)} = {rng.random():.6f} * {rng.randrange(2, 99)}",
        f"    checks = [k ** {rng.randrange(2, 5)} for k in range({rng.randrange(3, 30)})]",
        f"    assert len(checks) >= {rng.randrange(1, 3)}, 'too few: {rng.random():.4f}'",
    ]
    head = [line for line in lines if not line.startswith("    ")]
    return "\n".join(head[:1] + extra + ["    # my own version"] + body)


def _answer(rng, reference, template, copied):
    roll = rng.random()
    if copied is not None and roll < 0.05:
        return copied
    if roll < 0.35:
        return reference
    if roll < 0.55:
        return reference.replace("z", "logits").replace("# ", "# note: ")
    if roll < 0.62:
        return template
    return _own_code(rng, reference)


def _report(rng, lesson, student, notebook_path, tests):
    from autograder.misconceptions import CODES

    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    results = []
    for test_id, max_points in tests:
        if status != "graded":
            points, codes = 0.0, []
        else:
            points = rng.choice([0.0, max_points / 2, max_points, max_points])
            codes = [rng.choice(CODES)] if points < max_points and rng.random() < 0.5 else []
        results.append(
            {
                "id": test_id,
                "points": points,
                "max_points": float(max_points),
                "passed": points == max_points,
                "message": f"{test_id}: {points} of {max_points} points.",
                "misconceptions": codes,
                "cases_passed": 5 if points == max_points else 0,
                "cases_total": 5,
            }
        )
    reason = {
        "graded": None,
        "failed": "the notebook used more CPU time than its limit allows",
        "error": "the sandbox could not start",
    }[status]
    return {
        "lesson_id": lesson,
        "notebook": str(notebook_path),
        "score": sum(test["points"] for test in results),
        "max_score": float(sum(points for _, points in tests)),
        "status": status,
        "reason": reason,
        "isolation": "bubblewrap",
        "tests": results,
        "notes": [],
        "duration_s": 0.5,
        "student_id": student,
        "assignment_id": lesson,
        "notebook_id": lesson,
    }


def make_class(folder, students, *, seed=12, lessons=None):
    r"""Write a generated class under ``folder``; return its output folder (with reports/)."""
    from autograder.definitions import lesson_ids, tests_for_lesson

    rng = random.Random(seed)
    folder = Path(folder)
    out = folder / "out"
    for lesson in lessons or lesson_ids():
        released = json.loads((ROOT / "notebooks" / lesson / f"{lesson}.ipynb").read_text())
        references = _solution_sources(lesson)
        tests = [(test.id, float(test.points)) for test in tests_for_lesson(lesson)]
        answers = {}
        for number in range(students):
            student = f"student{number:04d}"
            notebook = json.loads(json.dumps(released))
            mine = {}
            for cell in notebook["cells"]:
                grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                if grade_id not in references:
                    continue
                copied = answers[rng.choice(list(answers))].get(grade_id) if answers else None
                cell["source"] = _answer(rng, references[grade_id], _source(cell), copied)
                mine[grade_id] = cell["source"]
            answers[student] = mine
            path = folder / "submitted" / student / lesson / f"{lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(notebook))
            report = _report(rng, lesson, student, path, tests)
            target = out / "reports" / student / lesson / f"{lesson}.json"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(report))
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--students", type=int, action="append", help="class size (repeatable; default 5, 50, 300)"
    )
    parser.add_argument("--quick", action="store_true", help="5 students only")
    args = parser.parse_args(argv)
    sizes = [5] if args.quick else (args.students or [5, 50, 300])
    from autograder.class_report import write_class_report

    print(f"{'students':>8} {'notebooks':>9} {'render s':>9} {'ms/notebook':>12} {'pairs':>6}")
    for students in sizes:
        with tempfile.TemporaryDirectory(prefix="bench-class-report-") as scratch:
            out = make_class(scratch, students)
            notebooks = len(list((out / "reports").glob("*/*/*.json")))
            start = time.perf_counter()
            write_class_report(out, course_root=ROOT)
            seconds = time.perf_counter() - start
            pairs = (out / "class-report" / "similar_pairs.csv").read_text().count("\n") - 1
            print(
                f"{students:>8} {notebooks:>9} {seconds:>9.2f} "
                f"{1000 * seconds / notebooks:>12.2f} {pairs:>6}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
