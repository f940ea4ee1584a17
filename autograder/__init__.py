"""The course's autograder: test definitions, the sandbox and the ``ce-grade`` command.

A grade cell calls :func:`check`; ``ce-grade`` grades whole notebooks with
:func:`autograder.grading.grade_notebook`.
"""

from autograder.definitions.framework import check

__all__ = ["check"]
