# ruff: noqa
# fmt: off
# Tries to allocate far more memory than the machine has, in a cell and in every function.
# %% first
hoard = np.ones((10**6, 10**6))
# %% l3-softmax-solution
def softmax(z):
    return np.ones((10**6, 10**6))
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    return float(np.ones(10**12).sum())
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    return np.ones((10**6, 10**6))[: len(z)]
