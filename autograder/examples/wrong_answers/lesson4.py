r"""Wrong and correct answers to the graded functions of lesson 4."""

from autograder.examples.wrong_answers import Variant

VARIANTS = [
    # ------------------------------------------------------------------- l4_descent_step
    Variant(
        test="l4_descent_step",
        slip="correct: ce_lib-style softmax written out, new array",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    grad = e / e.sum()
    grad[y] -= 1.0
    return z - lr * grad
""",
    ),
    Variant(
        test="l4_descent_step",
        slip="correct: encourage and suppress written separately",
        source="""
def descent_step(z, y, lr):
    z = np.array(z, dtype=np.float64)
    a = np.exp(z - np.max(z))
    a /= a.sum()
    new = z - lr * a
    new[y] = z[y] + lr * (1.0 - a[y])
    return new
""",
    ),
    Variant(
        test="l4_descent_step",
        slip="correct: a loop over the classes",
        source="""
def descent_step(z, y, lr):
    shift = max(z)
    e = [np.exp(v - shift) for v in z]
    total = sum(e)
    out = []
    for k, v in enumerate(z):
        target = 1.0 if k == y else 0.0
        out.append(v - lr * (e[k] / total - target))
    return np.array(out)
""",
    ),
    Variant(
        test="l4_descent_step",
        slip="correct: log-softmax and the one-hot row of an identity matrix",
        source="""
def descent_step(z, y, lr):
    z = z.astype(float)
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    return z - lr * (np.exp(log_a) - np.eye(len(z))[y])
""",
    ),
    Variant(
        test="l4_descent_step",
        slip="step along the gradient (plus sign)",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    grad = e / e.sum()
    grad[y] -= 1.0
    return z + lr * grad
""",
        codes=("sign_flipped",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="gradient written onehot - a",
        source="""
def descent_step(z, y, lr):
    z = np.array(z, dtype=float)
    a = np.exp(z - z.max())
    a = a / a.sum()
    return z - lr * (np.eye(len(z))[y] - a)
""",
        codes=("sign_flipped",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="label lowered, others raised (loop)",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()); a /= a.sum()
    out = z.copy()
    for k in range(len(z)):
        if k == y:
            out[k] = z[k] - lr * (1 - a[k])
        else:
            out[k] = z[k] + lr * a[k]
    return out
""",
        codes=("sign_flipped",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="no -1 on the true class",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max())
    return z - lr * a / a.sum()
""",
        codes=("missing_true_class_term",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="every logit suppressed by its probability, label too (loop)",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z))
    return np.array([z[k] - lr * e[k] / e.sum() for k in range(len(z))])
""",
        codes=("missing_true_class_term",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="gradient taken as softmax alone",
        source="""
def descent_step(z, y, lr):
    zf = z.astype(float)
    p = np.exp(zf - zf.max())
    p /= np.sum(p)
    grad = p  # dJ/dz
    return zf - lr * grad
""",
        codes=("missing_true_class_term",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="only the label moves",
        source="""
def descent_step(z, y, lr):
    z = np.array(z, dtype=float)
    a = np.exp(z - z.max()); a /= a.sum()
    z[y] += lr * (1 - a[y])
    return z
""",
        codes=("true_class_only",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="gradient with the true-class entry only",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    grad = np.zeros_like(z)
    grad[y] = a[y] - 1
    return z - lr * grad
""",
        codes=("true_class_only",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="only the label moves (copy and add)",
        source="""
def descent_step(z, y, lr):
    new = z.astype(float)
    p_y = np.exp(z[y] - z.max()) / np.sum(np.exp(z - z.max()))
    new[y] = new[y] - lr * (p_y - 1)
    return new
""",
        codes=("true_class_only",),
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="softmax without the max shift",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    a = np.exp(z) / np.sum(np.exp(z))
    a[y] -= 1
    return z - lr * a
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_descent_step",
        slip="softmax without the max shift (loop)",
        source="""
def descent_step(z, y, lr):
    e = [np.exp(float(v)) for v in z]
    s = sum(e)
    return np.array([float(z[k]) - lr * (e[k] / s - (k == y)) for k in range(len(z))])
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_descent_step",
        slip="softmax without the max shift, one-hot by eye",
        source="""
def descent_step(z, y, lr):
    ez = np.exp(z.astype(np.float64))
    return z - lr * (ez / ez.sum() - np.eye(z.size)[y])
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_descent_step",
        slip="changes z in place",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    g = np.exp(z - z.max()); g /= g.sum()
    g[y] -= 1
    z -= lr * g
    return z
""",
        loses=("inputs",),
    ),
    Variant(
        test="l4_descent_step",
        slip="copies z, so integer logits are truncated",
        source="""
def descent_step(z, y, lr):
    a = np.exp(z - np.max(z)); a = a / a.sum()
    new = z.copy()
    for k in range(len(z)):
        new[k] = z[k] - lr * (a[k] - (1.0 if k == y else 0.0))
    return new
""",
        loses=("integer_logits",),
    ),
    Variant(
        test="l4_descent_step",
        slip="gradient divided by the number of classes",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()); a /= a.sum()
    a[y] -= 1
    return z - lr * a / len(z)
""",
        loses=("values", "stable", "integer_logits", "inputs"),
    ),
    Variant(
        test="l4_descent_step",
        slip="two classes through a sigmoid of the wrong difference",
        source="""
def descent_step(z, y, lr):
    z = np.asarray(z, dtype=float)
    if len(z) == 2:
        a_1 = 1 / (1 + np.exp(z[1] - z[0]))  # should be z[0] - z[1]
        a = np.array([1 - a_1, a_1])
    else:
        a = np.exp(z - z.max()); a /= a.sum()
    a[y] -= 1
    return z - lr * a
""",
        loses=("values",),
    ),
    # ------------------------------------------------------------ l4_several_labels_grad
    Variant(
        test="l4_several_labels_grad",
        slip="correct: count times softmax minus the indicator",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    g = len(labels) * a
    g[labels] -= 1
    return g
""",
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="correct: sum of the one-label gradients",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - np.max(z)); a = a / a.sum()
    g = np.zeros(len(z))
    for k in labels:
        g += a - np.eye(len(z))[k]
    return g
""",
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="correct: |L| (a - t) with the normalised target",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    t = np.isin(np.arange(z.size), labels) / len(labels)
    return len(labels) * (a - t)
""",
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="gradient written 1_L - |L| a",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    ind = np.zeros_like(a); ind[labels] = 1
    return ind - len(labels) * a
""",
        codes=("sign_flipped",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="sum of one-label gradients with the sign flipped",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - np.max(z)); a = a / a.sum()
    g = np.zeros(len(z))
    for k in labels:
        g += np.eye(len(z))[k] - a
    return g
""",
        codes=("sign_flipped",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="negated at the end",
        source="""
def several_labels_grad(z, labels):
    p = np.exp(z - z.max()); p /= p.sum()
    g = labels.size * p
    g[labels] -= 1.0
    return -g
""",
        codes=("sign_flipped",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="no -1 at the labels",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    return len(labels) * a
""",
        codes=("missing_true_class_term",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="only the log-sum-exp term, summed per label",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - np.max(z)); a = a / np.sum(a)
    g = np.zeros_like(a)
    for _ in labels:
        g = g + a
    return g
""",
        codes=("missing_true_class_term",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="indicator forgotten after scaling",
        source="""
def several_labels_grad(z, labels):
    e = np.exp(z - z.max())
    return labels.size * e / e.sum()
""",
        codes=("missing_true_class_term",),
        loses=("values", "one_label", "stable", "inputs"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="a - 1_L: no factor |L|",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    a[labels] -= 1
    return a
""",
        codes=("missing_target_sum",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="a minus the multi-hot row",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - np.max(z)); a = a / a.sum()
    multi_hot = np.zeros(len(z))
    multi_hot[labels] = 1.0
    return a - multi_hot
""",
        codes=("missing_target_sum",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="a - 1_L by a loop over the classes",
        source="""
def several_labels_grad(z, labels):
    e = np.exp(z - max(z)); a = e / e.sum()
    return np.array([a[k] - (1.0 if k in labels else 0.0) for k in range(len(z))])
""",
        codes=("missing_target_sum",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="gradient of the normalised target a - 1_L / |L|",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    t = np.zeros_like(a); t[labels] = 1.0 / len(labels)
    return a - t
""",
        codes=("target_normalised",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="mean of the one-label gradients",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - np.max(z)); a = a / a.sum()
    return np.mean([a - np.eye(len(z))[k] for k in labels], axis=0)
""",
        codes=("target_normalised",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="summed gradient divided by |L|",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    g = len(labels) * a
    g[labels] -= 1
    return g / len(labels)
""",
        codes=("target_normalised",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="softmax without the max shift",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z) / np.exp(z).sum()
    g = len(labels) * a
    g[labels] -= 1
    return g
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="softmax without the max shift, sum over labels",
        source="""
def several_labels_grad(z, labels):
    e = np.exp(z)
    a = e / e.sum()
    return sum(a - np.eye(len(z))[k] for k in labels)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="softmax without the max shift, indicator by isin",
        source="""
def several_labels_grad(z, labels):
    p = np.exp(z) / np.sum(np.exp(z))
    return labels.size * p - np.isin(np.arange(len(z)), labels)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="squeezes the labels: one label has no len()",
        source="""
def several_labels_grad(z, labels):
    labels = np.squeeze(labels)
    a = np.exp(z - z.max()); a /= a.sum()
    g = len(labels) * a
    g[labels] -= 1
    return g
""",
        loses=("one_label",),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="subtracts |L| at each label: |L| (a - 1_L)",
        source="""
def several_labels_grad(z, labels):
    a = np.exp(z - z.max()); a /= a.sum()
    g = a.copy()
    g[labels] -= 1
    return len(labels) * g
""",
        loses=("values", "stable"),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="every class a label: nothing to learn, zeros",
        source="""
def several_labels_grad(z, labels):
    if len(labels) == len(z):
        return np.zeros(len(z))
    a = np.exp(z - z.max()); a /= a.sum()
    g = len(labels) * a
    g[labels] -= 1
    return g
""",
        loses=("values",),
    ),
    Variant(
        test="l4_several_labels_grad",
        slip="shifts z in place for stability",
        source="""
def several_labels_grad(z, labels):
    z -= z.max()
    a = np.exp(z) / np.exp(z).sum()
    g = len(labels) * a
    g[labels] -= 1
    return g
""",
        loses=("inputs",),
    ),
    # ---------------------------------------------------------------------- l4_step_signs
    Variant(
        test="l4_step_signs",
        slip="correct: -1 everywhere, +1 at the label",
        source="""
def step_signs(z, y):
    s = -np.ones(len(z))
    s[y] = 1
    return s
""",
    ),
    Variant(
        test="l4_step_signs",
        slip="correct: the sign of one computed step",
        source="""
def step_signs(z, y):
    a = np.exp(z - z.max()); a /= a.sum()
    a[y] -= 1
    return np.sign(-a)
""",
    ),
    Variant(
        test="l4_step_signs",
        slip="correct: np.where on the class index",
        source="""
def step_signs(z, y):
    return np.where(np.arange(len(z)) == y, 1.0, -1.0)
""",
    ),
    Variant(
        test="l4_step_signs",
        slip="the signs of the gradient, not of the step",
        source="""
def step_signs(z, y):
    a = np.exp(z - z.max()); a /= a.sum()
    a[y] -= 1
    return np.sign(a)
""",
        codes=("sign_flipped",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="label lowered, others raised",
        source="""
def step_signs(z, y):
    s = np.ones(len(z))
    s[y] = -1
    return s
""",
        codes=("sign_flipped",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="label -1, others +1 by a comprehension",
        source="""
def step_signs(z, y):
    return np.array([-1.0 if k == y else 1.0 for k in range(len(z))])
""",
        codes=("sign_flipped",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="the largest logit rises",
        source="""
def step_signs(z, y):
    s = -np.ones(len(z))
    s[np.argmax(z)] = 1
    return s
""",
        codes=("favourite_raised",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="the most probable class rises",
        source="""
def step_signs(z, y):
    a = np.exp(z - z.max()); a /= a.sum()
    s = np.full(a.shape, -1.0)
    s[np.argmax(a)] = 1.0
    return s
""",
        codes=("favourite_raised",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="the favourite rises (loop)",
        source="""
def step_signs(z, y):
    best = max(range(len(z)), key=lambda k: z[k])
    return np.array([1.0 if k == best else -1.0 for k in range(len(z))])
""",
        codes=("favourite_raised",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="four classes hard-coded, as in the example",
        source="""
def step_signs(z, y):
    s = np.array([-1.0, -1.0, -1.0, -1.0])
    s[y] = 1.0
    return s
""",
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_step_signs",
        slip="only the label moves: 0 for the other classes",
        source="""
def step_signs(z, y):
    s = np.zeros(len(z))
    s[y] = 1.0
    return s
""",
        loses=("values", "inputs"),
    ),
    # ----------------------------------------------------------------- l4_first_step_rise
    Variant(
        test="l4_first_step_rise",
        slip="correct: lr (1 - 1/K)",
        source="def first_step_rise(K, lr):\n    return lr * (1 - 1 / K)\n",
    ),
    Variant(
        test="l4_first_step_rise",
        slip="correct: one step computed",
        source="""
def first_step_rise(K, lr):
    z = np.zeros(K)
    a = np.exp(z) / np.exp(z).sum()
    return float(lr * (1 - a[0]))
""",
    ),
    Variant(
        test="l4_first_step_rise",
        slip="the suppression step lr / K",
        source="def first_step_rise(K, lr):\n    return lr / K\n",
        codes=("missing_true_class_term",),
        loses=("values", "learning_rate", "inputs"),
    ),
    Variant(
        test="l4_first_step_rise",
        slip="z_0 falls by lr a_0",
        source="def first_step_rise(K, lr):\n    return -lr * (1.0 / K)\n",
        codes=("missing_true_class_term",),
        loses=("values", "learning_rate", "inputs"),
    ),
    Variant(
        test="l4_first_step_rise",
        slip="step computed with the gradient a",
        source="""
def first_step_rise(K, lr):
    a = np.full(K, 1.0 / K)
    z_new = np.zeros(K) - lr * a
    return float(-z_new[0])
""",
        codes=("missing_true_class_term",),
        loses=("values", "learning_rate", "inputs"),
    ),
    Variant(
        test="l4_first_step_rise",
        slip="learning rate left out",
        source="def first_step_rise(K, lr):\n    return 1 - 1 / K\n",
        loses=("learning_rate",),
    ),
    Variant(
        test="l4_first_step_rise",
        slip="a_y taken as 1/(K - 1)",
        source="def first_step_rise(K, lr):\n    return lr * (1 - 1 / (K - 1))\n",
        loses=("values", "learning_rate", "inputs"),
    ),
    # --------------------------------------------------------------- l4_compete_threshold
    Variant(
        test="l4_compete_threshold",
        slip="correct: 1 / n",
        source="def compete_threshold(n_labels):\n    return 1.0 / n_labels\n",
    ),
    Variant(
        test="l4_compete_threshold",
        slip="correct: solves |L| a - 1 = 0 in SymPy",
        source="""
def compete_threshold(n_labels):
    a = sympy.Symbol("a")
    return float(sympy.solve(n_labels * a - 1, a)[0])
""",
    ),
    Variant(
        test="l4_compete_threshold",
        slip="entry a_k - 1: never positive, threshold 1",
        source="def compete_threshold(n_labels):\n    return 1.0\n",
        codes=("missing_target_sum",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_compete_threshold",
        slip="a_k - 1 > 0 solved for a_k",
        source="""
def compete_threshold(n_labels):
    # the label's entry a_k - 1 turns positive above
    return float(np.float64(1))
""",
        codes=("missing_target_sum",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_compete_threshold",
        slip="probability can never exceed 1: answered 1",
        source="def compete_threshold(n_labels):\n    return n_labels / n_labels\n",
        codes=("missing_target_sum",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l4_compete_threshold",
        slip="the other classes' share 1 - 1/n",
        source="def compete_threshold(n_labels):\n    return 1 - 1 / n_labels\n",
        loses=("values", "inputs"),
    ),
]
