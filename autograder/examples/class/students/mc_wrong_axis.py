# ruff: noqa
# fmt: off
# Softmax normalised over the batch axis instead of the classes.
# %% l3-softmax-solution
def softmax(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    a = softmax(z)
    return float(np.mean(-np.log(a[np.arange(len(y)), y])))
# %% l3-grad-solution <- correct_reference
