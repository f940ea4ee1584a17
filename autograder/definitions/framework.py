r"""How a graded test is defined: ``FunctionTest``, ``ValueTest`` and ``ExpressionTest``.

Every graded test is defined once, in a module ``autograder/definitions/lesson*.py`` that
declares ``LESSON`` (the lesson id), ``VIEW`` (the lesson's sandbox view, from which what its
graded code may not call is derived) and ``TESTS`` (a list of tests). The registry finds
every such module. The test ``id`` is also the nbgrader ``grade_id`` of the grade cell that
runs it::

    from autograder import check

    score = check("l3_softmax", softmax)
    ### BEGIN HIDDEN TESTS
    score = check("l3_softmax", softmax, hidden=True)
    ### END HIDDEN TESTS
    score

In a notebook, :func:`autograder.check.check` runs the test on the object it is given and
returns the points.
``ce-grade`` runs the same definition on the trusted side against a sandboxed copy of the
student's code.

A test states its exercise's **requirements** (:class:`Requirement`): correct values,
stability for large logits, any batch size, ... Each has its own public cases (shown in
feedback, never scored) and hidden cases (drawn from the course secret, scored), built to
break exactly the answers that skip it, and a share of the points:

.. math::

    \text{points} = P \sum_r s_r \, \frac{\text{hidden cases of } r \text{ passed}}
    {\text{hidden cases of } r}

A function test adds the requirement ``"inputs"`` (share :data:`INPUTS_SHARE`): the
arguments come back from the call unchanged. It earns nothing for an answer that passes no
case. A test without declared requirements has one, ``"values"``, drawn by ``public`` and
``hidden``.

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
>>> double.run_in_process(lambda z: z).points  # wrong: no point, not even for the inputs
0.0

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
list). A code is a claim about the student: it is reported only when its probe reproduces
every answer, right and wrong, and at least one wrong answer in finite numbers (inf or NaN
alone is no evidence). When no probe explains a wrong answer, the feedback says so.
"""

import builtins
import dataclasses
import inspect
import math
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from autograder import misconceptions as mc
from autograder.points import READ_DIGITS, format_points
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


#: The name of the requirement a test without declared requirements checks: correct values.
VALUES = "values"
#: The name of the requirement every function test adds: its arguments are left unchanged.
INPUTS = "inputs"
#: The share of a function test's points for leaving its arguments unchanged.
INPUTS_SHARE = 0.1

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
    requirement: str = VALUES


@dataclass(frozen=True)
class Requirement:
    r"""One thing an exercise asks for, checked by cases built to break the answers that skip it.

    Parameters
    ----------
    name : str
        A short identifier, unique within the test (``"values"``, ``"stable"``, ...).
    text : str
        What the exercise requires, in the course's words; feedback shows it.
    share : float
        The fraction of the test's points this requirement carries; a test's shares (with the
        inputs share of a function test) add up to 1.
    public, hidden : callable
        ``rng -> list`` of :class:`Case` or argument tuples (points, for an expression test):
        the public cases are shown in feedback and never scored, the hidden ones are drawn
        from the course secret and scored. Each requirement needs at least one of each.
    rtol, atol : float, optional
        Tolerances of this requirement's cases when they differ from the test's (float32
        inputs, for example, are compared at float32 precision).
    """

    name: str
    text: str
    share: float
    public: Callable
    hidden: Callable
    rtol: float | None = None
    atol: float | None = None

    def __post_init__(self):
        if not (isinstance(self.share, int | float) and 0 < self.share <= 1):
            raise ValueError(
                f"share of requirement {self.name!r}: expected a number in (0, 1], "
                f"got {self.share!r}."
            )


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


def _points(value):
    return format_points(value, digits=READ_DIGITS)


@dataclass
class TestResult:
    r"""The outcome of one test on one submission (no hidden input or value inside).

    ``requirements`` holds one entry per requirement: its ``name``, ``text``, ``points``,
    ``max_points``, ``cases_passed`` and ``cases_total`` (scored cases). ``as_dict`` is the
    entry of a notebook's report: every report, graded or not, is built from these.
    """

    __test__ = False  # a result, not a pytest test class

    id: str
    points: float
    max_points: float
    passed: bool
    message: str
    misconceptions: list
    cases_passed: int
    cases_total: int
    requirements: list = field(default_factory=list)

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
            "requirements": [dict(entry) for entry in self.requirements],
        }


def _as_cases(items, hidden, requirement):
    cases = []
    for index, item in enumerate(items):
        if isinstance(item, Case):
            # dataclasses.replace keeps the fields of a Case subclass.
            cases.append(dataclasses.replace(item, hidden=hidden, requirement=requirement))
        elif isinstance(item, dict):
            cases.append(Case((item,), f"point {index + 1}", hidden, requirement))
        else:
            cases.append(Case(tuple(item), f"case {index + 1}", hidden, requirement))
    return cases


def _evidence(value, alternatives, tolerances):
    r"""How a probe's ``alternatives`` reproduce ``value``: ``"finite"``, ``"non-finite"`` or None.

    ``"non-finite"`` means the match rests on inf or NaN entries alone (no finite entry).
    """
    rtol, atol = tolerances
    for alternative in alternatives:
        if _matches(value, alternative, rtol, atol):
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
    # The shape is checked before any conversion: a huge answer is never copied, once per
    # probe and case.
    if expected.shape != value.shape:
        if expected.size == 1 and value.size == 1:
            expected, value = expected.reshape(()), value.reshape(())
        else:
            return False
    candidate = value.astype(np.float64)
    finite = np.isfinite(expected)
    if not np.array_equal(finite, np.isfinite(candidate)):
        return False
    return bool(np.allclose(candidate[finite], expected[finite], rtol=rtol, atol=atol))


#: At most this many entries of an input or an answer are printed in full in feedback.
SHOWN_ENTRIES = 12


def _show(value):
    r"""A short rounded text for an array or number of feedback (its shape when it is large)."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        return repr(value)
    if array.size > SHOWN_ENTRIES:
        return f"an array of shape {array.shape}"
    if array.dtype.kind == "f":
        return np.array2string(array, precision=4, separator=", ", suppress_small=False)
    return np.array2string(array, separator=", ")


def _index_text(index):
    return "[" + ", ".join(str(int(i)) for i in index) + "]"


def _first_difference(candidate, expected, rtol, atol):
    r"""Where the answer first differs from the reference, as a sentence."""
    close = np.isclose(candidate, expected, rtol=rtol, atol=atol)
    wrong = np.argwhere(~close)
    if not len(wrong):
        return ""
    index = tuple(wrong[0])
    got, want = candidate[index], expected[index]
    where = f" at {_index_text(index)}" if candidate.ndim else ""
    return f"first wrong entry{where}: expected {want:.6g}, got {got:.6g}"


#: What the axes of an answer mean, said when an answer has them swapped.
LOGIT_AXES = "rows are samples and columns are classes"


def _shape_sentence(got, want, axes=LOGIT_AXES):
    r"""Say which axis is missing, extra or swapped when an answer has the wrong shape."""
    got, want = tuple(got), tuple(want)
    head = f"the answer has shape {got}, expected {want}"
    if not want:
        return f"{head}: one number is asked for; a mean or sum over the samples is missing"
    if not got:
        return f"{head}: one value per entry is asked for, not a single number"
    if len(got) == len(want) - 1:
        for axis in range(len(want)):
            if want[:axis] + want[axis + 1 :] == got:
                return (
                    f"{head}: axis {axis} (of length {want[axis]}) is gone; a sum, max or "
                    "mean over it dropped it; keep it with keepdims=True"
                )
    if len(got) == len(want) and got == want[::-1]:
        return f"{head}: the axes are swapped; {axes}"
    if len(got) == len(want) + 1:
        return f"{head}: it has an extra axis; check for a stray [:, None] or np.newaxis"
    return head


_BROADCAST = re.compile(
    r"operands could not be broadcast together with shapes ((?:\([\d, ]*\) ?)+)"
)


def _error_sentence(name, detail):
    r"""Turn a NumPy broadcasting error into a sentence that says what to check."""
    match = _BROADCAST.search(detail or "")
    if name == "ValueError" and match:
        shapes = " and ".join(re.findall(r"\([\d, ]*\)", match.group(1)))
        return (
            f"NumPy could not combine arrays of shapes {shapes}: a row-wise sum or max lost "
            "its axis, so it cannot divide or shift each row; keep the axis with "
            "keepdims=True (or index with [:, None])"
        )
    return ""


def _same_argument(sent, returned):
    r"""Whether an argument came back as it was sent (same shape, dtype kind and entries)."""
    if returned is None:
        return False
    sent = np.asarray(sent)
    if not isinstance(returned, np.ndarray):
        return False
    # Shapes first: a returned argument is never converted before its size is known.
    if returned.shape != sent.shape or returned.dtype.kind != sent.dtype.kind:
        return False
    return bool(np.array_equal(returned, sent, equal_nan=sent.dtype.kind in "fc"))


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
    requirements: tuple = ()
    #: What the answer's axes mean, for the sentence on swapped axes.
    axes: str = LOGIT_AXES

    kind = "base"
    #: The share of the points for leaving the arguments unchanged (function tests only).
    inputs_share = 0.0
    #: Whether feedback on a wrong public case shows the expected value.
    shows_expected = True

    def __post_init__(self):
        if not self.id or not isinstance(self.id, str):
            raise ValueError(f"id: expected a non-empty string, got {self.id!r}.")
        if not (isinstance(self.points, int | float) and self.points > 0):
            raise ValueError(
                f"points of test {self.id!r}: expected a positive number, got {self.points!r}."
            )
        unknown = sorted(set(self.misconceptions) - set(mc.CODES))
        if unknown:
            raise ValueError(
                f"misconceptions of test {self.id!r}: expected codes of "
                f"autograder.misconceptions.CODES, got {', '.join(unknown)}."
            )
        names = [requirement.name for requirement in self.requirements]
        if len(set(names)) != len(names) or INPUTS in names:
            raise ValueError(
                f"requirements of test {self.id!r}: expected distinct names other than "
                f"{INPUTS!r}, got {names}."
            )
        if self.requirements:
            total = sum(requirement.share for requirement in self.requirements)
            if not math.isclose(total + self.inputs_share, 1.0, abs_tol=1e-9):
                raise ValueError(
                    f"shares of the requirements of test {self.id!r}: expected a sum of "
                    f"{1 - self.inputs_share:g} (the rest is for unchanged inputs), got {total:g}."
                )

    # --- requirements and cases -----------------------------------------------------------

    def stated_requirements(self):
        r"""Return the test's requirements (one ``"values"`` requirement when none is declared)."""
        if self.requirements:
            return tuple(self.requirements)
        return (self._default_requirement(),)

    def _default_requirement(self):
        return Requirement(
            VALUES,
            self.description or f"the right `{self.name}`",
            1.0 - self.inputs_share,
            lambda rng: [Case((), "value")],
            lambda rng: [],
        )

    def _stream(self, requirement):
        # The first requirement draws from the test's own stream, so a test that declares one
        # requirement draws the same cases as before it did.
        first = self.stated_requirements()[0].name
        return self.id if requirement.name == first else f"{self.id}:{requirement.name}"

    def cases(self, *, hidden=False, secret=None):
        r"""Return the public cases, followed by the hidden ones when ``hidden`` is true."""
        cases = self._public_cases()
        if hidden:
            if secret is None:
                secret = load_secret()
            cases = cases + self._hidden_cases(secret)
        return cases

    def _public_cases(self):
        cases = []
        for requirement in self.stated_requirements():
            drawn = requirement.public(public_rng(self._stream(requirement)))
            cases.extend(_as_cases(drawn, False, requirement.name))
        return cases

    def _hidden_cases(self, secret):
        cases = []
        for requirement in self.stated_requirements():
            drawn = requirement.hidden(hidden_rng(secret, self._stream(requirement)))
            cases.extend(_as_cases(drawn, True, requirement.name))
        return cases

    def tolerances(self, case):
        r"""Return ``(rtol, atol)`` of ``case``: its requirement's, or else the test's."""
        for requirement in self.stated_requirements():
            if requirement.name == case.requirement:
                rtol = self.rtol if requirement.rtol is None else requirement.rtol
                atol = self.atol if requirement.atol is None else requirement.atol
                return rtol, atol
        return self.rtol, self.atol

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
        r"""Return ``(passed, problem)``; ``problem`` describes a wrong answer in course words.

        For a public case the problem points: the expected and given values (small ones in
        full), the first wrong entry, or which axis a wrong shape lost. A hidden case's
        problem says only what kind of mistake it was.
        """
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
                return False, _shape_sentence(value.shape, expected.shape, self.axes)
        candidate = value.astype(np.float64)
        finite = np.isfinite(expected)
        if not np.isfinite(candidate[finite]).all():
            if case.hidden:
                return False, "the answer contains inf or NaN"
            bad = tuple(np.argwhere(~np.isfinite(candidate) & finite)[0])
            where = f" at {_index_text(bad)}" if candidate.ndim else ""
            if not self.shows_expected:
                # A NaN answer to a value question must not buy the expected value.
                return False, f"the answer contains inf or NaN{where}"
            return False, (
                f"the answer contains inf or NaN{where} where {expected[bad]:.6g} is expected"
            )
        rtol, atol = self.tolerances(case)
        if np.allclose(candidate, expected, rtol=rtol, atol=atol):
            return True, ""
        if case.hidden:
            return False, "wrong values"
        if not self.shows_expected:
            # A value question's one answer is what is scored: say where, never what.
            if candidate.ndim == 0:
                return False, "wrong value"
            wrong = tuple(np.argwhere(~np.isclose(candidate, expected, rtol=rtol, atol=atol))[0])
            return False, f"wrong values, first at entry {_index_text(wrong)}"
        if candidate.size <= SHOWN_ENTRIES:
            shown = f"expected {_show(expected)}, got {_show(candidate)}; "
        else:
            shown = ""
        difference = _first_difference(candidate, expected, rtol, atol)
        return False, f"wrong values: {shown}{difference}"

    def _describe_error(self, case, answer):
        name = answer.get("error", "Exception")
        detail = answer.get("detail", "")
        sentence = _error_sentence(name, detail)
        if case.hidden:
            shown = name if name in _SAFE_EXCEPTION_NAMES else "an exception"
            if sentence:
                return f"raised {shown}: arrays whose shapes do not combine (check keepdims)"
            return f"raised {shown}"
        if sentence:
            return f"raised {name}: {sentence}"
        return f"raised {name}: {detail}" if detail else f"raised {name}"

    def inputs_changed(self, case, answer):
        r"""Whether the call changed its arguments (only function tests send arguments)."""
        return False

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
                        _evidence(
                            answer["value"],
                            self.probe_alternatives(probe, case),
                            self.tolerances(case),
                        )
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

        Each requirement earns its share of the points times the fraction of its scored cases
        answered correctly. Only cases nobody saw are scored: the hidden ones, drawn from the
        course secret (a learner's self-check, with public cases only, scores those instead).
        A function test's inputs share is earned on the scored cases whose call left its
        arguments unchanged, and only when some scored answer is right. ``extra_codes`` are
        codes found outside the answers (``uses_reference`` from the sandbox); ``note`` is a
        sentence added to the message (why grading stopped).
        """
        outcomes = [self.compare(case, answer) for case, answer in zip(cases, answers, strict=True)]
        hidden_run = any(case.hidden for case in cases)
        scored = [
            (case, answer, ok)
            for case, answer, (ok, _) in zip(cases, answers, outcomes, strict=True)
            if case.hidden == hidden_run
        ]
        entries = []
        for requirement in self.stated_requirements():
            mine = [ok for case, _, ok in scored if case.requirement == requirement.name]
            entries.append(self._entry(requirement.name, requirement.text, requirement.share, mine))
        passed = sum(1 for _, _, ok in scored if ok)
        total = len(scored)
        if self.inputs_share:
            kept = [not self.inputs_changed(case, answer) for case, answer, _ in scored]
            if not passed:
                kept = [False] * len(kept)  # unchanged inputs earn nothing on their own
            entries.append(
                self._entry(INPUTS, "leaves its arguments unchanged", self.inputs_share, kept)
            )
        points = round(sum(entry["points"] for entry in entries), 4)
        codes = self.diagnose(cases, answers, outcomes)
        codes += [code for code in extra_codes if code not in codes]
        everything = all(e["cases_passed"] == e["cases_total"] > 0 for e in entries)
        result = TestResult(
            id=self.id,
            points=points,
            max_points=float(self.points),
            passed=everything and total > 0,
            message="",
            misconceptions=codes,
            cases_passed=passed,
            cases_total=total,
            requirements=entries,
        )
        result.message = self._message(cases, answers, outcomes, result, note)
        return result

    def _entry(self, name, text, share, oks):
        total = len(oks)
        passed = sum(1 for ok in oks if ok)
        max_points = self.points * share
        earned = max_points * passed / total if total else 0.0
        return {
            "name": name,
            "text": text,
            "points": round(earned, 4),
            "max_points": round(max_points, 4),
            "cases_passed": passed,
            "cases_total": total,
        }

    def failed_result(self, reason):
        r"""Return a zero result for a test that could not run, with ``reason`` as message."""
        entries = [
            self._entry(requirement.name, requirement.text, requirement.share, [])
            for requirement in self.stated_requirements()
        ]
        if self.inputs_share:
            entries.append(
                self._entry(INPUTS, "leaves its arguments unchanged", self.inputs_share, [])
            )
        return TestResult(
            id=self.id,
            points=0.0,
            max_points=float(self.points),
            passed=False,
            message=f"{self.id}: 0 of {_points(self.points)} points. {reason}",
            misconceptions=[],
            cases_passed=0,
            cases_total=0,
            requirements=entries,
        )

    def _message(self, cases, answers, outcomes, result, note):
        what = f"`{self.name}`"
        score = f"({_points(result.points)} of {_points(self.points)} points)"
        graded = "graded cases" if any(case.hidden for case in cases) else "cases"
        passed, total = result.cases_passed, result.cases_total
        if passed == total and total:
            head = f"{self.id}: {what} is correct on all {total} {graded} {score}."
        else:
            head = f"{self.id}: {what} is correct on {passed} of {total} {graded} {score}."
        public = [ok for case, (ok, _) in zip(cases, outcomes, strict=True) if not case.hidden]
        if graded == "graded cases" and public:
            head += f" Public checks (not scored): {sum(public)} of {len(public)} correct."
        lines = [head]
        several = len(result.requirements) > 1
        for entry in result.requirements:
            indent = "  "
            if several:
                met = "met" if entry["cases_passed"] == entry["cases_total"] > 0 else "not met"
                lines.append(
                    f"  - {entry['text']} [{met}]: {entry['cases_passed']} of "
                    f"{entry['cases_total']} {graded} ({_points(entry['points'])} of "
                    f"{_points(entry['max_points'])} points)."
                )
                indent = "      "
            lines.extend(
                indent + line for line in self._problems(entry["name"], cases, answers, outcomes)
            )
        for code in result.misconceptions:
            lines.append(f"  Likely misconception [{code}]: {mc.explain(code)}")
        # Only a wrong value can be compared with a probe (an exception is no evidence).
        wrong = any(
            not ok and "value" in answer for answer, (ok, _) in zip(answers, outcomes, strict=True)
        )
        if wrong and self.misconceptions and not result.misconceptions:
            if self.shows_expected:
                lines.append(
                    "  No misconception the grader knows reproduces these answers: compare "
                    "your values with the expected ones above."
                )
            else:  # a value question shows no expected value to compare with
                lines.append("  No misconception the grader knows reproduces this answer.")
        if note:
            lines.append(f"  {note}")
        return "\n".join(lines)

    def _problems(self, name, cases, answers, outcomes):
        r"""One line per wrong public case and per kind of wrong hidden case of a requirement."""
        lines, hidden = [], {}
        for case, answer, (ok, problem) in zip(cases, answers, outcomes, strict=True):
            if name == INPUTS:
                # An answer without "args" is a call that never ran or never returned (the
                # name is undefined or not a function, SystemExit, a malformed answer): it
                # earns no inputs share, but nothing says its arguments changed.
                if "args" not in answer or not self.inputs_changed(case, answer):
                    continue
                problem = "changed its arguments in place; work on a copy or on new arrays"
            elif case.requirement != name or ok:
                continue
            if case.hidden:
                hidden[problem] = hidden.get(problem, 0) + 1
            else:
                lines.append(f"{self._case_text(case)}: {problem}.")
        for problem, count in hidden.items():
            lines.append(f"{count} hidden {'case' if count == 1 else 'cases'}: {problem}.")
        return lines

    def _case_text(self, case):
        return case.label or "a public case"

    # --- the in-notebook path -------------------------------------------------------------

    def run_in_process(self, obj, *, hidden=False, secret=None):
        r"""Run this test on ``obj`` in this process and return a :class:`TestResult`."""
        cases = self.cases(hidden=hidden, secret=secret)
        answers = self.answer_in_process(obj, cases)
        return self.evaluate(cases, answers)


@dataclass(frozen=True, kw_only=True)
class FunctionTest(_BaseTest):
    r"""A test that calls the student's function ``name`` on cases and compares with ``reference``.

    Parameters
    ----------
    reference : callable
        The trusted reference, usually from ce_lib, called with each case's arguments.
    requirements : tuple of Requirement, optional
        What the exercise asks, each with its cases and share of the points.
    public, hidden : callable, optional
        Without ``requirements``: ``rng -> list`` of :class:`Case` or argument tuples of the
        one requirement, correct values; ``hidden`` is drawn from the course secret.
    inputs_share : float, default INPUTS_SHARE
        The share of the points for leaving the arguments unchanged: the sandbox sends back
        each case's arguments after the call and they are compared with what was sent.
    """

    reference: Callable
    public: Callable | None = None
    hidden: Callable = lambda rng: []
    inputs_share: float = INPUTS_SHARE

    kind = "function"

    def _default_requirement(self):
        if self.public is None:
            raise ValueError(
                f"test {self.id!r}: expected requirements or public cases, got neither."
            )
        return Requirement(
            VALUES,
            self.description or f"the right values of `{self.name}`",
            1.0 - self.inputs_share,
            self.public,
            self.hidden,
        )

    def request(self, cases):
        return {"op": "call", "name": self.name, "cases": [list(case.args) for case in cases]}

    def answer_in_process(self, obj, cases):
        return call_function(obj, [case.args for case in cases], propagate_not_implemented=True)

    def expected(self, case):
        return self.reference(*case.args)

    def probe_alternatives(self, probe, case):
        predicted = probe(*case.args)
        return predicted if isinstance(predicted, list) else [predicted]

    def inputs_changed(self, case, answer):
        returned = answer.get("args")
        if not isinstance(returned, list) or len(returned) != len(case.args):
            return True
        return not all(
            _same_argument(sent, back) for sent, back in zip(case.args, returned, strict=True)
        )

    def _case_text(self, case):
        label = case.label or "a public case"
        arrays = [np.asarray(argument) for argument in case.args]
        if all(array.dtype.kind in "biuf" for array in arrays) and (
            sum(array.size for array in arrays) <= SHOWN_ENTRIES
        ):
            names = _parameter_names(self.reference, len(arrays))
            shown = ", ".join(
                f"{name}={_show(array)}" for name, array in zip(names, arrays, strict=True)
            )
            return f"{label} ({shown})"
        return label


def _parameter_names(function, count):
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    names = names[:count]
    return names + [f"argument {index + 1}" for index in range(len(names), count)]


@dataclass(frozen=True, kw_only=True)
class ValueTest(_BaseTest):
    r"""A test that reads the student's variable ``name`` and compares with ``reference``.

    ``reference`` is a value or a function of no argument returning it: a number or array
    (compared within ``rtol``/``atol``), a bool, or a string (a choice, compared after
    stripping and lower-casing).
    """

    reference: object

    kind = "value"
    shows_expected = False

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
        6 hidden points with every symbol standard normal; write a sampler in the lesson's
        module (as ``lesson2_sympy_gradient`` does) when the symbols are constrained (one
        label, probabilities that sum to one).
    """

    symbols: tuple
    reference: Callable
    public: Callable | None = None
    hidden: Callable | None = None
    rtol: float = 1e-7
    atol: float = 1e-9

    kind = "expression"

    def _default_requirement(self):
        return Requirement(
            VALUES,
            self.description or f"the right expression `{self.name}`",
            1.0,
            self.public or _default_points(self.symbols, 4),
            self.hidden or _default_points(self.symbols, 6),
        )

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
