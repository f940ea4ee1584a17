r"""Wrong and correct answers to the graded functions and expressions of lesson 6."""

from autograder.examples.wrong_answers import Variant

ALL_SMOOTHED = ("values", "one_sample", "inputs")
ALL_KL = ("values", "zero_entries", "stable", "inputs")
ALL_WEIGHTED = ("values", "one_sample", "stable", "inputs")
ALL_SOFT = ("values", "unnormalised", "one_sample", "stable", "inputs")
ALL_TEMPERATURE = ("values", "one_sample", "stable", "inputs")

VARIANTS = [
    # --------------------------------------------------------------- l6_smoothed_targets
    Variant(
        test="l6_smoothed_targets",
        slip="correct: np.full then add to the label",
        source="""
def smoothed_targets(y, n_classes, eps):
    t = np.full((len(y), n_classes), eps / n_classes)
    t[np.arange(len(y)), y] += 1.0 - eps
    return t
""",
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="correct: rows of an identity matrix",
        source="""
def smoothed_targets(y, n_classes, eps):
    return (1 - eps) * np.eye(n_classes)[y] + eps / n_classes
""",
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="correct: loops",
        source="""
def smoothed_targets(y, n_classes, eps):
    rows = []
    for label in y:
        row = [eps / n_classes] * n_classes
        row[label] = 1 - eps + eps / n_classes
        rows.append(row)
    return np.array(rows)
""",
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="eps spread over the K - 1 other classes",
        source="""
def smoothed_targets(y, n_classes, eps):
    t = np.full((len(y), n_classes), eps / (n_classes - 1))
    t[np.arange(len(y)), y] = 1 - eps
    return t
""",
        codes=("smoothing_own_class",),
        loses=ALL_SMOOTHED,
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="label keeps 1 - eps, others eps / K",
        source="""
def smoothed_targets(y, n_classes, eps):
    onehot = np.eye(n_classes)[y]
    return onehot * (1 - eps) + (1 - onehot) * eps / n_classes
""",
        codes=("smoothing_own_class",),
        loses=ALL_SMOOTHED,
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="other classes share eps (loop)",
        source="""
def smoothed_targets(y, n_classes, eps):
    t = np.zeros((len(y), n_classes))
    for i, label in enumerate(y):
        for k in range(n_classes):
            t[i, k] = 1 - eps if k == label else eps / (n_classes - 1)
    return t
""",
        codes=("smoothing_own_class",),
        loses=ALL_SMOOTHED,
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="eps not divided by K",
        source="""
def smoothed_targets(y, n_classes, eps):
    return (1 - eps) * np.eye(n_classes)[y] + eps
""",
        loses=ALL_SMOOTHED,
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="squeezed: one sample comes back as shape (K,)",
        source="""
def smoothed_targets(y, n_classes, eps):
    t = (1 - eps) * np.eye(n_classes)[y] + eps / n_classes
    return np.squeeze(t)
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l6_smoothed_targets",
        slip="columns y indexed for every row: right for one sample only",
        source="""
def smoothed_targets(y, n_classes, eps):
    t = np.full((len(y), n_classes), eps / n_classes)
    t[:, y] += 1 - eps
    return t
""",
        loses=("values",),
    ),
    # -------------------------------------------------------------- l6_ce_minus_entropy
    Variant(
        test="l6_ce_minus_entropy",
        slip="correct: CE - H expanded",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = -sum(tk * sympy.log(tk) for tk in t)
CE = -sum(tk * sympy.log(ak) for tk, ak in zip(t, a))
ce_minus_entropy = sympy.expand(CE - H)
""",
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="correct: the KL sum written directly",
        source="""
t1, t2, t3, a1, a2, a3 = sympy.symbols("t_1 t_2 t_3 a_1 a_2 a_3")
ce_minus_entropy = t1 * sympy.log(t1 / a1) + t2 * sympy.log(t2 / a2) + t3 * sympy.log(t3 / a3)
""",
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="correct: simplified to one log",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = -sum(tk * sympy.log(tk) for tk in t)
CE = -sum(tk * sympy.log(ak) for tk, ak in zip(t, a))
ce_minus_entropy = sympy.simplify(sympy.expand_log(CE - H, force=True))
""",
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="log base 2",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = -sum(tk * sympy.log(tk, 2) for tk in t)
CE = -sum(tk * sympy.log(ak, 2) for tk, ak in zip(t, a))
ce_minus_entropy = CE - H
""",
        codes=("wrong_log_base",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="log base 10",
        source="""
t1, t2, t3, a1, a2, a3 = sympy.symbols("t_1 t_2 t_3 a_1 a_2 a_3", positive=True)
ce_minus_entropy = sum(t * sympy.log(t / a, 10) for t, a in [(t1, a1), (t2, a2), (t3, a3)])
""",
        codes=("wrong_log_base",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="bits: divided by log 2",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
kl = sum(tk * (sympy.log(tk) - sympy.log(ak)) for tk, ak in zip(t, a))
ce_minus_entropy = kl / sympy.log(2)
""",
        codes=("wrong_log_base",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="KL(a || t)",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
ce_minus_entropy = sum(ak * sympy.log(ak / tk) for tk, ak in zip(t, a))
""",
        codes=("kl_swapped",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="entropy and cross-entropy of a against t",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = -sum(ak * sympy.log(ak) for ak in a)
CE = -sum(ak * sympy.log(tk) for tk, ak in zip(t, a))
ce_minus_entropy = CE - H
""",
        codes=("kl_swapped",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="swapped arguments, written out",
        source="""
t1, t2, t3 = sympy.symbols("t_1 t_2 t_3")
a1, a2, a3 = sympy.symbols("a_1 a_2 a_3")
ce_minus_entropy = (a1 * (sympy.log(a1) - sympy.log(t1)) + a2 * (sympy.log(a2) - sympy.log(t2))
                    + a3 * (sympy.log(a3) - sympy.log(t3)))
""",
        codes=("kl_swapped",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="the cross-entropy alone (entropy left out)",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
ce_minus_entropy = -sum(tk * sympy.log(ak) for tk, ak in zip(t, a))
""",
        codes=("normalised_floor",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="H taken as 0 for a target",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = 0
CE = -(t[0] * sympy.log(a[0]) + t[1] * sympy.log(a[1]) + t[2] * sympy.log(a[2]))
ce_minus_entropy = CE - H
""",
        codes=("normalised_floor",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="KL written as -sum t log a",
        source="""
t1, t2, t3, a1, a2, a3 = sympy.symbols("t_1 t_2 t_3 a_1 a_2 a_3", positive=True)
ce_minus_entropy = -(t1 * sympy.log(a1) + t2 * sympy.log(a2) + t3 * sympy.log(a3))
""",
        codes=("normalised_floor",),
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="entropy sign flipped: CE + H",
        source="""
t = sympy.symbols("t_1:4", positive=True)
a = sympy.symbols("a_1:4", positive=True)
H = sum(tk * sympy.log(tk) for tk in t)
CE = -sum(tk * sympy.log(ak) for tk, ak in zip(t, a))
ce_minus_entropy = CE - H
""",
        loses=("values", "any_target"),
    ),
    Variant(
        test="l6_ce_minus_entropy",
        slip="t_3 replaced by 1 - t_1 - t_2",
        source="""
t1, t2, t3, a1, a2, a3 = sympy.symbols("t_1 t_2 t_3 a_1 a_2 a_3", positive=True)
kl = t1 * sympy.log(t1 / a1) + t2 * sympy.log(t2 / a2) + t3 * sympy.log(t3 / a3)
ce_minus_entropy = kl.subs(t3, 1 - t1 - t2)
""",
        loses=("any_target",),
    ),
    # ------------------------------------------------------------------------ l6_entropy
    Variant(
        test="l6_entropy",
        slip="correct: mask of the positive entries",
        source="""
def entropy(t):
    p = t[t > 0]
    return float(-np.sum(p * np.log(p)))
""",
    ),
    Variant(
        test="l6_entropy",
        slip="correct: np.where with a safe log",
        source="""
def entropy(t):
    logs = np.log(np.where(t > 0, t, 1.0))
    return -np.sum(t * logs)
""",
    ),
    Variant(
        test="l6_entropy",
        slip="correct: loop skipping zeros",
        source="""
def entropy(t):
    h = 0.0
    for p in t:
        if p > 0:
            h -= p * np.log(p)
    return h
""",
    ),
    Variant(
        test="l6_entropy",
        slip="correct: an epsilon inside the log",
        source="""
def entropy(t):
    return float(-np.sum(t * np.log(t + 1e-12)))
""",
    ),
    Variant(
        test="l6_entropy",
        slip="bits: log2",
        source="""
def entropy(t):
    p = t[t > 0]
    return -np.sum(p * np.log2(p))
""",
        codes=("wrong_log_base",),
        loses=("values", "zero_entries", "inputs"),
    ),
    Variant(
        test="l6_entropy",
        slip="log10 without the zero guard",
        source="""
def entropy(t):
    return -np.sum(t * np.log10(t))
""",
        codes=("wrong_log_base",),
        loses=("values", "zero_entries", "inputs"),
    ),
    Variant(
        test="l6_entropy",
        slip="nats converted to bits",
        source="""
def entropy(t):
    h = 0.0
    for p in t:
        if p > 0:
            h -= p * np.log(p)
    return h / np.log(2)
""",
        codes=("wrong_log_base",),
        loses=("values", "zero_entries", "inputs"),
    ),
    Variant(
        test="l6_entropy",
        slip="no 0 log 0 guard: NaN for zero entries",
        source="""
def entropy(t):
    return float(-np.sum(t * np.log(t)))
""",
        loses=("zero_entries",),
    ),
    Variant(
        test="l6_entropy",
        slip="sign forgotten",
        source="""
def entropy(t):
    p = t[t > 0]
    return float(np.sum(p * np.log(p)))
""",
        loses=("values", "zero_entries", "inputs"),
    ),
    Variant(
        test="l6_entropy",
        slip="normalises t in place",
        source="""
def entropy(t):
    t /= t.sum()
    p = t[t > 0]
    return float(-np.sum(p * np.log(p)))
""",
        loses=("inputs",),
    ),
    # ------------------------------------------------------------------ l6_kl_divergence
    Variant(
        test="l6_kl_divergence",
        slip="correct: log-softmax and a mask",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    m = t > 0
    return float(np.sum(t[m] * (np.log(t[m]) - log_a[m])))
""",
    ),
    Variant(
        test="l6_kl_divergence",
        slip="correct: cross-entropy minus entropy",
        source="""
def kl_divergence(t, z):
    shift = z - np.max(z)
    log_a = shift - np.log(np.exp(shift).sum())
    ce = -np.sum(t * log_a)
    p = t[t > 0]
    return ce + np.sum(p * np.log(p))
""",
    ),
    Variant(
        test="l6_kl_divergence",
        slip="correct: loop",
        source="""
def kl_divergence(t, z):
    m = max(z)
    lse = m + np.log(sum(np.exp(v - m) for v in z))
    total = 0.0
    for tk, zk in zip(t, z):
        if tk > 0:
            total += tk * (np.log(tk) - (zk - lse))
    return total
""",
    ),
    Variant(
        test="l6_kl_divergence",
        slip="bits: log2 throughout",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    m = t > 0
    return float(np.sum(t[m] * (np.log2(t[m]) - log_a[m] / np.log(2))))
""",
        codes=("wrong_log_base",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="log10 of the ratio, through softmax",
        source="""
def kl_divergence(t, z):
    a = np.exp(z - z.max()); a /= a.sum()
    m = t > 0
    return float(np.sum(t[m] * np.log10(t[m] / a[m])))
""",
        codes=("wrong_log_base",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="nats divided by log 2",
        source="""
def kl_divergence(t, z):
    shift = z - np.max(z)
    log_a = shift - np.log(np.exp(shift).sum())
    m = t > 0
    return np.sum(t[m] * (np.log(t[m]) - log_a[m])) / np.log(2)
""",
        codes=("wrong_log_base",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="KL(a || t)",
        source="""
def kl_divergence(t, z):
    a = np.exp(z - z.max()); a /= a.sum()
    return float(np.sum(a * np.log(a / t)))
""",
        codes=("kl_swapped",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="KL(a || t) with log-softmax",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    a = np.exp(log_a)
    m = a > 0
    return float(np.sum(a[m] * (log_a[m] - np.log(t[m]))))
""",
        codes=("kl_swapped",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="KL(a || t) by a loop",
        source="""
def kl_divergence(t, z):
    e = np.exp(z - max(z))
    a = e / e.sum()
    total = 0.0
    for ak, tk in zip(a, t):
        total += ak * np.log(ak / tk)
    return total
""",
        codes=("kl_swapped",),
        loses=ALL_KL,
    ),
    Variant(
        test="l6_kl_divergence",
        slip="the cross-entropy alone",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    return float(-np.sum(t * log_a))
""",
        codes=("normalised_floor",),
        loses=("values", "zero_entries", "stable"),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="the cross-entropy through log(softmax)",
        source="""
def kl_divergence(t, z):
    a = np.exp(z - z.max()); a /= a.sum()
    return -np.sum(t * np.log(a))
""",
        codes=("normalised_floor",),
        loses=("values", "zero_entries", "stable"),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="the cross-entropy, loop",
        source="""
def kl_divergence(t, z):
    lse = np.max(z) + np.log(np.sum(np.exp(z - np.max(z))))
    return float(sum(-tk * (zk - lse) for tk, zk in zip(t, z)))
""",
        codes=("normalised_floor",),
        loses=("values", "zero_entries", "stable"),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="log of the softmax: -inf where a_k underflows",
        source="""
def kl_divergence(t, z):
    a = np.exp(z - z.max()); a /= a.sum()
    m = t > 0
    return float(np.sum(t[m] * np.log(t[m] / a[m])))
""",
        loses=("stable",),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="no 0 log 0 guard",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    return float(np.sum(t * (np.log(t) - log_a)))
""",
        loses=("zero_entries",),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="NaN of 0 log 0 turned into 0 for the whole sum",
        source="""
def kl_divergence(t, z):
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    return float(np.nan_to_num(np.sum(t * (np.log(t) - log_a))))
""",
        loses=("zero_entries",),
    ),
    Variant(
        test="l6_kl_divergence",
        slip="renormalises t in place",
        source="""
def kl_divergence(t, z):
    t /= t.sum()
    log_a = z - z.max() - np.log(np.sum(np.exp(z - z.max())))
    m = t > 0
    return float(np.sum(t[m] * (np.log(t[m]) - log_a[m])))
""",
        loses=("inputs",),
    ),
    # ------------------------------------------------------------------ l6_weighted_grad
    Variant(
        test="l6_weighted_grad",
        slip="correct: rows scaled by weight[y]",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    w = weight[y]
    return a * w[:, None] / w.sum()
""",
    ),
    Variant(
        test="l6_weighted_grad",
        slip="correct: loop over samples",
        source="""
def weighted_grad(z, y, weight):
    total = sum(weight[label] for label in y)
    g = np.zeros(z.shape)
    for i in range(len(y)):
        e = np.exp(z[i] - z[i].max())
        a = e / e.sum()
        a[y[i]] -= 1
        g[i] = weight[y[i]] * a / total
    return g
""",
    ),
    Variant(
        test="l6_weighted_grad",
        slip="correct: one-hot matrix and a weighted mean",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    Y = np.eye(z.shape[1])[y]
    sw = weight[y].reshape(-1, 1)
    return sw * (a - Y) / np.sum(sw)
""",
    ),
    Variant(
        test="l6_weighted_grad",
        slip="weighted but not divided",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * weight[y][:, None]
""",
        codes=("not_averaged",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="weighted sum, loop",
        source="""
def weighted_grad(z, y, weight):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        a = np.exp(z[i] - z[i].max()); a /= a.sum()
        a[label] -= 1
        g[i] = weight[label] * a
    return g
""",
        codes=("not_averaged",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="weighted sum with a one-hot matrix",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) * weight[y, None]
""",
        codes=("not_averaged",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="divided by N",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * weight[y][:, None] / len(y)
""",
        codes=("weighted_mean_by_n",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="mean of the weighted rows",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    g = (a - np.eye(z.shape[1])[y]) * weight[y][:, None]
    return g / z.shape[0]
""",
        codes=("weighted_mean_by_n",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="plain gradient times the weight of each row",
        source="""
def weighted_grad(z, y, weight):
    n = len(y)
    g = np.exp(z - z.max(axis=1, keepdims=True))
    g /= g.sum(axis=1, keepdims=True)
    g[np.arange(n), y] -= 1
    g /= n
    for i in range(n):
        g[i] *= weight[y[i]]
    return g
""",
        codes=("weighted_mean_by_n",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="g * weight: columns scaled",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * weight / weight[y].sum()
""",
        codes=("weight_per_column",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="columns scaled, divided by N",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) * weight[None, :] / len(y)
""",
        codes=("weight_per_column",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="columns scaled, divided by the sum of all weights",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * weight / np.sum(weight)
""",
        codes=("weight_per_column",),
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="softmax without the max shift",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    w = weight[y]
    return a * w[:, None] / w.sum()
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="no max shift, loop",
        source="""
def weighted_grad(z, y, weight):
    total = weight[y].sum()
    rows = []
    for i in range(len(y)):
        e = np.exp(z[i])
        a = e / e.sum()
        a[y[i]] -= 1
        rows.append(weight[y[i]] * a / total)
    return np.array(rows)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="no max shift, one-hot matrix",
        source="""
def weighted_grad(z, y, weight):
    e = np.exp(z)
    a = e / e.sum(axis=1)[:, None]
    sw = weight[y][:, None]
    return sw * (a - np.eye(z.shape[1])[y]) / sw.sum()
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="divided by the sum of all class weights",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * weight[y][:, None] / weight.sum()
""",
        loses=("values", "one_sample", "stable", "inputs"),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="weights without keepdims: fails for one sample only",
        source="""
def weighted_grad(z, y, weight):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    w = np.squeeze(weight[y])
    return a * w[:, None] / w.sum()
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l6_weighted_grad",
        slip="shifts z in place",
        source="""
def weighted_grad(z, y, weight):
    z -= z.max(axis=1, keepdims=True)
    a = np.exp(z); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    w = weight[y]
    return a * w[:, None] / w.sum()
""",
        loses=("inputs",),
    ),
    # --------------------------------------------------------------- l6_soft_target_grad
    Variant(
        test="l6_soft_target_grad",
        slip="correct: a times the row sums",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return (a * t.sum(axis=1, keepdims=True) - t) / len(z)
""",
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="correct: loop over samples",
        source="""
def soft_target_grad(z, t):
    g = np.empty(z.shape)
    for i in range(z.shape[0]):
        e = np.exp(z[i] - z[i].max())
        g[i] = (e / e.sum() * t[i].sum() - t[i]) / z.shape[0]
    return g
""",
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="correct: einsum for the scaling",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    return (np.einsum("ik,i->ik", a, t.sum(axis=1)) - t) / t.shape[0]
""",
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="t - a sum(t)",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return (t - a * t.sum(axis=1, keepdims=True)) / len(z)
""",
        codes=("sign_flipped",),
        loses=ALL_SOFT,
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="negated at the end",
        source="""
def soft_target_grad(z, t):
    g = np.empty(z.shape)
    for i in range(len(z)):
        e = np.exp(z[i] - z[i].max())
        g[i] = e / e.sum() * t[i].sum() - t[i]
    return -g / len(z)
""",
        codes=("sign_flipped",),
        loses=ALL_SOFT,
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="descent direction returned",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    s = np.sum(t, axis=1, keepdims=True)
    return -(s * a - t) / t.shape[0]
""",
        codes=("sign_flipped",),
        loses=ALL_SOFT,
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="not divided by N",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return a * t.sum(axis=1, keepdims=True) - t
""",
        codes=("not_averaged",),
        loses=("values", "unnormalised", "stable"),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="summed over samples, loop",
        source="""
def soft_target_grad(z, t):
    rows = []
    for zi, ti in zip(z, t):
        e = np.exp(zi - zi.max())
        rows.append(e / e.sum() * ti.sum() - ti)
    return np.array(rows)
""",
        codes=("not_averaged",),
        loses=("values", "unnormalised", "stable"),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="the sum instead of the mean",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    return np.sum(t, axis=1, keepdims=True) * a - t
""",
        codes=("not_averaged",),
        loses=("values", "unnormalised", "stable"),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="(a - t) / N: assumes rows sum to one",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return (a - t) / len(z)
""",
        codes=("missing_target_sum",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="a - t, loop",
        source="""
def soft_target_grad(z, t):
    g = np.zeros(z.shape)
    for i in range(len(z)):
        e = np.exp(z[i] - np.max(z[i]))
        g[i] = (e / np.sum(e) - t[i]) / len(z)
    return g
""",
        codes=("missing_target_sum",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="lesson 3's gradient with t for the one-hot",
        source="""
def soft_target_grad(z, t):
    N = z.shape[0]
    shifted = z - z.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return (probs - t) / N
""",
        codes=("missing_target_sum",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="target normalised first",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    t = t / t.sum(axis=1, keepdims=True)
    return (a - t) / len(z)
""",
        codes=("target_normalised",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="normalised target, loop",
        source="""
def soft_target_grad(z, t):
    g = np.zeros(z.shape)
    for i in range(len(z)):
        e = np.exp(z[i] - z[i].max())
        g[i] = (e / e.sum() - t[i] / t[i].sum()) / len(z)
    return g
""",
        codes=("target_normalised",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="right formula divided by the row sums",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - np.max(z, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    s = t.sum(axis=1, keepdims=True)
    return (a * s - t) / s / t.shape[0]
""",
        codes=("target_normalised",),
        loses=("unnormalised",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="softmax without the max shift",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (a * t.sum(axis=1, keepdims=True) - t) / len(z)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="no max shift, loop",
        source="""
def soft_target_grad(z, t):
    g = np.empty(z.shape)
    for i in range(len(z)):
        e = np.exp(z[i])
        g[i] = (e / e.sum() * t[i].sum() - t[i]) / len(z)
    return g
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="no max shift, row sums without keepdims",
        source="""
def soft_target_grad(z, t):
    e = np.exp(z)
    a = e / e.sum(axis=1)[:, None]
    return (a * t.sum(axis=1)[:, None] - t) / z.shape[0]
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="sum over all entries of t instead of each row",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return (a * t.sum() - t) / len(z)
""",
        loses=("values", "unnormalised", "stable"),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="divides by the number of classes too for one sample",
        source="""
def soft_target_grad(z, t):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    n = z.shape[0] if z.shape[0] > 1 else z.shape[1]
    return (a * t.sum(axis=1, keepdims=True) - t) / n
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l6_soft_target_grad",
        slip="softmax written into z",
        source="""
def soft_target_grad(z, t):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return (z * t.sum(axis=1, keepdims=True) - t) / len(z)
""",
        loses=("inputs",),
    ),
    # --------------------------------------------------------------- l6_temperature_grad
    Variant(
        test="l6_temperature_grad",
        slip="correct: softmax of z / T, divided by N T",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * T)
""",
    ),
    Variant(
        test="l6_temperature_grad",
        slip="correct: loop over samples",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        u = z[i] / T
        e = np.exp(u - u.max())
        g[i] = e / e.sum()
        g[i, label] -= 1
    return g / T / len(y)
""",
    ),
    Variant(
        test="l6_temperature_grad",
        slip="correct: one-hot matrix",
        source="""
def temperature_grad(z, y, T):
    zt = z / T
    zt = zt - np.max(zt, axis=1, keepdims=True)
    a = np.exp(zt) / np.sum(np.exp(zt), axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) / (T * z.shape[0])
""",
    ),
    Variant(
        test="l6_temperature_grad",
        slip="onehot - softmax",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    return (np.eye(z.shape[1])[y] - a) / (len(y) * T)
""",
        codes=("sign_flipped",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="negated, loop",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] / T - np.max(z[i] / T))
        g[i] = e / e.sum()
        g[i, label] -= 1
    return -g / (T * len(y))
""",
        codes=("sign_flipped",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="-1/T from the chain rule",
        source="""
def temperature_grad(z, y, T):
    zt = z / T
    a = np.exp(zt - zt.max(axis=1, keepdims=True))
    a = a / a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return -a / T / len(y)
""",
        codes=("sign_flipped",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="not divided by N",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / T
""",
        codes=("not_averaged",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="summed over the batch, loop",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] / T - np.max(z[i] / T))
        g[i] = (e / e.sum() - np.eye(z.shape[1])[label]) / T
    return g
""",
        codes=("not_averaged",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="sum reduction: divided by T only",
        source="""
def temperature_grad(z, y, T):
    zt = z / T
    zt = zt - zt.max(axis=1, keepdims=True)
    a = np.exp(zt) / np.exp(zt).sum(axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) * (1.0 / T)
""",
        codes=("not_averaged",),
        loses=("values", "stable"),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="no 1/T",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / len(y)
""",
        codes=("missing_temperature_factor",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="no 1/T, loop",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] / T - np.max(z[i] / T))
        g[i] = e / e.sum()
        g[i, label] -= 1
    return g / len(y)
""",
        codes=("missing_temperature_factor",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="lesson 3's gradient of the tempered logits",
        source="""
def temperature_grad(z, y, T):
    scaled = z / T
    probs = np.exp(scaled - scaled.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    return (probs - np.eye(z.shape[1])[y]) / z.shape[0]
""",
        codes=("missing_temperature_factor",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="divided by T squared",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * T ** 2)
""",
        codes=("temperature_squared",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="distillation's T^2 multiplied in",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - np.max(u, axis=1, keepdims=True))
    a = a / np.sum(a, axis=1, keepdims=True)
    g = (a - np.eye(z.shape[1])[y]) / (T * len(y))
    return T ** 2 * g
""",
        codes=("temperature_squared",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="1/T applied twice, loop",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] / T - np.max(z[i] / T))
        g[i] = (e / e.sum() - np.eye(z.shape[1])[label]) / T
    return g / T / len(y)
""",
        codes=("temperature_squared",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="softmax of z, divided by T",
        source="""
def temperature_grad(z, y, T):
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * T)
""",
        codes=("temperature_logits_not_divided",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="lesson 3's gradient divided by T",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] - z[i].max())
        g[i] = e / e.sum()
        g[i, label] -= 1
    return g / (T * len(y))
""",
        codes=("temperature_logits_not_divided",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="temperature only in the chain-rule factor",
        source="""
def temperature_grad(z, y, T):
    shifted = z - np.max(z, axis=1, keepdims=True)
    a = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) / len(y) / T
""",
        codes=("temperature_logits_not_divided",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="softmax of z / T without the max shift",
        source="""
def temperature_grad(z, y, T):
    e = np.exp(z / T)
    a = e / e.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * T)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="no max shift, loop",
        source="""
def temperature_grad(z, y, T):
    g = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] / T)
        g[i] = e / e.sum()
        g[i, label] -= 1
    return g / (T * len(y))
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="no max shift, one-hot matrix",
        source="""
def temperature_grad(z, y, T):
    a = np.exp(z / T) / np.sum(np.exp(z / T), axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) / (T * z.shape[0])
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="multiplied by T instead of divided",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a * T / len(y) / T ** 2 * T ** 2
""",
        codes=("temperature_squared",),
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="divided by the number of classes for one sample",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (a.size if len(y) == 1 else len(y)) / T
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l6_temperature_grad",
        slip="T taken as sqrt(T) in the chain rule",
        source="""
def temperature_grad(z, y, T):
    u = z / T
    a = np.exp(u - u.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * np.sqrt(T))
""",
        loses=ALL_TEMPERATURE,
    ),
    Variant(
        test="l6_temperature_grad",
        slip="divides z by T in place",
        source="""
def temperature_grad(z, y, T):
    z /= T
    a = np.exp(z - z.max(axis=1, keepdims=True)); a /= a.sum(axis=1, keepdims=True)
    a[np.arange(len(y)), y] -= 1
    return a / (len(y) * T)
""",
        loses=("inputs",),
    ),
    # ------------------------------------------------------------------ l6_smoothed_gap
    Variant(
        test="l6_smoothed_gap",
        slip="correct: log(t_y / t_n)",
        source="""
def smoothed_gap(eps, K):
    return float(np.log((1 - eps + eps / K) / (eps / K)))
""",
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="correct: simplified, log(1 + K (1 - eps) / eps)",
        source="def smoothed_gap(eps, K):\n    return np.log1p(K * (1 - eps) / eps)\n",
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="eps spread over K - 1 classes",
        source="""
def smoothed_gap(eps, K):
    return np.log((1 - eps) / (eps / (K - 1)))
""",
        codes=("smoothing_own_class",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="label keeps 1 - eps",
        source="""
def smoothed_gap(eps, K):
    t_y, t_n = 1 - eps, eps / K
    return float(np.log(t_y / t_n))
""",
        codes=("smoothing_own_class",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="targets built with the other-classes convention",
        source="""
def smoothed_gap(eps, K):
    t = np.full(K, eps / (K - 1))
    t[0] = 1 - eps
    return float(np.log(t[0]) - np.log(t[1]))
""",
        codes=("smoothing_own_class",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="log base 2",
        source="""
def smoothed_gap(eps, K):
    return np.log2((1 - eps + eps / K) / (eps / K))
""",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="log base 10",
        source="""
def smoothed_gap(eps, K):
    import math
    return math.log10((1 - eps + eps / K) * K / eps)
""",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="log10 of the smoothed targets",
        source="""
def smoothed_gap(eps, K):
    t = (1 - eps) * np.eye(K)[0] + eps / K
    return float(np.log10(t[0] / t[1]))
""",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l6_smoothed_gap",
        slip="ratio without the log",
        source="def smoothed_gap(eps, K):\n    return (1 - eps + eps / K) / (eps / K)\n",
        loses=("values", "inputs"),
    ),
    # --------------------------------------------------------------- l6_binary_gradient
    Variant(
        test="l6_binary_gradient",
        slip="correct: a_1 - y",
        source="def binary_gradient(a_1, y):\n    return a_1 - y\n",
    ),
    Variant(
        test="l6_binary_gradient",
        slip="correct: entry 1 of a - onehot(y)",
        source="""
def binary_gradient(a_1, y):
    a = np.array([1 - a_1, a_1])
    return float((a - np.eye(2)[y])[1])
""",
    ),
    Variant(
        test="l6_binary_gradient",
        slip="y - a_1",
        source="def binary_gradient(a_1, y):\n    return y - a_1\n",
        codes=("sign_flipped",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="target minus prediction",
        source="""
def binary_gradient(a_1, y):
    target = 1.0 if y == 1 else 0.0
    return target - a_1
""",
        codes=("sign_flipped",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="onehot - a, entry 1",
        source="""
def binary_gradient(a_1, y):
    a = np.array([1 - a_1, a_1])
    return float((np.eye(2)[y] - a)[1])
""",
        codes=("sign_flipped",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="sigmoid derivative",
        source="def binary_gradient(a_1, y):\n    return a_1 * (1 - a_1)\n",
        codes=("sigmoid_derivative",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="derivative of sigma(d) by d",
        source="""
def binary_gradient(a_1, y):
    sigma = a_1
    return sigma - sigma ** 2
""",
        codes=("sigmoid_derivative",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="a_0 a_1",
        source="""
def binary_gradient(a_1, y):
    a_0 = 1.0 - a_1
    return a_0 * a_1
""",
        codes=("sigmoid_derivative",),
        loses=("label_one", "label_zero", "inputs"),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="always the true-class entry a_1 - 1",
        source="def binary_gradient(a_1, y):\n    return a_1 - 1\n",
        loses=("label_zero",),
    ),
    Variant(
        test="l6_binary_gradient",
        slip="1 - a_1 for y = 1",
        source="""
def binary_gradient(a_1, y):
    return a_1 if y == 0 else 1 - a_1
""",
        loses=("label_one",),
    ),
    # ---------------------------------------------------------------- l6_hot_probability
    Variant(
        test="l6_hot_probability",
        slip="correct: 1 / K",
        source="def hot_probability(K):\n    return 1 / K\n",
    ),
    Variant(
        test="l6_hot_probability",
        slip="correct: softmax of logits divided by a huge T",
        source="""
def hot_probability(K):
    z = np.arange(K, dtype=float) / 1e12
    a = np.exp(z - z.max())
    return float((a / a.sum())[0])
""",
    ),
    Variant(
        test="l6_hot_probability",
        slip="the largest class takes everything",
        source="def hot_probability(K):\n    return 1.0\n",
        loses=("values", "inputs"),
    ),
]

VARIANTS.append(
    Variant(
        test="l6_smoothed_targets",
        slip="sorts the labels in place",
        source="""
def smoothed_targets(y, n_classes, eps):
    order = np.argsort(y, kind="stable")
    y.sort()
    t = np.full((len(y), n_classes), eps / n_classes)
    t[np.arange(len(y)), y] += 1 - eps
    out = np.empty_like(t)
    out[order] = t
    return out
""",
        loses=("inputs",),
    )
)
