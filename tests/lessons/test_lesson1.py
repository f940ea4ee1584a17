"""Lesson 1: the cases of each requirement break the answers they are built to break.

Whatever the course secret, the hidden cases of a requirement must defeat the shortcut it
names (a literal softmax, ``-log`` of a probability, a product of probabilities), and no two
probes of a test may give the same answers on every case, or their codes could not be told
apart. These hold by construction; here they are checked on cases drawn from several secrets.
"""

import itertools

import numpy as np
import pytest

from autograder.definitions import get_test

SECRETS = (b"first course", b"second course", b"third course", b"fourth course")


def hidden_cases(test_id, requirement, secret):
    test = get_test(test_id)
    return [
        case
        for case in test.cases(hidden=True, secret=secret)
        if case.hidden and case.requirement == requirement
    ]


def stable_softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("secret", SECRETS)
def test_large_logits_defeat_every_shift_but_the_maximum(secret):
    cases = hidden_cases("l1_softmax_one", "stable", secret)
    shifts = {
        "none": lambda z: 0.0,
        "the mean": np.mean,
        "the minimum": np.min,
        "1000": lambda z: 1000.0,
        "998": lambda z: 998.0,
    }
    with np.errstate(all="ignore"):
        for name, shift in shifts.items():
            finite = [
                np.isfinite(np.exp(z - shift(z)) / np.exp(z - shift(z)).sum()).all()
                for (z,) in (case.args for case in cases)
            ]
            assert not all(finite), f"a shift by {name} passes every case"


@pytest.mark.parametrize("secret", SECRETS)
def test_underflow_cases_defeat_minus_log_of_the_probability(secret):
    test = get_test("l1_loss_one")
    cases = hidden_cases("l1_loss_one", "log_sum_exp", secret)
    assert len(cases) >= 2
    with np.errstate(divide="ignore"):
        for case in cases:
            z, y = case.args
            through_probability = -np.log(stable_softmax(z)[y])
            exact = test.expected(case)
            assert np.isfinite(exact)
            assert not np.isclose(through_probability, exact, rtol=test.rtol, atol=test.atol)


@pytest.mark.parametrize("secret", SECRETS)
def test_log_space_cases_defeat_the_product_of_probabilities(secret):
    cases = hidden_cases("l1_dataset_nll", "log_space", secret)
    assert len(cases) >= 2
    for case in cases:
        Z, y = case.args
        a_observed = stable_softmax(Z)[np.arange(len(y)), y]
        assert np.prod(a_observed) == 0.0


@pytest.mark.parametrize("secret", SECRETS)
def test_rows_at_their_own_levels_defeat_a_shift_by_the_batch_maximum(secret):
    cases = hidden_cases("l1_dataset_nll", "stable", secret)
    assert cases
    with np.errstate(all="ignore"):
        for case in cases:
            Z, _ = case.args
            e = np.exp(Z - Z.max())
            assert not np.isfinite(e / e.sum(axis=1, keepdims=True)).all()


@pytest.mark.parametrize(
    "test_id",
    [
        "l1_loss_one",
        "l1_dataset_nll",
        "l1_nats_to_bits",
        "l1_loss_uniform",
        "l1_probability_for_unit_loss",
    ],
)
@pytest.mark.parametrize("secret", SECRETS[:2])
def test_no_two_probes_agree_on_every_case(test_id, secret):
    test = get_test(test_id)
    cases = test.cases(hidden=True, secret=secret)

    def answers(probe):
        with np.errstate(all="ignore"):
            return [test.probe_alternatives(probe, case) for case in cases]

    drawn = {code: answers(probe) for code, probe in test.misconceptions.items()}
    for first, second in itertools.combinations(drawn, 2):
        agree = all(
            any(
                np.allclose(u, v, rtol=test.rtol, atol=test.atol, equal_nan=True)
                for u in one
                for v in other
            )
            for one, other in zip(drawn[first], drawn[second], strict=True)
        )
        assert not agree, f"probes {first} and {second} of {test_id} agree on every case"
