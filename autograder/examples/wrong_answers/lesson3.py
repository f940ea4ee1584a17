r"""Wrong and correct answers to lesson 3's ``softmax``, ``cross_entropy`` and gradient."""

from autograder.examples.wrong_answers import Variant

_EVERY_SOFTMAX = ("values", "stable", "shapes", "float32", "inputs")
_EVERY_LOSS = ("values", "stable", "log_sum_exp", "shapes", "inputs")
_EVERY_GRAD = ("values", "stable", "shapes", "inputs")

SOFTMAX = [
    Variant(
        test="l3_softmax",
        slip="no max shift",
        source="""
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l3_softmax",
        slip="no max shift, row by row",
        source="""
def softmax(z):
    out = np.zeros_like(z, dtype=float)
    for i in range(z.shape[0]):
        out[i] = np.exp(z[i]) / np.sum(np.exp(z[i]))
    return out
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l3_softmax",
        slip="no max shift, divide by a column",
        source="""
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1)[:, None]
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l3_softmax",
        slip="shift by the row mean",
        source="""
def softmax(z):
    e = np.exp(z - z.mean(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
        loses=("stable",),
    ),
    Variant(
        test="l3_softmax",
        slip="shift by the largest logit of the whole batch",
        source="""
def softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=1, keepdims=True)
""",
        loses=("stable",),
    ),
    Variant(
        test="l3_softmax",
        slip="normalised over the batch axis",
        source="""
def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
""",
        codes=("wrong_axis",),
        loses=_EVERY_SOFTMAX,
    ),
    Variant(
        test="l3_softmax",
        slip="normalised over the batch axis, transposed",
        source="""
def softmax(z):
    t = z.T
    e = np.exp(t - t.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).T
""",
        codes=("wrong_axis",),
        loses=_EVERY_SOFTMAX,
    ),
    Variant(
        test="l3_softmax",
        slip="normalised over the batch axis, in a loop over columns",
        source="""
def softmax(z):
    out = np.empty_like(z, dtype=float)
    for k in range(z.shape[1]):
        column = np.exp(z[:, k] - z[:, k].max())
        out[:, k] = column / column.sum()
    return out
""",
        codes=("wrong_axis",),
        loses=_EVERY_SOFTMAX,
    ),
    Variant(
        test="l3_softmax",
        slip="shifts its argument in place",
        source="""
def softmax(z):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z
""",
        loses=("inputs",),
    ),
    Variant(
        test="l3_softmax",
        slip="squeezes away a batch of one",
        source="""
def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return np.squeeze(e / e.sum(axis=1, keepdims=True))
""",
        loses=("shapes",),
    ),
    Variant(
        test="l3_softmax",
        slip="computes in float16",
        source="""
def softmax(z):
    z = z.astype(np.float16) if z.dtype == np.float32 else z
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
""",
        loses=("float32",),
    ),
    Variant(
        test="l3_softmax",
        slip="correct: vectorised",
        source="""
def softmax(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)
""",
    ),
    Variant(
        test="l3_softmax",
        slip="correct: loops and math.exp",
        source="""
import math

def softmax(z):
    out = []
    for row in z:
        top = max(row)
        weights = [math.exp(float(v) - top) for v in row]
        out.append([w / sum(weights) for w in weights])
    return np.array(out, dtype=z.dtype)
""",
    ),
    Variant(
        test="l3_softmax",
        slip="correct: through log-softmax",
        source="""
def softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return np.exp(shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True)))
""",
    ),
]

LOSS = [
    Variant(
        test="l3_cross_entropy",
        slip="summed, not averaged",
        source="""
def cross_entropy(z, y):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return np.sum(lse - z[np.arange(len(y)), y])
""",
        codes=("not_averaged",),
        loses=("values", "stable", "log_sum_exp", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="summed in a loop",
        source="""
def cross_entropy(z, y):
    total = 0.0
    for row, label in zip(z, y):
        m = row.max()
        total += m + np.log(np.sum(np.exp(row - m))) - row[label]
    return total
""",
        codes=("not_averaged",),
        loses=("values", "stable", "log_sum_exp", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="summed, log of the softmax",
        source="""
def cross_entropy(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -np.log(a[np.arange(len(y)), y]).sum()
""",
        codes=("not_averaged",),
        loses=("values", "stable", "log_sum_exp", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="log of a max-shifted softmax (a_y underflows)",
        source="""
def cross_entropy(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(a[np.arange(len(y)), y])))
""",
        loses=("log_sum_exp",),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="log of an unshifted softmax",
        source="""
def cross_entropy(z, y):
    e = np.exp(z)
    a = e / e.sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(a[np.arange(len(y)), y])))
""",
        loses=("stable", "log_sum_exp"),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="every class counted as a label",
        source="""
def cross_entropy(z, y):
    m = z.max(axis=1, keepdims=True)
    log_a = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    return float(np.mean(-log_a.sum(axis=1)))
""",
        codes=("several_labels_summed",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="every class counted, in a loop",
        source="""
def cross_entropy(z, y):
    losses = []
    for row in z:
        m = row.max()
        lse = m + np.log(np.exp(row - m).sum())
        losses.append(sum(lse - v for v in row))
    return np.mean(losses)
""",
        codes=("several_labels_summed",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="every class counted, through log-softmax",
        source="""
def cross_entropy(z, y):
    shifted = z - z.max(axis=1, keepdims=True)
    log_a = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.sum(log_a) / z.shape[0]
""",
        codes=("several_labels_summed",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="1 - a_y without the log",
        source="""
def cross_entropy(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return float(np.mean(1 - a[np.arange(len(y)), y]))
""",
        codes=("missing_log",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="-a_y without the log",
        source="""
def cross_entropy(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -np.mean(a[np.arange(len(y)), y])
""",
        codes=("missing_log",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="1 - a_y in a loop",
        source="""
def cross_entropy(z, y):
    total = 0.0
    for row, label in zip(z, y):
        e = np.exp(row - row.max())
        total += 1.0 - e[label] / e.sum()
    return total / len(y)
""",
        codes=("missing_log",),
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="log2 for ln",
        source="""
def cross_entropy(z, y):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return np.mean(lse - z[np.arange(len(y)), y]) / np.log(2)
""",
        loses=_EVERY_LOSS,
    ),
    Variant(
        test="l3_cross_entropy",
        slip="correct: log-sum-exp",
        source="""
def cross_entropy(z, y):
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(y)), y]))
""",
    ),
    Variant(
        test="l3_cross_entropy",
        slip="correct: np.logaddexp.reduce in a loop",
        source="""
def cross_entropy(z, y):
    losses = [np.logaddexp.reduce(row) - row[label] for row, label in zip(z, y)]
    return sum(losses) / len(losses)
""",
    ),
]

LOSS.append(
    Variant(
        test="l3_cross_entropy",
        slip="squeezes the batch",
        source="""
def cross_entropy(z, y):
    z = np.squeeze(z)
    m = z.max(axis=-1, keepdims=True)
    lse = m[..., 0] + np.log(np.exp(z - m).sum(axis=-1))
    return float(np.mean(lse - z[np.arange(len(y)), y]))
""",
        loses=("shapes",),
    )
)
LOSS.append(
    Variant(
        test="l3_cross_entropy",
        slip="shifts by the label's logit (overflows where a_y underflows)",
        source="""
def cross_entropy(z, y):
    z_y = z[np.arange(len(y)), y][:, None]
    return float(np.mean(np.log(np.exp(z - z_y).sum(axis=1))))
""",
        loses=("log_sum_exp",),
    )
)

GRADIENT = [
    Variant(
        test="l3_cross_entropy_grad",
        slip="no -1 on the true class",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) / len(y)
""",
        codes=("missing_true_class_term",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sign flipped",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (np.eye(z.shape[1])[y] - a) / len(y)
""",
        codes=("sign_flipped",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sign flipped, in a loop",
        source="""
def cross_entropy_grad(z, y):
    grad = np.zeros_like(z, dtype=float)
    for i, label in enumerate(y):
        e = np.exp(z[i] - z[i].max())
        grad[i] = -e / e.sum()
        grad[i, label] += 1.0
    return grad / len(y)
""",
        codes=("sign_flipped",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="summed, not averaged",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    grad = e / e.sum(axis=1, keepdims=True)
    grad[np.arange(len(y)), y] -= 1
    return grad
""",
        codes=("not_averaged",),
        loses=("values", "stable", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sigmoid derivative",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return a * (1 - a) / len(y)
""",
        codes=("sigmoid_derivative",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="true class only",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    grad = np.zeros_like(a)
    rows = np.arange(len(y))
    grad[rows, y] = a[rows, y] - 1
    return grad / len(y)
""",
        codes=("true_class_only",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="finite differences of the loss",
        source="""
def cross_entropy_grad(z, y):
    def loss(v):
        m = v.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(v - m).sum(axis=1))
        return np.mean(lse - v[np.arange(len(y)), y])
    grad = np.zeros_like(z, dtype=float)
    h = 1e-6
    for index in np.ndindex(*z.shape):
        step = np.zeros_like(z, dtype=float)
        step[index] = h
        grad[index] = (loss(z + step) - loss(z - step)) / (2 * h)
    return grad
""",
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="correct: one-hot by np.eye",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) / z.shape[0]
""",
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="correct: a loop over samples",
        source="""
def cross_entropy_grad(z, y):
    grad = np.empty(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] - np.max(z[i]))
        grad[i] = e / e.sum()
        grad[i, label] -= 1.0
    return grad / len(y)
""",
    ),
]

GRADIENT.append(
    Variant(
        test="l3_cross_entropy_grad",
        slip="squeezes the batch",
        source="""
def cross_entropy_grad(z, y):
    z = z.squeeze()
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    grad = e / e.sum(axis=-1, keepdims=True)
    grad[np.arange(len(y)), y] -= 1
    return grad / len(y)
""",
        loses=("shapes",),
    )
)
GRADIENT.append(
    Variant(
        test="l3_cross_entropy_grad",
        slip="no max shift",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z)
    grad = e / e.sum(axis=1, keepdims=True)
    grad[np.arange(len(y)), y] -= 1
    return grad / len(y)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    )
)

VARIANTS = SOFTMAX + LOSS + GRADIENT

# More ways to write each gradient slip, and answers that change their arguments in place.
VARIANTS += [
    Variant(
        test="l3_cross_entropy_grad",
        slip="no -1 on the true class, in a loop",
        source="""
def cross_entropy_grad(z, y):
    grad = np.empty(z.shape)
    for i in range(len(y)):
        e = np.exp(z[i] - z[i].max())
        grad[i] = e / e.sum()
    return grad / len(y)
""",
        codes=("missing_true_class_term",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="no -1 on the true class, through log-softmax",
        source="""
def cross_entropy_grad(z, y):
    shifted = z - z.max(axis=1, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return np.exp(log_a) / z.shape[0]
""",
        codes=("missing_true_class_term",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sign flipped, one-hot minus softmax by indexing",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    grad = -e / e.sum(axis=1, keepdims=True)
    grad[np.arange(len(y)), y] += 1
    return grad / len(y)
""",
        codes=("sign_flipped",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="summed, with np.eye",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True) - np.eye(z.shape[1])[y]
""",
        codes=("not_averaged",),
        loses=("values", "stable", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="summed, in a loop",
        source="""
def cross_entropy_grad(z, y):
    grad = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] - z[i].max())
        grad[i] = e / e.sum()
        grad[i, label] -= 1
    return grad
""",
        codes=("not_averaged",),
        loses=("values", "stable", "shapes"),
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sigmoid derivative, not averaged",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return a - a**2
""",
        codes=("sigmoid_derivative",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="sigmoid derivative, in a loop",
        source="""
def cross_entropy_grad(z, y):
    out = np.zeros(z.shape)
    for i in range(z.shape[0]):
        e = np.exp(z[i] - np.max(z[i]))
        a = e / np.sum(e)
        out[i] = a * (1.0 - a)
    return out / z.shape[0]
""",
        codes=("sigmoid_derivative",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="true class only, with a mask",
        source="""
def cross_entropy_grad(z, y):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    onehot = np.eye(z.shape[1])[y]
    return onehot * (a - onehot) / len(y)
""",
        codes=("true_class_only",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="true class only, in a loop",
        source="""
def cross_entropy_grad(z, y):
    grad = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i] - z[i].max())
        grad[i, label] = e[label] / e.sum() - 1.0
    return grad / len(y)
""",
        codes=("true_class_only",),
        loses=_EVERY_GRAD,
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="no max shift, np.eye",
        source="""
def cross_entropy_grad(z, y):
    a = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return (a - np.eye(z.shape[1])[y]) / len(y)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="no max shift, in a loop",
        source="""
def cross_entropy_grad(z, y):
    grad = np.zeros(z.shape)
    for i, label in enumerate(y):
        e = np.exp(z[i])
        grad[i] = e / e.sum()
        grad[i, label] -= 1.0
    return grad / len(y)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    Variant(
        test="l3_cross_entropy_grad",
        slip="shifts its argument in place",
        source="""
def cross_entropy_grad(z, y):
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    z[np.arange(len(y)), y] -= 1
    z /= len(y)
    return z
""",
        loses=("inputs",),
    ),
    Variant(
        test="l3_cross_entropy",
        slip="shifts its argument in place",
        source="""
def cross_entropy(z, y):
    z -= z.max(axis=1, keepdims=True)
    lse = np.log(np.exp(z).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(y)), y]))
""",
        loses=("inputs",),
    ),
]
