r"""A warm start for sandbox workers: one isolated process per lesson view that forks.

Starting Python and importing NumPy, Matplotlib and SymPy costs more than grading a lesson
notebook. The warm process runs inside bubblewrap with the lesson's file view, imports those
libraries once, then forks one child per notebook. The child moves into namespaces of its own
(:func:`ce_sandbox.namespaces.isolate`: PID 1 of a new PID namespace, fresh ``/tmp``), applies
its resource limits and becomes a worker (:func:`ce_sandbox.worker.serve`). No notebook sees
another's state, files or processes.

The trusted side talks to the warm process over a ``SOCK_SEQPACKET`` Unix socket: small JSON
requests (``spawn`` with three file descriptors attached, then the ``cgroup.procs`` files of
the notebook's own control groups, ``wait``, ``kill``), one reply each.
Before serving, the warm process sends ``{"ready": true}`` so the trusted side knows the view
works (the imports succeeded).
"""

import json
import os
import resource
import signal
import socket
import sys
import time

_MAX_MESSAGE = 65536
#: Control groups a spawn request may ask the worker to join (``cgroup.procs`` files).
_MAX_GROUPS = 3
WORKDIR = "/tmp/work"


def _reply(sock, message):
    sock.send(json.dumps(message).encode())


def _limit(memory_bytes, cpu_seconds, file_bytes):
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))


def _child(sock, fds, request):
    in_fd, out_fd, output_fd, *groups = fds
    try:
        # First of all, join the notebook's own control groups (opened by the trusted side):
        # every process the notebook starts is then counted in them.
        for fd in groups:
            os.write(fd, b"0")
            os.close(fd)
        sock.close()
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from ce_sandbox import namespaces

        namespaces.isolate(tmp_size_mb=int(request["tmp_mb"]))
        os.mkdir(WORKDIR, 0o700)
        os.chdir(WORKDIR)
        os.environ["HOME"] = WORKDIR
        _limit(
            int(request["memory_bytes"]), int(request["cpu_seconds"]), int(request["file_bytes"])
        )
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        from ce_sandbox import worker

        worker.serve(in_fd, out_fd)
    except BaseException:  # before the student's code: the grader's failure
        import traceback

        traceback.print_exc()
    finally:
        os._exit(70)


def _wait(pid, timeout):
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            _kill(pid)
            _, status = os.waitpid(pid, 0)
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.005)


def _kill(pid):
    # Killing the intermediate process kills the worker (its parent-death signal), and the
    # worker is PID 1 of its namespace: every process it started dies with it.
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def serve(sock):
    r"""Answer spawn, wait and kill requests on ``sock`` until it closes."""
    children = set()
    while True:
        try:
            data, fds, _, _ = socket.recv_fds(sock, _MAX_MESSAGE, 3 + _MAX_GROUPS)
        except OSError:
            data, fds = b"", []
        if not data:
            break
        request = json.loads(data)
        op = request.get("op")
        if op == "spawn":
            if not 3 <= len(fds) <= 3 + _MAX_GROUPS:
                for fd in fds:
                    os.close(fd)
                _reply(sock, {"error": "spawn needs three file descriptors and its groups"})
                continue
            sys.stdout.flush()
            sys.stderr.flush()
            try:
                pid = os.fork()
            except OSError as error:
                # No process left (the notebooks graded now hold every one the control group
                # allows): this notebook cannot start, the others go on.
                pid = None
                failure = f"cannot start a worker ({error.strerror})"
            if pid == 0:
                _child(sock, fds, request)
            for fd in fds:
                os.close(fd)
            if pid is None:
                _reply(sock, {"error": failure})
                continue
            children.add(pid)
            _reply(sock, {"pid": pid})
        elif op in ("wait", "kill"):
            pid = int(request["pid"])
            if pid not in children:
                _reply(sock, {"error": f"unknown pid {pid}"})
                continue
            if op == "kill":
                _kill(pid)
            code = _wait(pid, float(request.get("timeout", 5.0)))
            children.discard(pid)
            _reply(sock, {"code": code})
        else:
            _reply(sock, {"error": f"unknown request {op!r}"})
    for pid in children:
        _kill(pid)


def main(argv=None):
    r"""Import the warm modules, report ready, then serve on the socket ``argv[0]``."""
    argv = sys.argv[1:] if argv is None else argv
    control_fd = int(argv[0])
    sock = socket.socket(fileno=control_fd)
    failed = []
    for name in argv[1:]:
        try:
            __import__(name)
        except Exception as error:  # reported to the trusted side
            failed.append(f"{name}: {type(error).__name__}: {error}")
    import ce_sandbox.answers  # the worker's own modules, warm too
    import ce_sandbox.namespaces
    import ce_sandbox.worker  # noqa: F401

    _reply(sock, {"ready": not failed, "failed": failed[:5]})
    serve(sock)
    os._exit(0)


if __name__ == "__main__":
    main()
