r"""The trusted side's handle on a warm process: one per lesson view and grading process.

The warm process (:mod:`ce_sandbox.zygote`) runs under bubblewrap in the lesson's file view
(:mod:`autograder.sandbox.view`) and forks one isolated worker per notebook. This module
starts it, waits for it to say it is ready (every wait has a deadline), asks it to spawn, wait
for and kill workers, and puts it in a ``pids`` control group so that a fork bomb in one
notebook cannot exhaust the machine. Each notebook's processes also get control groups of
their own (:class:`NotebookGroup`), so that together they cannot take the processes or the
memory of a notebook graded at the same time.

bubblewrap's ``--die-with-parent`` ties the sandbox to the *thread* that started it, so a warm
process is started from the main thread, or else from one long-lived thread of this process.
"""

import atexit
import concurrent.futures
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

#: How long a warm process may take to import its modules and say it is ready.
READY_TIMEOUT_S = 60.0
#: How long one request to a warm process may take (spawn, wait, kill).
REQUEST_TIMEOUT_S = 20.0
#: Processes the notebooks of one warm process may have at once (the warm process included).
PIDS_MAX = 128
#: Processes one notebook may have at once: a fork bomb leaves the rest of ``PIDS_MAX``.
PROCESSES_PER_NOTEBOOK = 64
#: Memory a notebook's processes may use together beyond its address-space limit and its
#: ``/tmp`` (``/dev/shm`` and the kernel's own memory for them).
MEMORY_HEADROOM_BYTES = 96 * 1024 * 1024


class WarmProcessError(RuntimeError):
    r"""The warm process could not start or stopped answering: a grader failure."""


class WarmRequestRefused(WarmProcessError):
    r"""The warm process answered, but refused one request (an unknown worker, say)."""


_counter = itertools.count()
_spawners = {}
_spawners_lock = threading.Lock()


def _spawner():
    # One long-lived thread per process starts every sandbox (see the module docstring).
    with _spawners_lock:
        executor = _spawners.get(os.getpid())
        if executor is None:
            executor = concurrent.futures.ThreadPoolExecutor(1, "ce-grade-sandbox-starter")
            _spawners[os.getpid()] = executor
        return executor


class PidsGroup:
    r"""A ``pids`` control group (cgroup v1 or v2) limiting the processes of one sandbox.

    ``available`` is False where this process may not create one (not root, no ``pids``
    controller): processes are then not limited in number, though every one still ends with
    its notebook (the notebook's PID namespace dies with its first process).
    """

    def __init__(self, pids_max=PIDS_MAX):
        self.path = None
        for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
            if not (root / "cgroup.procs").exists():
                continue
            if root.name != "pids" and "pids" not in _read(root / "cgroup.subtree_control"):
                continue
            path = root / "ce-grade" / f"{os.getpid()}-{next(_counter)}"
            try:
                path.mkdir(parents=True, exist_ok=True)
                (path / "pids.max").write_text(str(pids_max))
            except OSError:
                try:
                    path.rmdir()
                except OSError:
                    pass
                continue
            self.path = path
            break

    @property
    def available(self):
        return self.path is not None

    def join(self):
        r"""Move the calling process into the group (called between fork and exec)."""
        if self.path is not None:
            with open(self.path / "cgroup.procs", "w") as procs:
                procs.write(str(os.getpid()))

    def remove(self):
        if self.path is None:
            return
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.02)


def _read(path):
    try:
        return path.read_text()
    except OSError:
        return ""


def _own_group(controller):
    r"""Return the folder of this process's cgroup v1 group of ``controller``, or None."""
    root = Path("/sys/fs/cgroup") / controller
    if not (root / "cgroup.procs").exists():
        return None
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = [*line.split(":", 2), "", ""][:3]
        if controller in controllers.split(","):
            folder = root / path.lstrip("/")
            return folder if (folder / "cgroup.procs").exists() else None
    return None


class NotebookGroup:
    r"""The control groups of one notebook: limits on all of its processes together.

    ``RLIMIT_AS`` and ``RLIMIT_CPU`` bound each process, and a notebook may fork: here its
    processes together may be at most ``processes`` (a ``pids`` group inside the warm
    process's), use at most ``memory_bytes`` (a ``memory`` group inside this process's own)
    and share one CPU weight (a ``cpu`` group inside this process's own), so that a fork bomb,
    many large processes or many busy ones leave a notebook graded at the same time what it
    needs. This process creates the groups and opens their ``cgroup.procs``; the notebook's
    first process, forked by the warm process, joins them through those files before
    anything else runs. Where a group cannot be made (cgroup v2, no permission) the notebook
    goes without it.
    """

    def __init__(self, pids_parent, *, memory_bytes, processes):
        name = f"nb-{os.getpid()}-{next(_counter)}"
        wanted = []
        if pids_parent is not None:
            wanted.append(("pids", pids_parent / name, [("pids.max", processes)]))
        memory = _own_group("memory")
        if memory is not None:
            limits = [("memory.limit_in_bytes", memory_bytes)]
            if (memory / "memory.memsw.limit_in_bytes").exists():
                limits.append(("memory.memsw.limit_in_bytes", memory_bytes))
            wanted.append(("memory", memory / f"ce-grade-{name}", limits))
        cpu = _own_group("cpu")
        if cpu is not None:
            # The notebook's processes share one weight, however many sessions they make.
            wanted.append(("cpu", cpu / f"ce-grade-{name}", []))
        self.controllers, self.paths, self.fds = [], [], []
        for controller, path, settings in wanted:
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                for key, value in settings:
                    (path / key).write_text(str(int(value)))
                fd = os.open(path / "cgroup.procs", os.O_WRONLY | os.O_CLOEXEC)
            except OSError:
                _rmdir(path)
                continue
            self.controllers.append(controller)
            self.paths.append(path)
            self.fds.append(fd)

    def close_fds(self):
        r"""Close this process's copies of the ``cgroup.procs`` files (once sent)."""
        for fd in self.fds:
            os.close(fd)
        self.fds = []

    def remove(self):
        r"""Remove the groups (their processes have ended, or end within a moment)."""
        self.close_fds()
        for path in self.paths:
            _rmdir(path)
        self.paths = []


def _rmdir(path, attempts=100):
    for _ in range(attempts):
        try:
            path.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


class WarmProcess:
    r"""A warm process serving one lesson view.

    Parameters
    ----------
    built : autograder.sandbox.view.BuiltView
        The lesson's view.
    bwrap : str
        Path of a working ``bwrap``.
    """

    def __init__(self, built, bwrap):
        self.built = built
        self.owner = os.getpid()
        self._lock = threading.Lock()
        self._groups = {}
        self.pids = PidsGroup()
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        ours.settimeout(REQUEST_TIMEOUT_S)
        self._socket = ours
        command = [bwrap, *built.bwrap_args(), "--"]
        command += built.python_command(
            "ce_sandbox.zygote", str(theirs.fileno()), *built.view.warm_modules()
        )
        try:
            if threading.current_thread() is threading.main_thread():
                self._process = self._popen(command, theirs)
            else:
                self._process = _spawner().submit(self._popen, command, theirs).result()
        finally:
            theirs.close()
        self._await_ready()

    def _popen(self, command, theirs):
        return subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            start_new_session=True,
            preexec_fn=self.pids.join,  # only writes our pid to the cgroup
        )

    def _await_ready(self):
        self._socket.settimeout(READY_TIMEOUT_S)
        try:
            reply = self._socket.recv(65536)
        except OSError as error:
            self.close()
            raise WarmProcessError(f"the sandbox did not start ({error})") from None
        finally:
            self._socket.settimeout(REQUEST_TIMEOUT_S)
        if not reply:
            self.close()
            raise WarmProcessError("the sandbox did not start (it exited at once)")
        answer = json.loads(reply)
        if not answer.get("ready"):
            self.close()
            failed = "; ".join(answer.get("failed") or [])
            raise WarmProcessError(f"the sandbox could not import what the lesson needs: {failed}")

    def alive(self):
        return self._process.poll() is None

    def _ask(self, message, fds=()):
        with self._lock:
            try:
                socket.send_fds(self._socket, [json.dumps(message).encode()], list(fds))
                reply = self._socket.recv(65536)
            except OSError as error:
                raise WarmProcessError(f"the sandbox stopped answering ({error})") from None
        if not reply:
            raise WarmProcessError("the sandbox stopped")
        answer = json.loads(reply)
        if "error" in answer:
            raise WarmRequestRefused(answer["error"])
        return answer

    def spawn(self, fds, *, memory_bytes, cpu_seconds, file_bytes, tmp_mb):
        r"""Fork an isolated worker holding ``fds``; return its id in the warm process."""
        request = {
            "op": "spawn",
            "memory_bytes": memory_bytes,
            "cpu_seconds": cpu_seconds,
            "file_bytes": file_bytes,
            "tmp_mb": tmp_mb,
        }
        group = NotebookGroup(
            self.pids.path,
            memory_bytes=memory_bytes + tmp_mb * 1024 * 1024 + MEMORY_HEADROOM_BYTES,
            processes=PROCESSES_PER_NOTEBOOK,
        )
        try:
            pid = self._ask(request, [*fds, *group.fds])["pid"]
        except BaseException:
            group.remove()
            raise
        group.close_fds()
        with self._lock:
            self._groups[pid] = group
        return pid

    def wait(self, pid, timeout=5.0):
        r"""Wait up to ``timeout`` seconds for worker ``pid`` (then kill it); return its code."""
        try:
            return self._ask({"op": "wait", "pid": pid, "timeout": timeout})["code"]
        finally:
            self._remove_group(pid)

    def kill(self, pid):
        r"""Kill worker ``pid`` and everything it started; return its exit code."""
        try:
            return self._ask({"op": "kill", "pid": pid})["code"]
        finally:
            self._remove_group(pid)

    def _remove_group(self, pid):
        with self._lock:
            group = self._groups.pop(pid, None)
        if group is not None:
            group.remove()

    def close(self):
        r"""Stop the warm process and everything in its sandbox."""
        try:
            self._socket.close()
        except OSError:
            pass
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self._process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._process.wait()
        with self._lock:
            groups, self._groups = list(self._groups.values()), {}
        for group in groups:
            group.remove()
        self.pids.remove()


_warm = {}
_warm_lock = threading.Lock()


def warm_process(built, bwrap):
    r"""Return this process's warm process for ``built`` (started on first use or restarted)."""
    key = built.view
    with _warm_lock:
        current = _warm.get(key)
        if current is not None and (current.owner != os.getpid() or not current.alive()):
            if current.owner == os.getpid():
                current.close()
            current = None
        if current is None:
            current = WarmProcess(built, bwrap)
            _warm[key] = current
        return current


def discard(built, failed=None):
    r"""Forget (and stop) the warm process ``failed`` of ``built`` (by default: the current one).

    A warm process another thread has already started in place of ``failed`` is left alone.
    """
    with _warm_lock:
        current = _warm.get(built.view)
        if failed is None or current is failed:
            _warm.pop(built.view, None)
        failed = current if failed is None else failed
    if failed is not None and failed.owner == os.getpid():
        failed.close()


def shutdown():
    r"""Stop every warm process of this process (also done at exit)."""
    with _warm_lock:
        mine = [warm for warm in _warm.values() if warm.owner == os.getpid()]
        _warm.clear()
    for warm in mine:
        warm.close()


atexit.register(shutdown)
