r"""Wrong and correct answers to the graded functions of lesson 6."""

from autograder.examples.wrong_answers import Variant

VARIANTS: list[Variant] = []
