# ruff: noqa
# fmt: off
# Prints without end.
# %% first
while True:
    print("All tests passed! " * 100)
