"""Test definitions: cases, scoring, feedback and the in-notebook ``check``."""

import warnings

import numpy as np
import pytest
import sympy

from autograder import check, definitions
from autograder.definitions import forbidden_for, get_test, lesson_ids, lesson_of
from autograder.definitions.framework import (
    Alternatives,
    Case,
    ExpressionTest,
    FunctionTest,
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
    assert result.points == pytest.approx(4 * 1 / 2)
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
    with pytest.raises(AssertionError, match="0 of 3 points"):
        check("l3_softmax", lambda z: np.zeros_like(z))
    assert "0 of 3 points" in capsys.readouterr().out


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
    with pytest.raises(ValueError, match="test_id must be the id of a registered test"):
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
        ("points", 0, "points must be a positive number"),
        ("points", -1, "points must be a positive number"),
        ("id", "", "id must be a non-empty string"),
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
    with pytest.raises(ValueError, match="lesson_id must be one of"):
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

    with pytest.raises(AssertionError, match="uses_reference"):
        check("l3_softmax", reference)
    assert "course's own reference" in capsys.readouterr().out
