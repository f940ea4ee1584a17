r"""Fixtures of the browser tests: one JupyterLab server and one Chromium per session.

A plugin (``tests/conftest.py`` loads it) rather than a conftest of ``tests/browser``, so
that the lesson tests of ``tests/lessons`` can run a lesson in JupyterLab too.

The browser tests need Debian's Chromium (``/usr/bin/chromium``, or the path in
``CE_BROWSER_CHROMIUM``) and Playwright for Python; no browser is downloaded. When
either is missing the tests marked ``browser`` are skipped and the terminal summary
says plainly that they did not run and why; with ``CE_REQUIRE_BROWSER=1`` they fail
instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .course_copy import HARNESS_NOTEBOOK, REPO_ROOT, copy_course, write_harness_notebook
from .lab_server import LabStartupError, running_jupyterlab
from .lab_ui import CHROMIUM_ARGS, load_jupyterlab

CHROMIUM_ENV_VAR = "CE_BROWSER_CHROMIUM"
#: Set (as CI may) to make a missing browser a failure instead of a skip.
REQUIRE_ENV_VAR = "CE_REQUIRE_BROWSER"
SCREENSHOTS_ENV_VAR = "CE_BROWSER_SCREENSHOTS"
_SKIPPED_KEY = pytest.StashKey[int]()
_TIMINGS_KEY = pytest.StashKey[dict]()


def chromium_executable() -> Path | None:
    r"""The Chromium to drive: ``$CE_BROWSER_CHROMIUM``, ``/usr/bin/chromium`` or on PATH."""
    configured = os.environ.get(CHROMIUM_ENV_VAR)
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def browser_unavailable_reason() -> str | None:
    r"""Why the browser tests cannot run here, or ``None`` if they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"Playwright for Python is not installed ({error}); pip install playwright"
    if chromium_executable() is None:
        where = os.environ.get(CHROMIUM_ENV_VAR) or "/usr/bin/chromium or chromium on PATH"
        return (
            f"no Chromium found ({where}); install Debian's chromium package "
            f"(apt-get install chromium) or set {CHROMIUM_ENV_VAR}"
        )
    return None


def screenshot_root() -> Path:
    r"""Folder the screenshots go to.

    ``$CE_BROWSER_SCREENSHOTS`` if set, else ``out/screenshots/jupyterlab`` (git-ignored).
    """
    configured = os.environ.get(SCREENSHOTS_ENV_VAR)
    return Path(configured) if configured else REPO_ROOT / "out" / "screenshots" / "jupyterlab"


def pytest_collection_modifyitems(config, items):
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    reason = browser_unavailable_reason()
    if os.environ.get(REQUIRE_ENV_VAR):
        reason = None  # the browser fixture fails with the reason instead
    if reason and browser_items:
        skip = pytest.mark.skip(reason=f"browser tests did not run: {reason}")
        for item in browser_items:
            item.add_marker(skip)
    config.stash[_SKIPPED_KEY] = len(browser_items) if reason else 0


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = config.stash.get(_SKIPPED_KEY, 0)
    if skipped:
        terminalreporter.write_sep("=", "JupyterLab browser tests", yellow=True, bold=True)
        terminalreporter.write_line(
            f"{skipped} browser test(s) did NOT run: {browser_unavailable_reason()}"
        )
        return
    timings = config.stash.get(_TIMINGS_KEY, {})
    if timings:
        terminalreporter.write_sep("=", "JupyterLab browser tests")
        for notebook, steps in timings.items():
            parts = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in steps.items())
            terminalreporter.write_line(f"{notebook}: {parts}")
        terminalreporter.write_line(
            f"screenshots of the lessons in JupyterLab: {screenshot_root()}"
        )


@pytest.fixture(scope="session")
def step_timings(request) -> dict:
    r"""Seconds per step of each notebook opened, shown in the terminal summary."""
    return request.config.stash.setdefault(_TIMINGS_KEY, {})


@pytest.fixture(scope="session")
def served_root(tmp_path_factory) -> Path:
    r"""The server's root: a copy of every lesson and the harness notebook."""
    root = tmp_path_factory.mktemp("lab-root")
    copy_course(root)
    write_harness_notebook(root / HARNESS_NOTEBOOK)
    return root


@pytest.fixture(scope="session")
def jupyterlab(served_root, tmp_path_factory):
    r"""A JupyterLab server on the copied course, stopped at the end of the session."""
    state = tmp_path_factory.mktemp("lab-state")
    try:
        with running_jupyterlab(served_root, state, startup_timeout=120.0) as lab:
            yield lab
    except LabStartupError as error:
        pytest.fail(f"JupyterLab did not come up: {error}", pytrace=False)


@pytest.fixture(scope="session")
def browser_context():
    r"""One headless Chromium (fresh profile) and one context shared by every page."""
    reason = browser_unavailable_reason()
    if reason:
        pytest.fail(f"{REQUIRE_ENV_VAR} is set but the browser tests cannot run: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright gives each launch a fresh temporary profile (user data dir).
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable()), args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(
                viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
            )
            yield context
            context.close()
        finally:
            browser.close()


@pytest.fixture(scope="session")
def jupyterlab_page(browser_context, jupyterlab):
    r"""One page with JupyterLab loaded; each notebook opens in a tab of its own."""
    page = browser_context.new_page()
    try:
        load_jupyterlab(page, jupyterlab)
        yield page
    finally:
        page.close()


@pytest.fixture
def lab_session(jupyterlab_page, jupyterlab, step_timings):
    r"""The page, the server and the step timings that :func:`.learner_run.notebook_in_lab` uses."""
    return jupyterlab_page, jupyterlab, step_timings


@pytest.fixture(scope="session")
def screenshots() -> Path:
    r"""Root folder of this session's screenshots (printed in the terminal summary)."""
    root = screenshot_root()
    root.mkdir(parents=True, exist_ok=True)
    return root
