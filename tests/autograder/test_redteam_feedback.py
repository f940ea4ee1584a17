"""Attacks on the requirement-weighted scoring and its feedback, each asserting that it holds.

The student has read the grader: they know that function answers carry their arguments back
(the inputs share), what feedback says about public and hidden cases, and that their code can
write any frame on the sandbox's pipe. A test here passes when the grader holds.
"""

import re
import time
import tracemalloc
import warnings

import numpy as np
import pytest

from autograder import definitions
from autograder.definitions import get_test, lesson_ids
from autograder.definitions.framework import (
    INPUTS,
    Case,
    FunctionTest,
    ValueTest,
    _error_sentence,
)
from autograder.grading import _clean_answers, grade_notebook
from tests.autograder.test_grading import (
    GRAD,
    LESSON,
    LIMITS,
    SECRET,
    _lesson_notebook,
    _submit,
    _write,
)
from tests.autograder.test_grading import SOFTMAX as SOFTMAX_CELL


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    _write(root / "notebooks" / LESSON / f"{LESSON}.ipynb", _lesson_notebook())
    return root


def _graded(tmp_path, course, **cells):
    path = _submit(tmp_path, _lesson_notebook(**cells))
    report = grade_notebook(path, secret=SECRET, limits=LIMITS, course_root=course)
    return report, {test["id"]: test for test in report["tests"]}


def _requirement(test, name):
    return next(entry for entry in test["requirements"] if entry["name"] == name)


def _quietly(call):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call()


# --- frames the student's code writes itself -------------------------------------------------

# The student's code speaks the worker's protocol on its pipe (fd 3 in, fd 4 out).
_PIPE = (
    "import json, os, struct\nfrom ce_sandbox.wire import encode, read_frame\n"
    "def exactly(count):\n    data = b''\n    while len(data) < count:\n"
    "        data += os.read(3, count - len(data))\n    return data\n"
)
_READY = "os.write(4, encode({'op': 'ready', 'cell_errors': []}))\n"
_ANSWER_ONCE = "read_frame(exactly)\nos.write(4, {frame})\nos._exit(0)\n"
_RAW = "struct.pack('>II', len(HEADER), 0) + HEADER"


@pytest.mark.usefixtures("bubblewrap")
@pytest.mark.parametrize(
    "hijack",
    [
        pytest.param("os.write(4, encode([1, 2]))\nos._exit(0)\n", id="ready-is-a-list"),
        pytest.param(
            "os.write(4, encode({'op': 'ready', 'cell_errors': 5}))\nos._exit(0)\n",
            id="cell-errors-a-number",
        ),
        pytest.param(
            "os.write(4, encode({'op': 'ready', 'cell_errors': [{'cell': [1]}]}))\nos._exit(0)\n",
            id="cell-unhashable",
        ),
        pytest.param(_READY + _ANSWER_ONCE.format(frame="encode(['x'])"), id="answers-a-list"),
        pytest.param(
            _READY + _ANSWER_ONCE.format(frame="encode({'op': 'answers', 'answers': 7})"),
            id="answers-a-number",
        ),
        pytest.param(
            # An empty array may declare any other dimension: NumPy refuses [0, 2**70].
            _READY + "HEADER = json.dumps({'op': 'answers', 'answers': [{'value': "
            "{'__array__': ['<f8', [0, 2**70], 0, 0]}}]}).encode()\n"
            + _ANSWER_ONCE.format(frame=_RAW),
            id="empty-array-of-huge-dimensions",
        ),
    ],
)
def test_a_crafted_frame_is_the_notebooks_failure_never_the_graders(tmp_path, course, hijack):
    # Each of these stopped grading "unexpectedly" (status "error"): a grader failure is not
    # a grade, so the notebook would never have been given its zero.
    report, _ = _graded(tmp_path, course, softmax="import numpy as np\n" + _PIPE + hijack)
    assert report["status"] == "failed", report["reason"]
    assert "unexpectedly" not in str(report)
    assert report["score"] == 0.0


@pytest.mark.usefixtures("bubblewrap")
def test_an_argument_grown_in_place_is_a_changed_argument_not_a_lost_test(tmp_path, course):
    # The arguments travel back with the answers: one resized to 40 MiB made the whole frame
    # too large, the worker stopped and the test was not graded at all.
    grown = GRAD.replace(
        "a = softmax(z)", "a = softmax(z)\n    z.resize((5 * 2**20,), refcheck=False)"
    )
    report, tests = _graded(tmp_path, course, grad=grown)
    grad = tests["l3_cross_entropy_grad"]
    assert report["status"] == "graded", report["reason"]
    assert _requirement(grad, INPUTS)["points"] == 0.0
    assert grad["points"] == pytest.approx(4 * 0.9)
    assert "changed its arguments in place" in grad["message"]


@pytest.mark.usefixtures("bubblewrap")
@pytest.mark.parametrize(
    ("grad", "shown"),
    [
        ("cross_entropy_grad = 3", "raised NotPlainData: expected a function, got int"),
        ("def cross_entropy_gradient(z, y):\n    return z", "raised NameError"),
        ("def cross_entropy_grad(z, y):\n    raise SystemExit(3)", "raised SystemExit: 3."),
    ],
)
def test_a_call_that_never_ran_is_not_said_to_change_its_arguments(tmp_path, course, grad, shown):
    # Answers without arguments (the call never ran or never returned) were reported as
    # "changed its arguments in place", a mistake nobody made.
    _, tests = _graded(tmp_path, course, grad=grad)
    test = tests["l3_cross_entropy_grad"]
    assert test["points"] == 0.0
    assert shown in test["message"]
    assert "changed its arguments" not in test["message"]
    assert "SystemExit: SystemExit" not in test["message"]
    assert "compare your values" not in test["message"]  # there are no values to compare


# --- the inputs share: what the trusted side accepts as "unchanged" ------------------------

SOFTMAX = get_test("l3_softmax")


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _crafted_args(args):
    z = np.asarray(args[0])
    return {
        "missing": None,
        "none": [None],
        "empty list": [],
        "one too many": [z, z],
        "a dict": [{"__array__": 1}],
        "a string": ["z"],
        "a bool": [True],
        "nested lists": [[z.tolist()]],
        "a float list": [z.tolist()],
        "ints": [z.astype(np.int64)],
        "float16": [z.astype(np.float16)],
        "transposed": [np.ascontiguousarray(z.T)],
        "flattened": [z.reshape(-1)],
        "NaN": [np.full_like(z, np.nan)],
        "one entry off": [np.where(np.arange(z.size).reshape(z.shape) == 0, np.nextafter(z, 9), z)],
        "-0 for 0": [np.where(z == 0, -0.0, z)],
        "longer": [np.zeros(2**16)],
        "empty huge": [np.empty((0, 2**40))],
    }


def test_only_the_arguments_as_they_were_sent_earn_the_inputs_share():
    cases = SOFTMAX.cases(hidden=True, secret=SECRET)
    right = [{"value": _softmax(case.args[0])} for case in cases]
    for name in _crafted_args(cases[0].args):
        answers = []
        for case, answer in zip(cases, right, strict=True):
            args = _crafted_args(case.args)[name]
            answers.append(answer if args is None else {**answer, "args": args})
        clean = _clean_answers({"answers": answers}, len(answers))
        result = SOFTMAX.evaluate(cases, clean)
        inputs = result.requirements[-1]
        # -0 for 0 is the same number; every other change (or no arguments at all) is not.
        expected = inputs["max_points"] if name == "-0 for 0" else 0.0
        assert inputs["points"] == expected, name
        assert result.points == pytest.approx(3 * 0.9 + expected), name


def test_comparing_returned_arguments_never_converts_a_huge_one():
    case = SOFTMAX.cases()[0]
    answer = {"value": _softmax(case.args[0]), "args": [np.zeros(2**25, dtype=np.uint8)]}
    tracemalloc.start()
    try:
        started = time.perf_counter()
        assert SOFTMAX.inputs_changed(case, answer)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20 and seconds < 0.05


def test_the_diagnosis_never_converts_a_huge_answer_of_the_wrong_shape():
    # A 32 MiB answer of one-byte integers was converted to float64 (256 MiB) once per probe
    # and case before its shape was looked at.
    test = get_test("l3_cross_entropy_grad")
    cases = test.cases()
    answers = [{"value": np.zeros(2**25, dtype=np.uint8)} for _ in cases]
    tracemalloc.start()
    try:
        result = _quietly(lambda: test.evaluate(cases, answers))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.points == 0.0 and result.misconceptions == []
    assert peak < 2**26


def test_references_and_probes_leave_the_cases_arguments_as_drawn():
    # The inputs share compares the returned arguments with the case's own: a reference or a
    # probe that changed them would turn an untouched argument into a "changed" one, and give
    # the probes after it other inputs than the student's function had.
    for lesson in lesson_ids():
        for test in definitions.tests_for_lesson(lesson):
            if not isinstance(test, FunctionTest):
                continue
            for case in test.cases(hidden=True, secret=SECRET):
                before = [np.array(argument, copy=True) for argument in case.args]

                def every_call(test=test, case=case):
                    test.expected(case)
                    for probe in test.misconceptions.values():
                        try:
                            test.probe_alternatives(probe, case)
                        except Exception:
                            pass

                _quietly(every_call)
                for sent, now in zip(before, case.args, strict=True):
                    assert np.array_equal(sent, np.asarray(now), equal_nan=True), test.id


def _trivial_answers(count):
    answers = {
        "zero": lambda *a: 0.0,
        "one": lambda *a: 1.0,
        "one half": lambda *a: 0.5,
        "log 2": lambda *a: float(np.log(2.0)),
        "mean of the first": lambda *a: float(np.mean(a[0])),
        "uniform rows": lambda *a: (
            np.full(np.shape(a[0]), 1.0 / np.shape(a[0])[-1]) if np.ndim(a[0]) else 1.0
        ),
    }
    for index in range(count):
        answers[f"argument {index + 1}"] = lambda *a, i=index: np.asarray(a[i], dtype=float)
        answers[f"zeros like argument {index + 1}"] = lambda *a, i=index: np.zeros_like(
            np.asarray(a[i], dtype=float)
        )
    return answers


#: Requirements a trivial answer meets by design: binary_gradient(a_1, y) is a_1 for y = 0,
#: so returning a_1 earns that requirement and, with it, the inputs share (0.55 of 1 point).
TRIVIALLY_MET = {"l6_binary_gradient": "label_zero"}


def test_no_trivial_answer_earns_points_that_nothing_asked_for():
    # Echoing an argument, a constant or zeros passes no hidden case of any function test, so
    # it earns neither a requirement nor the inputs share (which needs some right answer).
    for lesson in lesson_ids():
        for test in definitions.tests_for_lesson(lesson):
            if not isinstance(test, FunctionTest):
                continue
            cases = test.cases(hidden=True, secret=SECRET)
            count = len(cases[0].args)
            for name, answer in _trivial_answers(count).items():
                result = _quietly(
                    lambda test=test, answer=answer: test.run_in_process(
                        answer, hidden=True, secret=SECRET
                    )
                )
                met = {
                    entry["name"]
                    for entry in result.requirements
                    if entry["points"] and entry["name"] != INPUTS
                }
                allowed = TRIVIALLY_MET.get(test.id)
                assert met <= {allowed}, (test.id, name, met)
                if not met:
                    assert result.points == 0.0, (test.id, name)


# --- what feedback tells about a value question ---------------------------------------------


def _value_tests():
    tests = [
        ValueTest(id="redteam_number", lesson="redteam", name="x", points=1, reference=0.6931),
        ValueTest(
            id="redteam_vector",
            lesson="redteam",
            name="v",
            points=1,
            reference=np.array([0.25, 0.75, 0.125]),
        ),
    ]
    for lesson in lesson_ids():
        tests += [
            test for test in definitions.tests_for_lesson(lesson) if isinstance(test, ValueTest)
        ]
    return tests


@pytest.mark.parametrize("test", _value_tests(), ids=lambda test: test.id)
def test_a_nan_answer_does_not_buy_a_value_questions_answer(test):
    # "the answer contains inf or NaN where 0.6931 is expected": one NaN submission showed the
    # answer of a value question, which is scored on its one (public) case.
    reference = test._reference_value()
    if isinstance(reference, bool | str):
        pytest.skip("a choice or a truth value has no NaN answer")
    for answer in (np.full(np.shape(reference), np.nan), np.full(np.shape(reference), np.inf)):
        message = test.run_in_process(answer).message
        assert "is expected" not in message and "expected ones" not in message
        for entry in np.ravel(reference):
            if entry:
                assert f"{entry:.6g}" not in message and f"{entry:.4g}" not in message
        assert "the answer contains inf or NaN" in message


# --- what feedback tells about hidden cases -------------------------------------------------


def test_the_broadcast_pattern_takes_no_time_on_a_crafted_message():
    prefix = "operands could not be broadcast together with shapes "
    crafted = [
        prefix + "(" + "1, " * 100,
        prefix + "() " * 90 + "(",
        prefix + "(1,) " * 60 + "x",
        (prefix + "(") * 5,
    ]
    started = time.perf_counter()
    for detail in crafted:
        for name in ("ValueError", "TypeError"):
            _error_sentence(name, detail[:303])
    assert time.perf_counter() - started < 0.05


def test_hidden_cases_say_only_which_kind_of_mistake_whatever_the_answer():
    # Answers of every odd shape, dtype and value, and exceptions with crafted names and
    # messages: feedback on hidden cases shows neither shapes, values, nor the student's text.
    cases = SOFTMAX.cases(hidden=True, secret=SECRET)
    hidden = [case for case in cases if case.hidden]
    crafted = [
        {"value": np.empty((0, 10**18))},
        {"value": np.zeros((1,) * 8)},
        {"value": np.array(np.inf, dtype=np.float16)},
        {"value": np.array([np.iinfo(np.uint64).max], dtype=np.uint64)},
        {"value": np.full((9, 9), np.iinfo(np.int64).min)},
        {"value": np.array(True)},
        {"value": "0.25"},
        {"value": [0.25]},
        {"value": None},
        {"error": "SECRET_0_123456", "detail": "z=0.123456"},
        {"error": "ValueError", "detail": "operands could not be broadcast together with "
                                          "shapes (3,4) (3,) z=0.123456"},
        {"error": ["not", "a", "name"], "detail": {"z": 0.123456}},
        {"unknown": 1},
    ]  # fmt: skip
    for answer in crafted:
        answers = [{"value": _softmax(case.args[0])} for case in cases if not case.hidden]
        answers += [dict(answer) for _ in hidden]
        clean = _clean_answers({"answers": answers}, len(answers))
        result = _quietly(lambda clean=clean: SOFTMAX.evaluate(cases, clean))
        assert result.points == 0.0, answer
        lines = [line for line in result.message.splitlines() if "hidden case" in line]
        assert lines, answer
        for line in lines:
            assert not re.search(r"\d\.\d|SECRET|shape \(|\[", line), line


def test_a_hidden_case_is_never_shown_by_its_inputs_even_when_small():
    # Hidden inputs of a question with scalar arguments fit the size shown for public cases.
    test = get_test("l6_binary_gradient")

    def wrong(a_1, y):
        return a_1 + y + 1.0

    message = test.run_in_process(wrong, hidden=True, secret=SECRET).message
    for case in test.cases(hidden=True, secret=SECRET):
        if case.hidden:
            assert f"{case.args[0]:.4f}" not in message
            assert f"{case.args[0]:.4g}" not in message
    assert "a_1=" in message  # public cases do show their inputs


def test_a_crafted_case_label_of_a_hidden_case_is_never_shown():
    # A hidden case built with a label (a Case subclass of a lesson) still shows no label.
    test = FunctionTest(
        id="redteam_labelled", lesson="redteam", name="f", points=1, reference=lambda x: 2 * x,
        public=lambda rng: [Case((1.0,), "one")],
        hidden=lambda rng: [Case((float(rng.normal()),), "SECRET LABEL")],
    )  # fmt: skip
    message = test.run_in_process(lambda x: x, hidden=True, secret=SECRET).message
    assert "SECRET" not in message and "1 hidden case: wrong values." in message


# --- exceptions that cannot print themselves -----------------------------------------------

_OOPS = "class Oops(Exception):\n    def __str__(self):\n        raise Oops()\n"


@pytest.mark.usefixtures("bubblewrap")
def test_an_exception_that_cannot_print_itself_stops_neither_a_test_nor_the_notebook(
    tmp_path, course
):
    # Its message was read while the worker reported it: the worker stopped, with it the
    # notebook (raised in a cell) or the test (raised by the function), graded as not run.
    raising = _OOPS + "def cross_entropy_grad(z, y):\n    raise Oops()\n"
    report, tests = _graded(
        tmp_path, course, softmax=SOFTMAX_CELL + "\n" + _OOPS + "raise Oops()\n", grad=raising
    )
    assert report["status"] == "graded", report["reason"]
    assert tests["l3_softmax"]["points"] == 3.0
    message = tests["l3_cross_entropy_grad"]["message"]
    assert "raised Oops: (its message could not be printed)" in message
    assert "hidden cases: raised an exception." in message


def test_an_exception_that_cannot_print_itself_is_an_answer_in_the_notebook_too():
    namespace = {}
    exec(_OOPS + "def grad(z, y):\n    raise Oops()\n", namespace)
    message = get_test("l3_cross_entropy_grad").run_in_process(namespace["grad"]).message
    assert "raised Oops: (its message could not be printed)" in message
