r"""A bank of answers written the way students get them wrong, each with what it must earn.

Every :class:`Variant` is the source of one student's function (or value, or SymPy
expression) for one graded test, with the misconception code the grader must report for it
(or none), and the requirements whose points it must lose; a correct variant (another idiom,
loops, float32 inputs) must earn full marks. The bank measures the grader rather than hoping:
``tests/autograder/test_wrong_answers.py`` checks every variant, and
``python benchmarks/bench_diagnosis.py`` prints the precision and recall of the diagnosis.

The modules ``lesson1`` ... ``lesson6`` each define ``VARIANTS``. A variant's ``source`` runs
with ``np`` (NumPy) and ``sympy`` already imported and must define the test's ``name``.

>>> variant = Variant(
...     test="l3_softmax", slip="no max shift",
...     source="def softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=1, keepdims=True)",
...     codes=("unstable_softmax",), loses=("stable",),
... )
>>> outcome = run_variant(variant)
>>> outcome.reported, outcome.lost
(('unstable_softmax',), ('stable',))
"""

import importlib
import warnings
from dataclasses import dataclass

import numpy as np

#: The secret the bank is graded with (any secret must give the same outcomes).
BANK_SECRET = b"wrong-answer bank"
LESSON_MODULES = ("lesson1", "lesson2", "lesson3", "lesson4", "lesson5", "lesson6")


@dataclass(frozen=True)
class Variant:
    r"""One answer of the bank.

    Parameters
    ----------
    test : str
        The id of the graded test it answers.
    slip : str
        What the answer gets wrong, in a few words (``"correct: loops"`` for a correct one).
    source : str
        Python source that defines the test's ``name``.
    codes : tuple of str
        The misconception codes the grader must report; empty for a slip no probe covers.
    loses : tuple of str
        The requirements whose points it must lose (every other requirement keeps its
        points); empty for a correct variant.
    """

    test: str
    slip: str
    source: str
    codes: tuple = ()
    loses: tuple = ()

    @property
    def correct(self):
        r"""Whether the variant is a correct answer (it loses nothing)."""
        return not self.loses


@dataclass(frozen=True)
class Outcome:
    r"""What the grader made of one variant."""

    variant: Variant
    points: float
    max_points: float
    reported: tuple
    lost: tuple
    message: str


def variants(lessons=LESSON_MODULES):
    r"""Return every variant of the bank (of the given lesson modules)."""
    found = []
    for name in lessons:
        module = importlib.import_module(f"autograder.examples.wrong_answers.{name}")
        found.extend(module.VARIANTS)
    return found


def answer_of(variant):
    r"""Run the variant's source and return the object it defines for its test."""
    import sympy

    from autograder.definitions import get_test

    test = get_test(variant.test)
    namespace = {"np": np, "numpy": np, "sympy": sympy}
    exec(compile(variant.source, f"<variant {variant.slip}>", "exec"), namespace)
    if test.name not in namespace:
        raise ValueError(
            f"source of variant {variant.slip!r}: expected a definition of {test.name!r}, got "
            f"{sorted(k for k in namespace if not k.startswith('__'))}"
        )
    return namespace[test.name]


def run_variant(variant, secret=BANK_SECRET):
    r"""Grade ``variant`` on the public and hidden cases and return its :class:`Outcome`."""
    from autograder.definitions import get_test

    test = get_test(variant.test)
    answer = answer_of(variant)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = test.run_in_process(answer, hidden=True, secret=secret)
    lost = tuple(
        entry["name"] for entry in result.requirements if entry["points"] < entry["max_points"]
    )
    return Outcome(
        variant=variant,
        points=result.points,
        max_points=result.max_points,
        reported=tuple(result.misconceptions),
        lost=lost,
        message=result.message,
    )


def diagnosis_table(outcomes):
    r"""Per lesson and in all: variants, codes expected, codes reported right, precision, recall.

    Precision is the fraction of reported codes that the variant's slip has; recall is the
    fraction of expected codes that were reported.

    >>> table = diagnosis_table([])
    >>> table[-1]["lesson"], table[-1]["precision"], table[-1]["recall"]
    ('all', 1.0, 1.0)
    """
    from autograder.definitions import get_test

    def empty(key):
        return {"lesson": key, "variants": 0, "wrong": 0, "expected": 0, "reported": 0,
                "right": 0}  # fmt: skip

    rows = {"all": empty("all")}
    for outcome in outcomes:
        lesson = get_test(outcome.variant.test).lesson
        for key in (lesson, "all"):
            row = rows.setdefault(key, empty(key))
            row["variants"] += 1
            row["wrong"] += 0 if outcome.variant.correct else 1
            expected, reported = set(outcome.variant.codes), set(outcome.reported)
            row["expected"] += len(expected)
            row["reported"] += len(reported)
            row["right"] += len(expected & reported)
    table = []
    for key in sorted(rows, key=lambda k: (k == "all", k)):
        row = rows[key]
        row["precision"] = row["right"] / row["reported"] if row["reported"] else 1.0
        row["recall"] = row["right"] / row["expected"] if row["expected"] else 1.0
        table.append(row)
    return table
