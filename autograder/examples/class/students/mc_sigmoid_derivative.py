# ruff: noqa
# fmt: off
# The gradient is a * (1 - a), the derivative of a sigmoid.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution <- correct_reference
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    a = softmax(z)
    return a * (1 - a) / len(y)
