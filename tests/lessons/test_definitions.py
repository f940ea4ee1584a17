"""The test definitions of lessons 1 and 2 tell right answers from the usual wrong ones."""

import numpy as np
import pytest
import sympy as sp

from autograder import check
from autograder.definitions import get_test
from ce_lib.symbolic import logit_symbols, probability_symbols, target_symbols

SECRET = b"tests/lessons definitions"

z1, z2, z3 = logit_symbols(3)
a1, a2, a3 = probability_symbols(3)
t1, t2, t3 = target_symbols(3, "t")
DENOMINATOR = sp.exp(z1) + sp.exp(z2) + sp.exp(z3)


def run(test_id, answer):
    return get_test(test_id).run_in_process(answer, hidden=True, secret=SECRET)


def stable_softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def literal_softmax(z):
    with np.errstate(all="ignore"):
        return np.exp(z) / np.exp(z).sum()


def test_softmax_one_accepts_a_stable_softmax():
    result = run("l1_softmax_one", stable_softmax)
    assert result.passed and result.points == result.max_points


def test_softmax_one_diagnoses_the_missing_max_shift():
    result = run("l1_softmax_one", literal_softmax)
    assert not result.passed
    assert 0 < result.points < result.max_points
    assert result.misconceptions == ["unstable_softmax"]


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        (lambda z, y: 1.0 - stable_softmax(z)[y], "missing_log"),
        (lambda z, y: float(-np.log(stable_softmax(z)).sum()), "several_labels_summed"),
    ],
)
def test_loss_one_diagnoses_wrong_losses(answer, code):
    result = run("l1_loss_one", answer)
    assert not result.passed
    assert code in result.misconceptions


def test_loss_one_needs_log_sum_exp_when_the_true_class_underflows():
    def through_probabilities(z, y):
        with np.errstate(divide="ignore"):
            return float(-np.log(stable_softmax(z)[y]))

    result = run("l1_loss_one", through_probabilities)
    assert not result.passed
    assert "a_y underflows" in result.message


@pytest.mark.parametrize(
    ("test_id", "right", "wrong"),
    [
        ("l1_loss_uniform", lambda K: np.log(K), lambda K: 1 / K),
        ("l1_probability_for_unit_loss", lambda J: np.exp(-J), lambda J: 1 - J),
        ("l1_several_labels_best", lambda n: n * np.log(n), lambda n: np.log(n)),
        ("l2_true_class_entry_uniform", lambda K: 1 / K - 1, lambda K: 1 - 1 / K),
    ],
)
def test_questions_with_drawn_numbers(test_id, right, wrong):
    assert run(test_id, right).passed
    assert run(test_id, wrong).points == 0


@pytest.mark.parametrize(
    ("test_id", "public_answers"),
    [
        ("l1_loss_uniform", {10: np.log(10.0), 2: np.log(2.0), 3: np.log(3.0)}),
        ("l1_several_labels_best", {1: 0.0, 2: 2 * np.log(2.0), 3: 3 * np.log(3.0)}),
        ("l2_true_class_entry_uniform", {4: -0.75, 2: -0.5}),
    ],
)
def test_a_table_of_the_public_answers_earns_nothing(test_id, public_answers):
    result = run(test_id, lambda value: public_answers.get(value, 0.0))
    assert result.points == 0
    assert "Public checks (not scored): " in result.message


def test_value_questions():
    assert run("l2_gradient_sum", 0.0).passed
    assert not run("l2_gradient_sum", 1.0).passed


def test_the_missing_log_is_diagnosed_on_drawn_numbers():
    result = run("l1_loss_uniform", lambda K: 1 - 1 / K)
    assert result.misconceptions == ["missing_log"]


def test_the_log_sum_exp_form_of_the_loss_is_accepted():
    assert run("l2_loss_k3", -z3 + sp.log(DENOMINATOR)).passed
    assert not run("l2_loss_k3", -z3).passed


def test_gradient_in_z_diagnoses_a_flipped_sign():
    gradient = [sp.exp(z) / DENOMINATOR - int(k == 2) for k, z in enumerate((z1, z2, z3))]
    assert run("l2_grad_k3", gradient).passed
    result = run("l2_grad_k3", [-g for g in gradient])
    assert not result.passed and "sign_flipped" in result.misconceptions


def test_gradient_in_a_is_graded_on_the_simplex():
    # a_1 + a_2 + a_3 = 1, so -(a_1 + a_2) is the true-class entry as well as a_3 - 1.
    assert run("l2_grad_in_a", [a1, a2, -(a1 + a2)]).passed
    result = run("l2_grad_in_a", [a1, a2, a3])
    assert not result.passed and "missing_true_class_term" in result.misconceptions


def test_soft_target_gradient_does_not_assume_targets_summing_to_one():
    total = t1 + t2 + t3
    in_a = [a * total - t for a, t in zip((a1, a2, a3), (t1, t2, t3), strict=True)]
    assert run("l2_grad_soft_in_a", in_a).passed
    assert not run("l2_grad_soft_in_a", [a1 - t1, a2 - t2, a3 - t3]).passed
    in_z = [
        sp.exp(z) / DENOMINATOR * total - t for z, t in zip((z1, z2, z3), (t1, t2, t3), strict=True)
    ]
    assert run("l2_grad_soft", in_z).passed
    assert not run("l2_grad_soft", [sp.exp(z1) / DENOMINATOR - t1, 0, 0]).passed


def test_expressions_in_unknown_symbols_are_wrong_not_crashes():
    result = run("l2_loss_k3", -sp.Symbol("z3") + sp.log(DENOMINATOR))
    assert not result.passed
    assert "does not define" in result.message


@pytest.mark.parametrize("test_id", ["l2_gradient_sum", "l2_loss_k3", "l2_grad_soft"])
def test_an_answer_still_none_is_an_unfilled_exercise(test_id):
    with pytest.raises(NotImplementedError, match="not answered yet"):
        check(test_id, None)


def _probabilities_in_z():
    return sp.Matrix([sp.exp(z) for z in (z1, z2, z3)]) / DENOMINATOR


def test_the_jacobian_scores_its_diagonal_and_off_diagonal_apart():
    a = _probabilities_in_z()
    assert run("l2_softmax_jacobian", a.jacobian([z1, z2, z3])).points == 2
    # The Jacobian is symmetric: its transpose is as right.
    assert run("l2_softmax_jacobian", (sp.diag(*a) - a * a.T).T).points == 2
    result = run("l2_softmax_jacobian", -a * a.T)
    assert result.points == 1
    assert result.misconceptions == ["jacobian_missing_diagonal"]
    assert [e["name"] for e in result.requirements if e["points"] < e["max_points"]] == ["diagonal"]


def test_an_answer_with_the_wrong_number_of_entries_says_what_is_asked():
    a = _probabilities_in_z()
    result = get_test("l2_softmax_jacobian").run_in_process(list(a))
    assert result.points == 0
    assert "the answer has 3 entries, expected 9: a 3 x 3 Matrix" in result.message


def test_public_feedback_names_the_wrong_entries_as_the_question_numbers_them():
    result = get_test("l2_grad_k3").run_in_process(list(_probabilities_in_z()))
    assert "entry 3 expected" in result.message
    assert "entry 1 expected" not in result.message


def test_soft_targets_summing_to_one_earn_their_share_of_a_minus_t():
    result = run("l2_grad_soft_in_a", [a1 - t1, a2 - t2, a3 - t3])
    assert result.points == pytest.approx(0.4 * 2)
    assert result.misconceptions == ["missing_target_sum"]


def test_the_chain_rule_is_graded_for_every_label_and_number_of_classes():
    def chain_rule(z, y):
        a = np.exp(z - z.max())
        a /= a.sum()
        dJ_da = np.zeros_like(a)
        dJ_da[y] = -1 / a[y]
        return (np.diag(a) - np.outer(a, a)).T @ dJ_da

    assert run("l2_grad_via_jacobian", chain_rule).passed
    labels = {case.args[1] for case in get_test("l2_grad_via_jacobian").cases()}
    sizes = {case.args[0].size for case in get_test("l2_grad_via_jacobian").cases()}
    assert labels >= {0, 1, 2} and sizes >= {2, 3, 5}
