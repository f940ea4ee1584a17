r"""Turn a student's object into plain answers: call a function, read a value, evaluate SymPy.

These run wherever the student's code runs: inside the sandbox worker when ``ce-grade`` grades,
and in the learner's own kernel when a grade cell calls :func:`autograder.check`. An answer is
``{"value": plain}`` with plain data from :func:`ce_sandbox.wire.to_plain`, or
``{"error": type_name, "detail": message}`` when the student's code raised or returned
something that is not plain data. A function's answer also carries ``"args"``: its
arguments as they were after the call (``None`` for one that is no longer plain data), so the
trusted side can check that the function left them unchanged.

>>> answers = call_function(lambda z: 2 * z, [(1.5,), (None,)])
>>> float(answers[0]["value"]), answers[1]["error"]
(3.0, 'TypeError')
"""

import copy

import numpy as np

from ce_sandbox.wire import NotPlainData, to_plain

MAX_DETAIL_CHARS = 300
MAX_NAME_CHARS = 100


def error_answer(exc):
    r"""Return the answer of a call that raised ``exc``: its type name and a short message."""
    try:
        detail = str(exc)
    except Exception:  # the student's exception class may fail to print itself
        detail = "(its message could not be printed)"
    if len(detail) > MAX_DETAIL_CHARS:
        detail = detail[:MAX_DETAIL_CHARS] + "..."
    # The class name is the student's too: a huge one, once per case, made the answers too
    # large for a frame and stopped the worker instead of reporting what was raised.
    return {"error": type(exc).__name__[:MAX_NAME_CHARS], "detail": detail}


def _fresh(argument):
    # Each call gets its own copy so an answer that edits its input cannot change the reference.
    if isinstance(argument, np.ndarray):
        return argument.copy()
    return copy.deepcopy(argument)


def _plain_or_none(argument, sent):
    try:
        plain = to_plain(argument)
    except Exception:  # an argument turned into something else is "changed"
        return None
    # An argument that grew in place (ndarray.resize) was changed: it is not sent back, so
    # that it cannot make the answers too large for a frame and lose every answer.
    return None if np.size(plain) > np.size(sent) else plain


def call_function(function, cases_args, *, propagate_not_implemented=False):
    r"""Call ``function(*args)`` for each argument tuple and return one answer per call.

    >>> import numpy as np
    >>> def normalise(v):
    ...     v /= v.sum()  # edits its argument in place
    ...     return v
    >>> answer = call_function(normalise, [(np.array([1.0, 3.0]),)])[0]
    >>> answer["value"].tolist(), answer["args"][0].tolist()
    ([0.25, 0.75], [0.25, 0.75])
    """
    if not callable(function):
        problem = NotPlainData(f"expected a function, got {type(function).__name__}")
        return [error_answer(problem) for _ in cases_args]
    answers = []
    for args in cases_args:
        given = [_fresh(argument) for argument in args]
        try:
            answer = {"value": to_plain(function(*given))}
        except NotImplementedError as exc:
            if propagate_not_implemented:
                raise
            answer = error_answer(exc)
        except Exception as exc:  # any failure of student code is an answer
            answer = error_answer(exc)
        answer["args"] = [
            _plain_or_none(argument, sent) for argument, sent in zip(given, args, strict=True)
        ]
        answers.append(answer)
    return answers


def read_value(value):
    r"""Return the one answer of a value question."""
    try:
        return [{"value": to_plain(value)}]
    except Exception as exc:
        return [error_answer(exc)]


def _flatten_expressions(expression):
    import sympy

    if isinstance(expression, sympy.MatrixBase):
        return list(expression)
    if isinstance(expression, list | tuple):
        flat = []
        for item in expression:
            flat.extend(_flatten_expressions(item))
        return flat
    if isinstance(expression, sympy.Basic) or type(expression) in (int, float):
        return [expression]
    raise NotPlainData(f"expected a SymPy expression, got {type(expression).__name__}")


def evaluate_expression(expression, point):
    r"""Evaluate a SymPy expression (or a list or Matrix of them) at ``point``.

    Parameters
    ----------
    expression : sympy.Basic, list, tuple or sympy.Matrix
        The expression; its symbols are matched to ``point`` by name.
    point : dict of str to float
        The value of every symbol the question defines.

    Returns
    -------
    numpy.ndarray
        The real values, flattened, as float64.

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> evaluate_expression([x * y, sympy.exp(x)], {"x": 0.0, "y": 2.0}).tolist()
    [0.0, 1.0]
    """
    import sympy

    values = []
    for item in _flatten_expressions(expression):
        item = sympy.sympify(item) if type(item) in (int, float) else item
        names = {symbol.name for symbol in item.free_symbols}
        unknown = sorted(names - set(point))
        if unknown:
            raise ValueError(
                "expression uses symbols the question does not define: " + ", ".join(unknown)
            )
        substitutions = {
            symbol: sympy.Float(point[symbol.name], 30) for symbol in item.free_symbols
        }
        number = complex(item.xreplace(substitutions).doit().evalf(20))
        if abs(number.imag) > 1e-9 * max(1.0, abs(number.real)):
            raise ValueError("expression is not real at a point the grader drew")
        values.append(number.real)
    return np.array(values, dtype=np.float64)


def evaluate_expression_answers(expression, points):
    r"""Return one answer per point: the values of ``expression`` there, or the error."""
    answers = []
    for point in points:
        try:
            answers.append({"value": to_plain(evaluate_expression(expression, point))})
        except Exception as exc:
            answers.append(error_answer(exc))
    return answers
