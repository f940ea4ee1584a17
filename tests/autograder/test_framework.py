"""Test definitions: cases, scoring, feedback and the in-notebook ``check``."""

import warnings

import numpy as np
import pytest
import sympy

from autograder import check, definitions
from autograder.definitions import forbidden_for, get_test, lesson_ids, lesson_of
from autograder.definitions.framework import (
    INPUTS_SHARE,
    Alternatives,
    Case,
    ExpressionTest,
    FunctionTest,
    Requirement,
    ValueTest,
)

SECRET = b"framework tests"


def _distinctive_hidden(rng):
    # Values that would be easy to spot in feedback if a hidden input leaked.
    return [(np.array([123456.789, 2.5]),), (np.array([-98765.4321]),)]


DOUBLE = FunctionTest(
    id="framework_double",
    lesson="framework",
    name="double",
    points=4,
    reference=lambda z: 2 * z,
    public=lambda rng: [Case((np.arange(3.0),), "three numbers"), (np.ones(2),)],
    hidden=_distinctive_hidden,
    misconceptions={"not_averaged": lambda z: z, "sign_flipped": lambda z: [-2 * z, -z]},
)


def test_public_cases_are_fixed_and_hidden_cases_follow_the_secret():
    public = DOUBLE.cases()
    assert [case.hidden for case in public] == [False, False]
    assert [case.label for case in public] == ["three numbers", "case 2"]
    everything = DOUBLE.cases(hidden=True, secret=SECRET)
    assert [case.hidden for case in everything] == [False, False, True, True]


def test_hidden_cases_change_with_the_secret():
    test = get_test("l3_softmax")
    first = test.cases(hidden=True, secret=b"one")
    second = test.cases(hidden=True, secret=b"two")
    again = test.cases(hidden=True, secret=b"one")
    public_count = len(test.cases())
    for a, b in zip(first[:public_count], second[:public_count], strict=True):
        np.testing.assert_array_equal(a.args[0], b.args[0])
    assert any(
        a.args[0].shape != b.args[0].shape or not np.allclose(a.args[0], b.args[0])
        for a, b in zip(first[public_count:], second[public_count:], strict=True)
    )
    for a, b in zip(first, again, strict=True):
        np.testing.assert_array_equal(a.args[0], b.args[0])


def test_partial_credit_is_fraction_of_cases_times_points():
    def half_right(z):
        return 2 * z if z.size == 3 else z

    result = DOUBLE.run_in_process(half_right)
    # Values: 0.9 of the points, half earned; unchanged inputs: 0.1 of the points, all earned.
    assert result.points == pytest.approx(4 * 0.9 * 1 / 2 + 4 * 0.1)
    assert (result.cases_passed, result.cases_total) == (1, 2)
    assert not result.passed


def test_only_hidden_cases_are_scored():
    # A table of the public answers: right on every public case, wrong on every hidden one.
    table = {tuple(case.args[0].ravel()): 2 * case.args[0] for case in DOUBLE.cases()}

    def memorised(z):
        return table.get(tuple(z.ravel()), np.zeros_like(z))

    result = DOUBLE.run_in_process(memorised, hidden=True, secret=SECRET)
    assert result.points == 0 and (result.cases_passed, result.cases_total) == (0, 2)


def test_a_probe_must_also_agree_where_the_answer_is_right():
    # Right on the public cases, "not averaged" (the identity) on hidden ones only: no single
    # misconception explains both, so none is claimed.
    def sometimes(z):
        return z if abs(z).max() > 100 else 2 * z

    result = DOUBLE.run_in_process(sometimes, hidden=True, secret=SECRET)
    assert result.points == 0 and result.misconceptions == []


def test_inf_or_nan_alone_is_never_evidence():
    test = FunctionTest(
        id="framework_nan",
        lesson="framework",
        name="f",
        points=1,
        reference=lambda z: np.exp(z),
        public=lambda rng: [(np.array([1000.0]),)],
        misconceptions={"unstable_softmax": lambda z: np.full(z.shape, np.inf)},
    )
    with np.errstate(over="ignore"):
        result = test.run_in_process(lambda z: np.full(z.shape, np.nan))
    assert result.misconceptions == []


def test_misconception_reported_only_when_it_explains_every_wrong_case():
    assert DOUBLE.run_in_process(lambda z: z).misconceptions == ["not_averaged"]
    assert DOUBLE.run_in_process(lambda z: -z).misconceptions == ["sign_flipped"]
    assert DOUBLE.run_in_process(lambda z: 3 * z).misconceptions == []


def test_feedback_never_shows_hidden_inputs_or_values():
    def leaks(z):
        if z.size != 3 and z[0] != 1.0:
            raise ValueError(f"my input was {z}")
        return 2 * z

    result = DOUBLE.run_in_process(leaks, hidden=True, secret=SECRET)
    assert (result.cases_passed, result.cases_total) == (0, 2)  # only hidden cases are scored
    assert "Public checks (not scored): 2 of 2 correct." in result.message
    assert "123456" not in result.message and "98765" not in result.message
    assert "hidden cases: raised ValueError" in result.message

    class Leak123456Error(Exception):
        pass

    def leaks_in_a_class_name(z):
        raise Leak123456Error()

    message = DOUBLE.run_in_process(leaks_in_a_class_name, hidden=True, secret=SECRET).message
    assert "hidden cases: raised an exception" in message
    assert "Leak123456Error" in message  # the public cases may name it


def test_wrong_shape_and_non_finite_answers_fail_with_a_reason():
    result = DOUBLE.run_in_process(lambda z: np.append(2 * z, 0.0))
    assert "shape" in result.message and result.points == 0
    result = DOUBLE.run_in_process(lambda z: np.full(z.shape, np.nan))
    assert "inf or NaN" in result.message


@pytest.mark.parametrize(
    "answer",
    [object(), "text", {"a": 1}, [object()], np.array(["a"]), np.array([None])],
    ids=["object", "str", "dict", "list-of-object", "str-array", "object-array"],
)
def test_answers_that_are_not_plain_numbers_score_zero(answer):
    result = DOUBLE.run_in_process(lambda z: answer)
    assert result.points == 0


def test_check_returns_points_prints_feedback_and_hides_warnings(capsys):
    def noisy(z):
        warnings.warn("a warning from student code", RuntimeWarning, stacklevel=1)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    points = check("l3_softmax", noisy)
    captured = capsys.readouterr()
    assert points == get_test("l3_softmax").points
    assert "l3_softmax" in captured.out and "warning" in captured.out
    assert captured.err == ""


def test_check_raises_assertion_error_when_nothing_passed(capsys):
    with pytest.raises(AssertionError, match="0 of 3 points") as raised:
        check("l3_softmax", lambda z: np.zeros_like(z))
    # The feedback appears once: as the exception, which IPython renders without a traceback.
    assert capsys.readouterr().out == ""
    rendered = raised.value._render_traceback_()
    assert rendered == [f"CheckFailed: {raised.value}"]
    assert "framework.py" not in "".join(rendered)


def test_check_lets_an_unfilled_exercise_raise_not_implemented():
    def softmax(z):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check("l3_softmax", softmax)


def test_check_with_hidden_runs_more_cases(capsys):
    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    check("l3_softmax", softmax)
    public_only = capsys.readouterr().out
    check("l3_softmax", softmax, hidden=True)
    with_hidden = capsys.readouterr().out
    count = len(get_test("l3_softmax").cases())
    assert f"all {count} cases" in public_only
    assert f"all {count} cases" not in with_hidden


def test_check_rejects_unknown_test_id():
    with pytest.raises(ValueError, match="test_id: expected the id of a registered test"):
        check("no_such_test", None)


def test_value_test_numbers_booleans_and_choices():
    number = ValueTest(id="v_num", lesson="framework", name="x", points=1, reference=0.5)
    assert number.run_in_process(0.5 + 1e-12).passed
    assert not number.run_in_process(0.6).passed
    assert not number.run_in_process("0.5").passed
    flag = ValueTest(id="v_bool", lesson="framework", name="b", points=1, reference=True)
    assert flag.run_in_process(True).passed
    assert not flag.run_in_process(1).passed
    choice = ValueTest(id="v_choice", lesson="framework", name="c", points=2, reference="B")
    assert choice.run_in_process(" b ").points == 2
    assert choice.run_in_process("a").points == 0
    lazy = ValueTest(id="v_lazy", lesson="framework", name="x", points=1, reference=lambda: 3)
    assert lazy.run_in_process(np.float32(3.0)).passed


def _softmax_first():
    z1, z2 = sympy.symbols("z1 z2")
    return sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2))


EXPRESSION = ExpressionTest(
    id="e_sigmoid",
    lesson="framework",
    name="a1",
    points=2,
    symbols=("z1", "z2"),
    reference=_softmax_first,
    misconceptions={
        "sign_flipped": lambda: Alternatives([-_softmax_first(), 1 - _softmax_first()])
    },
)


def test_expression_test_compares_values_at_drawn_points():
    z1, z2 = sympy.symbols("z1 z2")
    equivalent = 1 / (1 + sympy.exp(z2 - z1))
    assert EXPRESSION.run_in_process(equivalent).points == 2
    assert EXPRESSION.run_in_process(equivalent, hidden=True, secret=SECRET).passed
    wrong = EXPRESSION.run_in_process(sympy.exp(z1))
    assert wrong.points == 0


def test_expression_test_diagnoses_and_rejects_strings_and_foreign_symbols():
    z1, _z2, w = sympy.symbols("z1 z2 w")
    flipped = EXPRESSION.run_in_process(1 - _softmax_first())
    assert flipped.misconceptions == ["sign_flipped"]
    assert EXPRESSION.run_in_process("exp(z1)/(exp(z1)+exp(z2))").points == 0
    foreign = EXPRESSION.run_in_process(w * z1)
    assert foreign.points == 0 and "w" in foreign.message


def test_vector_expressions_and_matrices():
    def reference():
        z1, z2 = sympy.symbols("z1 z2")
        total = sympy.exp(z1) + sympy.exp(z2)
        return [sympy.exp(z1) / total, sympy.exp(z2) / total]

    test = ExpressionTest(
        id="e_vec", lesson="framework", name="a", points=1, symbols=("z1", "z2"),
        reference=reference,
    )  # fmt: skip
    assert test.run_in_process(sympy.Matrix(reference())).passed
    assert not test.run_in_process(sympy.Matrix(reference()[::-1])).passed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", 0, "points of test .*: expected a positive number"),
        ("points", -1, "points of test .*: expected a positive number"),
        ("id", "", "id: expected a non-empty string"),
        ("misconceptions", {"made_up": abs}, "made_up"),
    ],
)
def test_definitions_are_validated(field, value, message):
    arguments = dict(
        id="bad", lesson="framework", name="f", points=1, reference=abs, public=lambda rng: []
    )
    arguments[field] = value
    with pytest.raises(ValueError, match=message):
        FunctionTest(**arguments)


def test_registry_finds_lesson_three():
    assert "lesson3_implement" in lesson_ids()
    tests = definitions.tests_for_lesson("lesson3_implement")
    assert [test.id for test in tests] == [
        "l3_softmax",
        "l3_cross_entropy",
        "l3_cross_entropy_grad",
    ]
    assert [test.points for test in tests] == [3, 3, 4]
    assert lesson_of("l3_cross_entropy") == "lesson3_implement"
    forbidden = forbidden_for("lesson3_implement")
    assert "ce_lib.softmax" in forbidden.functions
    assert {"ce_lib.softmax", "ce_lib.cross_entropy", "ce_lib.dynamics"} <= set(forbidden.modules)
    # Third-party libraries are absent because the view lists only what the lesson allows.
    assert definitions.view_for("lesson3_implement").packages == ("numpy", "matplotlib")


@pytest.mark.parametrize("call", [definitions.tests_for_lesson, forbidden_for])
def test_registry_rejects_unknown_lessons(call):
    with pytest.raises(ValueError, match="lesson_id: expected one of"):
        call("lesson99_missing")


@pytest.mark.parametrize(
    "test",
    [test for lesson in lesson_ids() for test in definitions.tests_for_lesson(lesson)],
    ids=lambda test: test.id,
)
def test_every_registered_reference_earns_full_marks(test):
    # The reference answer must pass its own test, on public and hidden cases.
    if isinstance(test, FunctionTest):
        result = test.run_in_process(test.reference, hidden=True, secret=SECRET)
    elif isinstance(test, ExpressionTest):
        result = test.run_in_process(test.reference(), hidden=True, secret=SECRET)
    else:
        result = test.run_in_process(test.expected(None), hidden=True, secret=SECRET)
    assert result.points == test.points, result.message


def test_check_refuses_the_reference_itself(capsys):
    from ce_lib import softmax as reference

    with pytest.raises(AssertionError, match="uses_reference") as raised:
        check("l3_softmax", reference)
    assert "course's own reference" in str(raised.value)
    assert capsys.readouterr().out == ""


# --- requirements ---------------------------------------------------------------------------


def _normalise_rows(z):
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


ROWS = FunctionTest(
    id="framework_rows",
    lesson="framework",
    name="normalise_rows",
    points=10,
    reference=_normalise_rows,
    requirements=(
        Requirement(
            "values",
            "rows of ordinary logits",
            0.6,
            public=lambda rng: [Case((np.array([[0.0, np.log(3.0)]]),), "two logits")],
            hidden=lambda rng: [(rng.normal(size=(3, 4)),) for _ in range(3)],
        ),
        Requirement(
            "stable",
            "stays finite for logits near 1000",
            0.3,
            public=lambda rng: [Case((np.array([[1000.0, 1000.0]]),), "two large logits")],
            hidden=lambda rng: [(900.0 + rng.normal(size=(2, 3)),) for _ in range(2)],
        ),
    ),
)


def _unstable(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def test_an_answer_that_skips_a_requirement_loses_exactly_its_share():
    with np.errstate(all="ignore"):
        result = ROWS.run_in_process(_unstable, hidden=True, secret=SECRET)
    assert result.points == pytest.approx(10 * (0.6 + INPUTS_SHARE))
    by_name = {entry["name"]: entry for entry in result.requirements}
    assert by_name["stable"]["points"] == 0
    assert by_name["values"]["points"] == pytest.approx(6.0)
    assert (by_name["stable"]["cases_passed"], by_name["stable"]["cases_total"]) == (0, 2)
    assert "stays finite for logits near 1000 [not met]" in result.message
    assert "rows of ordinary logits [met]" in result.message


def test_each_requirement_draws_its_own_public_and_hidden_cases():
    cases = ROWS.cases(hidden=True, secret=SECRET)
    assert [(case.requirement, case.hidden) for case in cases] == [
        ("values", False),
        ("stable", False),
        ("values", True),
        ("values", True),
        ("values", True),
        ("stable", True),
        ("stable", True),
    ]


def test_shares_must_add_up_to_the_points_left_for_the_inputs():
    requirement = Requirement("values", "v", 0.5, lambda rng: [], lambda rng: [])
    with pytest.raises(ValueError, match=r"expected a sum of 0\.9.*got 0\.5"):
        FunctionTest(
            id="bad", lesson="x", name="f", points=1, reference=abs, requirements=(requirement,)
        )
    with pytest.raises(ValueError, match="share of requirement 'v': expected a number in"):
        Requirement("v", "v", 0.0, lambda rng: [], lambda rng: [])
    with pytest.raises(ValueError, match="distinct names"):
        FunctionTest(
            id="bad", lesson="x", name="f", points=1, reference=abs,
            requirements=(requirement, requirement),
        )  # fmt: skip


def test_changing_an_argument_in_place_loses_the_inputs_share_only():
    def in_place(z):
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    result = ROWS.run_in_process(in_place, hidden=True, secret=SECRET)
    assert result.points == pytest.approx(10 * (1 - INPUTS_SHARE))
    inputs = result.requirements[-1]
    assert (inputs["name"], inputs["points"], inputs["cases_passed"]) == ("inputs", 0.0, 0)
    assert "leaves its arguments unchanged [not met]" in result.message
    assert "changed its arguments in place" in result.message


def test_unchanged_inputs_earn_nothing_on_their_own():
    result = ROWS.run_in_process(lambda z: np.zeros_like(z), hidden=True, secret=SECRET)
    assert result.points == 0
    assert "raised" not in result.message


def test_arguments_that_do_not_come_back_count_as_changed():
    case = Case((np.ones(2),), "x")
    assert ROWS.inputs_changed(case, {"value": np.ones(2)})  # no arguments sent back
    assert ROWS.inputs_changed(case, {"value": np.ones(2), "args": [None]})
    assert ROWS.inputs_changed(case, {"value": np.ones(2), "args": [np.ones(3)]})
    assert ROWS.inputs_changed(case, {"value": np.ones(2), "args": [np.ones(2, dtype=int)]})
    assert not ROWS.inputs_changed(case, {"value": np.ones(2), "args": [np.ones(2)]})
    nan = Case((np.array([np.nan, 1.0]),), "x")
    assert not ROWS.inputs_changed(nan, {"value": 0, "args": [np.array([np.nan, 1.0])]})


# --- feedback that points -------------------------------------------------------------------


def test_a_wrong_public_case_shows_input_expected_got_and_the_first_wrong_entry():
    def off_by_one_entry(z):
        a = _normalise_rows(z)
        a[0, 1] += 0.5
        return a

    message = ROWS.run_in_process(off_by_one_entry).message
    assert "two logits (z=[[0.    , 1.0986]])" in message
    assert "expected [[0.25, 0.75]], got [[0.25, 1.25]]" in message
    assert "first wrong entry at [0, 1]: expected 0.75, got 1.25" in message


def test_inf_in_a_public_answer_is_located():
    with np.errstate(all="ignore"):
        message = ROWS.run_in_process(_unstable).message
    assert "two large logits (z=[[1000., 1000.]]): the answer contains inf or NaN at [0, 0]" in (
        message
    )
    assert "where 0.5 is expected" in message


def test_a_lost_axis_is_named_with_what_to_check():
    def no_keepdims_sum(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return (e.T / e.sum(axis=1)).T.sum(axis=1)

    message = ROWS.run_in_process(no_keepdims_sum).message
    assert "the answer has shape (1,), expected (1, 2): axis 1 (of length 2) is gone" in message
    assert "keepdims=True" in message


def test_a_broadcasting_error_becomes_a_sentence():
    wide = FunctionTest(
        id="framework_wide", lesson="framework", name="f", points=1, reference=_normalise_rows,
        public=lambda rng: [Case((np.ones((2, 3)),), "2 by 3")],
    )  # fmt: skip

    def raises(z):
        return np.exp(z) / np.exp(z).sum(axis=1)

    message = wide.run_in_process(raises).message
    assert "NumPy could not combine arrays of shapes (2,3) and (2,)" in message
    assert "keepdims=True" in message
    assert "operands could not be broadcast" not in message


def test_hidden_feedback_counts_without_values_or_positions():
    def off(z):
        return _normalise_rows(z) + 0.01

    result = ROWS.run_in_process(off, hidden=True, secret=SECRET)
    hidden_lines = [line for line in result.message.splitlines() if "hidden case" in line]
    assert hidden_lines == [
        "      3 hidden cases: wrong values.",
        "      2 hidden cases: wrong values.",
    ]


def test_when_no_probe_explains_the_answer_the_feedback_says_so():
    def odd(z):
        return z**3

    message = DOUBLE.run_in_process(odd).message
    assert "No misconception the grader knows reproduces these answers" in message
    assert "Likely misconception" not in message


def test_points_are_printed_with_at_most_two_decimals():
    result = DOUBLE.run_in_process(lambda z: 2 * z if z.size == 3 else z)
    assert "(2.2 of 4 points)" in result.message
    third = FunctionTest(
        id="framework_third", lesson="framework", name="f", points=1, reference=abs,
        public=lambda rng: [(1.0,), (2.0,), (-3.0,)], inputs_share=0.1,
    )  # fmt: skip
    assert "(0.7 of 1 points)" in third.run_in_process(lambda x: x).message


def test_a_value_question_says_where_it_is_wrong_but_never_the_answer():
    vector = ValueTest(
        id="framework_vector", lesson="framework", name="v", points=1,
        reference=np.array([0.25, 0.75, 0.0]),
    )  # fmt: skip
    message = vector.run_in_process(np.array([0.25, 0.5, 0.0])).message
    assert "wrong values, first at entry [1]" in message
    assert "0.75" not in message
    number = ValueTest(id="framework_number", lesson="framework", name="x", points=1,
                       reference=0.6931)  # fmt: skip
    message = number.run_in_process(0.5).message
    assert "wrong value" in message and "0.6931" not in message


def test_every_shape_sentence_names_what_to_check():
    from autograder.definitions.framework import _shape_sentence

    assert "one number is asked for" in _shape_sentence((3,), ())
    assert "not a single number" in _shape_sentence((), (3,))
    assert "extra axis" in _shape_sentence((2, 3, 1), (2, 3))
    assert "axes are swapped; rows are samples" in _shape_sentence((3, 2), (2, 3))
    assert "a row per feature" in _shape_sentence((3, 2), (2, 3), "a row per feature")
    assert _shape_sentence((5, 7), (2, 3)) == "the answer has shape (5, 7), expected (2, 3)"


def test_a_hidden_broadcasting_error_says_what_to_check_without_shapes():
    def raises(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1)

    result = ROWS.run_in_process(raises, hidden=True, secret=SECRET)
    hidden = [line for line in result.message.splitlines() if "hidden case" in line]
    assert hidden and all(
        "raised ValueError: arrays whose shapes do not combine (check keepdims)" in line
        for line in hidden
    )
    assert "(3,4)" not in result.message and "(2,3)" not in result.message
