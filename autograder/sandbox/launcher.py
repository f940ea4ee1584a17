r"""Run one notebook's code in its sandbox: start the worker, ask it, end it.

This module is the worker's process life. The frames it exchanges with the worker, each
within a deadline, are :mod:`autograder.sandbox.channel`'s; why a worker stopped is read by
:mod:`autograder.sandbox.exits`.

With ``isolation="bubblewrap"`` (the default, and the only mode ``ce-grade autograde`` uses
unless an instructor opts out) the worker is forked from the lesson view's warm process
(:mod:`autograder.sandbox.warm`) into namespaces of its own: it sees only the lesson's
read-only file view (:mod:`autograder.sandbox.view`), no other process, no network.
``isolation="none"`` runs the worker as a plain child process with no isolation at all, for a
learner checking their own notebook or an instructor grading trusted notebooks; every
report then says so.

Limits: ``RLIMIT_AS`` (memory), ``RLIMIT_CPU``, ``RLIMIT_FSIZE``, a ``pids`` control group
where available, a wall-clock limit on running the cells, on each test and on the whole
notebook, and a cap on what the student may print (everything printed is discarded).

>>> Limits(cells_timeout_s=5.0).test_timeout_s
30.0
"""

import functools
import math
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from numbers import Integral, Real

from autograder.sandbox import warm
from autograder.sandbox.channel import Channel
from autograder.sandbox.exits import SandboxError, classify_exit
from autograder.sandbox.view import built_view
from ce_lib.validation import check_scalar
from ce_sandbox.wire import WireError, encode

__all__ = [
    "BWRAP_MISSING",
    "Limits",
    "Sandbox",
    "SandboxError",
    "bubblewrap_path",
    "classify_exit",
    "self_test",
]

ISOLATIONS = ("bubblewrap", "none")


@dataclass(frozen=True)
class Limits:
    r"""Limits of one sandboxed notebook (every one enforced on the trusted side or by the OS).

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
        CPU seconds the worker may use in all (``RLIMIT_CPU``); ``None`` means
        ``notebook_timeout_s``.
    tmp_mb : int
        Size of the notebook's private ``/tmp`` (and the largest file it may write).
    isolation : str
        ``"bubblewrap"`` or ``"none"`` (no isolation: trusted notebooks only).
    """

    cells_timeout_s: float = 90.0
    test_timeout_s: float = 30.0
    notebook_timeout_s: float = 150.0
    memory_mb: int = 2048
    output_bytes: int = 1_000_000
    cpu_s: float | None = 60.0
    tmp_mb: int = 64
    isolation: str = "bubblewrap"

    def __post_init__(self):
        for name in ("cells_timeout_s", "test_timeout_s", "notebook_timeout_s"):
            check_scalar(getattr(self, name), name, Real, min_val=0, include_boundaries="neither")
        check_scalar(self.memory_mb, "memory_mb", Integral, min_val=256)
        if self.cpu_s is not None:
            check_scalar(self.cpu_s, "cpu_s", Real, min_val=0, include_boundaries="neither")
        check_scalar(self.output_bytes, "output_bytes", Integral, min_val=1)
        check_scalar(self.tmp_mb, "tmp_mb", Integral, min_val=1)
        if self.isolation not in ISOLATIONS:
            raise ValueError(f"isolation: expected one of {ISOLATIONS}, got {self.isolation!r}.")


BWRAP_MISSING = (
    "bubblewrap (bwrap) is not installed or does not work here, so student code cannot be "
    "isolated. Install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: dnf install "
    "bubblewrap) and make sure user namespaces are enabled, or grade trusted notebooks "
    "without isolation with --no-sandbox."
)


@functools.cache
def bubblewrap_path():
    r"""Return the path of a working ``bwrap``, or ``None`` when it is absent or fails here."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = [
        path,
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        "--",
        "/usr/bin/true",
    ]
    try:
        result = subprocess.run(probe, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return path if result.returncode == 0 else None


class Sandbox:
    r"""One sandboxed worker: start it with the cells, then send requests, then close it.

    Parameters
    ----------
    limits : Limits
        The limits and the isolation to use.
    view : autograder.sandbox.view.LessonView
        What the notebook's code may see.

    Examples
    --------
    >>> from autograder.sandbox.view import LessonView
    >>> with Sandbox(Limits(isolation="none"), LessonView("demo", ("numpy",))) as box:
    ...     ready = box.start(["def double(z):\n    return 2 * z"])
    ...     box.request({"op": "call", "name": "double", "cases": [[2.5]]})["answers"][0]
    {'value': array(5.), 'args': [array(2.5)]}
    """

    def __init__(self, limits, view):
        self.limits = limits
        self.view = view
        self.isolation = limits.isolation
        self._built = None
        self._warm = None
        self._own_warm = None
        self._pid = None
        self._process = None
        self._to_worker = None
        self._from_worker = None
        self._output = None
        self._output_bytes = 0
        self._output_exceeded = False
        self._channel = None
        self._exit_code = None
        self._warm_failed = False
        self._drainer = None
        self._finish_lock = threading.Lock()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # --- process life -----------------------------------------------------------------------

    def start(self, cells):
        r"""Start the worker, run ``cells`` and return its ready message.

        Raises
        ------
        SandboxError
            ``kind="start"`` when the sandbox itself cannot start (a grader failure); another
            kind when the student's code stopped it while the cells ran.
        """
        try:
            setup = encode({"cells": list(cells)})
        except WireError:
            # The notebook's own size, not the grader's failure: no worker is started.
            raise SandboxError(
                "protocol", "the notebook's code is too large to run (over 1 MiB of source)"
            ) from None
        try:
            self._built = built_view(self.view)
        except (OSError, ValueError) as error:
            raise SandboxError(
                "start", f"the lesson's sandbox view cannot be built: {error}"
            ) from None
        to_worker_read, to_worker_write = os.pipe()
        from_worker_read, from_worker_write = os.pipe()
        output_read, output_write = os.pipe()
        child_fds = (to_worker_read, from_worker_write, output_write)
        os.set_blocking(to_worker_write, False)
        self._to_worker, self._from_worker = to_worker_write, from_worker_read
        self._output = os.fdopen(output_read, "rb", buffering=0)
        try:
            if self.isolation == "bubblewrap":
                self._start_isolated(child_fds)
            else:
                self._start_unisolated(child_fds)
        except BaseException:
            # No worker, so no draining thread will ever close the output pipe.
            self._output.close()
            self._output = None
            raise
        finally:
            for fd in child_fds:
                os.close(fd)
        self._drainer = threading.Thread(target=self._drain_output, daemon=True)
        self._drainer.start()
        self._channel = Channel(
            to_worker_write,
            from_worker_read,
            deadline=time.monotonic() + self.limits.notebook_timeout_s,
            notebook_timeout_s=self.limits.notebook_timeout_s,
            kill=self._kill_if_running,
            stopped=self._stopped,
            cut=lambda: self._output_exceeded,
        )
        try:
            hello = self._channel.receive(
                min(warm.REQUEST_TIMEOUT_S, self.limits.notebook_timeout_s)
            )
        except SandboxError as error:
            raise SandboxError("start", f"the sandbox could not start ({error})") from None
        if hello.get("op") != "isolated":
            raise SandboxError("start", "the sandbox did not start as expected")
        self._channel.send(setup, self.limits.cells_timeout_s)
        return self._channel.receive(self.limits.cells_timeout_s)

    def _resources(self):
        return {
            "memory_bytes": self.limits.memory_mb * 1024 * 1024,
            "cpu_seconds": max(1, math.ceil(self.limits.cpu_s or self.limits.notebook_timeout_s)),
            "file_bytes": self.limits.tmp_mb * 1024 * 1024,
            "tmp_mb": self.limits.tmp_mb,
        }

    def _start_isolated(self, child_fds):
        bwrap = bubblewrap_path()
        if bwrap is None:
            raise SandboxError("start", BWRAP_MISSING)
        try:
            self._warm = warm.warm_process(self._built, bwrap)
            try:
                self._pid = self._warm.spawn(child_fds, **self._resources())
            except warm.WarmRequestRefused:
                # The shared warm process cannot fork (a notebook graded at the same time holds
                # every process its control group allows): it goes on serving the others, and
                # this notebook gets a warm process, and a control group, of its own.
                self._warm = self._own_warm = warm.WarmProcess(self._built, bwrap)
                self._pid = self._warm.spawn(child_fds, **self._resources())
        except (warm.WarmProcessError, OSError) as error:
            self._end_warm()
            raise SandboxError("start", f"the sandbox could not start: {error}") from None

    def _end_warm(self):
        r"""Stop this notebook's own warm process, or forget a shared one that failed."""
        if self._own_warm is not None:
            self._own_warm.close()
            self._own_warm = None
        elif self._warm is not None:
            warm.discard(self._built, self._warm)
        self._warm = None

    def _start_unisolated(self, child_fds):
        resources = self._resources()
        command = self._built.python_command("ce_sandbox.worker", *map(str, child_fds[:2]))
        # No isolation: the worker sees this environment, with the lesson's ce_lib first.
        command = [command[0], "-I", "-B", "-c", _unisolated_bootstrap(self._built), *command[6:]]

        def limit():
            import resource

            memory = resources["memory_bytes"]
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
            cpu = resources["cpu_seconds"]
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

        try:
            self._process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=child_fds[2],
                stderr=child_fds[2],
                cwd=self._built.folder,
                env={**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"},
                pass_fds=child_fds[:2],
                start_new_session=True,
                preexec_fn=limit,
            )
        except OSError as error:
            raise SandboxError("start", f"the worker could not start: {error}") from None

    def request(self, message):
        r"""Send one request and return the worker's answer (within the test time limit)."""
        self._channel.send(encode(message), self.limits.test_timeout_s)
        return self._channel.receive(self.limits.test_timeout_s)

    def close(self):
        r"""Stop the worker and everything it started."""
        asked = False
        if self._to_worker is not None:
            try:
                os.write(self._to_worker, encode({"op": "stop"}))
                asked = True
            except OSError:  # the worker is gone, or never read and its pipe is full
                pass
        self._finish(kill=not asked)
        for fd in (self._to_worker, self._from_worker):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._to_worker = self._from_worker = None
        if self._drainer is not None:
            # The worker is gone, so its output pipe closes: no thread outlives the sandbox.
            self._drainer.join(timeout=5.0)
            self._drainer = None

    def _finish(self, *, kill):
        r"""End the worker (killing it when ``kill``) and return its exit code.

        Called from the reading thread and from the output-draining thread: the first call
        ends the worker, later ones wait for it and return the same code.
        """
        with self._finish_lock:
            return self._finish_once(kill=kill)

    def _finish_once(self, *, kill):
        if self._exit_code is not None:
            return self._exit_code
        if self._warm is not None and self._pid is not None:
            try:
                code = self._warm.kill(self._pid) if kill else self._warm.wait(self._pid, 5.0)
            except warm.WarmRequestRefused:
                code = 128 + signal.SIGKILL  # this worker only; the warm process is fine
            except warm.WarmProcessError:
                # The warm process itself stopped (and every worker with it): whatever the
                # worker was doing, its end is the grader's failure, not the student's.
                self._end_warm()
                self._warm_failed = True
                code = 128 + signal.SIGKILL
            self._pid = None
            if self._own_warm is not None:
                self._end_warm()
            # The worker's status comes through the intermediate process: 128 + signal.
            code = -(code - 128) if code > 128 else code
        elif self._process is not None:
            process = self._process
            if kill:
                self._kill_group(process)
            try:
                code = process.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                self._kill_group(process)
                code = process.wait()
            self._kill_group(process)
            self._process = None
        else:
            return None
        self._exit_code = code
        return code

    def _kill_if_running(self):
        if self._exit_code is None:
            self._finish(kill=True)

    @staticmethod
    def _kill_group(process):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

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
                    try:
                        self._finish(kill=True)
                    except Exception:  # the reader reports the stop
                        pass
        finally:
            stream.close()

    # --- exit classification ----------------------------------------------------------------

    def _stopped(self):
        code = self._finish(kill=self._output_exceeded)
        if self._warm_failed:
            return SandboxError("start", "the sandbox's warm process stopped during grading")
        if self._output_exceeded:
            return SandboxError(
                "output", f"the notebook printed more than {self.limits.output_bytes} bytes"
            )
        return classify_exit(code)


def _unisolated_bootstrap(built):
    lib = built.local_pythonpath()[0]
    return f"import sys; sys.path.insert(0, {lib!r}); from ce_sandbox.worker import main; main()"


def self_test(view, limits=None):
    r"""Run a known notebook in ``view``'s sandbox; raise :class:`SandboxError` if it fails.

    Run before a class is graded, so that a sandbox that cannot work here stops the run
    instead of turning every notebook into a zero.
    """
    limits = limits or Limits()
    cells = ["import numpy as np\n\ndef _self_test(z):\n    return np.asarray(z) * 2.0"]
    with Sandbox(limits, view) as box:
        ready = box.start(cells)
        if ready.get("cell_errors"):
            raise SandboxError("start", f"the sandbox self-test failed: {ready['cell_errors']}")
        answer = box.request({"op": "call", "name": "_self_test", "cases": [[1.5]]})
    value = (answer.get("answers") or [{}])[0].get("value")
    if value is None or float(value) != 3.0:
        raise SandboxError("start", "the sandbox self-test gave a wrong answer")
