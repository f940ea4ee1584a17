"""The course's autograder: test definitions, the sandbox and the ``ce-grade`` command.

A grade cell calls :func:`check`; ``ce-grade`` grades whole notebooks with
:func:`autograder.grading.grade_notebook`.
"""

from autograder.check import CheckFailed, check

__all__ = ["CheckFailed", "check"]
