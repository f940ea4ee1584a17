# ruff: noqa
# fmt: off
# Loss and gradient summed over the batch instead of averaged.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    a = softmax(z)
    return float(np.sum(-np.log(a[np.arange(len(y)), y])))
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    grad = softmax(z)
    grad[np.arange(len(y)), y] -= 1.0
    return grad
