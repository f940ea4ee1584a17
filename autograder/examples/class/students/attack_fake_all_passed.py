# ruff: noqa
# fmt: off
# Prints what a passing test prints, with wrong answers.
# %% first
print("l3_softmax: `softmax` is correct on all 10 cases (3 of 3 points).")
print("All tests passed! Score: 10 / 10")
# %% l3-softmax-solution
def softmax(z):
    print("All tests passed!")
    return np.full(np.shape(z), 1.0 / np.shape(z)[1])
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    print("All tests passed!")
    return 1.0
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    print("All tests passed!")
    return np.zeros(np.shape(z))
