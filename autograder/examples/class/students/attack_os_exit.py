# ruff: noqa
# fmt: off
# Correct functions, then os._exit ends the process that runs the notebook.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution <- correct_reference
# %% l3-grad-solution <- correct_reference
# %% after l3-grad-solution
import os

os._exit(0)
