"""Attacks on the sandbox itself: each holds by construction, not by a guard in the process.

A notebook is root inside its sandbox, may call libc through ctypes, fork, signal, walk the
whole file system. Each test plays one such student and checks what the boundary gives them.
"""

import os
import secrets
import shutil
from pathlib import Path

import numpy as np
import pytest

from autograder.sandbox import warm
from autograder.sandbox.launcher import Limits, Sandbox, SandboxError
from autograder.sandbox.view import LessonView, built_view

VIEW = LessonView(
    lesson="test_isolation",
    packages=("numpy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)
REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.serial, pytest.mark.usefixtures("bubblewrap")]


def _run(cells, name, cases=((),), **limits):
    with Sandbox(Limits(**limits), VIEW) as box:
        ready = box.start(cells)
        answer = box.request({"op": "call", "name": name, "cases": [list(c) for c in cases]})
    return ready, answer["answers"]


def _value(cells, name, **limits):
    ready, answers = _run(cells, name, **limits)
    assert ready["cell_errors"] == [], ready
    assert "value" in answers[0], answers[0]
    return answers[0]["value"]


# --- the file system ---------------------------------------------------------------------

WALK = r"""
import ctypes, os

def walk(token):
    found = []
    # 1. Python: every name everywhere, every small file's content outside the system tree.
    for folder, dirs, files in os.walk("/", followlinks=False):
        for name in dirs + files:
            if token in name:
                found.append(os.path.join(folder, name))
        if folder.startswith(("/usr", "/sbx/site", "/proc", "/sys", "/dev")):
            continue
        for name in files:
            path = os.path.join(folder, name)
            try:
                if os.path.getsize(path) < 1 << 20 and token in open(path, errors="ignore").read():
                    found.append(path)
            except OSError:
                pass
    # 2. Through directory file descriptors (dir_fd), from the root.
    root = os.open("/", os.O_RDONLY | os.O_DIRECTORY)
    for name in os.listdir(root):
        if token in name:
            found.append("dir_fd:" + name)
    # 3. libc: the getdents64 system call on every directory a course could be in.
    libc = ctypes.CDLL(None, use_errno=True)
    for place in ("/", "/tmp", "/root", "/home", "/work", "/var", "/srv", "/opt", "/sbx"):
        try:
            fd = os.open(place, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        buffer = ctypes.create_string_buffer(1 << 16)
        while True:
            size = libc.syscall(217, fd, buffer, len(buffer))
            if size <= 0:
                break
            offset = 0
            while offset < size:
                reclen = int.from_bytes(buffer.raw[offset + 16 : offset + 18], "little")
                name = buffer.raw[offset + 19 : offset + reclen].split(b"\0", 1)[0]
                if token.encode() in name:
                    found.append("getdents:" + name.decode())
                offset += reclen
        os.close(fd)
    return len(found)
"""


def test_canaries_outside_the_view_cannot_be_found(tmp_path):
    token = "ce-canary-" + secrets.token_hex(8)
    planted = [
        tmp_path / f"{token}.txt",  # under /tmp
        Path.home() / f".{token}",  # a home directory
        REPO / f".{token}",  # next to the venv and the course's own files
        Path("/") / f"{token}-root-level",  # a shallow path
    ]
    sibling = tmp_path / "course-copy" / "solutions" / "lesson3_implement"
    sibling.mkdir(parents=True)
    planted.append(sibling / f"{token}.ipynb")  # another copy of the course
    try:
        for path in planted:
            path.write_text(f"secret {token}")
        with Sandbox(Limits(), VIEW) as box:
            box.start([WALK])
            late = tmp_path / f"{token}-created-during-the-run"
            late.write_text(token)  # created after the sandbox started
            planted.append(late)
            answer = box.request({"op": "call", "name": "walk", "cases": [[token]]})
        assert answer["answers"][0]["value"] == 0, answer
    finally:
        for path in planted:
            path.unlink(missing_ok=True)


def test_the_secret_is_in_no_environment_and_no_file(monkeypatch, tmp_path):
    token = secrets.token_hex(16)
    monkeypatch.setenv("CE_GRADE_SECRET", token)
    secret_file = tmp_path / ".ce_grade_secret"
    secret_file.write_text(token)
    warm.shutdown()  # warm processes started now inherit nothing of this environment either
    cells = [
        "import os\ndef env():\n    return sum('CE_GRADE' in k for k in os.environ) + "
        f"os.path.exists({str(secret_file)!r})"
    ]
    assert _value(cells, "env") == 0


def test_the_reference_source_is_absent_from_the_view():
    import importlib

    lines = []
    for name in ("ce_lib.softmax", "ce_lib.cross_entropy"):
        module = importlib.import_module(name)
        source = Path(module.__file__).read_text()
        lines += [line.strip() for line in source.splitlines() if line.startswith("def ")][:3]
    cells = [
        "import os\ndef look(lines):\n    hits = 0\n"
        "    for folder, _, files in os.walk('/sbx'):\n"
        "        for name in files:\n"
        "            text = open(os.path.join(folder, name), errors='ignore').read()\n"
        "            hits += sum(line in text for line in lines)\n"
        "    return hits"
    ]
    with Sandbox(Limits(), VIEW) as box:
        box.start(cells)
        answer = box.request({"op": "call", "name": "look", "cases": [[lines]]})
    assert len(lines) >= 4
    assert answer["answers"][0]["value"] == 0, answer


@pytest.mark.parametrize(
    "module", ["scipy", "sklearn", "torch", "jax", "autograder", "autograder.definitions"]
)
def test_libraries_outside_the_allowlist_cannot_be_imported(module):
    cells = [f"def imp():\n    import {module}\n    return 1"]
    _, answers = _run(cells, "imp")
    assert answers[0]["error"] == "ModuleNotFoundError"


def test_other_ce_lib_routes_to_the_reference_raise():
    cells = [
        "import numpy as np\nfrom ce_lib import dynamics, regression, symbolic, plots\n"
        "def routes():\n    out = []\n"
        "    for call in (lambda: dynamics.descend_logits(np.zeros(3), 0, lr=1.0, n_steps=1),\n"
        "                 lambda: regression.SoftmaxRegression(),\n"
        "                 lambda: symbolic.seed_gradient_reference()):\n"
        "        try:\n            call()\n            out.append(1)\n"
        "        except Exception as error:\n"
        "            out.append(0 if type(error).__name__ == 'ReferenceUnavailable' else 2)\n"
        "    return out + [int(bool(plots.anything(1)))]"
    ]
    assert _value(cells, "routes").tolist() == [0, 0, 0, 0]


def test_the_view_is_read_only_and_tmp_is_private():
    cells = [
        "import os\ndef write():\n    refused = 0\n"
        "    for path in ('/sbx/lib/ce_lib/x.py', '/usr/x', '/sbx/site/numpy/x.py'):\n"
        "        try:\n            open(path, 'w')\n"
        "        except OSError:\n            refused += 1\n"
        "    open('/tmp/mine', 'w').write('x')\n    return refused"
    ]
    assert _value(cells, "write") == 3


# --- processes -----------------------------------------------------------------------------


def test_no_other_process_can_be_seen_or_signalled():
    cells = [
        "import os, signal\ndef look(grader):\n"
        "    visible = os.path.exists('/proc/1') or os.path.exists('/proc/self')\n"
        "    reached = 0\n"
        "    for pid in [grader, *range(2, 3000)]:\n"
        "        if pid == os.getpid():\n            continue\n"
        "        try:\n            os.kill(pid, 0)\n            reached += 1\n"
        "        except OSError:\n            pass\n"
        "    return [int(visible), reached, os.getpid()]"
    ]
    visible, reached, pid = _value_call(cells, "look", os.getpid())
    assert visible == 0 and reached == 0
    assert pid == 2  # PID 1 of its namespace is the sandbox's own init


def _value_call(cells, name, *args):
    ready, answers = _run(cells, name, cases=(args,))
    assert ready["cell_errors"] == [], ready
    return answers[0]["value"].tolist()


def test_signals_to_everything_do_not_stop_the_grader():
    cells = [
        "import os, signal\nfor pid in [-1, 0, 1, *range(2, 500)]:\n"
        "    for sig in (signal.SIGSTOP, signal.SIGKILL):\n"
        "        try:\n            os.kill(pid, sig)\n        except OSError:\n            pass\n"
    ]
    with pytest.raises(SandboxError) as stopped:  # it killed itself, nothing else
        _run(cells, "anything")
    assert not stopped.value.grader_failure
    assert _value(["def f():\n    return 5"], "f") == 5


def test_capabilities_are_dropped_and_mounts_cannot_be_undone():
    cells = [
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "class H(ctypes.Structure):\n    _fields_ = [('v', ctypes.c_uint32), ('p', ctypes.c_int)]\n"
        "class D(ctypes.Structure):\n"
        "    _fields_ = [('e', ctypes.c_uint32), ('p', ctypes.c_uint32), ('i', ctypes.c_uint32)]\n"
        "def attack():\n"
        "    h = H(0x20080522, 0)\n    d = (D * 2)()\n    libc.syscall(125, ctypes.byref(h), d)\n"
        "    caps = d[0].e | d[1].e | d[0].p | d[1].p\n"
        "    unmounted = libc.umount2(b'/tmp', 2) == 0\n"
        "    mounted = libc.mount(b'none', b'/tmp', b'tmpfs', 0, None) == 0\n"
        "    # A new user namespace gives capabilities, but the inherited mounts are locked.\n"
        "    in_new = libc.unshare(0x10000000 | 0x00020000) == 0\n"
        "    unmounted_later = in_new and libc.umount2(b'/tmp', 2) == 0\n"
        "    return [caps, int(unmounted), int(mounted), int(in_new), int(unmounted_later)]"
    ]
    # No user namespace can be made in the sandbox (bubblewrap's --disable-userns) either.
    assert _value(cells, "attack").tolist() == [0, 0, 0, 0, 0]


def test_no_network():
    cells = [
        "import socket\ndef connect():\n"
        "    try:\n        socket.create_connection(('127.0.0.1', 9), timeout=1)\n"
        "        return 1\n"
        "    except OSError:\n        return 0\n"
    ]
    assert _value(cells, "connect") == 0


def _processes_in_cgroup():
    current = warm._warm.get(VIEW)
    if current is None or not current.pids.available:
        pytest.skip("no pids control group on this machine")
    return int((current.pids.path / "pids.current").read_text())


def test_a_fork_bomb_is_bounded_and_the_run_goes_on():
    _value(["def f():\n    return 1"], "f")  # start the warm process
    cells = [
        "import os\nchildren = 0\nfor _ in range(100000):\n"
        "    try:\n        if os.fork() == 0:\n"
        "            import time\n            time.sleep(60)\n"
        "        children += 1\n    except OSError:\n        break\n"
        "def count():\n    return children"
    ]
    children = _value(cells, "count")
    assert 0 < children < warm.PIDS_MAX
    assert _value(["def f():\n    return 7"], "f") == 7


def test_a_daemon_does_not_outlive_its_notebook():
    _value(["def f():\n    return 1"], "f")
    before = _processes_in_cgroup()
    cells = [
        "import os, time\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        time.sleep(600)\n    os._exit(0)\ndef f():\n    return 1"
    ]
    assert _value(cells, "f") == 1
    assert _processes_in_cgroup() == before


def test_the_view_holds_no_course_path():
    built = built_view(VIEW)
    args = " ".join(built.bwrap_args())
    assert str(REPO) not in args.replace(str(REPO / ".venv"), "")
    assert "solutions" not in args and "gradebook" not in args
    assert not (built.folder / "lib" / "autograder").exists()


def test_the_warm_process_is_stopped_at_shutdown():
    _value(["def f():\n    return 1"], "f")
    current = warm._warm[VIEW]
    warm.shutdown()
    assert not current.alive()


def test_answers_are_only_plain_data():
    cells = [
        "import numpy as np\nclass Evil(np.ndarray):\n    def __eq__(self, other):\n"
        "        return True\ndef f():\n    return np.zeros(3).view(Evil)"
    ]
    value = _value(cells, "f")
    assert type(value) is np.ndarray
    assert shutil.which("bwrap")


def test_one_notebook_stopped_for_its_output_does_not_sink_another():
    # Two notebooks share a warm process (graded by two threads at once); stopping the noisy
    # one, from two threads of its own, must not touch the quiet one.
    from concurrent.futures import ThreadPoolExecutor

    noisy = ["while True:\n    print('x' * 1000)"]
    quiet = ["import time\ntime.sleep(1.5)\ndef f():\n    return 3"]

    def grade(cells):
        try:
            with Sandbox(Limits(output_bytes=50_000), VIEW) as box:
                box.start(cells)
                return box.request({"op": "call", "name": "f", "cases": [[]]})["answers"][0]
        except SandboxError as error:
            return error.kind

    for _ in range(3):
        with ThreadPoolExecutor(2) as pool:
            results = list(pool.map(grade, [noisy, quiet]))
        assert results[0] == "output"
        assert results[1] == {"value": np.array(3), "args": []}
