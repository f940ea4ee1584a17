# ruff: noqa
# fmt: off
# Every graded function loops forever.
# %% l3-softmax-solution
def softmax(z):
    while True:
        pass
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    while True:
        pass
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    while True:
        pass
