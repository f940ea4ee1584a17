# ruff: noqa
# fmt: off
# Deletes the test cells; the gradient has its sign flipped.
# %% l3-softmax-solution <- correct_reference
# %% l3-cross-entropy-solution <- correct_reference
# %% l3-grad-solution <- mc_sign_flipped
# %% delete l3_softmax
# %% delete l3_cross_entropy
# %% delete l3_cross_entropy_grad
