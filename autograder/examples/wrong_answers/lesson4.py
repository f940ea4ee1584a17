r"""Wrong and correct answers to the graded functions of lesson 4."""

from autograder.examples.wrong_answers import Variant

VARIANTS: list[Variant] = []
