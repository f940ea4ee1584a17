"""Misconception codes, their explanations and the probes of lesson 3."""

import re

import numpy as np
import pytest

from autograder import misconceptions as mc
from autograder.definitions import get_test

SECRET = b"misconception tests"

DESIGN_CODES = {
    "missing_true_class_term",
    "sign_flipped",
    "not_averaged",
    "sigmoid_derivative",
    "true_class_only",
    "derivative_wrt_probability",
    "unstable_softmax",
    "wrong_axis",
    "several_labels_summed",
    "missing_log",
    "uses_reference",
}
#: The codes lesson 1 adds (its probes live in its definitions; its bank measures them).
LESSON1_CODES = {
    "loss_sign_flipped",
    "wrong_log_base",
    "max_not_added_back",
    "bits_conversion_inverted",
}
#: The codes lesson 2 adds: the softmax Jacobian of the chain rule.
LESSON2_CODES = {"jacobian_missing_diagonal", "jacobian_diagonal_only", "jacobian_outer_sign"}
#: The codes of lesson 5: the weight gradient, the SGD step and the training loop.
LESSON5_CODES = {
    "transposed_shape",
    "missing_bias_grad",
    "lr_sign",
    "l2_missing",
    "l2_on_bias",
    "full_batch_epoch",
    "first_batch_only",
}

#: The codes of lessons 4 and 6 (several labels, soft targets, smoothing, weights,
#: temperature, entropy and divergence); their probes live in those lessons' definitions.
LESSON46_CODES = {
    "missing_target_sum",
    "target_normalised",
    "favourite_raised",
    "smoothing_own_class",
    "weighted_mean_by_n",
    "weight_per_column",
    "missing_temperature_factor",
    "temperature_squared",
    "temperature_logits_not_divided",
    "wrong_log_base",
    "kl_swapped",
    "normalised_floor",
}

LESSON3_PROBES = [
    (test_id, code)
    for test_id in ("l3_softmax", "l3_cross_entropy", "l3_cross_entropy_grad")
    for code in get_test(test_id).misconceptions
]


PROBE_IDS = [f"{test_id}-{code}" for test_id, code in LESSON3_PROBES]


def test_every_design_code_has_an_explanation():
    assert set(mc.CODES) == (
        DESIGN_CODES | LESSON1_CODES | LESSON2_CODES | LESSON5_CODES | LESSON46_CODES
    )
    for code in mc.CODES:
        text = mc.explain(code)
        assert len(text) > 60 and text.endswith(".")


def test_every_code_is_reported_by_some_test():
    from autograder.definitions import lesson_ids, tests_for_lesson

    probed = {
        code
        for lesson in lesson_ids()
        for test in tests_for_lesson(lesson)
        for code in test.misconceptions
    }
    assert set(mc.CODES) - {"uses_reference"} == probed - {"uses_reference"}


def test_explanations_use_the_course_words():
    assert "nothing encourages it" in mc.explain("missing_true_class_term")
    assert "nothing suppresses" in mc.explain("true_class_only")
    assert "a - onehot(y)" in mc.explain("sigmoid_derivative")
    assert re.search(r"max", mc.explain("unstable_softmax"))


def test_explain_rejects_unknown_codes():
    with pytest.raises(ValueError, match=r"code: expected one of .*, got 'not_a_code'\."):
        mc.explain("not_a_code")


def test_every_lesson3_code_except_uses_reference_has_a_probe():
    probed = {code for _, code in LESSON3_PROBES}
    assert probed == DESIGN_CODES - {"uses_reference"}


def _as_student(probe):
    # A student whose answer is the probe's first alternative.
    def student(*args):
        predicted = probe(*args)
        return predicted[0] if isinstance(predicted, list) else predicted

    return student


#: A loss is one number: an unstable one is NaN on the large case and right elsewhere, and
#: inf or NaN alone is never evidence, so no code is claimed (the softmax test names it).
UNPROVABLE = {("l3_cross_entropy", "unstable_softmax")}


def test_an_unprovable_probe_claims_nothing():
    for test_id, code in UNPROVABLE:
        test = get_test(test_id)
        with np.errstate(all="ignore"):
            result = test.run_in_process(
                _as_student(test.misconceptions[code]), hidden=True, secret=SECRET
            )
        assert result.points < test.points and result.misconceptions == []


@pytest.mark.parametrize(
    ("test_id", "code"),
    [probe for probe in LESSON3_PROBES if probe not in UNPROVABLE],
    ids=[name for probe, name in zip(LESSON3_PROBES, PROBE_IDS, strict=True)
         if probe not in UNPROVABLE],
)  # fmt: skip
def test_a_probe_answer_is_wrong_and_diagnosed_as_its_own_code(test_id, code):
    test = get_test(test_id)
    with np.errstate(all="ignore"):
        result = test.run_in_process(_as_student(test.misconceptions[code]), hidden=True,
                                     secret=SECRET)  # fmt: skip
    assert result.points < test.points
    assert result.misconceptions == [code], result.message
    assert f"[{code}]" in result.message


@pytest.mark.parametrize(("test_id", "code"), LESSON3_PROBES, ids=PROBE_IDS)
def test_no_probe_accepts_the_reference(test_id, code):
    test = get_test(test_id)
    rng = np.random.default_rng(0)
    z = 3 * rng.standard_normal((5, 4))
    z[2] += 1000.0  # only this row tells a softmax without the max shift apart
    y = np.array([0, 1, 2, 3, 1])
    args = (z,) if test_id == "l3_softmax" else (z, y)
    with np.errstate(all="ignore"):
        predicted = test.misconceptions[code](*args)
    for alternative in predicted if isinstance(predicted, list) else [predicted]:
        assert not np.allclose(alternative, test.reference(*args))


def test_unstable_probe_overflows_only_for_large_logits():
    z = np.array([[1000.0, 999.0, 0.0], [1.0, 2.0, 3.0]])
    with np.errstate(all="ignore"):
        a = mc.softmax_unstable(z)
    assert not np.isfinite(a[0]).all()
    np.testing.assert_allclose(a[1], mc._stable_softmax(z[1:])[0])


def test_gradient_probes_follow_the_seed_sign_facts():
    z = np.array([[0.5, 1.5, -1.0]])
    y = np.array([1])
    assert (mc.grad_sign_flipped(z, y)[0, 1] > 0) and (
        mc.grad_missing_true_class_term(z, y) > 0
    ).all()
    true_only = mc.grad_true_class_only(z, y)
    assert np.count_nonzero(true_only) == 1 and true_only[0, 1] < 0
