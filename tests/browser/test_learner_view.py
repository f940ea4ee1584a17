r"""The checks of what a learner sees, on notebooks built by hand (no browser needed)."""

from __future__ import annotations

import nbformat
from nbformat.v4 import (
    new_code_cell,
    new_markdown_cell,
    new_notebook,
    new_output,
)

from .lab_ui import RenderedCell
from .learner_view import (
    cells_not_run,
    error_and_stderr_problems,
    figure_problems,
    names_answers_define,
    unfilled_exercise_error_cells,
)

PNG = "iVBORw0KGgo="


def shown(prompt="[1]:", outputs=(), images=(), widgets=0, kind="code") -> RenderedCell:
    return RenderedCell(
        kind=kind,
        prompt=prompt,
        outputs=list(outputs),
        images=list(images),
        svgs=0,
        widgets=widgets,
        sliders=0,
    )


def code(source="x = 1", outputs=(), execution_count=1, **metadata):
    cell = new_code_cell(source, outputs=list(outputs), execution_count=execution_count)
    cell.metadata.update(metadata)
    return cell


def error(ename, evalue):
    return new_output("error", ename=ename, evalue=evalue, traceback=[])


def notebook(*cells) -> nbformat.NotebookNode:
    return new_notebook(cells=list(cells))


def test_cells_not_run_names_unexecuted_cells_and_ignores_blank_ones():
    saved = notebook(
        new_markdown_cell("# title"),
        code("a = 1"),
        code("b = 2", execution_count=None),
        code("   ", execution_count=None),
    )
    rendered = [shown(kind="markdown", prompt=""), shown(), shown("[ ]:"), shown("[ ]:")]
    problems = cells_not_run(saved, rendered)
    assert len(problems) == 1 and "cell 2 ('b = 2')" in problems[0]


def test_a_cell_still_running_on_the_page_counts_as_not_run():
    assert cells_not_run(notebook(code()), [shown("[*]:")])


def test_errors_and_stderr_are_reported_unless_the_cell_is_allowed():
    saved = notebook(
        code(outputs=[error("ValueError", "bad z")]),
        code(outputs=[new_output("stream", name="stderr", text="careful\n")]),
        code(outputs=[new_output("stream", name="stdout", text="fine\n")]),
    )
    stderr_on_page = {"mime": "application/vnd.jupyter.stderr", "text": "..."}
    rendered = [shown(outputs=[stderr_on_page]), shown(outputs=[stderr_on_page]), shown()]
    problems = error_and_stderr_problems(saved, rendered)
    assert len(problems) == 2
    assert "ValueError: bad z" in problems[0] and "careful" in problems[1]
    allowed = error_and_stderr_problems(saved, rendered, allowed_error_cells=frozenset({0}))
    assert len(allowed) == 1 and "stderr" in allowed[0]


def test_stderr_shown_only_on_the_page_is_reported():
    # A widget callback's warning lives in the widget, not in the saved outputs.
    rendered = [shown(outputs=[{"mime": "application/vnd.jupyter.stderr", "text": "warn"}])]
    problems = error_and_stderr_problems(notebook(code()), rendered)
    assert len(problems) == 1 and "on the page" in problems[0]


def test_figure_saved_as_image_but_not_drawn_is_reported():
    figure = new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})
    saved = notebook(code(outputs=[figure]))
    assert figure_problems(saved, [shown(images=[{"loaded": True}])]) == []
    assert "0 drawn" in figure_problems(saved, [shown()])[0]
    assert "failed to load" in figure_problems(saved, [shown(images=[{"loaded": False}])])[-1]


def test_figure_shown_as_text_is_reported():
    text_only = new_output(
        "execute_result", data={"text/plain": "<Figure size 640x480 with 1 Axes>"}
    )
    problems = figure_problems(notebook(code(outputs=[text_only])), [shown()])
    assert len(problems) == 1 and "not an image" in problems[0]


def test_widget_that_did_not_render_is_reported():
    widget = new_output(
        "execute_result",
        data={"application/vnd.jupyter.widget-view+json": {"model_id": "m"}, "text/plain": "w"},
    )
    saved = notebook(code(outputs=[widget]))
    assert figure_problems(saved, [shown(widgets=1)]) == []
    assert "did not render" in figure_problems(saved, [shown(widgets=0)])[0]
    missing_model = {"mime": None, "text": "Error displaying widget: model not found"}
    assert figure_problems(saved, [shown(widgets=1, outputs=[missing_model])])


def test_names_answers_define_reads_only_nbgrader_solution_cells():
    solution = notebook(
        code("import numpy as np\nz = np.zeros(3)"),
        code(
            "def softmax(z):\n    return z\nJ, grad = 1, 2\nimport sympy.abc as sa",
            nbgrader={"solution": True, "grade_id": "a"},
        ),
    )
    assert names_answers_define(solution) == {"softmax", "J", "grad", "sa"}


def test_only_unfilled_exercise_errors_are_allowed():
    student = notebook(
        code(outputs=[error("NotImplementedError", "")]),
        code(outputs=[error("NameError", "name 'J' is not defined")]),
        code(outputs=[error("NameError", "name 'typo' is not defined")]),
        code(outputs=[error("ZeroDivisionError", "division by zero")]),
    )
    assert unfilled_exercise_error_cells(student, {"J"}) == {0, 1}
