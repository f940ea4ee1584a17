r"""What a grade cell calls: :func:`check` runs one registered test in the learner's kernel.

It finds the test in the registry (:mod:`autograder.definitions`), refuses the lesson's own
reference functions, runs the test's public cases (and hidden ones when asked), prints the
feedback and returns the points, or raises :class:`CheckFailed` when no point is earned.
"""

import math
import warnings

import numpy as np

from autograder import misconceptions as mc
from autograder.definitions import forbidden_for, get_test


class CheckFailed(AssertionError):
    r"""A grade cell's check earned no point; its message is the whole feedback.

    IPython shows an exception that has ``_render_traceback_`` by the lines it returns, so
    the notebook shows the feedback once and no traceback into the grader's code.
    """

    def _render_traceback_(self):
        return [f"{type(self).__name__}: {self}"]


def _is_forbidden_function(obj, forbidden):
    r"""Return whether ``obj`` is one of the functions a lesson forbids (not a copy of them)."""
    import importlib

    for dotted in forbidden.functions:
        module_name, _, attribute = dotted.rpartition(".")
        try:
            if obj is getattr(importlib.import_module(module_name), attribute, None):
                return True
        except ImportError:
            continue
    return False


def check(test_id, obj, *, hidden=False):
    r"""Run test ``test_id`` on ``obj`` in this kernel and return the points earned.

    This is what a grade cell calls. The feedback is printed to stdout, or, when no point is
    earned, is the message of the :class:`CheckFailed` raised (shown once, without a
    traceback into the grader); warnings raised by the student's code are captured (stock
    nbgrader zeroes a cell that writes to stderr) and counted in the feedback.

    Parameters
    ----------
    test_id : str
        The test's id, equal to the grade cell's nbgrader ``grade_id``.
    obj : object
        The student's function, value or SymPy expression.
    hidden : bool, default False
        Also run the hidden cases, drawn from the course secret.

    Returns
    -------
    float
        The points earned: each requirement's share of the points times the fraction of its
        cases passed, summed.

    Raises
    ------
    CheckFailed
        An ``AssertionError`` with the feedback, when no point was earned.
    NotImplementedError
        When the exercise is not filled in yet.
    """
    test = get_test(test_id)
    if _is_forbidden_function(obj, forbidden_for(test.lesson)):
        result = test.failed_result(
            f"Not graded: `{test.name}` is the course's own reference.\n"
            f"  Likely misconception [uses_reference]: {mc.explain('uses_reference')}"
        )
        raise CheckFailed(result.message)
    if obj is None and test.kind in ("value", "expression"):
        # An answer cell starts as `name = None`: still None means not answered yet.
        raise NotImplementedError(f"{test_id}: `{test.name}` is not answered yet (still None).")
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn", under="ignore"):
        warnings.simplefilter("always")
        result = test.run_in_process(obj, hidden=hidden)
    message = result.message
    if caught:
        first = caught[0]
        count = len(caught)
        plural = "warning" if count == 1 else "warnings"
        message += (
            f"\n  Your code raised {count} {plural} while it was tested, for example "
            f"{first.category.__name__}: {first.message}"
        )
    if result.points <= 0 or math.isclose(result.points, 0.0):
        raise CheckFailed(message)
    print(message)
    return result.points
