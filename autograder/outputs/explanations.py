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


def explanations_to_add(message, codes):
    r"""The explanations of ``codes`` that ``message`` does not quote yet, one item per code.

    Text outputs (the terminal, the autograded notebook) print these after the message, so
    that each misconception is explained once.

    >>> from autograder.misconceptions import explain
    >>> text = "0 of 4 cases.\n  Likely [sign_flipped]: " + explain("sign_flipped")
    >>> [item["code"] for item in explanations_to_add(text, ["sign_flipped", "wrong_axis"])]
    ['wrong_axis']
    """
    message = str(message)
    items = [explain_misconception(code) for code in codes]
    return [item for item in items if not (item["explanation"] and item["explanation"] in message)]
