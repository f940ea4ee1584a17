r"""Start and stop a private JupyterLab server for the browser tests.

The server listens on a free loopback port, requires a random token, serves a
temporary root folder and keeps its settings, workspaces and runtime files in a
temporary state folder, so a run never writes into the repository or the user's
home. The kernel specs and lab extensions (widgets, nbgrader) stay visible because
they live in the environment's own ``share/jupyter``.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Settings that keep the page quiet and the same on every run: no news or update
#: checks (they would reach the network and pop up a toast) and every notebook
#: cell attached to the page, so the DOM holds all outputs whatever is scrolled.
LAB_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none",
    },
}

#: Environment variables that would change what the kernel shows; a non-inline
#: ``MPLBACKEND`` (CI often sets ``Agg``) would hide every figure.
_VARIABLES_TO_DROP = ("MPLBACKEND", "JUPYTER_PATH", "JUPYTER_TOKEN", "JUPYTER_CONFIG_PATH")


class LabStartupError(RuntimeError):
    """JupyterLab did not come up; the message holds the end of its log."""


@dataclass
class RunningLab:
    r"""A JupyterLab server started by :func:`running_jupyterlab`.

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:{port}`` without a trailing slash.
    token : str
        The token every request must carry.
    root_dir : pathlib.Path
        The folder the server serves.
    log_path : pathlib.Path
        Where the server writes its log.
    process : subprocess.Popen
        The server process.
    """

    base_url: str
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, method: str, path: str, *, timeout: float = 10.0):
        r"""Call the server's REST API and return the decoded JSON (``None`` if empty)."""
        request = urllib.request.Request(
            f"{self.base_url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def session_for(self, relative_path: str) -> dict | None:
        r"""The session whose notebook is ``relative_path``, or ``None``."""
        for session in self.api("GET", "/api/sessions"):
            if session.get("path") == relative_path:
                return session
        return None

    def shut_down_kernels(self) -> None:
        r"""Shut down every kernel the server runs."""
        for kernel in self.api("GET", "/api/kernels"):
            with contextlib.suppress(urllib.error.URLError, OSError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30.0)

    def log_tail(self, n_lines: int = 40) -> str:
        r"""The last ``n_lines`` lines of the server log."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(lines[-n_lines:])


def free_loopback_port() -> int:
    r"""A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_lab_command(
    *, root_dir: Path, port: int, token: str, jupyter: Path | None = None
) -> list[str]:
    r"""The command line that starts JupyterLab for the tests.

    ``--allow-root`` is added when running as root (JupyterLab refuses to start
    otherwise, as in CI containers).
    """
    jupyter = jupyter or Path(sys.executable).with_name("jupyter")
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def isolated_environment(state_dir: Path) -> dict[str, str]:
    r"""Environment for the server: private user-level Jupyter, IPython and Matplotlib dirs.

    Only the user-level folders move; the environment's ``share/jupyter`` (kernel
    spec, lab extensions) and ``etc/jupyter`` (enabled server extensions) stay on
    the search path.
    """
    env = {k: v for k, v in os.environ.items() if k not in _VARIABLES_TO_DROP}
    for variable, name in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
    ]:
        folder = state_dir / name
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    settings_dir = Path(env["JUPYTERLAB_SETTINGS_DIR"])
    for relative, settings in LAB_USER_SETTINGS.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings, indent=2))
    # The debugger's frozen-modules notice would otherwise go to stderr at kernel start.
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def _die_with_parent() -> None:  # pragma: no cover  (runs in the child before exec)
    # Linux: the server gets SIGTERM if the test process dies without cleaning up.
    if sys.platform == "linux":
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _wait_until_up(lab: RunningLab, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        exit_code = lab.process.poll()
        if exit_code is not None:
            raise LabStartupError(
                f"JupyterLab exited with code {exit_code} before answering on {lab.base_url}.\n"
                f"Command: {' '.join(lab.process.args)}\nEnd of its log ({lab.log_path}):\n"
                f"{lab.log_tail()}"
            )
        try:
            lab.api("GET", "/api/status", timeout=2.0)
            # The lab page itself must load too, not only the REST API.
            with urllib.request.urlopen(f"{lab.base_url}/lab?token={lab.token}", timeout=5.0):
                return
        except (urllib.error.URLError, OSError, ValueError) as error:
            last_error = repr(error)
        time.sleep(0.25)
    raise LabStartupError(
        f"JupyterLab did not answer on {lab.base_url} within {timeout:.0f} s "
        f"(last error: {last_error}).\nEnd of its log ({lab.log_path}):\n{lab.log_tail()}"
    )


def stop_server(lab: RunningLab, *, grace: float = 15.0) -> None:
    r"""Shut down the kernels, then the server; kill it if it does not exit in ``grace`` s."""
    if lab.process.poll() is None:
        with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
            lab.shut_down_kernels()
        with contextlib.suppress(ProcessLookupError):
            lab.process.send_signal(signal.SIGTERM)
        try:
            lab.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(lab.process.pid, signal.SIGKILL)
            lab.process.wait(timeout=grace)


@contextlib.contextmanager
def running_jupyterlab(
    root_dir: Path,
    state_dir: Path,
    *,
    startup_timeout: float = 90.0,
    command: list[str] | None = None,
) -> Iterator[RunningLab]:
    r"""Start JupyterLab on ``root_dir``, yield it once it answers, always stop it.

    Parameters
    ----------
    root_dir : pathlib.Path
        Folder the server serves (notebooks are copied there, never served in place).
    state_dir : pathlib.Path
        Folder for the server's settings, workspaces, runtime files and log.
    startup_timeout : float
        Seconds to wait for the server to answer before failing.
    command : list of str, optional
        Command to run in place of :func:`jupyter_lab_command`'s; the port and token
        are still chosen here.

    Raises
    ------
    LabStartupError
        If the server exits or does not answer within ``startup_timeout``; the
        message holds the end of its log.
    """
    port = free_loopback_port()
    token = secrets.token_hex(24)
    command = command or jupyter_lab_command(root_dir=root_dir, port=port, token=token)
    state_dir.mkdir(parents=True, exist_ok=True)
    log_path = state_dir / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=state_dir,
            env=isolated_environment(state_dir),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so a kill reaches anything it started.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    lab = RunningLab(f"http://127.0.0.1:{port}", token, root_dir, log_path, process)
    # Also stop it when the interpreter exits before the ``finally`` below runs.
    atexit.register(stop_server, lab)
    try:
        _wait_until_up(lab, startup_timeout)
        yield lab
    finally:
        stop_server(lab)
        atexit.unregister(stop_server)
