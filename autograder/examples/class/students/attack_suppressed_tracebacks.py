# ruff: noqa
# fmt: off
# Hides every error: no traceback, no warning, no output on stderr.
# %% first
import sys
import warnings

warnings.simplefilter("ignore")
sys.excepthook = lambda *args: None
sys.stderr = open("/dev/null", "w")
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
# %% l3-softmax-solution
def softmax(z):
    raise AssertionError("hidden")
# %% l3-cross-entropy-solution
def cross_entropy(z, y):
    raise AssertionError("hidden")
# %% l3-grad-solution
def cross_entropy_grad(z, y):
    raise AssertionError("hidden")
