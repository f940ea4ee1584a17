r"""Start the sandbox worker under bubblewrap (or resource limits) and talk to it.

The worker runs in a fresh temporary working directory with

- ``bubblewrap`` when it is installed and works: the root file system read-only, an empty
  ``/tmp``, empty folders over the course's private files (``solutions/``, the gradebook, the
  secret, submissions, outputs), no network, its own process namespace, killed with its parent;
- otherwise the ``rlimit`` fallback: a new session, the same working directory, and the
  worker's audit hook refusing the hidden paths.

Both apply ``RLIMIT_AS`` (memory), ``RLIMIT_CPU`` and ``RLIMIT_CORE``, a wall-clock limit on
running the cells and on each test, and a cap on what the student may print (everything
printed is discarded). The whole process group is killed when the sandbox closes.

>>> limits = Limits(cells_timeout_s=5.0)
>>> limits.test_timeout_s
10.0
"""

import functools
import math
import os
import resource
import selectors
import shutil
import signal
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
        a busy machine, this one does not. Defaults to ``notebook_timeout_s``.
    hidden_paths : tuple of str
        Further paths the worker must not see (added to the course's private files).
    isolation : str
        ``"auto"`` (bubblewrap when it works, else ``"rlimit"``), ``"bubblewrap"`` or
        ``"rlimit"``.
    """

    cells_timeout_s: float = 30.0
    test_timeout_s: float = 10.0
    notebook_timeout_s: float = 90.0
    memory_mb: int = 2048
    output_bytes: int = 1_000_000
    cpu_s: float | None = None
    hidden_paths: tuple = ()
    isolation: str = "auto"

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
        self._process = None
        self._workdir = None
        self._from_worker = None
        self._output_bytes = 0
        self._output_exceeded = False
        self._deadline = None

    # --- lifecycle --------------------------------------------------------------------------

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _command(self, to_worker_read, from_worker_write):
        python = sys.executable
        worker = [python, "-I", "-B", "-m", "autograder.sandbox.worker"]
        worker += [str(to_worker_read), str(from_worker_write)]
        wanted = self.limits.isolation
        bwrap = bubblewrap_path() if wanted in ("auto", "bubblewrap") else None
        if wanted == "bubblewrap" and bwrap is None:
            raise SandboxError("start", "bubblewrap was asked for but does not work here")
        if bwrap is None:
            self.isolation = "rlimit"
            return worker, str(self._workdir)
        self.isolation = "bubblewrap"
        command = [bwrap, *_BWRAP_BASE]
        for path in self.hidden_paths:
            if path == "/tmp" or path.startswith("/tmp/") or not os.path.lexists(path):
                continue  # /tmp is already an empty tmpfs inside the sandbox
            if os.path.isdir(path):
                command += ["--tmpfs", path]
            else:
                command += ["--ro-bind", "/dev/null", path]
        command += ["--bind", str(self._workdir), SANDBOX_WORKDIR, "--chdir", SANDBOX_WORKDIR]
        # The package must stay importable even when it was installed from under /tmp.
        package_root = str(Path(__file__).resolve().parents[2])
        if package_root == "/tmp" or package_root.startswith("/tmp/"):
            command += ["--ro-bind", package_root, package_root]
        command += ["--", *worker]
        return command, SANDBOX_WORKDIR

    def start(self, cells, forbidden):
        r"""Start the worker, run ``cells`` and return its ready message.

        Raises
        ------
        SandboxError
            When the worker cannot start or stops while running the cells.
        """
        self._workdir = Path(tempfile.mkdtemp(prefix="ce-grade-work-"))
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        command, home = self._command(to_worker_read, from_worker_write)
        environment = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "LANG": "C.UTF-8",
            "MPLBACKEND": "Agg",
            "OPENBLAS_NUM_THREADS": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
        }
        memory = self.limits.memory_mb * 1024 * 1024
        cpu = max(1, math.ceil(self.limits.cpu_s or self.limits.notebook_timeout_s))
        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                cwd=str(self._workdir),
                env=environment,
                pass_fds=(to_worker_read, from_worker_write),
                start_new_session=True,
                preexec_fn=_limit_resources(memory, cpu),
            )
        except OSError as error:
            for fd in (to_worker_read, to_worker_write, from_worker_read, from_worker_write):
                os.close(fd)
            raise SandboxError("start", f"the sandbox could not start: {error}") from None
        os.close(to_worker_read)
        os.close(from_worker_write)
        self._to_worker = to_worker_write
        self._from_worker = from_worker_read
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

    def request(self, message):
        r"""Send one request and return the worker's answer (within the test time limit)."""
        self._send(message)
        return self._receive(self.limits.test_timeout_s)

    def close(self):
        r"""Stop the worker and everything it started, and remove its working directory."""
        process = self._process
        if process is not None:
            if process.poll() is None:
                try:
                    os.write(self._to_worker, encode({"op": "stop"}))
                    process.wait(timeout=0.5)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
            for fd in (self._to_worker, self._from_worker):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._process = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # --- plumbing ---------------------------------------------------------------------------

    def _drain_output(self):
        stream = self._process.stdout
        while True:
            chunk = stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536)
            if not chunk:
                return
            self._output_bytes += len(chunk)
            if self._output_bytes > self.limits.output_bytes and not self._output_exceeded:
                self._output_exceeded = True
                try:
                    os.killpg(self._process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    def _send(self, message):
        data = encode(message)
        try:
            view = memoryview(data)
            while view:
                written = os.write(self._to_worker, view)
                view = view[written:]
        except (BrokenPipeError, OSError):
            raise self._stopped() from None

    def _receive(self, timeout):
        deadline = min(time.monotonic() + timeout, self._deadline)
        selector = selectors.DefaultSelector()
        selector.register(self._from_worker, selectors.EVENT_READ)
        buffer = bytearray()

        def read_exactly(count):
            while len(buffer) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    if time.monotonic() >= deadline:
                        raise SandboxError("timeout", self._timeout_message(timeout))
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
            if error.kind == "timeout":
                self._kill()
            raise
        except WireError as error:
            self._kill()
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

    def _kill(self):
        if self._process is not None:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def _stopped(self):
        process = self._process
        try:
            code = process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
            code = process.wait()
        if self._output_exceeded:
            return SandboxError(
                "output", f"the notebook printed more than {self.limits.output_bytes} bytes"
            )
        if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
            return SandboxError("timeout", "the notebook used more CPU time than its limit allows")
        if code in (-signal.SIGKILL, 137):
            return SandboxError(
                "memory", "the notebook's process was killed (memory limit or a forced stop)"
            )
        if code is not None and code >= 0:
            return SandboxError(
                "exit", f"the notebook's process exited (exit status {code}) before grading ended"
            )
        return SandboxError("crash", f"the notebook's process crashed (signal {-code})")
