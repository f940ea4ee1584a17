r"""Linux namespaces for one notebook, entered by a process forked from the warm process.

The warm process (:mod:`ce_sandbox.zygote`) already runs inside bubblewrap with the lesson's
read-only file view. For every notebook it forks a child that calls :func:`isolate`:

1. ``unshare`` a new user, PID, mount, IPC, UTS and network namespace;
2. fork again: the grandchild is PID 1 of the new PID namespace, so the notebook sees no
   other process (no other student, not the warm process, not the grader) and every process
   it starts dies with PID 1;
3. in its own mount namespace, mount fresh, empty ``/tmp`` and ``/dev/shm`` and a terminal
   file system ``/dev/pts`` of its own (nothing left by the previous notebook of this warm
   process, and no terminal a notebook graded at the same time opened, is visible);
4. drop every capability (effective, permitted, inheritable and the bounding set): the
   student's code cannot unmount those mounts or mount anything, and a user namespace it
   makes itself only locks the inherited mounts further;
5. fork once more, so that the student's code is not PID 1 (whose default signal actions
   the kernel ignores).

Both processes ask the kernel for ``SIGKILL`` when their parent dies, so nothing outlives the
warm process, and the warm process dies with bubblewrap, which dies with the grader.
"""

import ctypes
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
_SYS_CAPSET = 126  # x86_64
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8

_libc = None


class IsolationError(OSError):
    r"""A namespace step failed; the notebook cannot be isolated and must not run."""


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result, what):
    if result != 0:
        errno = ctypes.get_errno()
        raise IsolationError(errno, f"{what}: {os.strerror(errno)}")


def die_with_parent():
    r"""Ask for ``SIGKILL`` when the parent exits; exit at once if it already has."""
    parent = os.getppid()
    _check(_lib().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    if os.getppid() != parent:
        os._exit(70)


def unshare(flags):
    r"""Call ``unshare(2)`` with ``flags``."""
    _check(_lib().unshare(ctypes.c_int(flags)), "unshare")


def mount_tmpfs(target, size_mb):
    r"""Mount an empty tmpfs of at most ``size_mb`` MiB on ``target``."""
    options = f"size={int(size_mb)}m,mode=1777".encode()
    result = _lib().mount(
        b"tmpfs", os.fsencode(target), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV), options
    )
    _check(result, f"mount tmpfs on {target}")


def mount_devpts(target):
    r"""Mount a new instance of the terminal file system (no terminal of another) on ``target``."""
    options = b"newinstance,ptmxmode=0666,mode=0620"
    flags = ctypes.c_ulong(MS_NOSUID | MS_NOEXEC)
    result = _lib().mount(b"devpts", os.fsencode(target), b"devpts", flags, options)
    _check(result, f"mount devpts on {target}")


def isolate(*, tmp_size_mb=256):
    r"""Move the calling (single-threaded) process into fresh namespaces.

    Returns in a process of a new PID namespace, with private ``/tmp`` and ``/dev/shm`` and
    no capabilities. The processes above it (the intermediate one and PID 1 of the new
    namespace) never return: each waits for the one below and exits with its status (a
    signal becomes ``128 + signal``).
    """
    die_with_parent()
    unshare(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET)
    pid = os.fork()
    if pid:
        os._exit(_wait_for(pid))
    die_with_parent()
    mount_tmpfs("/tmp", tmp_size_mb)
    if os.path.isdir("/dev/shm"):
        mount_tmpfs("/dev/shm", 16)
    if os.path.isdir("/dev/pts"):
        mount_devpts("/dev/pts")
    drop_capabilities()
    _check(_lib().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")
    # The student's code does not run as PID 1: the kernel ignores signals a namespace's init
    # has no handler for (a CPU-time SIGXCPU among them). PID 1 stays trusted code that reaps
    # orphans and exits with the worker's status; its exit ends every process left.
    worker = os.fork()
    if worker:
        os._exit(_reap_until(worker))
    die_with_parent()


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def drop_capabilities():
    r"""Drop every capability of the calling process, for good."""
    libc = _lib()
    for cap in range(64):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            break  # past the last capability this kernel knows
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(libc.syscall(_SYS_CAPSET, ctypes.byref(header), ctypes.byref(data)), "capset")


def _reap_until(pid):
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except InterruptedError:
            continue
        except ChildProcessError:
            return 70
        if done == pid:
            code = os.waitstatus_to_exitcode(status)
            return 128 - code if code < 0 else code


def _wait_for(pid):
    while True:
        try:
            _, status = os.waitpid(pid, 0)
        except InterruptedError:
            continue
        code = os.waitstatus_to_exitcode(status)
        return 128 - code if code < 0 else code
