r"""Wrong and correct answers to the graded functions of lesson 1.

Each probed slip is written in at least three ways, as different students would; the slips
no probe covers (a shift by the mean, ``Z[:, y]``, the product of the probabilities, ...)
must get no code; the correct answers use loops, vectors and other idioms.
"""

from autograder.examples.wrong_answers import Variant

_ALL_SOFTMAX = ("values", "stable", "inputs")
_ALL_LOSS = ("values", "stable", "log_sum_exp", "inputs")
_ALL_NLL = ("values", "log_space", "stable", "inputs")


def _v(test, slip, source, codes=(), loses=()):
    return Variant(test=test, slip=slip, source=source, codes=codes, loses=loses)


SOFTMAX_ONE = [
    _v(
        "l1_softmax_one",
        "correct: max shift, vectorised",
        """
def softmax_one(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()
""",
    ),
    _v(
        "l1_softmax_one",
        "correct: loops",
        """
import math

def softmax_one(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    total = sum(e)
    return np.array([v / total for v in e])
""",
    ),
    _v(
        "l1_softmax_one",
        "correct: exp of the log-softmax",
        """
def softmax_one(z):
    z = np.asarray(z, dtype=float)
    shifted = z - z.max()
    return np.exp(shifted - np.log(np.sum(np.exp(shifted))))
""",
    ),
    _v(
        "l1_softmax_one",
        "no max shift",
        """
def softmax_one(z):
    return np.exp(z) / np.exp(z).sum()
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    _v(
        "l1_softmax_one",
        "no max shift, named steps",
        """
def softmax_one(z):
    e = np.exp(z)
    total = np.sum(e)
    return e / total
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    _v(
        "l1_softmax_one",
        "no max shift, builtin sum",
        """
def softmax_one(z):
    numerators = np.exp(np.asarray(z, dtype=np.float64))
    return numerators / sum(numerators)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
    _v(
        "l1_softmax_one",
        "shift by the mean",
        """
def softmax_one(z):
    e = np.exp(z - np.mean(z))
    return e / e.sum()
""",
        loses=("stable",),
    ),
    _v(
        "l1_softmax_one",
        "shift by the smallest logit",
        """
def softmax_one(z):
    e = np.exp(z - z.min())
    return e / e.sum()
""",
        loses=("stable",),
    ),
    _v(
        "l1_softmax_one",
        "not normalised",
        """
def softmax_one(z):
    return np.exp(z - z.max())
""",
        loses=_ALL_SOFTMAX,
    ),
    _v(
        "l1_softmax_one",
        "shift in place",
        """
def softmax_one(z):
    z -= z.max()
    e = np.exp(z)
    return e / e.sum()
""",
        loses=("inputs",),
    ),
]

_STABLE_SOFTMAX = """
def _softmax(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()
"""

LOSS_ONE = [
    _v(
        "l1_loss_one",
        "correct: log-sum-exp with the max shift",
        """
def loss_one(z, y):
    m = np.max(z)
    return float(-z[y] + m + np.log(np.sum(np.exp(z - m))))
""",
    ),
    _v(
        "l1_loss_one",
        "correct: log-softmax, then the label",
        """
def loss_one(z, y):
    shifted = z - z.max()
    log_a = shifted - np.log(np.exp(shifted).sum())
    return -log_a[y]
""",
    ),
    _v(
        "l1_loss_one",
        "correct: loops",
        """
import math

def loss_one(z, y):
    m = max(z)
    total = 0.0
    for v in z:
        total += math.exp(v - m)
    return m + math.log(total) - z[y]
""",
    ),
    _v(
        "l1_loss_one",
        "through the probabilities of a stable softmax",
        _STABLE_SOFTMAX
        + """
def loss_one(z, y):
    return -np.log(_softmax(z)[y])
""",
        loses=("log_sum_exp",),
    ),
    _v(
        "l1_loss_one",
        "through the probabilities, float()",
        """
def loss_one(z, y):
    a = np.exp(z - z.max())
    a = a / a.sum()
    return float(-np.log(a[y]))
""",
        loses=("log_sum_exp",),
    ),
    _v(
        "l1_loss_one",
        "log-sum-exp without the shift",
        """
def loss_one(z, y):
    return -z[y] + np.log(np.sum(np.exp(z)))
""",
        loses=("stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "literal softmax, then -log",
        """
def loss_one(z, y):
    a = np.exp(z) / np.exp(z).sum()
    return -np.log(a[y])
""",
        codes=("unstable_softmax",),
        loses=("stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "literal formula in one line",
        """
def loss_one(z, y):
    return float(-np.log(np.exp(z[y]) / np.sum(np.exp(z))))
""",
        codes=("unstable_softmax",),
        loses=("stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "literal softmax, named steps",
        """
def loss_one(z, y):
    e = np.exp(np.asarray(z, dtype=float))
    probabilities = e / sum(e)
    loss = -np.log(probabilities[y])
    return loss
""",
        codes=("unstable_softmax",),
        loses=("stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "1 - a_y",
        _STABLE_SOFTMAX
        + """
def loss_one(z, y):
    return 1.0 - _softmax(z)[y]
""",
        codes=("missing_log",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "-a_y",
        """
def loss_one(z, y):
    e = np.exp(z - z.max())
    return -e[y] / e.sum()
""",
        codes=("missing_log",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "a_y",
        """
def loss_one(z, y):
    m = np.max(z)
    a = np.exp(z - m) / np.sum(np.exp(z - m))
    return float(a[y])
""",
        codes=("missing_log",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "every class summed, through the probabilities",
        _STABLE_SOFTMAX
        + """
def loss_one(z, y):
    return -np.sum(np.log(_softmax(z)))
""",
        codes=("several_labels_summed",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "every class summed, log-sum-exp",
        """
def loss_one(z, y):
    m = z.max()
    lse = m + np.log(np.exp(z - m).sum())
    return float(np.sum(lse - z))
""",
        codes=("several_labels_summed",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "every class summed, loop",
        """
def loss_one(z, y):
    m = max(z)
    lse = m + np.log(sum(np.exp(v - m) for v in z))
    return sum(lse - v for v in z)
""",
        codes=("several_labels_summed",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "log a_y (sign), through the probabilities",
        _STABLE_SOFTMAX
        + """
def loss_one(z, y):
    return np.log(_softmax(z)[y])
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "z_y - LSE (sign)",
        """
def loss_one(z, y):
    m = z.max()
    return z[y] - m - np.log(np.sum(np.exp(z - m)))
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "log-softmax without the minus",
        """
def loss_one(z, y):
    shifted = z - np.max(z)
    log_probabilities = shifted - np.log(np.sum(np.exp(shifted)))
    return float(log_probabilities[y])
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "log2 of a_y",
        _STABLE_SOFTMAX
        + """
def loss_one(z, y):
    return -np.log2(_softmax(z)[y])
""",
        codes=("wrong_log_base",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "log10 of a_y",
        """
def loss_one(z, y):
    e = np.exp(z - z.max())
    return float(-np.log10(e[y] / e.sum()))
""",
        codes=("wrong_log_base",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "log2 in the log-sum-exp form",
        """
def loss_one(z, y):
    m = np.max(z)
    return -z[y] + m + np.log2(np.sum(np.exp(z - m)))
""",
        codes=("wrong_log_base",),
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "max subtracted, not added back",
        """
def loss_one(z, y):
    m = np.max(z)
    return -z[y] + np.log(np.sum(np.exp(z - m)))
""",
        codes=("max_not_added_back",),
        loses=("values", "stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "log-sum-exp of the shifted logits, minus z_y",
        """
def loss_one(z, y):
    lse = np.log(np.exp(z - z.max()).sum())
    return float(lse - z[y])
""",
        codes=("max_not_added_back",),
        loses=("values", "stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "log-softmax with the shift left out",
        """
def loss_one(z, y):
    log_a = z - np.log(np.sum(np.exp(z - np.max(z))))
    return -log_a[y]
""",
        codes=("max_not_added_back",),
        loses=("values", "stable", "log_sum_exp"),
    ),
    _v(
        "l1_loss_one",
        "label read as 1-based: z[y - 1]",
        """
def loss_one(z, y):
    m = z.max()
    return -z[y - 1] + m + np.log(np.sum(np.exp(z - m)))
""",
        loses=_ALL_LOSS,
    ),
    _v(
        "l1_loss_one",
        "shift in place",
        """
def loss_one(z, y):
    z -= z.max()
    return -z[y] + np.log(np.sum(np.exp(z)))
""",
        loses=("inputs",),
    ),
]

DATASET_NLL = [
    _v(
        "l1_dataset_nll",
        "correct: log-sum-exp of every row",
        """
def dataset_nll(Z, y):
    m = Z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))
    return float(np.sum(lse - Z[np.arange(len(y)), y]))
""",
    ),
    _v(
        "l1_dataset_nll",
        "correct: loop over the samples",
        """
def dataset_nll(Z, y):
    total = 0.0
    for z, label in zip(Z, y):
        m = z.max()
        total += -z[label] + m + np.log(np.sum(np.exp(z - m)))
    return total
""",
    ),
    _v(
        "l1_dataset_nll",
        "correct: N times the mean",
        """
def dataset_nll(Z, y):
    shifted = Z - np.max(Z, axis=1)[:, None]
    log_a = shifted - np.log(np.sum(np.exp(shifted), axis=1))[:, None]
    n = Z.shape[0]
    return -n * np.mean(log_a[range(n), y])
""",
    ),
    _v(
        "l1_dataset_nll",
        "product of the probabilities",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -np.log(np.prod(a[np.arange(len(y)), y]))
""",
        loses=("log_space",),
    ),
    _v(
        "l1_dataset_nll",
        "product of the probabilities, in a loop",
        """
def dataset_nll(Z, y):
    likelihood = 1.0
    for z, label in zip(Z, y):
        e = np.exp(z - np.max(z))
        likelihood *= e[label] / np.sum(e)
    return -np.log(likelihood)
""",
        loses=("log_space",),
    ),
    _v(
        "l1_dataset_nll",
        "sum of -log of the probabilities",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return float(-np.sum(np.log(a[np.arange(len(y)), y])))
""",
        loses=("log_space",),
    ),
    _v(
        "l1_dataset_nll",
        "shift by the largest logit of the whole batch",
        """
def dataset_nll(Z, y):
    m = Z.max()
    lse = m + np.log(np.sum(np.exp(Z - m), axis=1))
    return np.sum(lse - Z[np.arange(Z.shape[0]), y])
""",
        loses=("stable",),
    ),
    _v(
        "l1_dataset_nll",
        "Z[:, y] picks an N x N block",
        """
def dataset_nll(Z, y):
    m = Z.max(axis=1, keepdims=True)
    log_a = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -np.sum(log_a[:, y])
""",
        loses=("values", "log_space", "stable"),
    ),
    _v(
        "l1_dataset_nll",
        "the mean, log-sum-exp",
        """
def dataset_nll(Z, y):
    m = Z.max(axis=1, keepdims=True)
    log_a = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return -np.mean(log_a[np.arange(len(y)), y])
""",
        codes=("not_averaged",),
        loses=("values", "log_space", "stable"),
    ),
    _v(
        "l1_dataset_nll",
        "the mean, loop",
        """
def dataset_nll(Z, y):
    losses = []
    for i in range(len(y)):
        m = np.max(Z[i])
        losses.append(m + np.log(np.sum(np.exp(Z[i] - m))) - Z[i, y[i]])
    return sum(losses) / len(losses)
""",
        codes=("not_averaged",),
        loses=("values", "log_space", "stable"),
    ),
    _v(
        "l1_dataset_nll",
        "the mean, through the probabilities",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.mean(-np.log(a[np.arange(len(y)), y]))
""",
        codes=("not_averaged",),
        loses=("values", "log_space", "stable"),
    ),
    _v(
        "l1_dataset_nll",
        "the log-likelihood (sign)",
        """
def dataset_nll(Z, y):
    m = Z.max(axis=1, keepdims=True)
    log_a = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    return np.sum(log_a[np.arange(len(y)), y])
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "sum of log a (sign), through the probabilities",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return np.log(a[np.arange(len(y)), y]).sum()
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "z_y - LSE summed in a loop (sign)",
        """
def dataset_nll(Z, y):
    total = 0.0
    for z, label in zip(Z, y):
        m = z.max()
        total += z[label] - m - np.log(np.exp(z - m).sum())
    return total
""",
        codes=("loss_sign_flipped",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "log2 of the probabilities",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=1, keepdims=True))
    a = e / e.sum(axis=1, keepdims=True)
    return -np.sum(np.log2(a[np.arange(len(y)), y]))
""",
        codes=("wrong_log_base",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "log2 in the log-sum-exp form",
        """
def dataset_nll(Z, y):
    m = Z.max(axis=1)
    lse = m + np.log2(np.sum(np.exp(Z - m[:, None]), axis=1))
    return float(np.sum(lse - Z[np.arange(len(y)), y]))
""",
        codes=("wrong_log_base",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "log10 of each sample's loss, loop",
        """
def dataset_nll(Z, y):
    total = 0.0
    for z, label in zip(Z, y):
        shifted = z - z.max()
        total -= shifted[label] / np.log(10) - np.log10(np.exp(shifted).sum())
    return total
""",
        codes=("wrong_log_base",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "softmax over the samples (axis 0)",
        """
def dataset_nll(Z, y):
    e = np.exp(Z - Z.max(axis=0))
    a = e / e.sum(axis=0)
    return -np.sum(np.log(a[np.arange(len(y)), y]))
""",
        codes=("wrong_axis",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "log-sum-exp over the samples (axis 0)",
        """
def dataset_nll(Z, y):
    m = np.max(Z, axis=0)
    lse = m + np.log(np.sum(np.exp(Z - m), axis=0))
    rows = np.arange(Z.shape[0])
    return float(np.sum(lse[y] - Z[rows, y]))
""",
        codes=("wrong_axis",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "log-softmax over axis 0, keepdims",
        """
def dataset_nll(Z, y):
    shifted = Z - Z.max(axis=0, keepdims=True)
    log_a = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    return -sum(log_a[i, y[i]] for i in range(len(y)))
""",
        codes=("wrong_axis",),
        loses=_ALL_NLL,
    ),
    _v(
        "l1_dataset_nll",
        "softmax over the whole batch",
        """
def dataset_nll(Z, y):
    m = Z.max()
    log_a = Z - m - np.log(np.sum(np.exp(Z - m)))
    return -np.sum(log_a[np.arange(len(y)), y])
""",
        loses=("values", "log_space", "stable"),
    ),
    _v(
        "l1_dataset_nll",
        "shift in place",
        """
def dataset_nll(Z, y):
    Z -= Z.max(axis=1, keepdims=True)
    return float(np.sum(np.log(np.exp(Z).sum(axis=1)) - Z[np.arange(len(y)), y]))
""",
        loses=("inputs",),
    ),
]

NATS_TO_BITS = [
    _v(
        "l1_nats_to_bits",
        "correct: divide by ln 2",
        """
def nats_to_bits(J):
    return J / np.log(2)
""",
    ),
    _v(
        "l1_nats_to_bits",
        "correct: times log2 e",
        """
def nats_to_bits(J):
    return np.asarray(J) * np.log2(np.e)
""",
    ),
    _v(
        "l1_nats_to_bits",
        "correct: math.log",
        """
import math

def nats_to_bits(J):
    return np.multiply(J, 1 / math.log(2))
""",
    ),
    _v(
        "l1_nats_to_bits",
        "times ln 2",
        """
def nats_to_bits(J):
    return J * np.log(2)
""",
        codes=("bits_conversion_inverted",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "divided by log2 e",
        """
def nats_to_bits(J):
    return J / np.log2(np.e)
""",
        codes=("bits_conversion_inverted",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "times math.log(2)",
        """
import math

def nats_to_bits(J):
    bits_per_nat = math.log(2)
    return np.asarray(J) * bits_per_nat
""",
        codes=("bits_conversion_inverted",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "divided by ln 10",
        """
def nats_to_bits(J):
    return J / np.log(10)
""",
        codes=("wrong_log_base",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "times log10 e",
        """
def nats_to_bits(J):
    return J * np.log10(np.e)
""",
        codes=("wrong_log_base",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "divided by math.log(10)",
        """
import math

def nats_to_bits(J):
    return np.asarray(J) / math.log(10)
""",
        codes=("wrong_log_base",),
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "log2 of the loss",
        """
def nats_to_bits(J):
    return np.log2(J)
""",
        loses=("values", "arrays", "inputs"),
    ),
    _v(
        "l1_nats_to_bits",
        "numbers only: float()",
        """
def nats_to_bits(J):
    return float(J / np.log(2))
""",
        loses=("arrays",),
    ),
    _v(
        "l1_nats_to_bits",
        "in place",
        """
def nats_to_bits(J):
    J /= np.log(2)
    return J
""",
        loses=("inputs",),
    ),
]

QUESTIONS = [
    _v("l1_loss_uniform", "correct: log K", "def loss_uniform(K):\n    return np.log(K)\n"),
    _v(
        "l1_loss_uniform",
        "correct: -log(1/K)",
        "import math\n\ndef loss_uniform(K):\n    return -math.log(1 / K)\n",
    ),
    _v(
        "l1_loss_uniform",
        "1/K",
        "def loss_uniform(K):\n    return 1 / K\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "1 - 1/K",
        "def loss_uniform(K):\n    a_y = 1.0 / K\n    return 1.0 - a_y\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "-1/K",
        "def loss_uniform(K):\n    return -np.ones(K)[0] / K\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "log2 K",
        "def loss_uniform(K):\n    return np.log2(K)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "-log10(1/K)",
        "def loss_uniform(K):\n    return -np.log10(1 / K)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "math.log(K, 2)",
        "import math\n\ndef loss_uniform(K):\n    return math.log(K, 2)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_loss_uniform",
        "log(1/K) (sign)",
        "def loss_uniform(K):\n    return np.log(1 / K)\n",
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "correct: exp(-J)",
        "def probability_for_loss(J):\n    return np.exp(-J)\n",
    ),
    _v(
        "l1_probability_for_unit_loss",
        "correct: 1 / e^J",
        "import math\n\ndef probability_for_loss(J):\n    return 1 / math.exp(J)\n",
    ),
    _v(
        "l1_probability_for_unit_loss",
        "1 - J",
        "def probability_for_loss(J):\n    return 1 - J\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "-J",
        "def probability_for_loss(J):\n    return -J\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "1 - J, named",
        "def probability_for_loss(J):\n    a_y = 1.0 - float(J)\n    return a_y\n",
        codes=("missing_log",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "exp(J) (sign)",
        "def probability_for_loss(J):\n    return np.exp(J)\n",
        codes=("loss_sign_flipped",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "math.exp(J) (sign)",
        "import math\n\ndef probability_for_loss(J):\n    return math.exp(J)\n",
        codes=("loss_sign_flipped",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "e ** J (sign)",
        "def probability_for_loss(J):\n    return np.e**J\n",
        codes=("loss_sign_flipped",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_probability_for_unit_loss",
        "2 ** -J (log base)",
        "def probability_for_loss(J):\n    return 2.0 ** (-J)\n",
        loses=("values", "inputs"),
    ),
    _v(
        "l1_several_labels_best",
        "correct: n log n",
        "def several_labels_best(n_labels):\n    return n_labels * np.log(n_labels)\n",
    ),
    _v(
        "l1_several_labels_best",
        "correct: -n log(1/n)",
        "def several_labels_best(n_labels):\n"
        "    return -sum(np.log(1 / n_labels) for _ in range(n_labels))\n",
    ),
    _v(
        "l1_several_labels_best",
        "n log2 n",
        "def several_labels_best(n_labels):\n    return n_labels * np.log2(n_labels)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_several_labels_best",
        "n log10 n",
        "def several_labels_best(n_labels):\n    return n_labels * np.log10(n_labels)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_several_labels_best",
        "-n log2(1/n)",
        "import math\n\ndef several_labels_best(n_labels):\n"
        "    return -n_labels * math.log2(1 / n_labels)\n",
        codes=("wrong_log_base",),
        loses=("values", "inputs"),
    ),
    _v(
        "l1_several_labels_best",
        "log n: the normalised target's floor",
        "def several_labels_best(n_labels):\n    return np.log(n_labels)\n",
        loses=("values", "inputs"),
    ),
    _v(
        "l1_several_labels_best",
        "zero: the loss can vanish",
        "def several_labels_best(n_labels):\n    return 0.0\n",
        loses=("values", "inputs"),
    ),
]

VARIANTS = SOFTMAX_ONE + LOSS_ONE + DATASET_NLL + NATS_TO_BITS + QUESTIONS
