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


def without_explanations(message, codes):
    r"""Drop the lines of ``message`` that already quote the explanation of one of ``codes``.

    Pages that show each misconception in a box of its own use this so that an explanation
    the grader also put in the message is not shown twice.

    Examples
    --------
    >>> from autograder.misconceptions import explain
    >>> text = "0 of 4 cases.\n  Likely [sign_flipped]: " + explain("sign_flipped")
    >>> without_explanations(text, ["sign_flipped"])
    '0 of 4 cases.'
    """
    explanations = [explain_misconception(code)["explanation"] for code in codes]
    explanations = [text for text in explanations if text]
    kept = [line for line in str(message).splitlines() if not any(t in line for t in explanations)]
    return "\n".join(kept)
