# ruff: noqa
# fmt: off
# No max shift: exp overflows for large logits.
# %% l3-softmax-solution
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    a = softmax(z)
    return float(np.mean(-np.log(a[np.arange(len(y)), y])))
# %% l3-grad-solution <- correct_reference
