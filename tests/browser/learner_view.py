r"""What a learner should and should not see once a notebook has run in JupyterLab.

Each check takes the notebook as the page saved it (nbformat) and what the page
rendered (:class:`~.lab_ui.RenderedCell`, same order) and returns a list of
problems, each naming the cell; an empty list means the check passed.
"""

from __future__ import annotations

import ast
import re

import nbformat

from .lab_ui import IMAGE_MIMES, WIDGET_VIEW_MIME, RenderedCell

STDERR_MIME = "application/vnd.jupyter.stderr"
# The text repr of a Matplotlib figure: seen instead of the image when a figure
# was not rendered (for example with a non-inline backend).
_FIGURE_REPR = re.compile(r"^<Figure size [^>]+ with \d+ Axes>$")
_NAME_ERROR = re.compile(r"name '(?P<name>[^']+)' is not defined")


def _where(index: int, cell) -> str:
    first_line = cell.source.strip().splitlines()[0][:60] if cell.source.strip() else ""
    return f"cell {index} ({first_line!r})"


def cells_not_run(saved: nbformat.NotebookNode, rendered: list[RenderedCell]) -> list[str]:
    r"""Non-blank code cells without an execution count, in the file or on the page."""
    problems = []
    for index, (cell, shown) in enumerate(zip(saved.cells, rendered, strict=True)):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if cell.get("execution_count") is None or not shown.executed:
            problems.append(f"{_where(index, cell)} did not run (prompt {shown.prompt!r})")
    return problems


def errors(saved: nbformat.NotebookNode) -> list[tuple[int, str, str]]:
    r"""Every error output as ``(cell index, ename, evalue)``."""
    return [
        (index, output.ename, output.evalue)
        for index, cell in enumerate(saved.cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]


def error_and_stderr_problems(
    saved: nbformat.NotebookNode,
    rendered: list[RenderedCell],
    *,
    allowed_error_cells: frozenset[int] = frozenset(),
) -> list[str]:
    r"""Errors and stderr anywhere, except errors (and their tracebacks) in allowed cells.

    The page draws a traceback with the stderr MIME type, and output written by a
    widget's callback exists only on the page, so the page is checked as well as
    the file.
    """
    problems = []
    for index, (cell, shown) in enumerate(zip(saved.cells, rendered, strict=True)):
        for output in cell.get("outputs", []):
            if output.output_type == "error" and index not in allowed_error_cells:
                problems.append(f"{_where(index, cell)} raised {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                problems.append(f"{_where(index, cell)} wrote to stderr: {output.text[:300]!r}")
        page_stderr = [out["text"] for out in shown.outputs if out["mime"] == STDERR_MIME]
        if (
            page_stderr
            and index not in allowed_error_cells
            and not any(
                output.output_type in ("error", "stream") for output in cell.get("outputs", [])
            )
        ):
            problems.append(
                f"{_where(index, cell)} shows stderr on the page: {page_stderr[0][:300]!r}"
            )
    return problems


def figure_problems(saved: nbformat.NotebookNode, rendered: list[RenderedCell]) -> list[str]:
    r"""Figures not shown as images, images that did not load, widgets that did not render."""
    problems = []
    for index, (cell, shown) in enumerate(zip(saved.cells, rendered, strict=True)):
        outputs = cell.get("outputs", [])
        n_saved_images = sum(
            1 for output in outputs if any(m in output.get("data", {}) for m in IMAGE_MIMES)
        )
        n_page_images = sum(1 for image in shown.images if image["loaded"]) + shown.svgs
        if n_page_images < n_saved_images:
            problems.append(
                f"{_where(index, cell)}: {n_saved_images} image output(s) saved but "
                f"{n_page_images} drawn on the page"
            )
        broken = [image for image in shown.images if not image["loaded"]]
        if broken:
            problems.append(f"{_where(index, cell)}: {len(broken)} image(s) failed to load")
        for output in outputs:
            data = output.get("data", {})
            text = data.get("text/plain", "")
            if _FIGURE_REPR.match(text.strip()) and not any(m in data for m in IMAGE_MIMES):
                problems.append(f"{_where(index, cell)} shows {text.strip()!r}, not an image")
        if any(WIDGET_VIEW_MIME in output.get("data", {}) for output in outputs) and not (
            shown.widgets
        ):
            problems.append(f"{_where(index, cell)}: a widget output did not render")
        for output in shown.outputs:
            if "Error displaying widget" in output["text"]:
                problems.append(f"{_where(index, cell)}: {output['text'][:200]!r}")
    return problems


def names_answers_define(solution: nbformat.NotebookNode) -> set[str]:
    r"""Names bound by the answer cells (nbgrader ``solution`` cells) of a solution notebook.

    In the student version these cells are stubs, so a later cell that uses one of
    these names fails with a ``NameError`` until the learner fills the stub in.
    """
    names = set()
    for cell in solution.cells:
        if cell.cell_type != "code" or not cell.metadata.get("nbgrader", {}).get("solution"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Import | ast.ImportFrom):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return names


def is_unfilled_exercise_error(ename: str, evalue: str, answer_names: set[str]) -> bool:
    r"""Whether an error comes from an unfilled exercise.

    That is a ``NotImplementedError`` (the stub's own, wherever it surfaces), or a
    ``NameError`` for a name that only a filled-in answer defines.
    """
    if ename == "NotImplementedError":
        return True
    match = _NAME_ERROR.search(evalue) if ename == "NameError" else None
    return bool(match and match["name"] in answer_names)


def unfilled_exercise_error_cells(
    student: nbformat.NotebookNode, answer_names: set[str]
) -> frozenset[int]:
    r"""Cells whose error comes from an unfilled exercise (:func:`is_unfilled_exercise_error`)."""
    return frozenset(
        index
        for index, ename, evalue in errors(student)
        if is_unfilled_exercise_error(ename, evalue, answer_names)
    )
