r"""Misconception codes in the course's words, for feedback pages and the terminal.

The codes and their explanations are defined once, in :mod:`autograder.misconceptions`;
this module only shapes them for display.
"""

from autograder.misconceptions import explain


def explain_misconception(code):
    r"""Return ``{"code", "title", "explanation"}`` for a misconception code.

    A code this version of the course does not know (a report written by another version)
    is shown as is, with an empty explanation.

    Examples
    --------
    >>> item = explain_misconception("sign_flipped")
    >>> item["title"], "opposite sign" in item["explanation"]
    ('sign flipped', True)
    >>> explain_misconception("no_such_code")["explanation"]
    ''
    """
    code = str(code)
    try:
        explanation = explain(code)
    except ValueError:
        explanation = ""
    return {"code": code, "title": code.replace("_", " "), "explanation": explanation}
