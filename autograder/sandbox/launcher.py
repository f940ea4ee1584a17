r"""Start the sandbox worker under bubblewrap (or resource limits) and talk to it.

The worker runs in a fresh temporary working directory with

- ``bubblewrap`` when it is installed and works: the root file system read-only, an empty
  ``/tmp``, empty folders over the course's private files (``solutions/``, the gradebook, the
  secret, submissions, outputs), no network, its own process namespace, no capabilities (so
  those folders cannot be unmounted), killed with its parent;
- otherwise the ``rlimit`` fallback: a new session, the same working directory, and the
  worker's audit hook refusing the hidden paths.

Both apply ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` and ``RLIMIT_CORE``, a wall-clock limit on
running the cells and on each test, and a cap on what the student may print (everything
printed is discarded). The whole process group is killed when the sandbox closes.

>>> limits = Limits(cells_timeout_s=5.0)
>>> limits.test_timeout_s
30.0
"""

import atexit
import functools
import json
import math
import os
import resource
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.wire import WireError, encode, read_frame


@dataclass(frozen=True)
class Limits:
    r"""Limits of one sandboxed notebook.

    Parameters
    ----------
    cells_timeout_s : float
        Wall-clock seconds to run all of the student's cells.
    test_timeout_s : float
        Wall-clock seconds to answer one test (all its cases).
    notebook_timeout_s : float
        Wall-clock seconds for the whole notebook, cells and tests together.
    memory_mb : int
        Address-space limit of the worker in MiB.
    output_bytes : int
        How much the student may print before the sandbox is stopped.
    cpu_s : float, optional
        CPU seconds the worker may use in all (``RLIMIT_CPU``); wall-clock limits stretch on
        a busy machine, this one does not, so it is what stops an endless loop in practice.
        ``None`` means ``notebook_timeout_s``.
    hidden_paths : tuple of str
        Further paths the worker must not see (added to the course's private files).
    isolation : str
        ``"auto"`` (bubblewrap when it works, else ``"rlimit"``), ``"bubblewrap"`` or
        ``"rlimit"``.
    warm_start : bool
        Fork workers from a warm, equally isolated process that has imported NumPy,
        Matplotlib and SymPy once (:mod:`autograder.sandbox.zygote`), instead of starting
        Python for every notebook.
    """

    cells_timeout_s: float = 90.0
    test_timeout_s: float = 30.0
    notebook_timeout_s: float = 150.0
    memory_mb: int = 2048
    output_bytes: int = 1_000_000
    cpu_s: float | None = 60.0
    hidden_paths: tuple = ()
    isolation: str = "auto"
    warm_start: bool = True

    def __post_init__(self):
        for name in ("cells_timeout_s", "test_timeout_s", "notebook_timeout_s"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, got {value!r}")
        if not (isinstance(self.memory_mb, int) and self.memory_mb >= 256):
            raise ValueError(f"memory_mb must be an integer >= 256, got {self.memory_mb!r}")
        if self.cpu_s is not None and not (isinstance(self.cpu_s, int | float) and self.cpu_s > 0):
            raise ValueError(f"cpu_s must be a positive number of seconds, got {self.cpu_s!r}")
        if not (isinstance(self.output_bytes, int) and self.output_bytes > 0):
            raise ValueError(f"output_bytes must be a positive integer, got {self.output_bytes!r}")
        if self.isolation not in ("auto", "bubblewrap", "rlimit"):
            raise ValueError(
                f"isolation must be 'auto', 'bubblewrap' or 'rlimit', got {self.isolation!r}"
            )


class SandboxError(RuntimeError):
    r"""The sandbox stopped before answering; ``kind`` says why in one word.

    ``kind`` is one of ``"timeout"``, ``"memory"``, ``"output"``, ``"exit"``, ``"crash"``,
    ``"protocol"`` or ``"start"``.
    """

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind


@functools.cache
def bubblewrap_path():
    r"""Return the path of a working ``bwrap``, or ``None`` when it is absent or fails here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    try:
        probe = subprocess.run(
            [path, *_BWRAP_BASE, "--", "/bin/true"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if probe.returncode == 0 else None


_BWRAP_BASE = (
    "--ro-bind", "/", "/",
    "--dev", "/dev",
    "--proc", "/proc",
    "--tmpfs", "/tmp",
    "--unshare-net",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--die-with-parent",
    "--new-session",
    "--cap-drop", "ALL",
)  # fmt: skip

SANDBOX_WORKDIR = "/tmp/work"


def private_course_paths(course_root):
    r"""Return the course's private paths the worker must never see."""
    if course_root is None:
        return []
    root = Path(course_root)
    names = (
        "solutions",
        "source",
        ".git",
        "gradebook.db",
        "gradebook.db-journal",
        ".ce_grade_secret",
        "submitted",
        "autograded",
        "feedback",
        "release",
        "out",
    )
    return [str(root / name) for name in names]


def _limit_resources(memory_bytes, cpu_seconds):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _environment(home):
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": home,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }


def _isolation_prefix(isolation, hidden_paths, workdir=None):
    r"""Return the command prefix that isolates a process (empty for the rlimit fallback)."""
    if isolation == "rlimit":
        return []
    command = [bubblewrap_path(), *_BWRAP_BASE]
    for path in hidden_paths:
        if path == "/tmp" or path.startswith("/tmp/") or not os.path.lexists(path):
            continue  # /tmp is already an empty tmpfs inside the sandbox
        if os.path.isdir(path):
            command += ["--tmpfs", path]
        else:
            command += ["--ro-bind", "/dev/null", path]
    if workdir is not None:
        command += ["--bind", str(workdir), SANDBOX_WORKDIR, "--chdir", SANDBOX_WORKDIR]
    # The package must stay importable even when it was installed from under /tmp.
    package_root = str(Path(__file__).resolve().parents[2])
    if package_root == "/tmp" or package_root.startswith("/tmp/"):
        command += ["--ro-bind", package_root, package_root]
    return [*command, "--"]


def _choose_isolation(wanted):
    if wanted == "rlimit":
        return "rlimit"
    if bubblewrap_path() is not None:
        return "bubblewrap"
    if wanted == "bubblewrap":
        raise SandboxError("start", "bubblewrap was asked for but does not work here")
    return "rlimit"


#: Modules the warm process imports once for every worker it forks.
WARM_MODULES = ("numpy", "matplotlib.pyplot", "ce_lib", "ce_lib.plots", "sympy")


class _Zygote:
    r"""The trusted side's handle on one warm process (see :mod:`autograder.sandbox.zygote`)."""

    def __init__(self, isolation, hidden_paths):
        self.isolation = isolation
        self.owner = os.getpid()
        self._lock = threading.Lock()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._socket = ours
        command = _isolation_prefix(isolation, hidden_paths)
        command += [sys.executable, "-I", "-B", "-m", "autograder.sandbox.zygote"]
        command += [str(theirs.fileno()), *WARM_MODULES]
        self._home = tempfile.mkdtemp(prefix="ce-grade-warm-")
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                cwd=self._home,
                env=_environment("/tmp" if isolation == "bubblewrap" else self._home),
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
            )
        finally:
            theirs.close()

    def alive(self):
        return self._process.poll() is None

    def _ask(self, message, fds=()):
        with self._lock:
            try:
                socket.send_fds(self._socket, [json.dumps(message).encode()], list(fds))
                reply = self._socket.recv(65536)
            except OSError as error:
                raise SandboxError("start", f"the warm process stopped ({error})") from None
        if not reply:
            raise SandboxError("start", "the warm process stopped")
        answer = json.loads(reply)
        if "error" in answer:
            raise SandboxError("start", answer["error"])
        return answer

    def spawn(self, fds, memory_bytes, cpu_seconds):
        request = {"op": "spawn", "memory_bytes": memory_bytes, "cpu_seconds": cpu_seconds}
        return self._ask(request, fds)["pid"]

    def wait(self, pid, timeout=5.0):
        return self._ask({"op": "wait", "pid": pid, "timeout": timeout})["code"]

    def kill(self, pid):
        return self._ask({"op": "kill", "pid": pid})["code"]

    def close(self):
        self._socket.close()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait()
        shutil.rmtree(self._home, ignore_errors=True)


_zygotes = {}
_zygotes_lock = threading.Lock()
#: Warm processes kept per grading process (one per set of hidden paths, most recent first).
MAX_WARM_PROCESSES = 2


def _zygote_for(isolation, hidden_paths):
    key = (isolation, tuple(sorted(hidden_paths)))
    retired = []
    with _zygotes_lock:
        zygote = _zygotes.pop(key, None)
        # A process forked from this one (a worker pool) starts its own warm process.
        if zygote is None or zygote.owner != os.getpid() or not zygote.alive():
            zygote = _Zygote(isolation, hidden_paths)
        _zygotes[key] = zygote
        while len(_zygotes) > MAX_WARM_PROCESSES:
            retired.append(_zygotes.pop(next(iter(_zygotes))))
    for old in retired:
        if old.owner == os.getpid():
            old.close()
    return zygote


def shutdown_warm_processes():
    r"""Stop every warm process of this grading process (also done at exit)."""
    with _zygotes_lock:
        zygotes = [zygote for zygote in _zygotes.values() if zygote.owner == os.getpid()]
        _zygotes.clear()
    for zygote in zygotes:
        zygote.close()


atexit.register(shutdown_warm_processes)


class Sandbox:
    r"""One sandboxed worker: start it with the cells, then send requests, then close it.

    Parameters
    ----------
    limits : Limits
        The limits and the isolation to use.
    hidden_paths : list of str
        Paths the worker must not see (the course's private files, submissions, outputs).

    Examples
    --------
    >>> with Sandbox(Limits(isolation="rlimit"), []) as box:
    ...     ready = box.start(["def double(z):\n    return 2 * z"], {})
    ...     box.request({"op": "call", "name": "double", "cases": [[2.5]]})["answers"][0]
    {'value': array(5.)}
    """

    def __init__(self, limits, hidden_paths):
        self.limits = limits
        self.hidden_paths = [str(path) for path in hidden_paths]
        self.isolation = None
        self.warm = False
        self._process = None
        self._zygote = None
        self._pid = None
        self._workdir = None
        self._to_worker = None
        self._from_worker = None
        self._output = None
        self._output_bytes = 0
        self._output_exceeded = False
        self._deadline = None
        self._exit_code = None

    # --- lifecycle --------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    @property
    def workdir(self):
        r"""The worker's working directory as this process sees it (None before start)."""
        return self._workdir

    def start(self, cells, forbidden):
        r"""Start the worker, run ``cells`` and return its ready message.

        Raises
        ------
        SandboxError
            When the worker cannot start or stops while running the cells.
        """
        self.isolation = _choose_isolation(self.limits.isolation)
        memory = self.limits.memory_mb * 1024 * 1024
        cpu = max(1, math.ceil(self.limits.cpu_s or self.limits.notebook_timeout_s))
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        output_read, output_write = os.pipe()
        child_fds = (to_worker_read, from_worker_write, output_write)
        self._to_worker, self._from_worker = to_worker_write, from_worker_read
        self._output = os.fdopen(output_read, "rb", buffering=0)
        try:
            if self.limits.warm_start:
                try:
                    self._start_warm(child_fds, memory, cpu)
                except (SandboxError, OSError):
                    self._zygote = None  # fall back to a cold start below
            if self._zygote is None:
                self._start_cold(child_fds, memory, cpu)
        finally:
            for fd in child_fds:
                os.close(fd)
        threading.Thread(target=self._drain_output, daemon=True).start()
        self._deadline = time.monotonic() + self.limits.notebook_timeout_s
        setup = {
            "cells": list(cells),
            "forbidden": {
                "functions": list(forbidden.get("functions", ())),
                "modules": list(forbidden.get("modules", ())),
            },
            "hidden_paths": self.hidden_paths,
        }
        self._send(setup)
        return self._receive(self.limits.cells_timeout_s)

    def _start_warm(self, child_fds, memory, cpu):
        zygote = _zygote_for(self.isolation, self.hidden_paths)
        self._pid = zygote.spawn(child_fds, memory, cpu)
        self._zygote = zygote
        self.warm = True

    def _start_cold(self, child_fds, memory, cpu):
        self._workdir = Path(tempfile.mkdtemp(prefix="ce-grade-work-"))
        bind = self._workdir if self.isolation == "bubblewrap" else None
        command = _isolation_prefix(self.isolation, self.hidden_paths, bind)
        command += [sys.executable, "-I", "-B", "-m", "autograder.sandbox.worker"]
        command += [str(child_fds[0]), str(child_fds[1])]
        home = SANDBOX_WORKDIR if bind is not None else str(self._workdir)
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=child_fds[2],
                stderr=child_fds[2],
                cwd=str(self._workdir),
                env=_environment(home),
                pass_fds=child_fds[:2],
                start_new_session=True,
                preexec_fn=_limit_resources(memory, cpu),
            )
        except OSError as error:
            raise SandboxError("start", f"the sandbox could not start: {error}") from None

    def request(self, message):
        r"""Send one request and return the worker's answer (within the test time limit)."""
        self._send(message)
        return self._receive(self.limits.test_timeout_s)

    def close(self):
        r"""Stop the worker and everything it started, and remove its working directory."""
        if self._to_worker is not None:
            try:
                os.write(self._to_worker, encode({"op": "stop"}))
            except OSError:
                pass
        self._finish(kill=False)
        for fd in (self._to_worker, self._from_worker):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_worker = self._from_worker = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def _finish(self, *, kill):
        r"""End the worker (killing it when ``kill``) and return its exit code."""
        if self._exit_code is not None:
            return self._exit_code
        if self._zygote is not None and self._pid is not None:
            try:
                code = self._zygote.kill(self._pid) if kill else self._zygote.wait(self._pid, 2.0)
            except SandboxError:
                code = -signal.SIGKILL
            self._pid = None
        elif self._process is not None:
            process = self._process
            if kill:
                self._kill_cold()
            try:
                code = process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                self._kill_cold()
                code = process.wait()
            self._kill_cold()  # whatever the worker left in its session
            self._process = None
        else:
            return None
        self._exit_code = code
        return code

    def _kill_cold(self):
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    # --- plumbing ---------------------------------------------------------------------------

    def _drain_output(self):
        stream = self._output
        try:
            while True:
                chunk = stream.read(65536)
                if not chunk:
                    return
                self._output_bytes += len(chunk)
                if self._output_bytes > self.limits.output_bytes and not self._output_exceeded:
                    self._output_exceeded = True
                    # Closing our end of the protocol makes the trusted side stop waiting.
                    self._stop_for_output()
        finally:
            stream.close()

    def _stop_for_output(self):
        if self._zygote is not None and self._pid is not None:
            try:
                self._finish(kill=True)
            except Exception:  # noqa: BLE001, S110 - the reader reports the stop
                pass
        elif self._process is not None:
            self._kill_cold()

    def _send(self, message):
        data = encode(message)
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._to_worker, view)
                view = view[written:]
        except OSError:
            raise self._stopped() from None

    def _receive(self, timeout):
        deadline = min(time.monotonic() + timeout, self._deadline)
        selector = selectors.DefaultSelector()
        selector.register(self._from_worker, selectors.EVENT_READ)
        buffer = bytearray()

        def read_exactly(count):
            while len(buffer) < count:
                remaining = deadline - time.monotonic()
                if self._output_exceeded:
                    raise self._stopped()
                if remaining <= 0:
                    raise SandboxError("timeout", self._timeout_message(timeout))
                if not selector.select(min(remaining, 0.25)):
                    continue
                chunk = os.read(self._from_worker, 1 << 20)
                if not chunk:
                    raise self._stopped()
                buffer.extend(chunk)
            data = bytes(buffer[:count])
            del buffer[:count]
            return data

        try:
            return read_frame(read_exactly)
        except SandboxError as error:
            if error.kind == "timeout" and self._exit_code is None:
                self._finish(kill=True)
            raise
        except WireError as error:
            self._finish(kill=True)
            raise SandboxError(
                "protocol",
                f"the notebook's process sent something that is not plain data ({error})",
            ) from None
        finally:
            selector.close()

    def _timeout_message(self, timeout):
        if time.monotonic() >= self._deadline:
            return f"the notebook ran longer than its {self.limits.notebook_timeout_s:g} s limit"
        return f"the code ran longer than the {timeout:g} s limit"

    def _stopped(self):
        code = self._finish(kill=self._output_exceeded)
        if self._output_exceeded:
            return SandboxError(
                "output", f"the notebook printed more than {self.limits.output_bytes} bytes"
            )
        if code is not None and code > 128 and self._zygote is None:
            code = -(code - 128)  # bubblewrap reports a signal as 128 + its number
        if code == -signal.SIGXCPU:
            return SandboxError("timeout", "the notebook used more CPU time than its limit allows")
        if code == -signal.SIGKILL:
            return SandboxError(
                "memory", "the notebook's process was killed (memory limit or a forced stop)"
            )
        if code is not None and code >= 0:
            # No exit status or signal number in the message: the student's code chooses them
            # and could spell out something it saw.
            return SandboxError("exit", "the notebook's process exited before grading ended")
        return SandboxError("crash", "the notebook's process crashed")
