r"""The outcome each example student must get, derived from what its code does.

Every example student is described by the hidden cases its code fails, requirement by
requirement, not by a score copied from the grader. Each lesson-3 test states requirements
(correct values, stability for rows spanning -1000 to 1000, the log-sum-exp form, any N and K,
float32 logits, unchanged arguments), each with its own hidden cases (drawn from the example
secret) and its share of the points: a test's points are the sum over its requirements of
share x points x (hidden cases passed / hidden cases). Unchanged arguments earn nothing for
an answer that passes no case.

``python -m autograder.examples.outcomes`` writes ``class/expected.json`` (with each score's
derivation) and the table of ``class/README.md`` from :data:`STUDENTS`; a test checks both are
up to date and that grading the class gives exactly these outcomes.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

CLASS_DIR = Path(__file__).resolve().parent / "class"
EXPECTED_FILE = CLASS_DIR / "expected.json"
README_FILE = CLASS_DIR / "README.md"
LESSON_ID = "lesson3_implement"
#: The secret the example class is graded with (hidden cases depend on it).
EXAMPLE_SECRET = b"example-class-secret"

#: Which hidden cases of a requirement a code fails: all of them, or those of more than one
#: sample (a sum and a mean agree on one sample).
ALL, MULTI = "all", "multi"
#: Every requirement of the test fails (and so does the unchanged-arguments one).
EVERY = "every"


@dataclass(frozen=True)
class Student:
    r"""What one example submission does and which hidden cases it fails.

    ``fails`` maps a test id to ``(lost, codes)``: ``lost`` is :data:`EVERY` or a dict from
    requirement name to :data:`ALL` or :data:`MULTI`; ``codes`` are the misconceptions
    reported. A test or requirement left out fails nothing. ``status="failed"`` means the
    notebook could not be fully graded: every test then gets 0 points and no code.
    """

    does: str
    fails: dict = field(default_factory=dict)
    status: str = "graded"
    reason_contains: str | None = None


_TESTS = ("l3_softmax", "l3_cross_entropy", "l3_cross_entropy_grad")


def _all(*codes, tests=_TESTS):
    return {test: (EVERY, tuple(codes)) for test in tests}


STUDENTS = {
    "attack_deleted_test_cells": Student(
        "Deletes the test cells; the gradient has its sign flipped.",
        {"l3_cross_entropy_grad": (EVERY, ("sign_flipped",))},
        reason_contains="test cells deleted",
    ),
    "attack_detects_grading": Student(
        "Uses ce_lib's reference only when it detects grading, its own wrong code otherwise.",
        _all("uses_reference"),
    ),
    "attack_edited_test_cells": Student(
        "Replaces the test cells by cells that award full marks, with unwritten functions.",
        _all(),
        reason_contains="test cells edited",
    ),
    "attack_endless_output": Student(
        "Prints without end.", status="failed", reason_contains="printed more than"
    ),
    "attack_eq_always_true": Student(
        "Returns objects whose == is always true (and that claim to be close to anything).",
        _all(),
    ),
    "attack_fake_all_passed": Student(
        "Prints what a passing test prints, with wrong answers (a uniform softmax).", _all()
    ),
    "attack_infinite_loop": Student(
        "Every graded function loops forever.", status="failed", reason_contains="CPU time"
    ),
    "attack_ipython_transformers": Student(
        "Registers IPython input and AST transformers that rewrite every test cell into full "
        "marks.",
        _all(),
    ),
    "attack_memory_bomb": Student(
        "Tries to allocate far more memory than the machine has, in a cell and in every function.",
        _all(),
        reason_contains="out of memory",
    ),
    "attack_ndarray_subclass": Student(
        "Returns an ndarray subclass that overrides ==, __array_function__ and __array_ufunc__.",
        _all(),
    ),
    "attack_os_exit": Student(
        "Correct functions, then os._exit ends the process that runs the notebook.",
        status="failed",
        reason_contains="exited",
    ),
    "attack_patched_numpy": Student(
        'Patches NumPy\'s comparison functions and testing helpers so every check says "equal".',
        _all(),
    ),
    "attack_read_solution": Student(
        "Unmounts what hides the solutions; reads the solution notebook, the secret and the "
        "gradebook.",
        _all(),
    ),
    "attack_suppressed_tracebacks": Student(
        "Hides every error: no traceback, no warning, no output on stderr.", _all()
    ),
    "attack_sys_exit": Student(
        "Calls sys.exit from a cell and from every graded function.", _all()
    ),
    "attack_write_gradebook": Student(
        "Writes full marks into the nbgrader gradebook and the autograded folder.", _all()
    ),
    "correct_loops": Student(
        "Correct, written differently: Python loops and log-sum-exp spelled out by hand."
    ),
    "correct_reference": Student("The reference answers of the lesson."),
    "mc_derivative_wrt_probability": Student(
        "The gradient is -1 / a_y: the derivative by the probability, not by the logit.",
        {"l3_cross_entropy_grad": (EVERY, ("derivative_wrt_probability",))},
    ),
    "mc_missing_log": Student(
        "The loss uses 1 - a_y without the log.",
        {"l3_cross_entropy": (EVERY, ("missing_log",))},
    ),
    "mc_missing_true_class_term": Student(
        "The gradient forgets the -1 on the true class.",
        {"l3_cross_entropy_grad": (EVERY, ("missing_true_class_term",))},
    ),
    "mc_not_averaged": Student(
        "Loss and gradient summed over the batch instead of averaged; the loss is -log of the "
        "softmax, not the log-sum-exp form.",
        {
            "l3_cross_entropy": (
                {"values": ALL, "stable": ALL, "log_sum_exp": ALL, "shapes": MULTI},
                ("not_averaged",),
            ),
            "l3_cross_entropy_grad": (
                {"values": ALL, "stable": ALL, "shapes": MULTI},
                ("not_averaged",),
            ),
        },
    ),
    "mc_several_labels_summed": Student(
        "The loss adds -log a_k over every class, as if each class were a label.",
        {"l3_cross_entropy": (EVERY, ("several_labels_summed",))},
    ),
    "mc_sigmoid_derivative": Student(
        "The gradient is a * (1 - a), the derivative of a sigmoid.",
        {"l3_cross_entropy_grad": (EVERY, ("sigmoid_derivative",))},
    ),
    "mc_sign_flipped": Student(
        "The gradient has the opposite sign: onehot(y) - a.",
        {"l3_cross_entropy_grad": (EVERY, ("sign_flipped",))},
    ),
    "mc_true_class_only": Student(
        "Only the true class gets a gradient entry.",
        {"l3_cross_entropy_grad": (EVERY, ("true_class_only",))},
    ),
    "mc_unstable_softmax": Student(
        "No max shift: exp overflows for large logits.",
        {
            "l3_softmax": ({"stable": ALL}, ("unstable_softmax",)),
            # The loss is one number, NaN on the large cases: inf or NaN alone is no evidence.
            "l3_cross_entropy": ({"stable": ALL, "log_sum_exp": ALL}, ()),
            "l3_cross_entropy_grad": ({"stable": ALL}, ("unstable_softmax",)),
        },
    ),
    "mc_uses_reference": Student(
        "Calls ce_lib's reference and scipy.special instead of writing the code.",
        _all("uses_reference"),
    ),
    "mc_wrong_axis": Student(
        "Softmax normalised over the batch axis instead of the classes.", _all("wrong_axis")
    ),
    "not_a_notebook": Student(
        "A text file uploaded in place of the notebook.",
        status="failed",
        reason_contains="not a readable notebook",
    ),
}


def _samples(case):
    return len(case.args[0])


def hidden_case_counts(secret=EXAMPLE_SECRET):
    r"""Return, per lesson-3 test, its points and per requirement its share and hidden cases.

    ``{test_id: (points, {requirement: (share, hidden cases, hidden cases of N >= 2)})}``;
    the unchanged-arguments requirement ``"inputs"`` counts every hidden case.
    """
    from autograder.definitions import tests_for_lesson
    from autograder.definitions.framework import INPUTS

    counts = {}
    for test in tests_for_lesson(LESSON_ID):
        hidden = [case for case in test.cases(hidden=True, secret=secret) if case.hidden]
        requirements = {}
        for requirement in test.stated_requirements():
            mine = [case for case in hidden if case.requirement == requirement.name]
            multi = sum(1 for case in mine if _samples(case) > 1)
            requirements[requirement.name] = (requirement.share, len(mine), multi)
        requirements[INPUTS] = (test.inputs_share, len(hidden), len(hidden))
        counts[test.id] = (float(test.points), requirements)
    return counts


def derive(student, counts):
    r"""Return the ``expected.json`` entry of ``student`` (with the derivation of its score)."""
    from autograder.definitions.framework import INPUTS
    from autograder.points import format_points

    tests, steps, total = {}, [], 0.0
    for test_id, (points, requirements) in counts.items():
        lost, codes = student.fails.get(test_id, ({}, ()))
        if student.status == "failed":
            tests[test_id] = {"points": 0.0, "misconceptions": []}
            steps.append(f"{test_id} not graded")
            continue
        earned, parts = 0.0, []
        for name, (share, n_hidden, n_multi) in requirements.items():
            if lost == EVERY:
                failed = n_hidden
            elif name == INPUTS:
                # Unchanged arguments count only when some case is right.
                failed = 0
            else:
                failed = {ALL: n_hidden, MULTI: n_multi, None: 0}[lost.get(name)]
            part = share * points * (n_hidden - failed) / n_hidden
            earned += part
            worth = format_points(share * points, digits=2)
            parts.append(f"{name} {n_hidden - failed}/{n_hidden} of {worth}")
        earned = round(earned, 4)
        tests[test_id] = {"points": earned, "misconceptions": list(codes)}
        steps.append(f"{test_id} {format_points(earned, digits=2)} ({', '.join(parts)})")
        total += earned
    return {
        "does": student.does,
        "status": student.status,
        "score": round(total, 4),
        "reason_contains": student.reason_contains,
        "derivation": "; ".join(steps) + f"; total {round(total, 4):g}",
        "tests": tests,
    }


def expected_outcomes(secret=EXAMPLE_SECRET):
    r"""Return the expected outcome of every example student, derived from :data:`STUDENTS`."""
    counts = hidden_case_counts(secret)
    return {name: derive(student, counts) for name, student in sorted(STUDENTS.items())}


def readme_text(expected):
    r"""Return ``class/README.md`` for ``expected``."""
    lines = [
        "# The example class",
        "",
        "Lesson 3 submissions in nbgrader's layout (`submitted/{student_id}/lesson3_implement/`),",
        "made by `python -m autograder.examples.example_class` from the course's student version",
        "and the code files in `students/`. `expected.json` holds the exact outcome each must get",
        "(graded with the secret `example-class-secret`), with the derivation of each score from",
        "the hidden cases the code fails; it is written from `autograder/examples/outcomes.py`",
        "by `python -m autograder.examples.outcomes`. Only hidden cases are scored: each test",
        "states requirements (values, stability, log-sum-exp, shapes, float32, unchanged",
        "arguments), each with its own hidden cases and share of the points.",
        "`tests/autograder/test_example_class.py`",
        "and `tests/autograder/test_attacks.py` assert the outcomes.",
        "",
        "| student | what the submission does | score (of 10) | status | misconceptions reported |",
        "|---|---|---|---|---|",
    ]
    for name, outcome in expected.items():
        codes = sorted(
            {code for test in outcome["tests"].values() for code in test["misconceptions"]}
        )
        lines.append(
            f"| `{name}` | {outcome['does']} | {outcome['score']:g} | {outcome['status']} | "
            f"{', '.join(codes) or '-'} |"
        )
    return "\n".join(lines) + "\n"


def main():
    r"""Write ``class/expected.json`` and ``class/README.md``."""
    expected = expected_outcomes()
    EXPECTED_FILE.write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")
    README_FILE.write_text(readme_text(expected), encoding="utf-8")
    print(f"wrote {EXPECTED_FILE} and {README_FILE}")


if __name__ == "__main__":
    main()
