# ruff: noqa
# fmt: off
# The gradient has the opposite sign: onehot(y) - a.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution <- correct_reference
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    a = softmax(z)
    onehot = np.zeros_like(a)
    onehot[np.arange(len(y)), y] = 1.0
    return (onehot - a) / len(y)
