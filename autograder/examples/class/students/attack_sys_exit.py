# ruff: noqa
# fmt: off
# Calls sys.exit from a cell and from every graded function.
# %% first
import sys

sys.exit(0)
# %% l3-softmax-solution
def softmax(z):
    sys.exit(0)
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    raise SystemExit(0)
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    sys.exit("all tests passed")
