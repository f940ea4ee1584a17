r"""How a graded test is defined: ``FunctionTest``, ``ValueTest`` and ``ExpressionTest``.

Every graded test is defined once, in a module ``autograder/definitions/lesson*.py`` that
declares ``LESSON`` (the lesson id), ``FORBIDDEN`` (what its graded code may not call) and
``TESTS`` (a list of tests). The registry finds every such module. The test ``id`` is also the
nbgrader ``grade_id`` of the grade cell that runs it::

    from autograder import check

    score = check("l3_softmax", softmax)
    ### BEGIN HIDDEN TESTS
    score = check("l3_softmax", softmax, hidden=True)
    ### END HIDDEN TESTS
    score

In a notebook, :func:`check` runs the test on the object it is given and returns the points.
``ce-grade`` runs the same definition on the trusted side against a sandboxed copy of the
student's code. Scores are partial: the fraction of cases passed times ``points``.

A function test calls the student's function on cases drawn by ``public(rng)`` and, at grading
time, ``hidden(rng)`` (seeded from the course secret), and compares with ``reference``:

>>> import numpy as np
>>> double = FunctionTest(
...     id="demo_double", lesson="demo", name="double", points=2,
...     reference=lambda z: 2 * z,
...     public=lambda rng: [Case((rng.normal(size=3),), "three numbers")],
...     hidden=lambda rng: [(rng.normal(size=(2, 2)),)],
...     misconceptions={"not_averaged": lambda z: z},
... )
>>> double.run_in_process(lambda z: z + z).points
2.0

A value test reads a variable (a number, an array, a boolean or a choice):

>>> answer = ValueTest(id="demo_sum", lesson="demo", name="total", points=1, reference=0.0)
>>> answer.run_in_process(1e-12).passed
True

An expression test evaluates a SymPy expression at points drawn by ``public`` and ``hidden``
(dicts from symbol name to number) and compares with the reference expression there; the
trusted side never parses a student's string:

>>> import sympy
>>> def reference():
...     z1, z2 = sympy.symbols("z1 z2")
...     return sympy.exp(z1) / (sympy.exp(z1) + sympy.exp(z2))
>>> sigmoid_form = ExpressionTest(
...     id="demo_expr", lesson="demo", name="a1", points=1, symbols=("z1", "z2"),
...     reference=reference,
... )
>>> z1, z2 = sympy.symbols("z1 z2")
>>> sigmoid_form.run_in_process(1 / (1 + sympy.exp(z2 - z1))).points
1.0

``misconceptions`` maps a code of :mod:`autograder.misconceptions` to a probe: a function of the
same arguments as ``reference`` (for an expression test: of no argument, returning an
expression) that returns what a student holding that misconception would answer, or several
such answers wrapped in :class:`Alternatives` (a function probe may also return a plain
list). When an answer is wrong, the codes whose probe reproduces it on every wrong case are
reported.
"""

import builtins
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from autograder import misconceptions as mc
from autograder.secret import hidden_rng, load_secret, public_rng
from ce_sandbox.answers import (
    call_function,
    evaluate_expression,
    evaluate_expression_answers,
    read_value,
)

#: Builtin exception names that may be shown for a hidden case (any other name is hidden,
#: because a student's exception class name could carry a hidden input).
_SAFE_EXCEPTION_NAMES = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
) | {"NotPlainData", "ForbiddenCall"}


#: Tolerances of every gradient test: a closed form in float64 is within about 1e-16 of the
#: reference, while a finite-difference gradient of the student's own loss (which the lessons'
#: ``ce_lib.gradcheck`` computes) is off by about 1e-10: these accept the first, never the
#: second (``tests/autograder/test_redteam.py`` checks it on the drawn cases).
GRADIENT_RTOL = 1e-11
GRADIENT_ATOL = 1e-13


@dataclass(frozen=True)
class Case:
    r"""One input of a test.

    Parameters
    ----------
    args : tuple
        Positional arguments of the student's function (a function test) or ``(point,)`` with
        ``point`` a dict from symbol name to number (an expression test).
    label : str
        A short public description, shown in feedback for public cases only.
    hidden : bool
        Whether the case was drawn from the course secret.
    """

    args: tuple = ()
    label: str = ""
    hidden: bool = False


class Alternatives(list):
    r"""Several answers a probe accepts (a list returned by a function probe means the same)."""


@dataclass(frozen=True)
class Forbidden:
    r"""What a lesson's graded code may not use: what its sandbox view leaves out.

    ``functions`` are dotted names of ce_lib functions (``"ce_lib.softmax"``) and ``modules``
    dotted module names; both are derived from the lesson's
    :class:`~autograder.sandbox.view.LessonView`.
    """

    functions: tuple = ()
    modules: tuple = ()


@dataclass
class TestResult:
    r"""The outcome of one test on one submission (no hidden input or value inside)."""

    id: str
    points: float
    max_points: float
    passed: bool
    message: str
    misconceptions: list
    cases_passed: int
    cases_total: int

    def as_dict(self):
        r"""Return the report entry of this result."""
        return {
            "id": self.id,
            "points": self.points,
            "max_points": self.max_points,
            "passed": self.passed,
            "message": self.message,
            "misconceptions": list(self.misconceptions),
            "cases_passed": self.cases_passed,
            "cases_total": self.cases_total,
        }


def _as_cases(items, hidden):
    cases = []
    for index, item in enumerate(items):
        if isinstance(item, Case):
            cases.append(Case(item.args, item.label, hidden))
        elif isinstance(item, dict):
            cases.append(Case((item,), f"point {index + 1}", hidden))
        else:
            cases.append(Case(tuple(item), f"case {index + 1}", hidden))
    return cases


def _evidence(value, alternatives, test):
    r"""How a probe's ``alternatives`` reproduce ``value``: ``"finite"``, ``"non-finite"`` or None.

    ``"non-finite"`` means the match rests on inf or NaN entries alone (no finite entry).
    """
    for alternative in alternatives:
        if _matches(value, alternative, test.rtol, test.atol):
            finite = np.isfinite(np.asarray(value, dtype=np.float64))
            return "finite" if finite.any() else "non-finite"
    return None


def _matches(value, alternative, rtol, atol):
    r"""Return whether ``value`` equals ``alternative``: same shape, same non-finite entries."""
    if not isinstance(value, np.ndarray):
        return False
    try:
        expected = np.asarray(alternative, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if value.dtype == np.bool_:
        return False
    candidate = value.astype(np.float64)
    if expected.shape != candidate.shape:
        if expected.size == 1 and candidate.size == 1:
            expected, candidate = expected.reshape(()), candidate.reshape(())
        else:
            return False
    finite = np.isfinite(expected)
    if not np.array_equal(finite, np.isfinite(candidate)):
        return False
    return bool(np.allclose(candidate[finite], expected[finite], rtol=rtol, atol=atol))


@dataclass(frozen=True, kw_only=True)
class _BaseTest:
    id: str
    lesson: str
    name: str
    points: float
    description: str = ""
    rtol: float = 1e-6
    atol: float = 1e-9
    misconceptions: dict = field(default_factory=dict)

    kind = "base"

    def __post_init__(self):
        if not self.id or not isinstance(self.id, str):
            raise ValueError(f"id must be a non-empty string, got {self.id!r}")
        if not (isinstance(self.points, int | float) and self.points > 0):
            raise ValueError(f"points must be a positive number, got {self.points!r}")
        unknown = sorted(set(self.misconceptions) - set(mc.CODES))
        if unknown:
            raise ValueError(
                f"misconceptions of test {self.id!r} must use codes of "
                f"autograder.misconceptions.CODES, got {', '.join(unknown)}"
            )

    # --- cases ----------------------------------------------------------------------------

    def cases(self, *, hidden=False, secret=None):
        r"""Return the public cases, followed by the hidden ones when ``hidden`` is true."""
        cases = self._public_cases()
        if hidden:
            if secret is None:
                secret = load_secret()
            cases = cases + self._hidden_cases(secret)
        return cases

    def _public_cases(self):
        return [Case((), "value", False)]

    def _hidden_cases(self, secret):
        return []

    # --- answers --------------------------------------------------------------------------

    def request(self, cases):
        r"""Return the plain-data request that asks the sandbox for the answers to ``cases``."""
        raise NotImplementedError

    def answer_in_process(self, obj, cases):
        r"""Compute the answers of ``obj`` to ``cases`` in this process (the learner's kernel)."""
        raise NotImplementedError

    def expected(self, case):
        r"""Return the reference answer of ``case`` (computed on the trusted side)."""
        raise NotImplementedError

    def probe_alternatives(self, probe, case):
        r"""Return the list of answers that ``probe`` predicts on ``case``."""
        raise NotImplementedError

    # --- scoring --------------------------------------------------------------------------

    def compare(self, case, answer):
        r"""Return ``(passed, problem)``; ``problem`` describes a wrong answer in course words."""
        if "error" in answer:
            return False, self._describe_error(case, answer)
        value = answer.get("value")
        expected = np.asarray(self.expected(case), dtype=np.float64)
        if not isinstance(value, np.ndarray) or value.dtype == np.bool_:
            return False, "the answer is not a number or an array of numbers"
        # The shape is checked before any conversion: a huge answer is never copied.
        if value.shape != expected.shape:
            if expected.ndim == 0 and value.size == 1:
                value = value.reshape(())
            elif case.hidden:
                return False, "the answer has the wrong shape"
            else:
                return False, (f"the answer has shape {value.shape}, expected {expected.shape}")
        candidate = value.astype(np.float64)
        finite = np.isfinite(expected)
        if not np.isfinite(candidate[finite]).all():
            return False, "the answer contains inf or NaN"
        if np.allclose(candidate, expected, rtol=self.rtol, atol=self.atol):
            return True, ""
        return False, "wrong values"

    def _describe_error(self, case, answer):
        name = answer.get("error", "Exception")
        if case.hidden:
            shown = name if name in _SAFE_EXCEPTION_NAMES else "an exception"
            return f"raised {shown}"
        detail = answer.get("detail", "")
        return f"raised {name}: {detail}" if detail else f"raised {name}"

    def diagnose(self, cases, answers, outcomes):
        r"""Return the misconception codes whose probes reproduce the student's answers.

        A code is a claim about the student, so its probe must reproduce every answer the
        code gave (cases where it raised say nothing either way): the wrong ones and the right
        ones alike. A non-finite answer (inf or NaN) is never evidence by itself: at least one
        wrong answer must be reproduced in finite numbers.
        """
        valued = [
            (case, answer, passed)
            for case, answer, (passed, _) in zip(cases, answers, outcomes, strict=True)
            if "value" in answer
        ]
        if not any(not passed for _, _, passed in valued):
            return []
        codes = []
        for code, probe in self.misconceptions.items():
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    evidence = [
                        _evidence(answer["value"], self.probe_alternatives(probe, case), self)
                        for case, answer, _ in valued
                    ]
            except Exception:  # a probe that cannot apply does not fit
                continue
            reproduces_all = all(kind is not None for kind in evidence)
            finite_on_a_wrong_case = any(
                kind == "finite"
                for kind, (_, _, passed) in zip(evidence, valued, strict=True)
                if not passed
            )
            if reproduces_all and finite_on_a_wrong_case:
                codes.append(code)
        return codes

    def evaluate(self, cases, answers, *, extra_codes=(), note=""):
        r"""Score ``answers`` to ``cases`` and return a :class:`TestResult`.

        ``extra_codes`` are codes found outside the answers (``uses_reference`` from the
        sandbox); ``note`` is a sentence added to the message (why grading stopped).
        """
        outcomes = [self.compare(case, answer) for case, answer in zip(cases, answers, strict=True)]
        # Only cases nobody saw are scored: the hidden ones, drawn from the course secret. A
        # learner's self-check (public cases only) estimates the points from the public ones.
        scored = [ok for case, (ok, _) in zip(cases, outcomes, strict=True) if case.hidden]
        if not scored:
            scored = [ok for ok, _ in outcomes]
        passed = sum(1 for ok in scored if ok)
        total = len(scored)
        fraction = passed / total if total else 0.0
        points = round(self.points * fraction, 4)
        codes = self.diagnose(cases, answers, outcomes)
        codes += [code for code in extra_codes if code not in codes]
        message = self._message(cases, outcomes, passed, total, points, codes, note)
        return TestResult(
            id=self.id,
            points=points,
            max_points=float(self.points),
            passed=passed == total and total > 0,
            message=message,
            misconceptions=codes,
            cases_passed=passed,
            cases_total=total,
        )

    def failed_result(self, reason):
        r"""Return a zero result for a test that could not run, with ``reason`` as message."""
        return TestResult(
            id=self.id,
            points=0.0,
            max_points=float(self.points),
            passed=False,
            message=f"{self.id}: 0 of {_fmt(self.points)} points. {reason}",
            misconceptions=[],
            cases_passed=0,
            cases_total=0,
        )

    def _message(self, cases, outcomes, passed, total, points, codes, note):
        what = f"`{self.name}`"
        score = f"({_fmt(points)} of {_fmt(self.points)} points)"
        graded = "graded cases" if any(case.hidden for case in cases) else "cases"
        if passed == total and total:
            head = f"{self.id}: {what} is correct on all {total} {graded} {score}."
        else:
            head = f"{self.id}: {what} is correct on {passed} of {total} {graded} {score}."
        public = [ok for case, (ok, _) in zip(cases, outcomes, strict=True) if not case.hidden]
        if graded == "graded cases" and public:
            head += f" Public checks (not scored): {sum(public)} of {len(public)} correct."
        lines = [head]
        public_problems, hidden_problems = {}, {}
        for case, (ok, problem) in zip(cases, outcomes, strict=True):
            if ok:
                continue
            if case.hidden:
                hidden_problems[problem] = hidden_problems.get(problem, 0) + 1
            else:
                public_problems.setdefault(problem, []).append(case.label or "a public case")
        # One line per distinct problem, naming the public cases that show it.
        for problem, labels in public_problems.items():
            lines.append(f"  - {'; '.join(labels)}: {problem}.")
        for problem, count in hidden_problems.items():
            plural = "case" if count == 1 else "cases"
            lines.append(f"  - {count} hidden {plural}: {problem}.")
        for code in codes:
            lines.append(f"  Likely misconception [{code}]: {mc.explain(code)}")
        if note:
            lines.append(f"  {note}")
        return "\n".join(lines)

    # --- the in-notebook path -------------------------------------------------------------

    def run_in_process(self, obj, *, hidden=False, secret=None):
        r"""Run this test on ``obj`` in this process and return a :class:`TestResult`."""
        cases = self.cases(hidden=hidden, secret=secret)
        answers = self.answer_in_process(obj, cases)
        return self.evaluate(cases, answers)


def _fmt(number):
    return f"{number:g}"


@dataclass(frozen=True, kw_only=True)
class FunctionTest(_BaseTest):
    r"""A test that calls the student's function ``name`` on cases and compares with ``reference``.

    Parameters
    ----------
    reference : callable
        The trusted reference, usually from ce_lib, called with each case's arguments.
    public, hidden : callable
        ``rng -> list`` of :class:`Case` or argument tuples; ``hidden`` is drawn from the course
        secret at grading time.
    """

    reference: Callable
    public: Callable
    hidden: Callable = lambda rng: []

    kind = "function"

    def _public_cases(self):
        return _as_cases(self.public(public_rng(self.id)), hidden=False)

    def _hidden_cases(self, secret):
        return _as_cases(self.hidden(hidden_rng(secret, self.id)), hidden=True)

    def request(self, cases):
        return {"op": "call", "name": self.name, "cases": [list(case.args) for case in cases]}

    def answer_in_process(self, obj, cases):
        return call_function(obj, [case.args for case in cases], propagate_not_implemented=True)

    def expected(self, case):
        return self.reference(*case.args)

    def probe_alternatives(self, probe, case):
        predicted = probe(*case.args)
        return predicted if isinstance(predicted, list) else [predicted]


@dataclass(frozen=True, kw_only=True)
class ValueTest(_BaseTest):
    r"""A test that reads the student's variable ``name`` and compares with ``reference``.

    ``reference`` is a value or a function of no argument returning it: a number or array
    (compared within ``rtol``/``atol``), a bool, or a string (a choice, compared after
    stripping and lower-casing).
    """

    reference: object

    kind = "value"

    def _reference_value(self):
        return self.reference() if callable(self.reference) else self.reference

    def request(self, cases):
        return {"op": "value", "name": self.name}

    def answer_in_process(self, obj, cases):
        return read_value(obj)

    def expected(self, case):
        return self._reference_value()

    def compare(self, case, answer):
        expected = self._reference_value()
        if isinstance(expected, bool | np.bool_) or isinstance(expected, str):
            if "error" in answer:
                return False, self._describe_error(case, answer)
            value = answer.get("value")
            if isinstance(expected, str):
                if not isinstance(value, str):
                    return False, "the answer is not one of the choices (a string)"
                ok = value.strip().lower() == expected.strip().lower()
            else:
                if not isinstance(value, bool):
                    return False, "the answer is not True or False"
                ok = value == bool(expected)
            return (True, "") if ok else (False, "wrong answer")
        return super().compare(case, answer)

    def probe_alternatives(self, probe, case):
        predicted = probe() if callable(probe) else probe
        return predicted if isinstance(predicted, list) else [predicted]


def _default_points(symbols, count):
    def draw(rng):
        return [{name: float(rng.normal()) for name in symbols} for _ in range(count)]

    return draw


@dataclass(frozen=True, kw_only=True)
class ExpressionTest(_BaseTest):
    r"""A test that evaluates the student's SymPy expression ``name`` at drawn points.

    Parameters
    ----------
    symbols : tuple of str
        The names of the symbols the question defines.
    reference : callable
        A function of no argument returning the reference expression (or a list or Matrix).
    public, hidden : callable, optional
        ``rng -> list`` of points (dicts from symbol name to number). By default 4 public and
        6 hidden points with every symbol standard normal; use a sampler of
        ``ce_lib.symbolic`` when the symbols are constrained (one label, sum to one).
    """

    symbols: tuple
    reference: Callable
    public: Callable | None = None
    hidden: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-9

    kind = "expression"

    def _public_cases(self):
        draw = self.public or _default_points(self.symbols, 4)
        return _as_cases(draw(public_rng(self.id)), hidden=False)

    def _hidden_cases(self, secret):
        draw = self.hidden or _default_points(self.symbols, 6)
        return _as_cases(draw(hidden_rng(secret, self.id)), hidden=True)

    def request(self, cases):
        return {"op": "expression", "name": self.name, "points": [case.args[0] for case in cases]}

    def answer_in_process(self, obj, cases):
        return evaluate_expression_answers(obj, [case.args[0] for case in cases])

    def expected(self, case):
        return evaluate_expression(self.reference(), case.args[0])

    def probe_alternatives(self, probe, case):
        predicted = probe()
        alternatives = list(predicted) if isinstance(predicted, Alternatives) else [predicted]
        return [evaluate_expression(item, case.args[0]) for item in alternatives]


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

    This is what a grade cell calls. The feedback is printed to stdout; warnings raised by the
    student's code are captured (stock nbgrader zeroes a cell that writes to stderr) and
    counted in the feedback.

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
        The points earned: the fraction of cases passed times the test's points.

    Raises
    ------
    AssertionError
        With the feedback, when no case passed.
    NotImplementedError
        When the exercise is not filled in yet.
    """
    from autograder.definitions import forbidden_for, get_test

    test = get_test(test_id)
    if _is_forbidden_function(obj, forbidden_for(test.lesson)):
        result = test.failed_result(
            f"Not graded: `{test.name}` is the course's own reference.\n"
            f"  Likely misconception [uses_reference]: {mc.explain('uses_reference')}"
        )
        print(result.message)
        raise AssertionError(result.message)
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
    print(message)
    if result.points <= 0 or math.isclose(result.points, 0.0):
        raise AssertionError(message)
    return result.points
