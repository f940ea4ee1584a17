# ruff: noqa
# fmt: off
# The reference answers of the lesson.
# %% l3-softmax-solution
def softmax(z):
    """Row-wise softmax of logits ``z`` of shape (N, K)."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    """Mean cross-entropy loss of logits ``z`` (N, K) with integer labels ``y`` (N,)."""
    z = np.asarray(z, dtype=float)
    y = np.asarray(y)
    shifted = z - z.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    return float(np.mean(log_sum - shifted[np.arange(len(y)), y]))
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    """Gradient of the mean cross-entropy loss by the logits, shape (N, K)."""
    y = np.asarray(y)
    n_samples = len(y)
    grad = softmax(z)
    grad[np.arange(n_samples), y] -= 1.0
    return grad / n_samples
