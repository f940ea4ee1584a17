r"""The test server fails fast and clearly when JupyterLab does not come up, and always stops."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .lab_server import (
    LAB_USER_SETTINGS,
    LabStartupError,
    isolated_environment,
    jupyter_lab_command,
    running_jupyterlab,
)


def test_server_that_exits_is_reported_with_its_exit_code_and_log(tmp_path):
    command = [sys.executable, "-c", "import sys; print('cannot start'); sys.exit(3)"]
    with pytest.raises(LabStartupError, match=r"exited with code 3(.|\n)*cannot start"):
        with running_jupyterlab(tmp_path, tmp_path / "state", command=command):
            pass


@pytest.mark.slow
@pytest.mark.serial
def test_server_that_never_answers_times_out_and_is_stopped(tmp_path):
    started = []
    # The comment makes the command line unique, to find the process afterwards.
    command = [sys.executable, "-c", f"import time; time.sleep(600)  # {tmp_path}"]
    with pytest.raises(LabStartupError, match=r"did not answer .* within 2 s"):
        with running_jupyterlab(
            tmp_path, tmp_path / "state", startup_timeout=2.0, command=command
        ) as lab:
            started.append(lab)
    assert not started
    # The process was stopped: nothing with its command line is left running.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running(command):
        time.sleep(0.1)
    assert not _running(command)


@pytest.mark.slow
def test_real_jupyterlab_on_a_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(LabStartupError, match="JupyterLab exited with code"):
        with running_jupyterlab(tmp_path / "no-such-folder", tmp_path / "state"):
            pass


def test_command_serves_loopback_with_a_token_and_no_news(tmp_path):
    command = jupyter_lab_command(root_dir=tmp_path, port=8899, token="abc")
    assert "--ServerApp.ip=127.0.0.1" in command
    assert "--IdentityProvider.token=abc" in command
    assert "--LabApp.news_url=None" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)


def test_environment_keeps_user_state_out_of_home_and_drops_mplbackend(tmp_path, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    env = isolated_environment(tmp_path)
    assert "MPLBACKEND" not in env
    for variable in ("JUPYTER_CONFIG_DIR", "JUPYTERLAB_SETTINGS_DIR", "JUPYTER_RUNTIME_DIR"):
        assert env[variable].startswith(str(tmp_path))
    for relative in LAB_USER_SETTINGS:
        assert (tmp_path / "lab-settings" / relative).is_file()


def _running(command: list[str]) -> bool:
    wanted = "\0".join(command[1:]).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                if wanted in handle.read():
                    return True
        except OSError:
            continue
    return False


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux-only")
def test_server_is_stopped_when_the_test_process_is_killed(tmp_path):
    # A test process that starts a (never answering) server, then is killed outright.
    script = f"""
import sys
from pathlib import Path
sys.path.insert(0, {str(Path(__file__).parents[1])!r})
from browser.lab_server import running_jupyterlab
server = [sys.executable, "-c", "import os, time; print(os.getpid(), flush=True); time.sleep(600)"]
with running_jupyterlab(Path({str(tmp_path)!r}), Path({str(tmp_path / "state")!r}),
                        startup_timeout=600, command=server):
    pass
"""
    test_process = subprocess.Popen([sys.executable, "-c", script])
    log = tmp_path / "state" / "jupyterlab.log"
    server_pid = _wait_for_value(lambda: log.read_text().strip() if log.is_file() else "")
    os.kill(test_process.pid, signal.SIGKILL)
    test_process.wait(timeout=10)
    try:
        _wait_for_value(lambda: not _alive(server_pid))
    except AssertionError:
        os.kill(int(server_pid), signal.SIGKILL)  # leave nothing behind, then fail
        raise AssertionError(f"server {server_pid} outlived the killed test process") from None


def _wait_for_value(read, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def _alive(pid: str) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie has exited and only waits to be reaped
