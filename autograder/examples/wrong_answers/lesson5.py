r"""Wrong and correct answers to the graded functions of lesson 5.

The gradients, the SGD step, the training loop and the questions, each written as different
students write them. A step or a loop comes with the helpers it calls (a softmax, the two
gradients, a step) and the read-only wrapper of the lesson that stacks ``(W, b)``.
"""

from autograder.examples.wrong_answers import Variant

# --- pieces the answers share ------------------------------------------------------------

_SOFTMAX = """
def softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)
"""

_GRADIENTS = (
    _SOFTMAX
    + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return X.T @ G / len(y)


def bias_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.mean(axis=0)
"""
)

_STEP_AS_ARRAY = """
def sgd_step_as_array(X, y, W, b, lr, l2):
    return np.vstack(sgd_step(X, y, W, b, lr, l2))
"""

_STEP = (
    _GRADIENTS
    + """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (weight_gradient(X, y, W, b) + l2 * W)
    b_new = b - lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
)

_TRAIN_AS_ARRAY = """
def train_as_array(X, y, n_classes, lr, l2, batch_size, n_epochs, seed):
    return np.vstack(train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed))
"""


def _step(source):
    # A student's sgd_step with the course's gradients and the lesson's wrapper.
    return _GRADIENTS + source + _STEP_AS_ARRAY


def _train(source):
    # A student's train with a right sgd_step and the lesson's wrapper.
    return _STEP + source + _TRAIN_AS_ARRAY


_ALL = ("values", "one_sample", "inputs")
_STEP_WRONG = ("values", "penalty", "bias")
_STEP_ALL = ("values", "penalty", "bias", "one_sample", "inputs")


# --- exercise 1: the weight gradient ------------------------------------------------------

_WEIGHT_GRADIENT = [
    Variant(
        test="l5_weight_gradient",
        slip="correct: subtract one at the labels",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return X.T @ G / len(y)
""",
    ),
    Variant(
        test="l5_weight_gradient",
        slip="correct: one-hot rows from np.eye",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    A = softmax(X @ W + b)
    Y = np.eye(W.shape[1])[y]
    return (X.T @ (A - Y)) / X.shape[0]
""",
    ),
    Variant(
        test="l5_weight_gradient",
        slip="correct: a loop of outer products",
        source="""
def weight_gradient(X, y, W, b):
    grad = np.zeros(W.shape)
    for x_i, y_i in zip(X, y):
        z = x_i @ W + b
        a = np.exp(z - z.max())
        a = a / a.sum()
        a[y_i] -= 1
        grad += np.outer(x_i, a)
    return grad / len(X)
""",
    ),
    Variant(
        test="l5_weight_gradient",
        slip="correct: einsum",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    N, K = len(y), W.shape[1]
    onehot = np.zeros((N, K))
    onehot[np.arange(N), y] = 1
    return np.einsum("nd,nk->dk", X, softmax(X @ W + b) - onehot) / N
""",
    ),
    Variant(
        test="l5_weight_gradient",
        slip="summed over the samples",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return X.T @ G
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_weight_gradient",
        slip="summed over the samples, one-hot from eye",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    Y = np.eye(W.shape[1])[y]
    return np.dot(X.T, softmax(np.dot(X, W) + b) - Y)
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_weight_gradient",
        slip="summed over the samples, in a loop",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    A = softmax(X @ W + b)
    grad = np.zeros_like(W)
    for i in range(len(y)):
        error = A[i].copy()
        error[y[i]] -= 1
        grad += np.outer(X[i], error)
    return grad
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_weight_gradient",
        slip="sign flipped: Y - A",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    Y = np.eye(W.shape[1])[y]
    return X.T @ (Y - softmax(X @ W + b)) / len(y)
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="sign flipped: a leading minus",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return -(X.T @ G) / len(y)
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="sign flipped: one minus the probabilities at the label",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = -softmax(X @ W + b)
    G[np.arange(len(y)), y] += 1.0
    return X.T.dot(G) / X.shape[0]
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="no -1 at the label",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    return X.T @ softmax(X @ W + b) / len(y)
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="no -1 at the label, labels read but unused",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    N = len(y)
    A = softmax(X @ W + b)
    G = A.copy()
    return np.matmul(X.T, G) / N
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="no -1 at the label, in a loop",
        source="""
def weight_gradient(X, y, W, b):
    grad = np.zeros(W.shape)
    for i in range(X.shape[0]):
        z = X[i] @ W + b
        p = np.exp(z - np.max(z)) / np.sum(np.exp(z - np.max(z)))
        grad += np.outer(X[i], p)
    return grad / X.shape[0]
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="softmax over the samples",
        source="""
def weight_gradient(X, y, W, b):
    Z = X @ W + b
    A = np.exp(Z - Z.max(axis=0))
    A = A / A.sum(axis=0)
    A[np.arange(len(y)), y] -= 1.0
    return X.T @ A / len(y)
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="softmax over the samples, keepdims on axis 0",
        source="""
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def weight_gradient(X, y, W, b):
    Y = np.eye(W.shape[1])[y]
    return X.T @ (softmax(X @ W + b) - Y) / len(y)
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="softmax with a bare sum(axis=0)",
        source="""
def weight_gradient(X, y, W, b):
    E = np.exp(X @ W + b)
    A = E / E.sum(0)
    onehot = np.zeros_like(A)
    onehot[range(len(y)), y] = 1
    return X.T @ (A - onehot) / X.shape[0]
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="the product in the other order",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.T @ X / len(y)
""",
        codes=("transposed_shape",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="the right product, transposed",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    Y = np.eye(W.shape[1])[y]
    return (X.T @ (softmax(X @ W + b) - Y) / len(y)).T
""",
        codes=("transposed_shape",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="(A - Y)^T X with np.dot",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    A = softmax(np.dot(X, W) + b)
    A[np.arange(X.shape[0]), y] -= 1
    return np.dot(A.T, X) / X.shape[0]
""",
        codes=("transposed_shape",),
        loses=_ALL,
    ),
    Variant(
        test="l5_weight_gradient",
        slip="averaged twice",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    N = X.shape[0]
    G = (softmax(X @ W + b) - np.eye(W.shape[1])[y]) / N
    return X.T @ G / N
""",
        loses=("values",),
    ),
    Variant(
        test="l5_weight_gradient",
        slip="squeezed: a single sample loses its axis",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = np.squeeze(softmax(X @ W + b) - np.eye(W.shape[1])[y])
    return X.T @ G / len(y)
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l5_weight_gradient",
        slip="averages by dividing X in place",
        source=_SOFTMAX
        + """
def weight_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    X /= len(y)
    return X.T @ G
""",
        loses=("inputs",),
    ),
]


# --- exercise 2: the bias gradient ---------------------------------------------------------

_BIAS_GRADIENT = [
    Variant(
        test="l5_bias_gradient",
        slip="correct: mean over the samples",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.mean(axis=0)
""",
    ),
    Variant(
        test="l5_bias_gradient",
        slip="correct: sum over the samples divided by N",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    Y = np.eye(len(b))[y]
    return np.sum(softmax(X @ W + b) - Y, axis=0) / len(y)
""",
    ),
    Variant(
        test="l5_bias_gradient",
        slip="correct: a loop over the samples",
        source="""
def bias_gradient(X, y, W, b):
    total = np.zeros(len(b))
    for i in range(len(y)):
        z = X[i] @ W + b
        a = np.exp(z - z.max())
        a /= a.sum()
        a[y[i]] -= 1
        total += a
    return total / len(y)
""",
    ),
    Variant(
        test="l5_bias_gradient",
        slip="correct: ones times (A - Y)",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    N = X.shape[0]
    G = softmax(X @ W + b) - np.eye(W.shape[1])[y]
    return np.ones(N) @ G / N
""",
    ),
    Variant(
        test="l5_bias_gradient",
        slip="summed over the samples",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.sum(axis=0)
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_bias_gradient",
        slip="summed with np.sum",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    return np.sum(softmax(X @ W + b) - np.eye(len(b))[y], axis=0)
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_bias_gradient",
        slip="summed in a loop",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    A = softmax(X @ W + b)
    grad = np.zeros(W.shape[1])
    for i, label in enumerate(y):
        grad += A[i]
        grad[label] -= 1
    return grad
""",
        codes=("not_averaged",),
        loses=("values",),
    ),
    Variant(
        test="l5_bias_gradient",
        slip="sign flipped: Y - A",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    return (np.eye(len(b))[y] - softmax(X @ W + b)).mean(axis=0)
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="sign flipped: a leading minus",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return -np.mean(G, axis=0)
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="sign flipped: one minus the probability at the label",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = -softmax(X @ W + b)
    G[np.arange(len(y)), y] += 1
    return G.sum(axis=0) / len(y)
""",
        codes=("sign_flipped",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="no -1 at the label",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    return softmax(X @ W + b).mean(axis=0)
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="no -1 at the label, summed and divided",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    A = softmax(np.dot(X, W) + b)
    return np.sum(A, axis=0) / X.shape[0]
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="no -1 at the label, in a loop",
        source="""
def bias_gradient(X, y, W, b):
    grad = np.zeros_like(b, dtype=float)
    for x in X:
        z = x @ W + b
        e = np.exp(z - z.max())
        grad += e / e.sum()
    return grad / len(X)
""",
        codes=("missing_true_class_term",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="softmax over the samples",
        source="""
def bias_gradient(X, y, W, b):
    Z = X @ W + b
    A = np.exp(Z - Z.max(axis=0))
    A = A / A.sum(axis=0)
    A[np.arange(len(y)), y] -= 1.0
    return A.mean(axis=0)
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="softmax over the samples, keepdims on axis 0",
        source="""
def softmax(Z):
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / np.sum(E, axis=0, keepdims=True)


def bias_gradient(X, y, W, b):
    return np.mean(softmax(X @ W + b) - np.eye(W.shape[1])[y], axis=0)
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="softmax with a bare sum(0)",
        source="""
def bias_gradient(X, y, W, b):
    E = np.exp(X @ W + b)
    A = E / E.sum(0)
    A[range(len(y)), y] -= 1
    return A.sum(0) / len(y)
""",
        codes=("wrong_axis",),
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="mean over the classes",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.mean(axis=1)
""",
        loses=_ALL,
    ),
    Variant(
        test="l5_bias_gradient",
        slip="squeezed: a single sample loses its axis",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    G = np.squeeze(softmax(X @ W + b) - np.eye(len(b))[y])
    return G.mean(axis=0)
""",
        loses=("one_sample",),
    ),
    Variant(
        test="l5_bias_gradient",
        slip="shifts the biases in place for stability",
        source=_SOFTMAX
        + """
def bias_gradient(X, y, W, b):
    b -= b.max()  # softmax does not change
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1.0
    return G.mean(axis=0)
""",
        loses=("inputs",),
    ),
]


# --- exercise 3: one SGD step --------------------------------------------------------------

_SGD_STEP = [
    Variant(
        test="l5_sgd_step",
        slip="correct: the course's step",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (weight_gradient(X, y, W, b) + l2 * W)
    b_new = b - lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
    ),
    Variant(
        test="l5_sgd_step",
        slip="correct: weight decay written as a factor",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b)
    grad_b = bias_gradient(X, y, W, b)
    return (1 - lr * l2) * W - lr * grad_W, b - lr * grad_b
"""
        ),
    ),
    Variant(
        test="l5_sgd_step",
        slip="correct: copies updated in place",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b) + l2 * W
    grad_b = bias_gradient(X, y, W, b)
    W, b = W.copy(), b.copy()
    W -= lr * grad_W
    b -= lr * grad_b
    return W, b
"""
        ),
    ),
    Variant(
        test="l5_sgd_step",
        slip="correct: one softmax for both gradients",
        source="""
def sgd_step(X, y, W, b, lr, l2):
    N, K = len(y), W.shape[1]
    Z = X @ W + b
    A = np.exp(Z - Z.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    G = (A - np.eye(K)[y]) / N
    return W - lr * (X.T @ G + l2 * W), b - lr * G.sum(axis=0)
"""
        + _STEP_AS_ARRAY,
    ),
    Variant(
        test="l5_sgd_step",
        slip="summed gradients",
        source="""
def sgd_step(X, y, W, b, lr, l2):
    Z = X @ W + b
    A = np.exp(Z - Z.max(axis=1, keepdims=True))
    A /= A.sum(axis=1, keepdims=True)
    G = A - np.eye(W.shape[1])[y]
    return W - lr * (X.T @ G + l2 * W), b - lr * G.sum(axis=0)
"""
        + _STEP_AS_ARRAY,
        codes=("not_averaged",),
        loses=_STEP_WRONG,
    ),
    Variant(
        test="l5_sgd_step",
        slip="summed weight gradient",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = len(y) * weight_gradient(X, y, W, b)  # the loss is a sum
    return W - lr * (grad_W + l2 * W), b - lr * bias_gradient(X, y, W, b)
"""
        ),
        codes=("not_averaged",),
        loses=_STEP_WRONG,
    ),
    Variant(
        test="l5_sgd_step",
        slip="summed bias gradient",
        source=_SOFTMAX
        + """
def sgd_step(X, y, W, b, lr, l2):
    G = softmax(X @ W + b)
    G[np.arange(len(y)), y] -= 1
    W_new = W - lr * (X.T @ G / len(y) + l2 * W)
    b_new = b - lr * G.sum(axis=0)
    return W_new, b_new
"""
        + _STEP_AS_ARRAY,
        codes=("not_averaged",),
        loses=_STEP_WRONG,
    ),
    Variant(
        test="l5_sgd_step",
        slip="gradient of the loss with the sign flipped",
        source=_SOFTMAX
        + """
def sgd_step(X, y, W, b, lr, l2):
    G = (np.eye(W.shape[1])[y] - softmax(X @ W + b)) / len(y)
    return W - lr * (X.T @ G + l2 * W), b - lr * G.sum(axis=0)
"""
        + _STEP_AS_ARRAY,
        codes=("sign_flipped",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="minus the gradients, penalty kept",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = -weight_gradient(X, y, W, b)
    grad_b = -bias_gradient(X, y, W, b)
    return W - lr * (grad_W + l2 * W), b - lr * grad_b
"""
        ),
        codes=("sign_flipped",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="loss gradient added, penalty subtracted",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W + lr * weight_gradient(X, y, W, b) - lr * l2 * W
    b_new = b + lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
        codes=("sign_flipped",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="ascent: plus instead of minus",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W + lr * (weight_gradient(X, y, W, b) + l2 * W)
    b_new = b + lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
        codes=("lr_sign",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="ascent: a negative learning rate",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    step = -abs(lr)
    return W - step * (weight_gradient(X, y, W, b) + l2 * W), b - step * bias_gradient(X, y, W, b)
"""
        ),
        codes=("lr_sign",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="ascent: in place on copies",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b)
    grad_b = bias_gradient(X, y, W, b)
    W_new, b_new = W.copy(), b.copy()
    W_new += lr * grad_W + lr * l2 * W
    b_new += lr * grad_b
    return W_new, b_new
"""
        ),
        codes=("lr_sign",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="the biases are not updated",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (weight_gradient(X, y, W, b) + l2 * W)
    return W_new, b
"""
        ),
        codes=("missing_bias_grad",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="the bias gradient computed but not used",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b)
    grad_b = bias_gradient(X, y, W, b)
    W_new = W - lr * (grad_W + l2 * W)
    b_new = b.copy()
    return W_new, b_new
"""
        ),
        codes=("missing_bias_grad",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="only the weights move, one softmax",
        source="""
def sgd_step(X, y, W, b, lr, l2):
    Z = X @ W + b
    A = np.exp(Z - Z.max(axis=1, keepdims=True))
    A = A / A.sum(axis=1, keepdims=True)
    A[np.arange(len(y)), y] -= 1
    return W - lr * (X.T @ A / len(y) + l2 * W), b * 1.0
"""
        + _STEP_AS_ARRAY,
        codes=("missing_bias_grad",),
        loses=_STEP_ALL,
    ),
    Variant(
        test="l5_sgd_step",
        slip="no penalty",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    return W - lr * weight_gradient(X, y, W, b), b - lr * bias_gradient(X, y, W, b)
"""
        ),
        codes=("l2_missing",),
        loses=("penalty",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="penalty computed but left out",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    penalty = 0.5 * l2 * np.sum(W**2)  # the loss term, not its gradient
    W_new = W - lr * weight_gradient(X, y, W, b)
    b_new = b - lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
        codes=("l2_missing",),
        loses=("penalty",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="no penalty, in place on copies",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = np.array(W, dtype=float)
    b_new = np.array(b, dtype=float)
    W_new -= lr * weight_gradient(X, y, W, b)
    b_new -= lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
        codes=("l2_missing",),
        loses=("penalty",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="the biases penalised too",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (weight_gradient(X, y, W, b) + l2 * W)
    b_new = b - lr * (bias_gradient(X, y, W, b) + l2 * b)
    return W_new, b_new
"""
        ),
        codes=("l2_on_bias",),
        loses=("bias",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="weight decay applied to both",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    decay = 1 - lr * l2
    return decay * W - lr * weight_gradient(X, y, W, b), decay * b - lr * bias_gradient(X, y, W, b)
"""
        ),
        codes=("l2_on_bias",),
        loses=("bias",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="one penalty loop over both parameters",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grads = [weight_gradient(X, y, W, b), bias_gradient(X, y, W, b)]
    return tuple(p - lr * (g + l2 * p) for p, g in zip((W, b), grads))
"""
        ),
        codes=("l2_on_bias",),
        loses=("bias",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="half the penalty's gradient",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * (weight_gradient(X, y, W, b) + 0.5 * l2 * W)
    b_new = b - lr * bias_gradient(X, y, W, b)
    return W_new, b_new
"""
        ),
        loses=("penalty",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="the penalty taken at the new weights",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    W_new = W - lr * weight_gradient(X, y, W, b)
    W_new = W_new - lr * l2 * W_new
    return W_new, b - lr * bias_gradient(X, y, W, b)
"""
        ),
        # Wrong wherever l2 > 0, W = 0 included: the penalty then scales the loss's step.
        loses=("penalty", "bias", "one_sample"),
    ),
    Variant(
        test="l5_sgd_step",
        slip="the bias step indented under the penalty",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b)
    if l2 > 0:
        grad_W = grad_W + l2 * W
        b = b - lr * bias_gradient(X, y, W, b)
    return W - lr * grad_W, b
"""
        ),
        loses=("values",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="squeezed: a single sample loses its axis",
        source=_SOFTMAX
        + """
def sgd_step(X, y, W, b, lr, l2):
    G = np.squeeze(softmax(X @ W + b) - np.eye(W.shape[1])[y]) / len(y)
    return W - lr * (X.T @ G + l2 * W), b - lr * G.sum(axis=0)
"""
        + _STEP_AS_ARRAY,
        loses=("one_sample",),
    ),
    Variant(
        test="l5_sgd_step",
        slip="W and b changed in place",
        source=_step(
            """
def sgd_step(X, y, W, b, lr, l2):
    grad_W = weight_gradient(X, y, W, b)
    grad_b = bias_gradient(X, y, W, b)
    W -= lr * (grad_W + l2 * W)
    b -= lr * grad_b
    return W, b
"""
        ),
        loses=("inputs",),
    ),
]


# --- exercise 4: the training loop ---------------------------------------------------------

_TRAIN_LEARNS = ("learns",)
_TRAIN = [
    Variant(
        test="l5_train",
        slip="correct: the course's loop",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
    return W, b
"""
        ),
    ),
    Variant(
        test="l5_train",
        slip="correct: a while loop over the batches",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    N, D = X.shape
    W = np.zeros((D, n_classes)) if W is None else W.copy()
    b = np.zeros(n_classes) if b is None else b.copy()
    rng = np.random.default_rng(seed)
    for epoch in range(n_epochs):
        order = rng.permutation(N)
        start = 0
        while start < N:
            idx = order[start:start + batch_size]
            W, b = sgd_step(X[idx], y[idx], W, b, lr, l2)
            start += batch_size
    return W, b
"""
        ),
    ),
    Variant(
        test="l5_train",
        slip="correct: shuffled copies, np.array_split",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    if W is None:
        W = np.zeros((X.shape[1], n_classes))
    if b is None:
        b = np.zeros(n_classes)
    rng = np.random.default_rng(seed)
    n_batches = int(np.ceil(len(y) / batch_size))
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for batch in np.array_split(order, n_batches):
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
    return W, b
"""
        ),
    ),
    Variant(
        test="l5_train",
        slip="correct: NumPy's global generator",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    np.random.seed(seed)
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    for _ in range(n_epochs):
        idx = np.random.permutation(len(y))
        Xs, ys = X[idx], y[idx]
        for i in range(0, len(ys), batch_size):
            W, b = sgd_step(Xs[i:i + batch_size], ys[i:i + batch_size], W, b, lr, l2)
    return W, b
"""
        ),
    ),
    Variant(
        test="l5_train",
        slip="one step on every sample per epoch",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    for _ in range(n_epochs):
        W, b = sgd_step(X, y, W, b, lr, l2)
    return W, b
"""
        ),
        codes=("full_batch_epoch",),
        loses=_TRAIN_LEARNS,
    ),
    Variant(
        test="l5_train",
        slip="the whole shuffled order as one batch",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        W, b = sgd_step(X[order], y[order], W, b, lr, l2)
    return W, b
"""
        ),
        codes=("full_batch_epoch",),
        loses=_TRAIN_LEARNS,
    ),
    Variant(
        test="l5_train",
        slip="a batch from start to the end",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    N = len(y)
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(N)
        for start in range(0, N, N):
            batch = order[start:]
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
    return W, b
"""
        ),
        codes=("full_batch_epoch",),
        loses=_TRAIN_LEARNS,
    ),
    Variant(
        test="l5_train",
        slip="a break after the first batch",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
            break
    return W, b
"""
        ),
        codes=("first_batch_only",),
        loses=_TRAIN_LEARNS,
    ),
    Variant(
        test="l5_train",
        slip="return inside the loop over the batches",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start : start + batch_size]
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
            return W, b
"""
        ),
        codes=("first_batch_only",),
        loses=("learns", "epochs"),
    ),
    Variant(
        test="l5_train",
        slip="the first batch_size samples, unshuffled",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    for epoch in range(n_epochs):
        X_batch, y_batch = X[:batch_size], y[:batch_size]
        W, b = sgd_step(X_batch, y_batch, W, b, lr, l2)
    return W, b
"""
        ),
        codes=("first_batch_only",),
        loses=_TRAIN_LEARNS,
    ),
    Variant(
        test="l5_train",
        slip="the last, smaller batch dropped",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        for i in range(len(y) // batch_size):
            batch = order[i * batch_size : (i + 1) * batch_size]
            W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
    return W, b
"""
        ),
        loses=("last_batch",),
    ),
    Variant(
        test="l5_train",
        slip="one epoch whatever n_epochs",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    order = np.random.default_rng(seed).permutation(len(y))
    for start in range(0, len(y), batch_size):
        batch = order[start : start + batch_size]
        W, b = sgd_step(X[batch], y[batch], W, b, lr, l2)
    return W, b
"""
        ),
        loses=("epochs",),
    ),
    Variant(
        test="l5_train",
        slip="shuffles X and y in place",
        source=_train(
            """
def train(X, y, n_classes, lr, l2, batch_size, n_epochs, seed, W=None, b=None):
    W = np.zeros((X.shape[1], n_classes)) if W is None else W
    b = np.zeros(n_classes) if b is None else b
    rng = np.random.default_rng(seed)
    for _ in range(n_epochs):
        order = rng.permutation(len(y))
        X[:], y[:] = X[order], y[order]
        for start in range(0, len(y), batch_size):
            end = start + batch_size
            W, b = sgd_step(X[start:end], y[start:end], W, b, lr, l2)
    return W, b
"""
        ),
        loses=("inputs",),
    ),
]


# --- check your understanding --------------------------------------------------------------

_QUESTIONS = [
    Variant(
        test="l5_weight_gradient_shape",
        slip="correct: a tuple",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return (n_features, n_classes)
""",
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="correct: the shape of a zero W",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return np.zeros((n_features, n_classes)).shape
""",
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="correct: a list",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return [n_features, n_classes]
""",
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="(K, D)",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return (n_classes, n_features)
""",
        codes=("transposed_shape",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="the shape of (A - Y)^T X",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    G = np.zeros((n_samples, n_classes))
    X = np.zeros((n_samples, n_features))
    return (G.T @ X).shape
""",
        codes=("transposed_shape",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="W's shape transposed",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return tuple(reversed((n_features, n_classes)))
""",
        codes=("transposed_shape",),
        loses=("values", "inputs"),
    ),
    Variant(
        test="l5_weight_gradient_shape",
        slip="the shape of the logits, (N, K)",
        source="""
def weight_gradient_shape(n_samples, n_features, n_classes):
    return (n_samples, n_classes)
""",
        loses=("values", "inputs"),
    ),
    Variant(
        test="l5_bias_gradient_sum",
        slip="correct: zero",
        source="bias_gradient_sum = 0.0\n",
    ),
    Variant(
        test="l5_bias_gradient_sum",
        slip="correct: an integer zero",
        source="bias_gradient_sum = 0\n",
    ),
    Variant(
        test="l5_bias_gradient_sum",
        slip="correct: computed, rounding left in",
        source="""
a = np.array([0.2, 0.3, 0.5])  # the probabilities of one sample
bias_gradient_sum = float(np.sum(a - np.array([0.0, 0.0, 1.0]) + a - np.array([0.0, 1.0, 0.0])))
""",
    ),
    Variant(
        test="l5_bias_gradient_sum",
        slip="one, the sum of the probabilities",
        source="bias_gradient_sum = 1.0\n",
        loses=("values",),
    ),
    Variant(
        test="l5_bias_gradient_sum",
        slip="minus one, the one-hot part alone",
        source="bias_gradient_sum = -1\n",
        loses=("values",),
    ),
    Variant(
        test="l5_initial_loss",
        slip="correct: log K",
        source="""
def initial_loss(X, y, n_classes):
    return float(np.log(n_classes))
""",
    ),
    Variant(
        test="l5_initial_loss",
        slip="correct: the loss of the zero model, computed",
        source="""
def initial_loss(X, y, n_classes):
    Z = X @ np.zeros((X.shape[1], n_classes)) + np.zeros(n_classes)
    log_a = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return -np.mean(log_a[np.arange(len(y)), y])
""",
    ),
    Variant(
        test="l5_initial_loss",
        slip="correct: minus the log of 1/K",
        source="""
def initial_loss(X, y, n_classes):
    return -np.log(1 / n_classes)
""",
    ),
    Variant(
        test="l5_initial_loss",
        slip="1/K, no log",
        source="""
def initial_loss(X, y, n_classes):
    return 1 / n_classes
""",
        codes=("missing_log",),
        loses=("values", "absent_classes", "inputs"),
    ),
    Variant(
        test="l5_initial_loss",
        slip="1 - a_y, no log",
        source="""
def initial_loss(X, y, n_classes):
    a = np.full((len(y), n_classes), 1 / n_classes)
    return np.mean(1 - a[np.arange(len(y)), y])
""",
        codes=("missing_log",),
        loses=("values", "absent_classes", "inputs"),
    ),
    Variant(
        test="l5_initial_loss",
        slip="the probability of the label",
        source="""
def initial_loss(X, y, n_classes):
    Z = np.zeros((len(y), n_classes))
    A = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    return float(A[np.arange(len(y)), y].mean())
""",
        codes=("missing_log",),
        loses=("values", "absent_classes", "inputs"),
    ),
    Variant(
        test="l5_initial_loss",
        slip="K counted from the labels",
        source="""
def initial_loss(X, y, n_classes):
    return np.log(len(np.unique(y)))
""",
        loses=("absent_classes",),
    ),
    Variant(
        test="l5_initial_loss",
        slip="K as the largest label plus one",
        source="""
def initial_loss(X, y, n_classes):
    return np.log(y.max() + 1)
""",
        loses=("absent_classes",),
    ),
    Variant(
        test="l5_initial_loss",
        slip="log base 10",
        source="""
def initial_loss(X, y, n_classes):
    return np.log10(n_classes)
""",
        loses=("values", "absent_classes", "inputs"),
    ),
]

VARIANTS = _WEIGHT_GRADIENT + _BIAS_GRADIENT + _SGD_STEP + _TRAIN + _QUESTIONS

VARIANTS.append(
    Variant(
        test="l5_initial_loss",
        slip="centres the pixels in place",
        source="""
def initial_loss(X, y, n_classes):
    X -= X.mean(axis=0)
    logits = X @ np.zeros((X.shape[1], n_classes))
    return float(np.log(np.exp(logits).sum(axis=1)).mean())
""",
        loses=("inputs",),
    )
)
