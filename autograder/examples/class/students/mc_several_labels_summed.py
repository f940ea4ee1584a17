# ruff: noqa
# fmt: off
# The loss adds -log a_k over every class, as if each class were a label.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    a = softmax(z)
    return float(np.mean(-np.log(a).sum(axis=1)))
# %% l3-grad-solution <- correct_reference
