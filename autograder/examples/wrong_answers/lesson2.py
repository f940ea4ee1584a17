r"""Wrong and correct answers to lesson 2: the loss and its gradient in SymPy, the softmax
Jacobian, the chain rule in NumPy and the two questions.

The SymPy answers start from the symbols a student has in the lesson (``z1, z2, z3``,
``a1, a2, a3``, ``t1, t2, t3``); the preludes below define them as the lesson does.
"""

from autograder.examples.wrong_answers import Variant

Z = """
z1, z2, z3 = sympy.symbols("z_1:4", real=True)
S = sympy.exp(z1) + sympy.exp(z2) + sympy.exp(z3)
"""
A = """
a1, a2, a3 = sympy.symbols("a_1:4", positive=True)
"""
T = """
t1, t2, t3 = sympy.symbols("t_1:4", real=True)
"""
#: The lesson's own route to the loss in z: its log-sum-exp form.
J_LSE = Z + "J = -z3 + sympy.log(S)\n"

VALUES = ("values",)
BOTH_ENTRIES = ("true_class", "other_classes")
BOTH_TARGETS = ("normalised", "any_targets")
BOTH_PARTS = ("diagonal", "off_diagonal")
EVERYTHING = ("values", "labels", "classes", "inputs")

LOSS = [
    Variant("l2_loss_k3", "correct: quotient form", Z + "J = -sympy.log(sympy.exp(z3) / S)\n"),
    Variant("l2_loss_k3", "correct: log-sum-exp form", J_LSE),
    Variant(
        "l2_loss_k3",
        "correct: log of one plus exponentials of differences",
        Z + "J = sympy.log(1 + sympy.exp(z1 - z3) + sympy.exp(z2 - z3))\n",
    ),
    Variant("l2_loss_k3", "no log: -a_3", Z + "J = -sympy.exp(z3) / S\n", ("missing_log",), VALUES),
    Variant(
        "l2_loss_k3",
        "no log: 1 - a_3",
        Z + "a3 = sympy.exp(z3) / S\nJ = 1 - a3\n",
        ("missing_log",),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "no log, denominator written out",
        Z + "J = -(sympy.exp(z3) / (sympy.exp(z1) + sympy.exp(z2) + sympy.exp(z3)))\n",
        ("missing_log",),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "log-likelihood, +log a_3",
        Z + "J = sympy.log(sympy.exp(z3) / S)\n",
        ("loss_sign_flipped",),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "log-sum-exp form with the signs swapped",
        Z + "J = z3 - sympy.log(S)\n",
        ("loss_sign_flipped",),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "minus the log of the inverted fraction",
        Z + "J = -sympy.log(S / sympy.exp(z3))\n",
        ("loss_sign_flipped",),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "precedence: the log of the numerator over the sum",
        Z + "J = -sympy.log(sympy.exp(z3)) / S\n",
        (),
        VALUES,
    ),
    Variant(
        "l2_loss_k3",
        "log of the sum taken as the sum of the logs",
        Z + "J = -z3 + sum(sympy.log(sympy.exp(z)) for z in (z1, z2, z3))\n",
        (),
        VALUES,
    ),
]

GRAD_K3 = [
    Variant(
        "l2_grad_k3",
        "correct: SymPy differentiates the quotient form",
        Z
        + "J = -sympy.log(sympy.exp(z3) / S)\ngrad_J = [sympy.diff(J, z) for z in (z1, z2, z3)]\n",
    ),
    Variant(
        "l2_grad_k3",
        "correct: written out",
        Z + "grad_J = [sympy.exp(z1) / S, sympy.exp(z2) / S, sympy.exp(z3) / S - 1]\n",
    ),
    Variant(
        "l2_grad_k3",
        "correct: true class as minus the others",
        Z
        + "grad_J = [sympy.exp(z1) / S, sympy.exp(z2) / S, -(sympy.exp(z1) + sympy.exp(z2)) / S]\n",
    ),
    Variant(
        "l2_grad_k3",
        "negated derivatives",
        J_LSE + "grad_J = [-sympy.diff(J, z) for z in (z1, z2, z3)]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "onehot minus a, written out",
        Z + "grad_J = [-sympy.exp(z1) / S, -sympy.exp(z2) / S, 1 - sympy.exp(z3) / S]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "differentiates the log-likelihood",
        Z + "L = sympy.log(sympy.exp(z3) / S)\ngrad_J = [L.diff(z) for z in [z1, z2, z3]]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "only the log-sum-exp part differentiated",
        Z + "grad_J = [sympy.diff(sympy.log(S), z) for z in (z1, z2, z3)]\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_k3",
        "the probabilities alone",
        Z + "grad_J = [sympy.exp(z) / S for z in (z1, z2, z3)]\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_k3",
        "a Matrix of the probabilities",
        Z + "grad_J = list(sympy.Matrix([sympy.exp(z1), sympy.exp(z2), sympy.exp(z3)]) / S)\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_k3",
        "zeros for the other classes",
        Z + "grad_J = [0, 0, sympy.exp(z3) / S - 1]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_k3",
        "only the true logit differentiated",
        J_LSE + "grad_J = [sympy.Integer(0), sympy.Integer(0), sympy.diff(J, z3)]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_k3",
        "true class only, as minus the other probabilities",
        Z + "grad_J = [0, 0, -(sympy.exp(z1) + sympy.exp(z2)) / S]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_k3",
        "dJ/da_3 written in z",
        Z + "grad_J = [0, 0, -S / sympy.exp(z3)]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "minus one over the probability",
        Z + "a3 = sympy.exp(z3) / S\ngrad_J = [0, 0, -1 / a3]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "differentiates by a symbol for a_3, then substitutes",
        Z
        + "p = sympy.Symbol('p', positive=True)\n"
        + "d = sympy.diff(-sympy.log(p), p).subs(p, sympy.exp(z3) / S)\n"
        + "grad_J = [0, 0, d]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_k3",
        "the -1 on class 1 (label counted from 0)",
        Z + "grad_J = [sympy.exp(z1) / S - 1, sympy.exp(z2) / S, sympy.exp(z3) / S]\n",
        (),
        BOTH_ENTRIES,
    ),
]

GRAD_IN_A = [
    Variant("l2_grad_in_a", "correct: a_3 - 1", A + "grad_in_a = [a1, a2, a3 - 1]\n"),
    Variant("l2_grad_in_a", "correct: -(a_1 + a_2)", A + "grad_in_a = [a1, a2, -(a1 + a2)]\n"),
    Variant(
        "l2_grad_in_a",
        "correct: a - onehot as a loop",
        A + "grad_in_a = [a - y for a, y in zip((a1, a2, a3), (0, 0, 1))]\n",
    ),
    Variant(
        "l2_grad_in_a",
        "onehot minus a",
        A + "grad_in_a = [-a1, -a2, 1 - a3]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "negated, true class as the others' sum",
        A + "grad_in_a = [-a1, -a2, a1 + a2]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "y - a as a loop",
        A + "grad_in_a = [y - a for a, y in zip([a1, a2, a3], [0, 0, 1])]\n",
        ("sign_flipped",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "the probabilities alone",
        A + "grad_in_a = [a1, a2, a3]\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_in_a",
        "the probabilities as a tuple",
        A + "grad_in_a = list((a1, a2, a3))\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_in_a",
        "a_3 written as 1 - a_1 - a_2",
        A + "grad_in_a = [a1, a2, 1 - a1 - a2]\n",
        ("missing_true_class_term",),
        ("true_class",),
    ),
    Variant(
        "l2_grad_in_a",
        "zeros for the other classes",
        A + "grad_in_a = [0, 0, a3 - 1]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_in_a",
        "only the true class, as minus the others",
        A + "grad_in_a = [sympy.Integer(0), sympy.Integer(0), -(a1 + a2)]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_in_a",
        "only the label's entry of a - onehot kept",
        A + "grad_in_a = [(a - y) * y for a, y in zip((a1, a2, a3), (0, 0, 1))]\n",
        ("true_class_only",),
        ("other_classes",),
    ),
    Variant(
        "l2_grad_in_a",
        "sigmoid derivative",
        A + "grad_in_a = [a1 * (1 - a1), a2 * (1 - a2), a3 * (1 - a3)]\n",
        ("sigmoid_derivative",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "a - a squared",
        A + "grad_in_a = [a - a**2 for a in (a1, a2, a3)]\n",
        ("sigmoid_derivative",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "sigmoid derivative, 1 - a_3 as a_1 + a_2",
        A + "grad_in_a = [a1 - a1**2, a2 * (1 - a2), a3 * (a1 + a2)]\n",
        ("sigmoid_derivative",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "dJ/da",
        A + "grad_in_a = [0, 0, -1 / a3]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "SymPy differentiates -log a_3 by a",
        A + "grad_in_a = [sympy.diff(-sympy.log(a3), a) for a in (a1, a2, a3)]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "dJ/da with a_3 = 1 - a_1 - a_2",
        A + "grad_in_a = [0, 0, -1 / (1 - a1 - a2)]\n",
        ("derivative_wrt_probability",),
        BOTH_ENTRIES,
    ),
    Variant(
        "l2_grad_in_a",
        "the -1 on class 1",
        A + "grad_in_a = [a1 - 1, a2, a3]\n",
        (),
        BOTH_ENTRIES,
    ),
]

SOFT_Z = Z + T + "targets = (t1, t2, t3)\nlogits = (z1, z2, z3)\n"

GRAD_SOFT = [
    Variant(
        "l2_grad_soft",
        "correct: SymPy differentiates the log-sum-exp form",
        SOFT_Z
        + "J = -sum(t * (z - sympy.log(S)) for t, z in zip(targets, logits))\n"
        + "grad_soft = [sympy.diff(J, z) for z in logits]\n",
    ),
    Variant(
        "l2_grad_soft",
        "correct: written out",
        SOFT_Z
        + "grad_soft = [sympy.exp(z) / S * (t1 + t2 + t3) - t for z, t in zip(logits, targets)]\n",
    ),
    Variant(
        "l2_grad_soft",
        "correct: SymPy differentiates the quotient form",
        SOFT_Z
        + "J = -sum(t * sympy.log(sympy.exp(z) / S) for t, z in zip(targets, logits))\n"
        + "grad_soft = [J.diff(z) for z in logits]\n",
    ),
    Variant(
        "l2_grad_soft",
        "negated derivatives",
        SOFT_Z
        + "J = -sum(t * (z - sympy.log(S)) for t, z in zip(targets, logits))\n"
        + "grad_soft = [-sympy.diff(J, z) for z in logits]\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "t_k - a_k sum(t), written out",
        SOFT_Z
        + "grad_soft = [t - sympy.exp(z) * (t1 + t2 + t3) / S for z, t in zip(logits, targets)]\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "differentiates sum_k t_k log a_k",
        SOFT_Z
        + "L = sum(t * sympy.log(sympy.exp(z) / S) for t, z in zip(targets, logits))\n"
        + "grad_soft = [sympy.diff(L, z) for z in logits]\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "a - t",
        SOFT_Z + "grad_soft = [sympy.exp(z) / S - t for z, t in zip(logits, targets)]\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft",
        "a - t, written out",
        SOFT_Z
        + "grad_soft = [sympy.exp(z1) / S - t1, sympy.exp(z2) / S - t2, sympy.exp(z3) / S - t3]\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft",
        "a - t as a Matrix",
        SOFT_Z
        + "a = sympy.Matrix([sympy.exp(z) for z in logits]) / S\n"
        + "grad_soft = a - sympy.Matrix(targets)\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft",
        "t - a",
        SOFT_Z + "grad_soft = [t - sympy.exp(z) / S for z, t in zip(logits, targets)]\n",
        ("sign_flipped", "missing_target_sum"),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "dJ/da: -t_k / a_k",
        SOFT_Z + "grad_soft = [-t / (sympy.exp(z) / S) for z, t in zip(logits, targets)]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "dJ/da, denominator on top",
        SOFT_Z
        + "grad_soft = [-t1 * S / sympy.exp(z1), -t2 * S / sympy.exp(z2),\n"
        + "             -t3 * S / sympy.exp(z3)]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "SymPy differentiates by a symbol for each a_k",
        SOFT_Z
        + "p = sympy.symbols('p_1:4', positive=True)\n"
        + "L = -sum(t * sympy.log(q) for t, q in zip(targets, p))\n"
        + "to_z = {q: sympy.exp(z) / S for q, z in zip(p, logits)}\n"
        + "grad_soft = [sympy.diff(L, q).subs(to_z) for q in p]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft",
        "the -t_k term dropped",
        SOFT_Z + "grad_soft = [sympy.exp(z) / S * (t1 + t2 + t3) for z in logits]\n",
        (),
        BOTH_TARGETS,
    ),
]

SOFT_A = A + T + "targets = (t1, t2, t3)\nprobabilities = (a1, a2, a3)\n"

GRAD_SOFT_IN_A = [
    Variant(
        "l2_grad_soft_in_a",
        "correct: a_k sum(t) - t_k",
        SOFT_A
        + "grad_soft_in_a = [a * (t1 + t2 + t3) - t for a, t in zip(probabilities, targets)]\n",
    ),
    Variant(
        "l2_grad_soft_in_a",
        "correct: written out",
        SOFT_A
        + "T = t1 + t2 + t3\n"
        + "grad_soft_in_a = [a1 * T - t1, a2 * T - t2, a3 * T - t3]\n",
    ),
    Variant(
        "l2_grad_soft_in_a",
        "correct: a - t plus the correction",
        SOFT_A
        + "pairs = zip(probabilities, targets)\n"
        + "grad_soft_in_a = [a - t + a * (sum(targets) - 1) for a, t in pairs]\n",
    ),
    Variant(
        "l2_grad_soft_in_a",
        "t_k - a_k sum(t)",
        SOFT_A
        + "grad_soft_in_a = [t - a * sum(targets) for a, t in zip(probabilities, targets)]\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "negated, written out",
        SOFT_A
        + "T = t1 + t2 + t3\n"
        + "grad_soft_in_a = [-(a1 * T - t1), -(a2 * T - t2), -(a3 * T - t3)]\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "negated Matrix",
        SOFT_A
        + "a, t = sympy.Matrix(probabilities), sympy.Matrix(targets)\n"
        + "grad_soft_in_a = -(a * sum(targets) - t)\n",
        ("sign_flipped",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "a - t",
        SOFT_A + "grad_soft_in_a = [a1 - t1, a2 - t2, a3 - t3]\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft_in_a",
        "a - t as a loop",
        SOFT_A + "grad_soft_in_a = [a - t for a, t in zip(probabilities, targets)]\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft_in_a",
        "a - t as a Matrix",
        SOFT_A + "grad_soft_in_a = sympy.Matrix([a1, a2, a3]) - sympy.Matrix([t1, t2, t3])\n",
        ("missing_target_sum",),
        ("any_targets",),
    ),
    Variant(
        "l2_grad_soft_in_a",
        "t - a",
        SOFT_A + "grad_soft_in_a = [t1 - a1, t2 - a2, t3 - a3]\n",
        ("sign_flipped", "missing_target_sum"),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "dJ/da",
        SOFT_A + "grad_soft_in_a = [-t1 / a1, -t2 / a2, -t3 / a3]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "SymPy differentiates by a",
        SOFT_A
        + "J = -sum(t * sympy.log(a) for a, t in zip(probabilities, targets))\n"
        + "grad_soft_in_a = [sympy.diff(J, a) for a in probabilities]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "dJ/da as a loop",
        SOFT_A + "grad_soft_in_a = [-t / a for a, t in zip(probabilities, targets)]\n",
        ("derivative_wrt_probability",),
        BOTH_TARGETS,
    ),
    Variant(
        "l2_grad_soft_in_a",
        "a_k times t_k minus t_k",
        SOFT_A + "grad_soft_in_a = [a * t - t for a, t in zip(probabilities, targets)]\n",
        (),
        BOTH_TARGETS,
    ),
]

PROBABILITIES_Z = Z + "a = sympy.Matrix([sympy.exp(z1), sympy.exp(z2), sympy.exp(z3)]) / S\n"

JACOBIAN = [
    Variant(
        "l2_softmax_jacobian",
        "correct: Matrix.jacobian",
        PROBABILITIES_Z + "softmax_jacobian_z = a.jacobian([z1, z2, z3])\n",
    ),
    Variant(
        "l2_softmax_jacobian",
        "correct: diag(a) - a a^T",
        PROBABILITIES_Z + "softmax_jacobian_z = sympy.diag(*a) - a * a.T\n",
    ),
    Variant(
        "l2_softmax_jacobian",
        "correct: entry by entry",
        PROBABILITIES_Z
        + "def entry(i, k):\n"
        + "    return (a[i] if i == k else 0) - a[i] * a[k]\n"
        + "softmax_jacobian_z = sympy.Matrix(3, 3, entry)\n",
    ),
    Variant(
        "l2_softmax_jacobian",
        "correct: the Hessian of J, transposed",
        J_LSE + "softmax_jacobian_z = sympy.hessian(J, (z1, z2, z3)).T\n",
    ),
    Variant(
        "l2_softmax_jacobian",
        "-a a^T",
        PROBABILITIES_Z + "softmax_jacobian_z = -a * a.T\n",
        ("jacobian_missing_diagonal",),
        ("diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "-a_i a_k entry by entry",
        PROBABILITIES_Z + "softmax_jacobian_z = sympy.Matrix(3, 3, lambda i, k: -a[i] * a[k])\n",
        ("jacobian_missing_diagonal",),
        ("diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "-a_i a_k as nested lists",
        Z
        + "p = [sympy.exp(z) / S for z in (z1, z2, z3)]\n"
        + "softmax_jacobian_z = sympy.Matrix([[-pi * pk for pk in p] for pi in p])\n",
        ("jacobian_missing_diagonal",),
        ("diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "diagonal a (1 - a)",
        PROBABILITIES_Z + "softmax_jacobian_z = sympy.diag(*[p * (1 - p) for p in a])\n",
        ("jacobian_diagonal_only",),
        ("off_diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "each a_k differentiated by its own logit",
        PROBABILITIES_Z
        + "own = [sympy.diff(a[k], z) for k, z in enumerate((z1, z2, z3))]\n"
        + "softmax_jacobian_z = sympy.diag(*own)\n",
        ("jacobian_diagonal_only",),
        ("off_diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "a - a^2 on the diagonal, zeros elsewhere",
        PROBABILITIES_Z
        + "softmax_jacobian_z = sympy.zeros(3, 3)\n"
        + "for i in range(3):\n"
        + "    softmax_jacobian_z[i, i] = a[i] - a[i] ** 2\n",
        ("jacobian_diagonal_only",),
        ("off_diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "diag(a) + a a^T",
        PROBABILITIES_Z + "softmax_jacobian_z = sympy.diag(*a) + a * a.T\n",
        ("jacobian_outer_sign",),
        BOTH_PARTS,
    ),
    Variant(
        "l2_softmax_jacobian",
        "+a_i a_k off the diagonal",
        PROBABILITIES_Z
        + "def entry(i, k):\n"
        + "    return a[i] * (1 - a[i]) if i == k else a[i] * a[k]\n"
        + "softmax_jacobian_z = sympy.Matrix(3, 3, entry)\n",
        ("jacobian_outer_sign",),
        ("off_diagonal",),
    ),
    Variant(
        "l2_softmax_jacobian",
        "diag(a) plus the outer product, as nested lists",
        Z
        + "p = [sympy.exp(z) / S for z in (z1, z2, z3)]\n"
        + "outer = sympy.Matrix([[pi * pk for pk in p] for pi in p])\n"
        + "softmax_jacobian_z = sympy.diag(*p) + outer\n",
        ("jacobian_outer_sign",),
        BOTH_PARTS,
    ),
    Variant(
        "l2_softmax_jacobian",
        "the three diagonal entries as a list",
        PROBABILITIES_Z
        + "softmax_jacobian_z = [sympy.diff(a[k], z) for k, z in enumerate((z1, z2, z3))]\n",
        (),
        BOTH_PARTS,
    ),
    Variant(
        "l2_softmax_jacobian",
        "diag(a) alone",
        PROBABILITIES_Z + "softmax_jacobian_z = sympy.diag(*a)\n",
        (),
        BOTH_PARTS,
    ),
]

SOFTMAX = """
def softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()
"""


def _chain(
    jacobian="np.diag(a) - np.outer(a, a)", dJ_da="-1.0 / a[y]", product="jacobian.T @ dJ_da"
):
    return (
        SOFTMAX
        + "\ndef grad_via_jacobian(z, y):\n"
        + "    a = softmax(z)\n"
        + f"    jacobian = {jacobian}\n"
        + "    dJ_da = np.zeros_like(a)\n"
        + f"    dJ_da[y] = {dJ_da}\n"
        + f"    return {product}\n"
    )


CHAIN = [
    Variant("l2_grad_via_jacobian", "correct: the lesson's solution", _chain()),
    Variant(
        "l2_grad_via_jacobian",
        "correct: row vector times the Jacobian",
        _chain(product="dJ_da @ jacobian"),
    ),
    Variant(
        "l2_grad_via_jacobian",
        "correct: loops",
        """
import math

def grad_via_jacobian(z, y):
    K = len(z)
    m = max(z)
    e = [math.exp(v - m) for v in z]
    a = [v / sum(e) for v in e]
    grad = []
    for k in range(K):
        total = 0.0
        for i in range(K):
            da_i_dz_k = (a[i] if i == k else 0.0) - a[i] * a[k]
            dJ_da_i = -1.0 / a[i] if i == y else 0.0
            total += dJ_da_i * da_i_dz_k
        grad.append(total)
    return np.array(grad)
""",
    ),
    Variant(
        "l2_grad_via_jacobian",
        "correct: one-hot row of an identity, einsum",
        """
def grad_via_jacobian(z, y):
    shifted = z - z.max()
    a = np.exp(shifted) / np.exp(shifted).sum()
    jacobian = np.diag(a) - a[:, None] * a[None, :]
    dJ_da = -np.eye(len(z))[y] / a[y]
    return np.einsum("ik,i->k", jacobian, dJ_da)
""",
    ),
    Variant(
        "l2_grad_via_jacobian",
        "correct: the direct route, a - onehot(y)",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    grad = softmax(z)
    grad[y] -= 1.0
    return grad
""",
    ),
    Variant(
        "l2_grad_via_jacobian",
        "dJ/da_y = +1/a_y",
        _chain(dJ_da="1.0 / a[y]"),
        ("sign_flipped",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "the product negated",
        _chain(product="-(jacobian.T @ dJ_da)"),
        ("sign_flipped",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "one-hot over a_y without the minus",
        """
def grad_via_jacobian(z, y):
    a = np.exp(z - z.max())
    a = a / a.sum()
    return (np.diag(a) - np.outer(a, a)) @ (np.eye(a.size)[y] / a[y])
""",
        ("sign_flipped",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "stops at dJ/da",
        _chain(product="dJ_da"),
        ("derivative_wrt_probability",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "minus the one-hot row over a_y",
        """
def grad_via_jacobian(z, y):
    a = np.exp(z - np.max(z))
    a /= a.sum()
    return -np.eye(len(z))[y] / a[y]
""",
        ("derivative_wrt_probability",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian computed, then dJ/da returned",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    jacobian = np.diag(a) - np.outer(a, a)
    grad = np.zeros(len(z))
    grad[y] = -1 / a[y]
    return grad
""",
        ("derivative_wrt_probability",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian -a a^T",
        _chain(jacobian="-np.outer(a, a)"),
        ("jacobian_missing_diagonal",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian -a a^T by broadcasting",
        _chain(jacobian="-a[:, None] * a[None, :]"),
        ("jacobian_missing_diagonal",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian -a_i a_k in a loop",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    K = len(a)
    jacobian = np.zeros((K, K))
    for i in range(K):
        for k in range(K):
            jacobian[i, k] = -a[i] * a[k]
    dJ_da = np.zeros(K)
    dJ_da[y] = -1 / a[y]
    return jacobian.T @ dJ_da
""",
        ("jacobian_missing_diagonal",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian diag(a (1 - a))",
        _chain(jacobian="np.diag(a * (1 - a))"),
        ("jacobian_diagonal_only",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian diag(a) - diag(a^2)",
        _chain(jacobian="np.diag(a) - np.diag(a**2)"),
        ("jacobian_diagonal_only",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "elementwise product with the Jacobian's diagonal",
        _chain(product="np.diag(jacobian) * dJ_da"),
        ("jacobian_diagonal_only",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian diag(a) + a a^T",
        _chain(jacobian="np.diag(a) + np.outer(a, a)"),
        ("jacobian_outer_sign",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "Jacobian diag(a) + a a^T by broadcasting",
        _chain(jacobian="np.diag(a) + a[:, None] * a"),
        ("jacobian_outer_sign",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "+a_i a_k off the diagonal in a loop",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    K = len(a)
    jacobian = np.empty((K, K))
    for i in range(K):
        for k in range(K):
            jacobian[i, k] = a[i] * (1 - a[i]) if i == k else a[i] * a[k]
    dJ_da = np.zeros(K)
    dJ_da[y] = -1 / a[y]
    return jacobian.T @ dJ_da
""",
        ("jacobian_outer_sign",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "J = -a_y: dJ/da_y = -1",
        _chain(dJ_da="-1.0"),
        ("missing_log",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "J = 1 - a_y, one-hot row",
        """
def grad_via_jacobian(z, y):
    a = np.exp(z - z.max())
    a = a / a.sum()
    dJ_da = -np.eye(len(a))[y]  # d(1 - a_y)/da
    return (np.diag(a) - np.outer(a, a)).T @ dJ_da
""",
        ("missing_log",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "J = -a_y, the true class's row of the Jacobian",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    jacobian = np.diag(a) - np.outer(a, a)
    return -jacobian[y]
""",
        ("missing_log",),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "dJ/da = -1/a for every class (no label)",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    return (np.diag(a) - np.outer(a, a)).T @ (-1 / a)
""",
        (),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "label counted from 1",
        _chain(dJ_da="-1.0 / a[y]")
        .replace("dJ_da[y] =", "dJ_da[y - 1] =")
        .replace("a[y]", "a[y - 1]"),
        (),
        EVERYTHING,
    ),
    Variant(
        "l2_grad_via_jacobian",
        "the label fixed to the last class",
        _chain().replace("dJ_da[y] = -1.0 / a[y]", "dJ_da[-1] = -1.0 / a[-1]"),
        (),
        ("labels",),
    ),
    Variant(
        "l2_grad_via_jacobian",
        "written for K = 3",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    jacobian = np.diag(a) - np.outer(a, a)
    dJ_da = np.zeros(3)
    dJ_da[y] = -1 / a[y]
    return jacobian.T @ dJ_da
""",
        (),
        ("classes",),
    ),
    Variant(
        "l2_grad_via_jacobian",
        "written for K = 3 and the label 3",
        SOFTMAX
        + """
def grad_via_jacobian(z, y):
    a = softmax(z)
    jacobian = np.diag(a) - np.outer(a, a)
    return jacobian.T @ np.array([0.0, 0.0, -1 / a[2]])
""",
        (),
        ("labels", "classes"),
    ),
    Variant(
        "l2_grad_via_jacobian",
        "shifts z in place",
        """
def grad_via_jacobian(z, y):
    z -= z.max()
    a = np.exp(z) / np.exp(z).sum()
    dJ_da = np.zeros_like(a)
    dJ_da[y] = -1 / a[y]
    return (np.diag(a) - np.outer(a, a)).T @ dJ_da
""",
        (),
        ("inputs",),
    ),
]

GRADIENT_SUM = [
    Variant("l2_gradient_sum", "correct: 0.0", "gradient_sum = 0.0\n"),
    Variant("l2_gradient_sum", "correct: the integer 0", "gradient_sum = 0\n"),
    Variant("l2_gradient_sum", "correct: 1 - 1", "gradient_sum = 1 - 1\n"),
    Variant(
        "l2_gradient_sum",
        "sum of the probabilities",
        "gradient_sum = 1.0\n",
        ("missing_true_class_term",),
        VALUES,
    ),
    Variant(
        "l2_gradient_sum",
        "the integer 1",
        "gradient_sum = 1\n",
        ("missing_true_class_term",),
        VALUES,
    ),
    Variant(
        "l2_gradient_sum",
        "three thirds",
        "gradient_sum = sum([1 / 3, 1 / 3, 1 / 3])\n",
        ("missing_true_class_term",),
        VALUES,
    ),
    Variant("l2_gradient_sum", "minus one", "gradient_sum = -1.0\n", (), VALUES),
    Variant("l2_gradient_sum", "K - 1", "gradient_sum = 2.0\n", (), VALUES),
]

UNIFORM_FAILS = ("values", "inputs")

TRUE_CLASS_ENTRY = [
    Variant(
        "l2_true_class_entry_uniform",
        "correct: 1/K - 1",
        "def true_class_entry_uniform(K):\n    return 1.0 / K - 1.0\n",
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "correct: -(K - 1)/K",
        "def true_class_entry_uniform(K):\n    return -(K - 1) / K\n",
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "correct: from a softmax of zeros",
        """
def true_class_entry_uniform(K):
    a = np.exp(np.zeros(K))
    a = a / a.sum()
    return a[0] - 1
""",
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "1 - 1/K",
        "def true_class_entry_uniform(K):\n    return 1 - 1 / K\n",
        ("sign_flipped",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "(K - 1)/K",
        "def true_class_entry_uniform(K):\n    return (K - 1) / K\n",
        ("sign_flipped",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "onehot minus a from an array",
        """
def true_class_entry_uniform(K):
    a = np.full(K, 1.0 / K)
    return 1.0 - a[0]
""",
        ("sign_flipped",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "the probability 1/K",
        "def true_class_entry_uniform(K):\n    return 1 / K\n",
        ("missing_true_class_term",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "a_y from a softmax of zeros",
        """
def true_class_entry_uniform(K):
    e = np.ones(K)
    return e[0] / e.sum()
""",
        ("missing_true_class_term",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "1.0/K as a float",
        "def true_class_entry_uniform(K):\n    return float(1.0 / K)\n",
        ("missing_true_class_term",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "-1/a_y",
        "def true_class_entry_uniform(K):\n    return -1 / (1 / K)\n",
        ("derivative_wrt_probability",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "-K",
        "def true_class_entry_uniform(K):\n    return -K\n",
        ("derivative_wrt_probability",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "dJ/da_y from an array",
        """
def true_class_entry_uniform(K):
    a = np.full(K, 1 / K)
    return -1.0 / a[0]
""",
        ("derivative_wrt_probability",),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "integer division",
        "def true_class_entry_uniform(K):\n    return 1 // K - 1\n",
        (),
        UNIFORM_FAILS,
    ),
    Variant(
        "l2_true_class_entry_uniform",
        "minus 1/K",
        "def true_class_entry_uniform(K):\n    return -1 / K\n",
        (),
        UNIFORM_FAILS,
    ),
]

VARIANTS = (
    LOSS + GRAD_K3 + GRAD_IN_A + GRAD_SOFT + GRAD_SOFT_IN_A + JACOBIAN + CHAIN + GRADIENT_SUM
    + TRUE_CLASS_ENTRY
)  # fmt: skip
