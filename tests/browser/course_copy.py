r"""Find the lessons and copy them where the test server may write.

The server never serves the repository itself: a run saves notebooks and writes
checkpoints, and neither may touch ``solutions/`` or ``notebooks/``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = "solutions"
STUDENT_VERSIONS = "notebooks"
#: Where the harness notebook goes under the server's root.
HARNESS_NOTEBOOK = "harness/harness.ipynb"


@dataclass(frozen=True)
class LessonNotebook:
    r"""One version of a lesson: ``kind`` is ``"solutions"`` or ``"notebooks"``."""

    lesson: str
    kind: str

    @property
    def relative_path(self) -> str:
        r"""Path under the repository (and under the server's root)."""
        return f"{self.kind}/{self.lesson}/{self.lesson}.ipynb"

    def source(self, repo_root: Path = REPO_ROOT) -> Path:
        r"""The notebook in the repository."""
        return repo_root / self.relative_path


def discover_lessons(repo_root: Path = REPO_ROOT) -> list[str]:
    r"""Every lesson id with a ``{lesson}/{lesson}.ipynb`` in solutions/ or notebooks/, sorted."""
    lessons = set()
    for kind in (SOLUTIONS, STUDENT_VERSIONS):
        folder = repo_root / kind
        if folder.is_dir():
            lessons.update(
                child.name
                for child in folder.iterdir()
                if (child / f"{child.name}.ipynb").is_file()
            )
    return sorted(lessons)


def copy_course(destination: Path, repo_root: Path = REPO_ROOT) -> list[LessonNotebook]:
    r"""Copy every lesson folder (both versions, with their data files) into ``destination``.

    Returns the notebooks copied, in lesson order.
    """
    copied = []
    for lesson in discover_lessons(repo_root):
        for kind in (SOLUTIONS, STUDENT_VERSIONS):
            notebook = LessonNotebook(lesson, kind)
            source = notebook.source(repo_root)
            if not source.is_file():
                continue
            shutil.copytree(
                source.parent,
                destination / kind / lesson,
                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                dirs_exist_ok=True,
            )
            copied.append(notebook)
    return copied


def write_harness_notebook(path: Path) -> None:
    r"""Write a small notebook holding one of everything the lesson checks look for.

    A markdown cell, a static figure, a slider driving a figure, an unfilled
    exercise, a cell after it, a cell writing to stderr and one naming the kernel's
    environment: the harness must find each of them, which proves its checks can fail.
    """
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Harness\nOne of everything a lesson shows."),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\n\n"
            "fig, ax = plt.subplots(figsize=(4, 3))\n"
            "ax.plot([0, 1], [0, 1])\n"
            "ax.set(title='static', xlabel='x', ylabel='y')\n"
            "plt.show()"
        ),
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\n\n\n"
            "def draw(k=1):\n"
            "    fig, ax = plt.subplots(figsize=(4, 3))\n"
            "    ax.bar(range(3), [k, 2, 3])\n"
            "    ax.set(title=f'k = {k}', xlabel='class', ylabel='value')\n"
            "    plt.show()\n\n\n"
            "widgets.interact(draw, k=widgets.IntSlider(value=1, min=0, max=5));"
        ),
        nbformat.v4.new_code_cell(
            "def answer():\n    # YOUR CODE HERE\n    raise NotImplementedError()\n\n\nanswer()"
        ),
        nbformat.v4.new_code_cell("print('ran after the error')"),
        nbformat.v4.new_code_cell("import sys\n\nprint('a warning', file=sys.stderr)"),
        nbformat.v4.new_code_cell("import ce_lib\n\nprint(sys.prefix)"),
        nbformat.v4.new_code_cell(""),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
