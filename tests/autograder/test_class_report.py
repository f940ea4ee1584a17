r"""The class report: its numbers, its lists, its similar pairs, its escaping, its page."""

import argparse
import base64
import csv
import difflib
import importlib.util
import json
import math
import os
import re
from pathlib import Path

import pytest

from autograder import class_report
from autograder.class_report import (
    attention_list,
    corrected_item_total,
    lesson_statistics,
    load_reports,
    similar_answers,
    write_class_report,
)
from autograder.examples import example_class
from autograder.similarity import Submission, find_similar, normalise_cells, without_template

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_LESSON = example_class.LESSON_ID
EXAMPLE_TESTS = {"l3_softmax": 3.0, "l3_cross_entropy": 3.0, "l3_cross_entropy_grad": 4.0}


def make_report(student, lesson, tests, *, status="graded", reason=None, notebook="", **extra):
    r"""A report as ``ce-grade autograde`` writes it; ``tests`` holds (id, points, max, codes)."""
    report = {
        "student_id": student,
        "assignment_id": lesson,
        "notebook_id": lesson,
        "lesson_id": lesson,
        "notebook": str(notebook),
        "score": sum(points for _, points, _, _ in tests),
        "max_score": sum(maximum for _, _, maximum, _ in tests),
        "status": status,
        "reason": reason,
        "isolation": "bubblewrap",
        "notes": [],
        "duration_s": 0.1,
        "tests": [
            {
                "id": test_id,
                "points": points,
                "max_points": maximum,
                "passed": points == maximum,
                "message": f"{test_id}: {points} of {maximum}",
                "misconceptions": list(codes),
                "cases_passed": 0,
                "cases_total": 5,
            }
            for test_id, points, maximum, codes in tests
        ],
    }
    report.update(extra)
    return report


def write_reports(out, reports):
    r"""Write ``reports`` under ``out/reports/{student}/{assignment}/{notebook}.json``."""
    for report in reports:
        parts = [report[key] for key in ("student_id", "assignment_id", "notebook_id")]
        path = out / "reports" / parts[0] / parts[1] / f"{parts[2]}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report), encoding="utf-8")
    return out


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# ------------------------------------------------------------------ a small class by hand

# Lesson A: tests t1 (2 points), t2 (3), t3 (1); five graded notebooks, one failed, one error.
POINTS = {
    "s1": (2, 3, 1),
    "s2": (1, 3, 0),
    "s3": (0, 1, 1),
    "s4": (2, 0, 0),
    "s7": (0, 0, 0),
}
CODES = {("s2", "t1"): ["sign_flipped"], ("s3", "t1"): ["sign_flipped"]}
CODES |= {("s7", "t1"): ["not_averaged"], ("s4", "t2"): ["missing_log"]}
MAXIMA = {"t1": 2.0, "t2": 3.0, "t3": 1.0}


def small_class():
    reports = []
    for student, points in POINTS.items():
        tests = [
            (test, float(p), MAXIMA[test], CODES.get((student, test), []))
            for test, p in zip(MAXIMA, points, strict=True)
        ]
        reports.append(make_report(student, "lessonA", tests))
    not_graded = [(test, 0.0, maximum, []) for test, maximum in MAXIMA.items()]
    # A failed notebook's codes (there are none in practice) never count: tests are per graded.
    failed = [(test, 0.0, maximum, ["wrong_axis"]) for test, maximum in MAXIMA.items()]
    reports.append(make_report("s5", "lessonA", failed, status="failed", reason="it crashed"))
    reports.append(
        make_report("s6", "lessonA", not_graded, status="error", reason="sandbox did not start")
    )
    reports.append(make_report("solo", "lessonB", [("u1", 1.0, 1.0, [])]))
    return reports


@pytest.fixture(scope="module")
def small_out(tmp_path_factory):
    out = write_reports(tmp_path_factory.mktemp("small") / "out", small_class())
    page = write_class_report(out, course_root=REPO_ROOT)
    return out, page.read_text(encoding="utf-8")


def test_lesson_numbers_match_a_hand_computation(small_out):
    out, _ = small_out
    lesson_a, lesson_b = lesson_statistics(load_reports(out).reports)
    assert lesson_a.lesson == "lessonA" and lesson_b.lesson == "lessonB"
    assert lesson_a.counts == {"graded": 5, "failed": 1, "error": 1}
    # Scores of graded and failed notebooks: 6, 4, 2, 2, 0 and the failed 0 (the error has none).
    assert lesson_a.mean == pytest.approx(14 / 6)
    assert lesson_a.median == pytest.approx(2.0)
    assert lesson_a.sd == pytest.approx(math.sqrt((246 / 9) / 5))
    assert (lesson_a.minimum, lesson_a.maximum, lesson_a.zeros) == (0.0, 6.0, 1)
    assert lesson_a.max_score == 6.0
    assert lesson_a.bin_edges == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert lesson_a.graded_counts == [1, 0, 2, 0, 1, 1]
    assert lesson_a.failed_counts == [1, 0, 0, 0, 0, 0]
    # One graded notebook: no spread, no correlation.
    assert lesson_b.sd is None and lesson_b.tests[0].discrimination is None


def test_difficulty_and_discrimination_match_a_hand_computation(small_out):
    out, _ = small_out
    tests = {t.test: t for t in lesson_statistics(load_reports(out).reports)[0].tests}
    assert list(tests) == ["t1", "t2", "t3"]
    assert tests["t1"].difficulty == pytest.approx((1 + 0.5 + 0 + 1 + 0) / 5)
    assert tests["t2"].difficulty == pytest.approx((1 + 1 + 1 / 3 + 0 + 0) / 5)
    assert tests["t3"].difficulty == pytest.approx(2 / 5)
    assert tests["t1"].mean_points == pytest.approx(1.0)
    assert [tests[t].full_marks for t in tests] == [2, 2, 2]
    assert [tests[t].notebooks for t in tests] == [5, 5, 5]
    # t1: x = 2 1 0 2 0, rest = 4 3 2 0 0: sum dx dy = 2, sxx = 4, syy = 12.8.
    assert tests["t1"].discrimination == pytest.approx(2 / math.sqrt(4 * 12.8))
    # t2: x = 3 3 1 0 0, rest = 3 1 1 2 0: sum dx dy = 3.2, sxx = 9.2, syy = 5.2.
    assert tests["t2"].discrimination == pytest.approx(3.2 / math.sqrt(9.2 * 5.2))


def test_corrected_item_total_is_undefined_without_spread():
    assert corrected_item_total([1, 1, 1, 1], [1, 2, 3, 4]) is None
    assert corrected_item_total([0, 1, 2], [0, 1, 2]) is None  # the rest is always 0
    assert corrected_item_total([0, 1], [0, 3]) is None
    assert corrected_item_total([0, 1, 1, 0], [0, 2, 2, 0]) == pytest.approx(1.0)


def test_misconception_prevalence_counts_graded_notebooks_only(small_out):
    out, page = small_out
    lesson_a = lesson_statistics(load_reports(out).reports)[0]
    found = {(m.test, m.code): (m.notebooks, m.of) for m in lesson_a.misconceptions}
    assert found == {
        ("t1", "sign_flipped"): (2, 5),
        ("t1", "not_averaged"): (1, 5),
        ("t2", "missing_log"): (1, 5),
    }
    assert "40 % of graded notebooks: sign_flipped" in page and "40 % (2 of 5)" in page
    assert "opposite sign" in page  # the explanation of sign_flipped
    rows = read_csv(out / "class-report" / "misconceptions.csv")
    assert [(r["test"], r["code"], r["notebooks"], r["percent"]) for r in rows] == [
        ("t1", "sign_flipped", "2", "40"),
        ("t1", "not_averaged", "1", "20"),
        ("t2", "missing_log", "1", "20"),
    ]
    assert rows[0]["explanation"].startswith("Your gradient has the opposite sign")


def test_the_csv_files_hold_the_numbers_of_the_page(small_out):
    out, _ = small_out
    folder = out / "class-report"
    assert sorted(p.name for p in folder.iterdir()) == [
        "attention.csv",
        "lessons.csv",
        "misconceptions.csv",
        "score_distribution.csv",
        "similar_pairs.csv",
        "tests.csv",
    ]
    lessons = {row["lesson"]: row for row in read_csv(folder / "lessons.csv")}
    assert lessons["lessonA"]["graded"] == "5" and lessons["lessonA"]["error"] == "1"
    assert float(lessons["lessonA"]["mean_score"]) == pytest.approx(14 / 6, abs=1e-6)
    assert lessons["lessonB"]["sd_score"] == ""
    tests = {(r["lesson"], r["test"]): r for r in read_csv(folder / "tests.csv")}
    assert float(tests["lessonA", "t1"]["discrimination"]) == pytest.approx(0.279508, abs=1e-6)
    assert float(tests["lessonA", "t2"]["difficulty"]) == pytest.approx(7 / 15, abs=1e-6)
    assert tests["lessonB", "u1"]["discrimination"] == ""
    bins = [r for r in read_csv(folder / "score_distribution.csv") if r["lesson"] == "lessonA"]
    assert [(r["score_from"], r["graded"], r["failed"]) for r in bins][:3] == [
        ("0", "1", "1"),
        ("1", "0", "0"),
        ("2", "2", "0"),
    ]


def test_errors_failures_and_zeros_are_listed_with_their_reasons(small_out):
    out, page = small_out
    items = attention_list(load_reports(out).reports)
    assert [(i.kind, i.student_id, i.reason) for i in items] == [
        ("error", "s6", "sandbox did not start"),
        ("failed", "s5", "it crashed"),
        ("zero", "s7", "misconceptions: not_averaged"),
    ]
    assert "rerun ce-grade autograde" in items[0].action
    for table, student, text in [
        ("errors-table", "s6", "sandbox did not start"),
        ("failures-table", "s5", "it crashed"),
        ("zeros-table", "s7", "not_averaged"),
    ]:
        section = page.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
        assert f"<code>{student}</code>" in section and text in section
    rows = read_csv(out / "class-report" / "attention.csv")
    assert [(r["kind"], r["student_id"], r["score"]) for r in rows] == [
        ("error", "s6", ""),  # a grader error is no grade, not a zero
        ("failed", "s5", "0"),
        ("zero", "s7", "0"),
    ]


def test_a_folder_without_reports_gives_a_page_that_says_so(tmp_path):
    page = write_class_report(tmp_path, course_root=REPO_ROOT).read_text(encoding="utf-8")
    assert "No reports were found" in page
    assert read_csv(tmp_path / "class-report" / "lessons.csv") == []
    with pytest.raises(FileNotFoundError):
        write_class_report(tmp_path / "missing")


def test_unreadable_report_files_are_listed_not_fatal(tmp_path):
    write_reports(tmp_path, [make_report("ada", "lessonA", [("t1", 1.0, 1.0, [])])])
    broken = tmp_path / "reports" / "bob" / "lessonA" / "lessonA.json"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json")
    loaded = load_reports(tmp_path)
    assert [r["student_id"] for r in loaded.reports] == ["ada"]
    assert [path for path, _ in loaded.unreadable] == ["bob/lessonA/lessonA.json"]
    page = write_class_report(tmp_path, course_root=REPO_ROOT).read_text(encoding="utf-8")
    assert "bob/lessonA/lessonA.json" in page


def test_main_writes_the_report_and_names_it(small_out, capsys, tmp_path):
    out, _ = small_out
    assert class_report.main([str(out), "--course-root", str(REPO_ROOT)]) == 0
    assert str(out / "class-report.html") in capsys.readouterr().out
    assert class_report.main([str(tmp_path / "missing")]) == 2
    missing = str(tmp_path / "missing")
    assert capsys.readouterr().err == (
        f"error: OUT: expected the output folder of a grading run, got {missing!r}.\n"
    )
    with pytest.raises(FileNotFoundError, match="out_dir: expected the output folder"):
        write_class_report(tmp_path / "missing", course_root=REPO_ROOT)


def test_the_report_command_can_be_added_to_another_command_line(small_out, capsys):
    out, _ = small_out
    parser = argparse.ArgumentParser(prog="ce-grade")
    commands = parser.add_subparsers(dest="command", required=True)
    class_report.add_arguments(commands.add_parser("report", help=class_report.HELP))
    args = parser.parse_args(["report", str(out), "--course-root", str(REPO_ROOT)])
    assert class_report.run(args) == 0
    assert "class-report.html" in capsys.readouterr().out


def test_relative_notebook_paths_are_found_next_to_the_output_folder(tmp_path, monkeypatch):
    course = tmp_path / "course"
    code = (
        "def f(z):\n    top = z.max(axis=1, keepdims=True)\n"
        "    total = np.exp(z - top).sum(axis=1)\n    return np.log(total) + top[:, 0]\n"
    )
    reports = []
    for student in ("ada", "bob"):
        relative = Path("submitted") / student / "lessonX" / "lessonX.ipynb"
        (course / relative).parent.mkdir(parents=True)
        cell = {"cell_type": "code", "source": code, "metadata": {"nbgrader": {"solution": True}}}
        (course / relative).write_text(json.dumps({"cells": [cell]}))
        reports.append(make_report(student, "lessonX", [("t", 1.0, 1.0, [])], notebook=relative))
    out = write_reports(course / "out", reports)
    monkeypatch.chdir(tmp_path)  # not where autograde ran
    write_class_report(out, course_root=REPO_ROOT)
    rows = read_csv(out / "class-report" / "similar_pairs.csv")
    assert [(row["student_a"], row["student_b"]) for row in rows] == [("ada", "bob")]


# ------------------------------------------------------------------ normalisation


def test_the_template_is_removed_and_names_comments_and_whitespace_normalised():
    template = 'def f(z):\n    """Doc."""\n    # YOUR CODE HERE\n    raise NotImplementedError()'
    one = 'def f(z):\n    """Doc."""\n    e = np.exp(z)  # shift?\n    return e / e.sum(axis=1)'
    two = "def f(z) :\n    # my answer\n    ex=np.exp( z )\n\n    return ex/ex.sum(axis=1)"
    assert normalise_cells([(one, template)]).text == normalise_cells([(two, template)]).text
    assert normalise_cells([(one, template)]).text == "V=np.exp(V)\nreturn V/V.sum(axis=1)\n"
    assert without_template(template, template) == ["", "", "", ""]


def test_code_that_does_not_parse_is_still_compared():
    broken = "def f(z:\n    top = z.max(axis=1)  # unclosed\n    return top + [1, 2"
    text = normalise_cells([(broken, "")]).text
    assert "max(axis=1)" in text and "#" not in text and "top" not in text


def test_renamed_copies_are_found_and_different_correct_answers_are_not():
    copied = (
        "def f(z):\n    top = z.max(axis=1, keepdims=True)\n"
        "    total = np.exp(z - top).sum(axis=1)\n    return np.log(total) + top[:, 0]"
    )
    renamed = copied.replace("total", "acc").replace("top", "peak") + "  # done"
    other = (
        "def f(z):\n    out = []\n    for row in z:\n        m = max(row)\n"
        "        out.append(m + math.log(sum(math.exp(v - m) for v in row)))\n"
        "    return np.array(out)"
    )
    pairs = find_similar(
        [
            Submission(("ada", "l", "l"), [("f", copied, "")]),
            Submission(("bob", "l", "l"), [("f", renamed, "")]),
            Submission(("cy", "l", "l"), [("f", other, "")]),
        ]
    )
    assert [(p.a[0], p.b[0], p.similarity) for p in pairs] == [("ada", "bob", 1.0)]
    assert pairs[0].cells[0].lines_a == frozenset({0, 1, 2, 3})  # no template: all of it


def test_code_in_many_notebooks_is_common_and_not_flagged():
    common = "def f(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n    return e / e.sum(1)"
    students = [Submission((f"s{i}", "l", "l"), [("f", common, "")]) for i in range(5)]
    assert len(find_similar(students, common_notebooks=10)) == 10
    assert find_similar(students, common_notebooks=4) == []


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("threshold", 1.5, "threshold: expected a number in [0, 1], got 1.5."),
        ("threshold", float("nan"), "threshold: expected a number in [0, 1], got nan."),
        ("k", 0, "k: expected an integer >= 1, got 0."),
        ("window", 2.0, "window: expected an integer >= 1, got 2.0."),
        ("min_shared_chars", -1, "min_shared_chars: expected an integer >= 0, got -1."),
        ("common_notebooks", True, "common_notebooks: expected an integer >= 1, got True."),
    ],
)
def test_a_bad_similarity_option_is_named(option, value, message):
    with pytest.raises(ValueError) as raised:
        find_similar([], **{option: value})
    assert str(raised.value) == message


# ------------------------------------------------------------------ the example class


def example_reports():
    r"""The reports the example class gets (its expected.json), pointing at its notebooks."""
    reports = []
    for student, expected in example_class.expected_outcomes().items():
        tests = [
            (test, outcome["points"], EXAMPLE_TESTS[test], outcome["misconceptions"])
            for test, outcome in expected["tests"].items()
        ]
        reason = expected["reason_contains"]
        reports.append(
            make_report(
                student,
                EXAMPLE_LESSON,
                tests,
                status=expected["status"],
                reason=reason and f"while running the cells: {reason}",
                notebook=example_class.submission_path(student),
            )
        )
    return reports


@pytest.fixture(scope="module")
def example_out(tmp_path_factory):
    out = write_reports(tmp_path_factory.mktemp("example") / "out", example_reports())
    return out, write_class_report(out, course_root=REPO_ROOT)


def _solution_sources(student):
    notebook = json.loads(example_class.submission_path(student).read_text())
    return {
        cell["metadata"]["nbgrader"]["grade_id"]: "".join(cell["source"])
        for cell in notebook["cells"]
        if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def test_example_class_variants_that_share_code_are_found(example_out):
    out, _ = example_out
    rows = read_csv(out / "class-report" / "similar_pairs.csv")
    found = {frozenset((r["student_a"], r["student_b"])): r for r in rows}
    # attack_deleted_test_cells reuses mc_sign_flipped's gradient; attack_os_exit is a copy of
    # correct_reference with os._exit after it.
    for a, b in [
        ("attack_deleted_test_cells", "mc_sign_flipped"),
        ("attack_os_exit", "correct_reference"),
    ]:
        assert float(found[frozenset((a, b))]["similarity"]) == pytest.approx(1.0)
    copied = found[frozenset(("attack_deleted_test_cells", "mc_sign_flipped"))]
    assert "l3-grad-solution" in copied["cells"].split(";")
    # Unrelated correct answers written differently are not a pair, nor is correct_loops
    # (code of its own) paired with anyone.
    assert frozenset(("correct_loops", "correct_reference")) not in found
    assert not any("correct_loops" in pair for pair in found)


def test_every_flagged_example_pair_shares_a_nearly_identical_answer(example_out):
    out, _ = example_out
    for row in read_csv(out / "class-report" / "similar_pairs.csv"):
        a, b = _solution_sources(row["student_a"]), _solution_sources(row["student_b"])
        closest = max(
            difflib.SequenceMatcher(None, a[grade_id], b[grade_id]).ratio() for grade_id in a
        )
        assert closest > 0.9, (row["student_a"], row["student_b"], closest)


def test_the_page_shows_each_pair_with_its_shared_code(example_out):
    page = example_out[1].read_text(encoding="utf-8")
    pair = page.split("<code>attack_deleted_test_cells</code> and <code>mc_sign_flipped</code>")
    assert len(pair) == 2
    shown = pair[1].split("</details>", 1)[0]
    assert '<span class="shared" data-n="5">    return (onehot - a) / len(y)</span>' in shown
    assert '<span class="template" data-n="1">def cross_entropy_grad(z, y):</span>' in shown


def test_similarity_counts_compared_and_unreadable_notebooks():
    result = similar_answers(
        [class_report.normalise_report(r) for r in example_reports()], REPO_ROOT
    )
    assert result.compared == {EXAMPLE_LESSON: 29}
    assert result.unreadable == {EXAMPLE_LESSON: 1}  # not_a_notebook
    assert result.templates == {EXAMPLE_LESSON: True}


# ------------------------------------------------------------------ hostile input

HOSTILE_ID = "<script>alert('id')</script>"
HOSTILE_LESSON = "<svg onload=alert(5)>"
HOSTILE_FOLDERS = ["=cmd", "<img src=x onerror=alert(1)>", "esc\x1b[31mred\x07\u202eevil"]


@pytest.fixture(scope="module")
def hostile_out(tmp_path_factory):
    r"""Four notebooks sharing hostile code, with hostile ids, lesson, tests, codes, reasons."""
    root = tmp_path_factory.mktemp("hostile")
    marker = root / "code-ran"
    shared = (
        "def f(z):\n"
        "    '</pre></details><script>alert(3)</script>'\n"
        f"    open({str(marker)!r}, 'w').write('ran')\n"
        "    total = z.sum(axis=1) * 3.25 + len(z) ** 2\n"
        "    return total  # </span><script>alert(4)</script>\n"
    )
    cell = {
        "cell_type": "code",
        "source": shared,
        "metadata": {"nbgrader": {"solution": True, "grade_id": "<b>g</b>"}},
    }
    out = root / "out"
    for index, folder in enumerate([*HOSTILE_FOLDERS, "plain"]):
        notebook = root / f"nb{index}.ipynb"
        notebook.write_text(json.dumps({"cells": [cell]}))
        report = make_report(
            HOSTILE_ID if folder == "plain" else folder,
            HOSTILE_LESSON,
            [("<b>t</b>", 0.0, 1.0, ["<i>code</i>"]), ("t2", float(index % 2), 1.0, [])],
            status="failed" if index == 0 else "graded",
            reason="</td><script>alert(2)</script>\x1b[2J",
            notebook=notebook,
        )
        if index in (1, 2):  # no ids of its own: they come from where the report is
            del report["student_id"], report["assignment_id"], report["notebook_id"]
        path = out / "reports" / folder / HOSTILE_LESSON / "nb.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report), encoding="utf-8")
    return out, write_class_report(out, course_root=REPO_ROOT), marker


def test_hostile_names_reasons_and_code_are_escaped_and_never_run(hostile_out):
    _, path, marker = hostile_out
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "<svg" not in page.lower() and "<img src=x" not in page
    assert "<b>g</b>" not in page and "<b>t</b>" not in page and "<i>code" not in page
    assert "&lt;b&gt;t&lt;/b&gt;" in page and "&lt;i&gt;code&lt;/i&gt;" in page
    assert "&lt;script&gt;alert(&#39;id&#39;)&lt;/script&gt;" in page
    assert "&lt;/td&gt;&lt;script&gt;alert(2)&lt;/script&gt;\\x1b[2J" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "alert(3)" in page and "alert(4)" in page  # the shared code is shown, as text
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in page
    assert "esc\\x1b[31mred\\x07\\u202eevil" in page
    assert not marker.exists()
    # Every figure is an image whose SVG holds the names as escaped text.
    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(uris) == 4
    for uri in uris:
        svg = base64.b64decode(uri).decode("utf-8")
        assert "<svg onload" not in svg and "<script" not in svg.lower()


def test_hostile_names_cannot_run_as_spreadsheet_formulas_or_hide_characters(hostile_out):
    out, _, _ = hostile_out
    rows = read_csv(out / "class-report" / "attention.csv")
    students = {row["student_id"] for row in rows}
    assert "'=cmd" in students and "=cmd" not in students
    assert "esc\\x1b[31mred\\x07\\u202eevil" in students
    text = "".join(p.read_text() for p in (out / "class-report").glob("*.csv"))
    assert "\x1b" not in text and "\u202e" not in text


# ------------------------------------------------------------------ generated classes


@pytest.mark.slow
def test_a_generated_class_of_every_lesson_renders(tmp_path):
    path = REPO_ROOT / "benchmarks" / "bench_class_report.py"
    spec = importlib.util.spec_from_file_location("bench_class_report", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = bench.make_class(tmp_path, 4)
    page = write_class_report(out, course_root=REPO_ROOT).read_text(encoding="utf-8")
    lessons = read_csv(out / "class-report" / "lessons.csv")
    assert len(lessons) == 6 and all(row["notebooks"] == "4" for row in lessons)
    assert page.count("data:image/svg+xml;base64,") >= 1 + 6 * 2


# ------------------------------------------------------------------ in a real browser


def _browser_helpers():
    from tests.browser.lab_ui import CHROMIUM_ARGS
    from tests.browser.plugin import (
        REQUIRE_ENV_VAR,
        browser_unavailable_reason,
        chromium_executable,
        screenshot_root,
    )

    reason = browser_unavailable_reason()
    if reason:
        if os.environ.get(REQUIRE_ENV_VAR):
            pytest.fail(f"{REQUIRE_ENV_VAR} is set but the browser tests cannot run: {reason}")
        pytest.skip(f"browser tests did not run: {reason}")
    return chromium_executable(), CHROMIUM_ARGS, screenshot_root().parent / "class-report"


@pytest.fixture(scope="module")
def report_browser():
    executable, args, screenshots = _browser_helpers()
    from playwright.sync_api import sync_playwright

    screenshots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=args)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            yield context, screenshots
            context.close()
        finally:
            browser.close()


def open_page(context, path):
    r"""Open ``path``; return the page and what it logged, raised, requested and popped up."""
    page = context.new_page()
    seen = {"console": [], "errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda message: seen["console"].append((message.type, message.text)))
    page.on("pageerror", lambda error: seen["errors"].append(str(error)))
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, seen


def _images(page):
    return page.eval_on_selector_all(
        "img",
        "imgs => imgs.map(i => ({ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth,"
        " alt: i.alt, shown: i.getBoundingClientRect().width}))",
    )


@pytest.mark.slow
@pytest.mark.browser
def test_the_example_class_report_renders_in_chromium(report_browser, example_out):
    context, screenshots = report_browser
    out, path = example_out
    page, seen = open_page(context, path)
    try:
        images = _images(page)
        assert len(images) == 4  # statuses, and the lesson's scores, tests, misconceptions
        assert all(image["ok"] and image["shown"] > 300 and image["alt"] for image in images)
        pairs = len(read_csv(out / "class-report" / "similar_pairs.csv"))
        counts = {
            table: page.locator(f"#{table} tbody tr").count()
            for table in ("lessons-table", "failures-table", "zeros-table", "pairs-table")
        }
        assert counts == {
            "lessons-table": 1,
            "failures-table": 4,
            "zeros-table": 14,
            "pairs-table": pairs,
        }
        assert page.locator("details.pair[open] pre.code span.shared").count() > 0
        # Nothing sticks out of the page sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=screenshots / "top.png")
        page.screenshot(path=screenshots / "full-page.png", full_page=True)
        page.locator(".lesson").first.screenshot(path=screenshots / "lesson.png")
        page.locator("#attention").screenshot(path=screenshots / "attention.png")
        page.locator("details.pair").first.screenshot(path=screenshots / "first-pair.png")
        # A link to a closed pair opens it.
        page.locator("#pairs-table a").nth(pairs - 1).click()
        last = page.locator("details.pair").nth(pairs - 1)
        assert last.get_attribute("open") is not None
        assert last.locator(f"#pair-{pairs}").is_visible()
    finally:
        page.close()
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert [m for m in seen["console"] if m[0] in ("error", "warning")] == []
    assert all(url.startswith(("file:", "data:")) for url in seen["requests"])


@pytest.mark.slow
@pytest.mark.browser
def test_a_report_with_hostile_names_runs_nothing_in_chromium(report_browser, hostile_out):
    context, screenshots = report_browser
    _, path, _ = hostile_out
    page, seen = open_page(context, path)
    try:
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("img").count() == page.evaluate(
            "[...document.images].filter(i => i.complete && i.naturalWidth > 0).length"
        )
        assert HOSTILE_ID in page.locator("#pairs-table").inner_text()
        page.screenshot(path=screenshots / "hostile-names.png", full_page=True)
    finally:
        page.close()
    assert seen["errors"] == [] and seen["dialogs"] == []
    assert [m for m in seen["console"] if m[0] in ("error", "warning")] == []
