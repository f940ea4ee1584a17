"""Grading one notebook: cell selection, the report contract and robustness."""

import json

import nbformat
import pytest

from autograder.grading import grade_notebook, infer_lesson_id, select_cells
from autograder.sandbox.launcher import Limits

SECRET = b"grading tests"
LIMITS = Limits(cells_timeout_s=10.0, test_timeout_s=3.0, notebook_timeout_s=30.0)
LESSON = "lesson3_implement"

SOFTMAX = """import numpy as np

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
"""
LOSS = """def cross_entropy(z, y):
    m = z.max(axis=1, keepdims=True)
    log_a = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return float(np.mean(-log_a[np.arange(len(y)), y]))
"""
GRAD = """def cross_entropy_grad(z, y):
    a = softmax(z)
    a[np.arange(len(y)), y] -= 1.0
    return a / len(y)
"""


def _cell(source, grade_id=None, *, grade=False, solution=False, locked=False, points=None):
    cell = nbformat.v4.new_code_cell(source)
    if grade_id is not None:
        cell.metadata["nbgrader"] = {
            "grade_id": grade_id,
            "grade": grade,
            "solution": solution,
            "locked": locked,
            "schema_version": 3,
            **({"points": points} if points is not None else {}),
        }
    return cell


def _test_cell(test_id, points):
    source = f'from autograder import check\n\nscore = check("{test_id}", {test_id[3:]})\nscore'
    return _cell(source, test_id, grade=True, locked=True, points=points)


def _lesson_notebook(softmax=SOFTMAX, loss=LOSS, grad=GRAD, setup="import numpy as np"):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        _cell(setup, "setup", locked=True),
        _cell(softmax, "softmax-solution", solution=True),
        _test_cell("l3_softmax", 3),
        _cell(loss, "loss-solution", solution=True),
        _test_cell("l3_cross_entropy", 3),
        _cell(grad, "grad-solution", solution=True),
        _test_cell("l3_cross_entropy_grad", 4),
    ]
    return notebook


def _write(path, notebook):
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


@pytest.fixture
def course(tmp_path):
    """A course root whose student version is the lesson notebook above."""
    root = tmp_path / "course"
    _write(root / "notebooks" / LESSON / f"{LESSON}.ipynb", _lesson_notebook())
    return root


def _submit(tmp_path, notebook, student="student"):
    path = tmp_path / "submitted" / student / LESSON / f"{LESSON}.ipynb"
    return _write(path, notebook)


def _grade(path, course, **kwargs):
    return grade_notebook(path, secret=SECRET, limits=LIMITS, course_root=course, **kwargs)


def test_report_contract_for_a_correct_notebook(tmp_path, course):
    report = _grade(_submit(tmp_path, _lesson_notebook()), course)
    assert set(report) >= {
        "lesson_id", "notebook", "score", "max_score", "status", "reason", "isolation",
        "tests", "duration_s",
    }  # fmt: skip
    assert report["lesson_id"] == LESSON
    assert (report["score"], report["max_score"]) == (10.0, 10.0)
    assert report["status"] == "graded" and report["reason"] is None
    assert report["isolation"] == "bubblewrap"
    assert [test["id"] for test in report["tests"]] == [
        "l3_softmax",
        "l3_cross_entropy",
        "l3_cross_entropy_grad",
    ]
    for test in report["tests"]:
        assert set(test) == {
            "id", "points", "max_points", "passed", "message", "misconceptions",
            "cases_passed", "cases_total", "requirements",
        }  # fmt: skip
        assert all(entry["points"] == entry["max_points"] for entry in test["requirements"])
        assert test["passed"] and test["points"] == test["max_points"]
        assert test["cases_total"] > 4  # public and hidden cases
    json.dumps(report)  # plain data only


def test_submitted_test_cells_never_run(tmp_path, course):
    notebook = _lesson_notebook()
    # A test cell that would break every function if it ran.
    notebook.cells[2].source += "\nsoftmax = None\ncross_entropy = None\ncross_entropy_grad = None"
    report = _grade(_submit(tmp_path, notebook), course)
    assert report["score"] == 10.0
    assert "test cells edited: l3_softmax" in report["reason"]
    assert report["status"] == "graded"


def test_deleted_test_cells_are_graded_anyway_and_recorded(tmp_path, course):
    notebook = _lesson_notebook()
    del notebook.cells[6]
    del notebook.cells[2]
    report = _grade(_submit(tmp_path, notebook), course)
    assert report["score"] == 10.0
    assert report["reason"] == "test cells deleted: l3_cross_entropy_grad, l3_softmax"


def test_read_only_cells_run_from_the_course_copy(tmp_path, course):
    notebook = _lesson_notebook(setup="import numpy as np\nnp = None")
    report = _grade(_submit(tmp_path, notebook), course)
    assert report["score"] == 10.0
    assert any("read-only cell setup was edited" in note for note in report["notes"])


def test_unmarked_cells_calling_check_are_not_run():
    notebook = _lesson_notebook()
    notebook.cells.append(_cell('check("l3_softmax", softmax)\nraise SystemExit'))
    sources, notes, tampered = select_cells(notebook, None, ["l3_softmax"])
    assert not any("check(" in source for source in sources)
    assert notes == ["1 cell(s) calling check() without test metadata were not run"]
    assert tampered == []


def test_a_buggy_gradient_gets_partial_credit_and_its_misconception(tmp_path, course):
    summed = GRAD.replace("return a / len(y)", "return a")
    report = _grade(_submit(tmp_path, _lesson_notebook(grad=summed)), course)
    grad = report["tests"][2]
    # Every hidden batch but the one-sample shapes case has several samples: the sum is right
    # only there (half the shapes points), and the arguments are left unchanged.
    by_name = {entry["name"]: entry for entry in grad["requirements"]}
    assert (by_name["shapes"]["cases_passed"], by_name["shapes"]["cases_total"]) == (1, 2)
    assert by_name["values"]["points"] == by_name["stable"]["points"] == 0.0
    assert grad["points"] == pytest.approx(4 * (0.2 / 2 + 0.1))
    assert grad["misconceptions"] == ["not_averaged"]
    assert "[not_averaged]" in grad["message"]
    assert report["score"] == pytest.approx(6.0 + grad["points"])


def test_hidden_inputs_and_values_never_reach_feedback(tmp_path, course):
    leaky = "def cross_entropy_grad(z, y):\n    raise ValueError(repr(z.tolist()))\n"
    report = _grade(_submit(tmp_path, _lesson_notebook(grad=leaky)), course)
    message = report["tests"][2]["message"]
    from autograder.definitions import get_test

    test = get_test("l3_cross_entropy_grad")
    for case in test.cases(hidden=True, secret=SECRET):
        if case.hidden:
            assert repr(case.args[0].tolist())[:12] not in message
    assert "hidden cases: raised ValueError." in message


def test_regrading_is_idempotent(tmp_path, course):
    path = _submit(tmp_path, _lesson_notebook(grad=GRAD.replace("-= 1.0", "-= 2.0")))
    first, second = _grade(path, course), _grade(path, course)
    for report in (first, second):
        report.pop("duration_s")
    assert first == second


def test_memorising_the_public_cases_earns_nothing(tmp_path, course):
    # Every public case and its answer, pasted into the notebook as a lookup table.
    from autograder.definitions import get_test

    test = get_test("l3_cross_entropy_grad")
    table = [
        (case.args[0].tolist(), case.args[1].tolist(), test.reference(*case.args).tolist())
        for case in test.cases()
    ]
    memorised = (
        "import numpy as np\n"
        f"TABLE = {table!r}\n"
        "def cross_entropy_grad(z, y):\n"
        "    for zz, yy, g in TABLE:\n"
        "        if np.shape(zz) == z.shape and np.allclose(zz, z) and list(yy) == list(y):\n"
        "            return np.array(g)\n"
        "    return np.zeros_like(z)\n"
    )
    report = _grade(_submit(tmp_path, _lesson_notebook(grad=memorised)), course)
    grad = report["tests"][2]
    assert grad["points"] == 0.0
    assert f"Public checks (not scored): {len(table)} of {len(table)} correct." in grad["message"]


def test_not_a_notebook_still_gets_every_test(tmp_path, course):
    path = tmp_path / "submitted" / "student" / LESSON / f"{LESSON}.ipynb"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00\x01 not json")
    report = _grade(path, course)
    assert report["status"] == "failed" and "not a readable notebook" in report["reason"]
    assert [test["points"] for test in report["tests"]] == [0.0, 0.0, 0.0]
    assert report["max_score"] == 10.0


def test_missing_file_and_unknown_lesson_do_not_raise(tmp_path, course):
    missing = _grade(tmp_path / "nowhere" / f"{LESSON}.ipynb", course)
    assert missing["status"] == "failed" and "cannot be opened" in missing["reason"]
    unknown = _write(tmp_path / "other.ipynb", nbformat.v4.new_notebook())
    report = _grade(unknown, course)
    assert report["status"] == "failed" and report["tests"] == []
    assert "which lesson" in report["reason"]


def test_lesson_is_inferred_from_name_folder_or_grade_ids(tmp_path):
    assert infer_lesson_id(tmp_path / f"{LESSON}.ipynb") == LESSON
    assert infer_lesson_id(tmp_path / LESSON / "renamed.ipynb") == LESSON
    assert infer_lesson_id(tmp_path / "renamed.ipynb", _lesson_notebook()) == LESSON
    assert infer_lesson_id(tmp_path / "renamed.ipynb", nbformat.v4.new_notebook()) is None


def test_a_crash_in_one_test_does_not_stop_the_others(tmp_path, course):
    crashing = "import os\ndef softmax(z):\n    os._exit(1)\n"
    loss = LOSS.replace("softmax(z)", "_softmax(z)") + "\n" + SOFTMAX.replace("softmax", "_softmax")
    report = _grade(_submit(tmp_path, _lesson_notebook(softmax=crashing, loss=loss)), course)
    assert report["status"] == "failed"
    assert "l3_softmax" in report["reason"] and "exited" in report["reason"]
    assert [test["points"] for test in report["tests"]][:2] == [0.0, 3.0]


def test_grading_without_isolation_is_reported(tmp_path, course):
    report = grade_notebook(
        _submit(tmp_path, _lesson_notebook()),
        secret=SECRET,
        limits=Limits(isolation="none"),
        course_root=course,
    )
    assert report["isolation"] == "none" and report["score"] == 10.0


def test_a_sandbox_that_cannot_start_is_an_error_not_a_grade(tmp_path, course, monkeypatch):
    from autograder.sandbox import warm

    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: "/bin/false")
    warm.shutdown()
    report = _grade(_submit(tmp_path, _lesson_notebook()), course)
    assert report["status"] == "error" and "could not start" in report["reason"]
    assert all(test["message"].startswith(f"{test['id']}: 0 of") for test in report["tests"])


def test_a_symlink_to_another_file_is_not_graded(tmp_path, course):
    target = _write(tmp_path / "elsewhere" / "solution.ipynb", _lesson_notebook())
    link = tmp_path / "submitted" / "student" / LESSON / f"{LESSON}.ipynb"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    report = _grade(link, course)
    assert report["status"] == "failed" and "symbolic link" in report["reason"]
    assert report["score"] == 0.0


def test_a_fifo_does_not_hang_the_grader(tmp_path, course):
    import os

    fifo = tmp_path / "submitted" / "student" / LESSON / f"{LESSON}.ipynb"
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    report = _grade(fifo, course)
    assert report["status"] == "failed" and "not a regular file" in report["reason"]


def test_a_cell_whose_source_is_not_text_is_a_clear_failure(tmp_path, course):
    import json

    path = _submit(tmp_path, _lesson_notebook())
    data = json.loads(path.read_text())
    data["cells"][1]["source"] = {"not": "text"}
    path.write_text(json.dumps(data))
    report = _grade(path, course)
    assert report["status"] == "failed" and "source that is not text" in report["reason"]


def _demo_lesson(monkeypatch):
    """Register a lesson with a value test and an expression test, as lessons 1 and 2 do."""
    import sympy

    from autograder import definitions
    from autograder.definitions.framework import ExpressionTest, ValueTest
    from autograder.sandbox.view import LessonView

    def reference():
        z1, z2 = sympy.symbols("z1 z2")
        return sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2)) - 1

    tests = [
        ValueTest(id="demo_loss", lesson="demo_lesson", name="loss", points=1, reference=0.5),
        ValueTest(id="demo_choice", lesson="demo_lesson", name="choice", points=1, reference="b"),
        ExpressionTest(
            id="demo_grad", lesson="demo_lesson", name="grad", points=2, symbols=("z1", "z2"),
            reference=reference, misconceptions={"sign_flipped": lambda: -reference()},
        ),
    ]  # fmt: skip
    registry = (
        {test.id: test for test in tests},
        {"demo_lesson": tests},
        {"demo_lesson": LessonView(lesson="demo_lesson", packages=("numpy", "sympy"))},
    )
    monkeypatch.setattr(definitions, "_registry", lambda: registry)


def test_value_and_expression_tests_are_graded_in_the_sandbox(tmp_path, monkeypatch):
    _demo_lesson(monkeypatch)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        _cell("import sympy\nz1, z2 = sympy.symbols('z1 z2')\nloss = 0.5\nchoice = 'B'"),
        _cell("grad = 1 - sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2))"),
    ]
    path = _write(tmp_path / "submitted" / "s" / "demo_lesson" / "demo_lesson.ipynb", notebook)
    report = grade_notebook(path, secret=SECRET, limits=LIMITS, course_root=tmp_path)
    assert report["lesson_id"] == "demo_lesson" and report["status"] == "graded"
    points = {test["id"]: test["points"] for test in report["tests"]}
    assert points == {"demo_loss": 1.0, "demo_choice": 1.0, "demo_grad": 0.0}
    assert report["tests"][2]["misconceptions"] == ["sign_flipped"]
    assert report["max_score"] == 4.0


def test_a_string_is_never_parsed_as_an_expression(tmp_path, monkeypatch):
    _demo_lesson(monkeypatch)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [_cell("grad = 'exp(z1)/(exp(z1)+exp(z2)) - 1'\nloss = '0.5'")]
    path = _write(tmp_path / "submitted" / "s" / "demo_lesson" / "demo_lesson.ipynb", notebook)
    report = grade_notebook(path, secret=SECRET, limits=LIMITS, course_root=tmp_path)
    assert report["score"] == 0.0
    assert "SymPy expression" in report["tests"][2]["message"]


def test_public_feedback_cannot_carry_hidden_inputs(tmp_path, course):
    # The softmax remembers every input it sees; the loss raises them on its public cases.
    remembering = SOFTMAX.replace(
        "def softmax(z):", "SEEN = []\n\ndef softmax(z):\n    SEEN.append(z.tolist())"
    )
    raising = "def cross_entropy(z, y):\n    raise ValueError(repr(SEEN[-1]))\n"
    report = _grade(_submit(tmp_path, _lesson_notebook(softmax=remembering, loss=raising)), course)
    from autograder.definitions import get_test

    message = report["tests"][1]["message"]
    for case in get_test("l3_softmax").cases(hidden=True, secret=SECRET):
        if case.hidden:
            assert repr(case.args[0].tolist())[1:20] not in message


def test_a_course_cell_may_name_what_runs_in_its_place_under_grading():
    trusted = _lesson_notebook()
    heavy = _cell("import time\ntime.sleep(60)\nsearch = 'done'")
    heavy.metadata["ce_grade"] = {"under_grading": "search = 'skipped'"}
    trusted.cells.insert(1, heavy)
    submitted = _lesson_notebook()
    submitted.cells.insert(1, _cell("import time\ntime.sleep(60)\nsearch = 'done'"))
    sources, _, _ = select_cells(submitted, trusted, ["l3_softmax"])
    assert "search = 'skipped'" in sources and not any("sleep" in s for s in sources)
    # A student's own metadata is not trusted, and an edited cell runs as the student wrote it.
    own = _lesson_notebook()
    mine = _cell("import time\ntime.sleep(1)\nsearch = 'mine'")
    mine.metadata["ce_grade"] = {"under_grading": "search = 'free'"}
    own.cells.insert(1, mine)
    sources, _, _ = select_cells(own, trusted, ["l3_softmax"])
    assert any("search = 'mine'" in s for s in sources) and "search = 'free'" not in sources
