"""The bank of wrong answers: every variant gets exactly the score and diagnosis it must."""

import numpy as np
import pytest

from autograder import definitions, misconceptions
from autograder.examples.wrong_answers import (
    Variant,
    answer_of,
    diagnosis_table,
    run_variant,
    variants,
)

VARIANTS = variants()
OUTCOMES = {}


def _outcome(variant):
    if variant not in OUTCOMES:
        OUTCOMES[variant] = run_variant(variant)
    return OUTCOMES[variant]


def _id(variant):
    return f"{variant.test}-{variant.slip}"


@pytest.mark.parametrize("variant", VARIANTS, ids=_id)
def test_each_variant_gets_its_score_and_diagnosis(variant):
    outcome = _outcome(variant)
    if variant.correct:
        assert outcome.points == outcome.max_points, outcome.message
    else:
        assert outcome.points < outcome.max_points, outcome.message
    # Precision: no code the slip does not have; recall is measured over the whole bank.
    assert set(outcome.reported) <= set(variant.codes), outcome.message
    assert set(outcome.lost) == set(variant.loses), outcome.message


def test_diagnosis_precision_is_total_and_recall_at_least_ninety_percent():
    table = diagnosis_table([_outcome(variant) for variant in VARIANTS])
    overall = table[-1]
    assert overall["lesson"] == "all"
    assert overall["precision"] == 1.0
    assert overall["recall"] >= 0.9, table


def test_the_bank_is_big_and_varied_enough():
    wrong = [variant for variant in VARIANTS if not variant.correct]
    assert len(wrong) >= 60
    lessons = {definitions.get_test(variant.test).lesson for variant in VARIANTS}
    assert len(lessons) == 6
    # At least three textual variants of every probed slip, and ten slips no probe covers.
    per_code = {}
    for variant in wrong:
        for code in variant.codes:
            per_code.setdefault((variant.test, code), set()).add(variant.source)
    thin = {key: len(sources) for key, sources in per_code.items() if len(sources) < 3}
    assert not thin, f"probed slips with fewer than 3 variants: {thin}"
    assert sum(1 for variant in wrong if not variant.codes) >= 10
    assert any(variant.correct for variant in VARIANTS)


def test_every_requirement_has_a_variant_that_skips_it_and_keeps_the_values():
    # The cases of a requirement break the answers that skip it, and only its points go.
    kept_values = {
        (variant.test, name)
        for variant in VARIANTS
        if "values" not in variant.loses
        for name in variant.loses
    }
    lost = {(variant.test, name) for variant in VARIANTS for name in variant.loses}
    missing = []
    for lesson in definitions.lesson_ids():
        for test in definitions.tests_for_lesson(lesson):
            if len(test.stated_requirements()) < 2:
                continue
            names = [requirement.name for requirement in test.stated_requirements()]
            if test.inputs_share and any(
                isinstance(argument, np.ndarray) for case in test.cases() for argument in case.args
            ):
                names.append("inputs")  # numbers cannot change in place; arrays can
            for name in names:
                wanted = lost if name == "values" else kept_values
                if (test.id, name) not in wanted:
                    missing.append(f"{test.id}:{name}")
    assert not missing, f"requirements no variant skips: {missing}"


def test_every_misconception_code_is_in_the_bank_or_the_example_class():
    from autograder.examples.outcomes import STUDENTS

    in_bank = {code for variant in VARIANTS for code in variant.codes}
    in_class = {code for student in STUDENTS.values() for _, codes in student.fails.values()
                for code in codes}  # fmt: skip
    assert set(misconceptions.CODES) - in_bank - in_class == set()


def test_a_variant_must_define_the_tested_name():
    variant = Variant(test="l3_softmax", slip="typo", source="def sofmax(z):\n    return z\n")
    with pytest.raises(ValueError, match=r"expected a definition of 'softmax', got .*'sofmax'"):
        answer_of(variant)


def test_the_bank_checks_itself_against_a_wrong_expectation():
    # A variant that claims a code it does not get is caught by the same comparison.
    claimed = Variant(
        test="l3_softmax", slip="correct but claims a code",
        source="def softmax(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
        "    return e / e.sum(axis=1, keepdims=True)\n",
        codes=("wrong_axis",), loses=("values",),
    )  # fmt: skip
    outcome = run_variant(claimed)
    assert outcome.points == outcome.max_points
    assert set(outcome.lost) != set(claimed.loses)
    assert set(claimed.codes) - set(outcome.reported) == {"wrong_axis"}
