"""Answers: calling the student's function, reading a value, evaluating SymPy at points."""

import numpy as np
import pytest

from ce_sandbox.answers import call_function, evaluate_expression, read_value


def test_expression_evaluation_matches_by_symbol_name():
    import sympy

    x = sympy.Symbol("x", positive=True)  # same name, different assumptions
    assert evaluate_expression(sympy.log(x), {"x": 1.0}).tolist() == [0.0]
    with pytest.raises(ValueError, match="does not define: y"):
        evaluate_expression(sympy.Symbol("y"), {"x": 1.0})
    with pytest.raises(ValueError, match="not real"):
        evaluate_expression(sympy.sqrt(sympy.Symbol("x")), {"x": -1.0})


def test_call_function_copies_inputs():
    original = np.ones(3)

    def mutate(z):
        z[:] = 0
        return z

    call_function(mutate, [(original,)])
    np.testing.assert_array_equal(original, np.ones(3))


def test_an_answer_that_is_not_plain_data_is_an_error_not_a_crash():
    answers = call_function(lambda z: object(), [(1.0,)])
    assert answers[0]["error"] == "NotPlainData"
    assert read_value({"a": 1})[0]["error"] == "NotPlainData"


def test_the_student_exception_detail_is_cut():
    def loud(z):
        raise ValueError("x" * 10_000)

    detail = call_function(loud, [(1.0,)])[0]["detail"]
    assert len(detail) < 400
