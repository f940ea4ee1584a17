# ruff: noqa
# fmt: off
# The gradient forgets the -1 on the true class.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution <- correct_reference
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    return softmax(z) / len(y)
