r"""What the lessons' "check your understanding" questions share: their precision and inputs.

A question is a small function graded on drawn inputs. Every question states the precision
it is graded at, :data:`PRECISION`, and its hidden inputs never repeat a public example
(:func:`draw_integers`), so that a table of the public answers earns nothing.

>>> import numpy as np
>>> draw_integers(np.random.default_rng(0), 3, 10, 4, exclude={4})
[8, 7, 6, 5]
"""

#: The precision every question states and is graded at: ``np.allclose`` with these.
PRECISION = {"rtol": 1e-6, "atol": 1e-9}


def draw_integers(rng, low, high, count, exclude=()):
    r"""Return ``count`` distinct integers in ``[low, high)``, none of them in ``exclude``."""
    values = []
    while len(values) < count:
        value = int(rng.integers(low, high))
        if value not in exclude and value not in values:
            values.append(value)
    return values
