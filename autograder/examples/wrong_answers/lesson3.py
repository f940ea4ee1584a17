r"""Wrong and correct answers to lesson 3's ``softmax``, ``cross_entropy`` and gradient."""

from autograder.examples.wrong_answers import Variant

VARIANTS = [
    Variant(
        test="l3_softmax",
        slip="no max shift",
        source="""
def softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)
""",
        codes=("unstable_softmax",),
        loses=("stable",),
    ),
]
