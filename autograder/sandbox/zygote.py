r"""A warm start for sandbox workers: one isolated process that imports once and forks.

Starting Python and importing NumPy, Matplotlib and SymPy costs more than grading a lesson
notebook. The zygote runs inside the same isolation as a worker (bubblewrap or the rlimit
fallback), imports those libraries once, then forks one child per notebook. Each child starts
a new session, applies its own resource limits, moves to a fresh working directory and becomes
a worker (:func:`autograder.sandbox.worker.main`): the guards are installed in the child, after
the fork, so no notebook sees another's state.

The trusted side talks to the zygote over a ``SOCK_SEQPACKET`` Unix socket: small JSON
requests (``spawn`` with three file descriptors attached, ``wait``, ``kill``), one reply each.
"""

import json
import os
import resource
import shutil
import signal
import socket
import sys
import tempfile
import time

_MAX_MESSAGE = 65536


def _reply(sock, message):
    sock.send(json.dumps(message).encode())


def _child(sock, fds, request):
    in_fd, out_fd, output_fd = fds
    try:
        sock.close()
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        memory = int(request["memory_bytes"])
        cpu = int(request["cpu_seconds"])
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 2))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        os.chdir(request["workdir"])
        os.environ["HOME"] = request["workdir"]
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        from autograder.sandbox import worker

        worker.main([str(in_fd), str(out_fd)])
    finally:
        os._exit(70)


def _wait(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            _kill_group(pid)
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)


def _kill_group(pid):
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def serve(sock):
    r"""Answer spawn, wait and kill requests on ``sock`` until it closes."""
    children = {}
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 3)
        except OSError:
            data, fds = b"", []
        if not data:
            break
        request = json.loads(data)
        op = request.get("op")
        if op == "spawn":
            workdir = tempfile.mkdtemp(prefix="ce-grade-work-")
            request["workdir"] = workdir
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _child(sock, fds, request)
            for fd in fds:
                os.close(fd)
            children[pid] = workdir
            _reply(sock, {"pid": pid, "workdir": workdir})
        elif op in ("wait", "kill"):
            pid = int(request["pid"])
            if pid not in children:
                _reply(sock, {"error": f"unknown pid {pid}"})
                continue
            if op == "kill":
                _kill_group(pid)
            code = _wait(pid, float(request.get("timeout", 5.0)))
            _kill_group(pid)  # whatever the worker left in its session
            shutil.rmtree(children.pop(pid), ignore_errors=True)
            _reply(sock, {"code": code})
        else:
            _reply(sock, {"error": f"unknown request {op!r}"})
    for pid, workdir in children.items():
        _kill_group(pid)
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv=None):
    r"""Import the warm modules, then serve on the socket whose descriptor is ``argv[0]``."""
    argv = sys.argv[1:] if argv is None else argv
    control_fd = int(argv[0])
    for name in argv[1:]:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001, S110 - a missing optional library is imported later
            pass
    import autograder.sandbox.answers  # noqa: F401 - the worker's own modules, warm too
    import autograder.sandbox.worker  # noqa: F401

    sock = socket.socket(fileno=control_fd)
    serve(sock)
    os._exit(0)


if __name__ == "__main__":
    main()
