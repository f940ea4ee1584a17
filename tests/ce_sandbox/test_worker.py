"""The worker's own helpers: IPython-only lines, short error texts."""

from ce_sandbox.worker import _compile_cell, short_error, strip_ipython_syntax


def test_ipython_lines_do_nothing_and_keep_indentation():
    source = "%matplotlib inline\nfor i in range(2):\n    !ls\nx = 1\nnp.sum?"
    assert strip_ipython_syntax(source) == "pass\nfor i in range(2):\n    pass\nx = 1\npass"


def test_plain_python_is_compiled_unchanged():
    namespace = {}
    exec(_compile_cell("text = 'what?'", 0), namespace)  # a ? inside a string is Python
    assert namespace["text"] == "what?"


def test_a_cell_with_magics_still_runs_its_python():
    namespace = {}
    exec(_compile_cell("%time\nvalue = 3", 1), namespace)
    assert namespace["value"] == 3


def test_short_error_names_the_type_and_cuts_the_message():
    text = short_error(ValueError("y" * 1000))
    assert text.startswith("ValueError: ") and len(text) <= 303
