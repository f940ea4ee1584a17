r"""Drive one notebook through the JupyterLab page the way a learner does.

Everything here goes through the page: the menus (Run, File), clicks on cells,
the keyboard on a slider. The server's REST API is read only to know when the
kernel is idle, and the notebook saved from the page is read with nbformat to
cross-check what the page shows.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .lab_server import RunningLab

#: Arguments that make Debian's Chromium run headless in a container without
#: reaching the (closed) network in the background.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"
IMAGE_MIMES = ("image/png", "image/svg+xml", "image/jpeg")

_NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
_CELLS = f"{_NOTEBOOK} .jp-Notebook-cell"

# One JavaScript pass over the page: per cell, its kind, prompt and rendered outputs.
_READ_CELLS_JS = r"""
(selector) => Array.from(document.querySelectorAll(selector)).map((cell) => {
  const prompt = cell.querySelector(':scope .jp-InputArea-prompt');
  const outputs = Array.from(cell.querySelectorAll('.jp-OutputArea-output')).map((out) => ({
    mime: out.getAttribute('data-mime-type'),
    text: (out.textContent || '').slice(0, 2000),
  }));
  const images = Array.from(cell.querySelectorAll('.jp-OutputArea-output img')).map((img) => ({
    loaded: img.complete && img.naturalWidth > 0 && img.naturalHeight > 0,
    width: img.naturalWidth,
    src_length: (img.getAttribute('src') || '').length,
  }));
  return {
    kind: cell.classList.contains('jp-CodeCell') ? 'code'
      : cell.classList.contains('jp-MarkdownCell') ? 'markdown' : 'raw',
    prompt: prompt ? prompt.textContent.trim() : '',
    outputs: outputs,
    images: images,
    svgs: cell.querySelectorAll('.jp-RenderedSVG svg').length,
    widgets: cell.querySelectorAll('.jupyter-widgets').length,
    sliders: cell.querySelectorAll('.widget-slider').length,
  };
})
"""


# True once no cell is queued or running, every widget output holds a rendered widget
# (not a placeholder) and every image has finished decoding.
_PAGE_SETTLED_JS = r"""
([cells, widgetMime]) => {
  const prompts = document.querySelectorAll(`${cells} .jp-InputArea-prompt`);
  if (Array.from(prompts).some((p) => p.textContent.includes('*'))) return false;
  const widgets = document.querySelectorAll(
    `${cells} .jp-OutputArea-output[data-mime-type="${widgetMime}"]`);
  if (!Array.from(widgets).every((out) => out.querySelector('.jupyter-widgets')
                                        || /Error displaying widget/.test(out.textContent)))
    return false;
  return Array.from(document.querySelectorAll(`${cells} img`)).every((img) => img.complete);
}
"""


@dataclass
class RenderedCell:
    r"""What the page shows for one cell after running."""

    kind: str
    prompt: str
    outputs: list[dict]
    images: list[dict]
    svgs: int
    widgets: int
    sliders: int

    @property
    def executed(self) -> bool:
        r"""Whether the prompt shows an execution count (``[3]:``)."""
        return self.prompt.strip("[]: ").isdigit()


def load_jupyterlab(page, lab: RunningLab, *, timeout: float = 120.0) -> None:
    r"""Load JupyterLab in ``page`` on a reset workspace, with the left sidebar collapsed.

    Leaves only the launcher open, so every notebook starts from the same page state.
    """
    page.goto(f"{lab.base_url}/lab/workspaces/browser-tests?reset&token={lab.token}")
    page.wait_for_selector(".lm-MenuBar-item", timeout=timeout * 1000)
    page.wait_for_selector(".jp-Launcher", timeout=timeout * 1000)
    collapse_left_sidebar(page)


def collapse_left_sidebar(page) -> None:
    r"""Collapse the left sidebar if a panel is open, as a click on its active tab does."""
    current = page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current")
    if current.count():
        current.first.click()


class LabNotebookPage:
    r"""One notebook open in its own tab of a loaded JupyterLab page.

    Parameters
    ----------
    page : playwright.sync_api.Page
        A page where :func:`load_jupyterlab` has run.
    lab : RunningLab
        The server the notebook lives on.
    relative_path : str
        Path of the notebook under the server's root.
    timeout : float
        Seconds any single wait may take before the test fails.
    """

    def __init__(self, page, lab: RunningLab, relative_path: str, *, timeout: float = 120.0):
        self.page = page
        self.lab = lab
        self.relative_path = relative_path
        self.timeout = timeout
        self.file_path = lab.root_dir / relative_path
        #: Seconds each step took (open, run, save, screenshots, close), for the summary.
        self.timings: dict[str, float] = {}

    @contextmanager
    def _timed(self, step: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[step] = self.timings.get(step, 0.0) + time.perf_counter() - start

    # -- opening and closing -------------------------------------------------
    def menu(self, menu: str, command: str) -> None:
        r"""Click ``menu`` in the menu bar, then the item that runs ``command``."""
        self.page.locator(".lm-MenuBar-item", has_text=menu).first.click()
        self.page.locator(f'.lm-Menu-item[data-command="{command}"]').click()

    def open(self) -> None:
        r"""Open the notebook with File > Open from Path… and wait for its kernel to be idle."""
        if not self.file_path.is_file():
            raise AssertionError(f"{self.relative_path} is not in the server's root")
        with self._timed("open"):
            self.menu("File", "filebrowser:open-path")
            self.page.locator(".jp-Dialog input").fill(self.relative_path)
            self.page.locator(".jp-Dialog .jp-mod-accept").click()
            self.page.wait_for_selector(_CELLS, timeout=self.timeout * 1000)
            self._accept_kernel_dialog()
            # Opening from a path shows the file browser; fold it for wider screenshots.
            collapse_left_sidebar(self.page)
            self._wait_for(self._kernel_idle, "the notebook's kernel to start and be idle")

    def _accept_kernel_dialog(self) -> None:
        # A notebook without a kernelspec asks which kernel to use; take the default.
        dialog = self.page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():
            dialog.first.click()

    def close(self) -> None:
        r"""File > Close and Shut Down Notebook, confirming the dialog; wait until it is gone."""
        with self._timed("close"):
            self.menu("File", "filemenu:close-and-cleanup")
            self.page.locator(".jp-Dialog .jp-mod-accept").click()
            self._wait_for(
                lambda: (
                    self.page.locator(_CELLS).count() == 0
                    and self.lab.session_for(self.relative_path) is None
                ),
                "the notebook to close and its kernel to shut down",
            )

    # -- running -------------------------------------------------------------
    def run_menu(self, command: str) -> None:
        r"""Click Run in the menu bar, then the item that runs ``command``."""
        self.menu("Run", command)

    def select_cell(self, index: int) -> None:
        r"""Select cell ``index`` as a learner does: click its prompt (command mode)."""
        self.page.locator(_CELLS).nth(index).locator(".jp-InputArea-prompt").click()

    def run_every_cell(self) -> None:
        r"""Run all cells, and go on past every error as a learner would.

        Run > Run All Cells stops at the first error (the kernel drops the queue);
        the run then resumes with Run > Run Selected Cell and All Below from the
        first code cell that has not run, until every non-blank code cell has.
        """
        with self._timed("run"):
            self._run_every_cell()

    def _run_every_cell(self) -> None:
        sources = [cell.source for cell in nbformat.read(self.file_path, as_version=4).cells]
        self.run_menu("runmenu:run-all")
        self.wait_until_idle()
        for _ in range(len(sources)):
            cells = self.read_cells()
            not_run = [
                i
                for i, cell in enumerate(cells)
                if cell.kind == "code" and sources[i].strip() and not cell.executed
            ]
            if not not_run:
                return
            self.select_cell(not_run[0])
            self.run_menu("notebook:run-all-below")
            self.wait_until_idle()
        raise AssertionError(f"{self.relative_path}: some cells never ran in JupyterLab")

    def wait_until_idle(self) -> None:
        r"""Wait until no cell is queued, the kernel is idle and every output has rendered."""
        self._wait_for(
            lambda: (
                self.page.evaluate(_PAGE_SETTLED_JS, [_CELLS, WIDGET_VIEW_MIME])
                and self._kernel_idle()
            ),
            "every cell to finish, the kernel to be idle and the outputs to render",
            stable=2,
        )

    def _kernel_idle(self) -> bool:
        session = self.lab.session_for(self.relative_path)
        return bool(session) and session["kernel"]["execution_state"] == "idle"

    def _wait_for(self, condition, what: str, *, stable: int = 1, timeout: float | None = None):
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        in_a_row = 0
        while time.monotonic() < deadline:
            in_a_row = in_a_row + 1 if condition() else 0
            if in_a_row >= stable:
                return
            time.sleep(0.1)
        raise AssertionError(
            f"{self.relative_path}: timed out after {timeout:.0f} s waiting for {what}"
        )

    # -- reading -------------------------------------------------------------
    def read_cells(self) -> list[RenderedCell]:
        r"""What the page shows for every cell, in notebook order."""
        return [RenderedCell(**cell) for cell in self.page.evaluate(_READ_CELLS_JS, _CELLS)]

    def save(self) -> nbformat.NotebookNode:
        r"""Save with File > Save Notebook and read the file the page wrote."""
        with self._timed("save"):
            return self._save()

    def _save(self) -> nbformat.NotebookNode:
        before = self.file_path.stat().st_mtime_ns
        self.menu("File", "docmanager:save")
        self._wait_for(
            lambda: self.file_path.stat().st_mtime_ns != before,
            "the notebook to be saved",
        )
        # The file is written in one go by the server, but read until it parses.
        self._wait_for(self._parses, "the saved notebook to be complete")
        return nbformat.read(self.file_path, as_version=4)

    def _parses(self) -> bool:
        try:
            nbformat.read(self.file_path, as_version=4)
        except Exception:  # a half-written file raises many kinds
            return False
        return True

    # -- interacting ---------------------------------------------------------
    def cell_with_slider_and_figure(self):
        r"""Locator of the first cell whose output holds a slider and an image."""
        cells = self.page.locator(_CELLS).filter(has=self.page.locator(".widget-slider"))
        return cells.filter(has=self.page.locator(".jp-OutputArea-output img")).first

    def move_slider(self, cell, key: str = "ArrowRight", presses: int = 1) -> None:
        r"""Focus the slider handle in ``cell`` and press ``key`` as a learner would."""
        handle = cell.locator(".widget-slider .noUi-handle").first
        handle.scroll_into_view_if_needed()
        handle.focus()
        for _ in range(presses):
            self.page.keyboard.press(key)

    def figure_images(self, cell) -> list[str]:
        r"""The ``src`` of every image in ``cell``'s output (the figure's encoded bytes)."""
        return cell.locator(".jp-OutputArea-output img").evaluate_all(
            "(imgs) => imgs.map((img) => img.getAttribute('src') || '')"
        )

    def slider_value(self, cell) -> str:
        r"""The slider's readout text."""
        return cell.locator(".widget-slider .widget-readout").first.inner_text()

    def move_control(self, cell) -> tuple[str, str]:
        r"""Move the slider in ``cell`` one step and wait for its figure to be redrawn.

        Presses the right arrow, or the left one if the slider is at its maximum.
        Returns the readout before and after.
        """
        before = self.slider_value(cell)
        images_before = self.figure_images(cell)
        for key in ("ArrowRight", "ArrowLeft"):
            self.move_slider(cell, key)
            try:
                self._wait_for(lambda: self.slider_value(cell) != before, "", timeout=3.0)
                break
            except AssertionError:
                continue
        after = self.slider_value(cell)
        if after == before:
            raise AssertionError(f"{self.relative_path}: the slider did not move from {before}")
        self.wait_until_idle()

        def redrawn() -> bool:
            images = self.figure_images(cell)
            return bool(images) and all(images) and images != images_before

        self._wait_for(
            redrawn, f"the figure to change after moving the slider to {after}", stable=2
        )
        return before, after

    # -- screenshots ---------------------------------------------------------
    def screenshot_pages(self, folder: Path, *, max_pages: int = 60) -> list[Path]:
        r"""Screenshots of the whole notebook, one per screen, scrolling from the top."""
        with self._timed("screenshots"):
            return self._screenshot_pages(folder, max_pages)

    def _screenshot_pages(self, folder: Path, max_pages: int) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("page-*.png"):
            old.unlink()
        scroller = self.page.locator(
            ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer"
        ).first
        scroller.evaluate("(el) => { el.scrollTop = 0; }")
        paths = []
        for number in range(1, max_pages + 1):
            self.page.wait_for_timeout(50)  # let the scrolled cells paint
            path = folder / f"page-{number:02d}.png"
            self.page.screenshot(path=path)
            paths.append(path)
            # Stop once the last cell is in view: below it is only scroll-past-end padding.
            at_end = scroller.evaluate(
                """(el) => {
                     const cells = el.querySelectorAll('.jp-Notebook-cell');
                     const last = cells[cells.length - 1];
                     const bottom = el.getBoundingClientRect().bottom;
                     if (!last || last.getBoundingClientRect().bottom <= bottom + 1) return true;
                     const before = el.scrollTop;
                     el.scrollTop = before + el.clientHeight * 0.9;
                     return el.scrollTop === before; }"""
            )
            if at_end:
                break
        return paths

    def shut_down_kernel(self) -> None:
        r"""Shut down this notebook's kernel through the REST API (cleanup after a failure)."""
        session = self.lab.session_for(self.relative_path)
        if session:
            self.lab.api("DELETE", f"/api/sessions/{session['id']}", timeout=30.0)
