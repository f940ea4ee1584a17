r"""A notebook as a learner runs it in JupyterLab: open, run every cell, save, close.

Screenshots of each notebook land in ``out/screenshots/jupyterlab/{solutions,notebooks}/``
(or under ``$CE_BROWSER_SCREENSHOTS``); the terminal summary prints the folder and the
seconds each step took.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from .lab_ui import LabNotebookPage, load_jupyterlab


@contextlib.contextmanager
def notebook_in_lab(lab_session, relative_path: str, screenshots: Path):
    r"""Give ``relative_path`` as a notebook to open in the JupyterLab page; always close it.

    On failure a screenshot of the page is saved as ``failure.png`` next to the others,
    the kernel is shut down and JupyterLab is reloaded, so the next notebook starts clean.
    """
    page, jupyterlab, step_timings = lab_session
    for stale in screenshots.glob("*.png"):  # from an earlier run
        stale.unlink()
    notebook = LabNotebookPage(page, jupyterlab, relative_path)
    try:
        yield notebook
        notebook.close()
    except BaseException:
        with contextlib.suppress(Exception):
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=screenshots / "failure.png")
        with contextlib.suppress(Exception):
            notebook.shut_down_kernel()
        load_jupyterlab(page, jupyterlab)
        raise
    finally:
        step_timings[relative_path] = notebook.timings


def run_like_a_learner(notebook: LabNotebookPage, screenshots: Path):
    r"""Open, run every cell, save; return what was saved and what the page showed."""
    notebook.open()
    notebook.run_every_cell()
    rendered = notebook.read_cells()
    saved = notebook.save()
    notebook.screenshot_pages(screenshots)
    return saved, rendered


def assert_control_redraws_figure(notebook: LabNotebookPage, screenshots: Path) -> None:
    r"""The slider next to a figure renders, and moving it changes the figure's image."""
    cell = notebook.cell_with_slider_and_figure()
    assert cell.count(), (
        f"{notebook.relative_path}: no slider with a figure next to it was rendered"
    )
    output_area = cell.locator(".jp-Cell-outputArea")
    images_before = notebook.figure_images(cell)
    pixels_before = output_area.screenshot(path=screenshots / "control-before.png")
    value_before, value_after = notebook.move_control(cell)
    images_after = notebook.figure_images(cell)
    pixels_after = output_area.screenshot(path=screenshots / "control-after.png")
    assert images_after != images_before, (
        f"moving the slider from {value_before} to {value_after} left the figure unchanged"
    )
    assert pixels_after != pixels_before, "the output area looks the same after moving the slider"
