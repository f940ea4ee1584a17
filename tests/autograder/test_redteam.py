"""Attacks on the grader by a student who has read its source, each asserting that it holds.

The student is root in the sandbox, calls libc through ctypes, forks, walks the file system
and may run before, after or at the same time as another student's notebook in the same warm
process. A test here passes when the boundary holds.
"""

import secrets

import pytest

from autograder.sandbox.launcher import Limits, Sandbox
from autograder.sandbox.view import LessonView

VIEW = LessonView(
    lesson="test_redteam",
    packages=("numpy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)

pytestmark = [pytest.mark.slow, pytest.mark.serial, pytest.mark.usefixtures("bubblewrap")]


def _answer(cells, name, *args, view=VIEW, **limits):
    with Sandbox(Limits(**limits), view) as box:
        ready = box.start(cells)
        response = box.request({"op": "call", "name": name, "cases": [list(args)]})
    assert ready["cell_errors"] == [], ready
    answer = response["answers"][0]
    assert "value" in answer, answer
    return answer["value"]


# --- what one notebook leaves for the next ---------------------------------------------------

PLANT = r"""
import os, sys, zipfile

def plant(token):
    # Every folder of the view outside the notebook's own /tmp and /dev/shm, and the places
    # on sys.path searched before the standard library (a module there shadows it).
    made = []
    for folder, dirs, files in os.walk("/"):
        if folder.startswith(("/tmp", "/dev/shm")) or folder.count("/") > 6:
            dirs[:] = []
            continue
        if folder.startswith("/usr/") and not folder.startswith("/usr/local"):
            dirs[:] = []
        path = os.path.join(folder, token + ".py")
        try:
            with open(path, "w") as handle:
                handle.write("PLANTED = True\n")
            made.append(path)
        except OSError:
            pass
    for entry in sys.path:
        if entry.endswith(".zip"):
            try:
                with zipfile.ZipFile(entry, "w") as archive:
                    archive.writestr(token + ".py", "PLANTED = True\n")
                made.append(entry)
            except OSError:
                pass
    # In a user and mount namespace of its own (root there), remount the view writable.
    child = os.fork()
    if child == 0:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.unshare(0x10000000 | 0x00020000)
        for target in (b"/", b"/sbx/site", b"/dev"):
            libc.mount(None, target, None, 0x20 | 0x1000, None)  # MS_REMOUNT | MS_BIND
            libc.mount(None, target, None, 0x20, None)  # MS_REMOUNT
        try:
            open(os.path.join("/sbx/site", token + ".py"), "w").close()
            os._exit(1)
        except OSError:
            os._exit(0)
    made += [child] * os.waitstatus_to_exitcode(os.waitpid(child, 0)[1])
    return len(made)
"""

FIND = r"""
import importlib, os

def find(token):
    found = 0
    for folder, dirs, files in os.walk("/"):
        if folder.startswith("/usr/") and not folder.startswith("/usr/local"):
            dirs[:] = []
        found += sum(token in name for name in dirs + files)
    try:
        importlib.invalidate_caches()
        importlib.import_module(token)
        found += 1
    except ImportError:
        pass
    return found
"""


def test_a_notebook_can_write_nothing_the_next_notebook_sees():
    # A writable root of the view (/, /sbx/site, /etc, /dev, the interpreter's lib folder
    # holding python3X.zip) would be shared by every notebook of the warm process: a module
    # planted in /sbx/site shadows the standard library for the next student's code.
    token = "ce_redteam_" + secrets.token_hex(6)
    planted = _answer([PLANT], "plant", token)
    found = _answer([FIND], "find", token)
    assert (int(planted), int(found)) == (0, 0)


def _concurrently(*calls):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(call) for call in calls]
        return [future.result() for future in futures]


def test_notebooks_graded_at_once_share_no_terminal():
    # /dev/pts is a devpts of the warm process: a terminal one notebook opens there would be
    # visible to (and writable by) a notebook graded at the same time.
    holder = [
        "import os, time\nmaster, follower = os.openpty()\n"
        "name = os.ttyname(follower)\ntime.sleep(3)\n"
        "def held():\n    return name"
    ]
    looker = [
        "import os, time\ntime.sleep(1.5)\nseen = sorted(os.listdir('/dev/pts'))\n"
        "def look():\n    return ' '.join(seen)"
    ]
    _, seen = _concurrently(lambda: _answer(holder, "held"), lambda: _answer(looker, "look"))
    assert seen in ("", "ptmx"), seen


def test_a_fork_bomb_neither_stops_nor_refuses_notebooks_graded_at_the_same_time():
    # The warm process and its control group are shared: a notebook holding every process
    # the group allows made the warm process's fork fail, which ended the warm process, and
    # every notebook graded at that moment was scored as killed "for memory".
    import time

    _answer(["def f():\n    return 0"], "f")  # the shared warm process is started
    bomb = [
        "import os, time\nheld = 0\nwhile True:\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(60)\n            os._exit(0)\n        held += 1\n"
        "    except OSError:\n        break\ntime.sleep(3)\ndef f():\n    return held"
    ]
    running = ["import time\ntime.sleep(2.5)\ndef f():\n    return 3"]

    def later():
        time.sleep(1.5)  # while the bomb holds every process
        return _answer(["def f():\n    return 2"], "f")

    held, ran, started = _concurrently(
        lambda: _answer(bomb, "f"), lambda: _answer(running, "f"), later
    )
    assert held > 0
    assert (ran, started) == (3, 2)


# --- the grader's pipes ----------------------------------------------------------------------


def _in_time(call, seconds):
    r"""Return ``call()``'s result, failing (not hanging) when it takes over ``seconds``."""
    import threading

    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(call()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still running after {seconds} s: the grader waits without a deadline"
    return outcome[0]


def test_requests_the_notebook_never_reads_do_not_hang_the_grader():
    # The notebook says it is ready and answers every request itself, straight on the pipe,
    # without ever reading one: the requests fill the pipe (lesson 5's digits fill it in one
    # notebook), and writing the next one waited forever.
    import numpy as np

    from autograder.sandbox.launcher import SandboxError

    cells = [
        "import os, time\nfrom ce_sandbox.wire import encode\n"
        "os.write(4, encode({'op': 'ready', 'cell_errors': []}))\n"
        "for _ in range(20):\n    time.sleep(0.2)  # one answer per request\n"
        "    os.write(4, encode({'op': 'answers', 'answers': []}))\n"
        "time.sleep(600)"
    ]
    request = {"op": "call", "name": "f", "cases": [[np.zeros(4000)]]}  # 32 kB

    def grade():
        with Sandbox(Limits(test_timeout_s=2.0, notebook_timeout_s=20.0), VIEW) as box:
            box.start(cells)
            try:
                for _ in range(10):
                    box.request(request)
            except SandboxError as error:
                return error.kind
        return "answered"

    assert _in_time(grade, 9) == "timeout"


# --- crafted notebooks -------------------------------------------------------------------


def _notebook(folder, lesson, *sources):
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path = folder / lesson / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(notebook))
    return path


def test_more_code_than_a_frame_holds_is_the_notebooks_failure_said_plainly(tmp_path):
    # A 20 MiB notebook is read, but its cells must fit one frame (1 MiB): the grader
    # stopped "unexpectedly" after starting a worker it then waited on.
    import time

    from autograder.grading import grade_notebook

    path = _notebook(tmp_path, "lesson1_softmax_loss", "x = '" + "a" * 1_200_000 + "'")
    started = time.monotonic()
    report = grade_notebook(path, secret=b"redteam", course_root=tmp_path)
    assert time.monotonic() - started < 2.0
    assert report["status"] == "failed" and report["score"] == 0.0
    assert "too large" in report["reason"] and "unexpectedly" not in report["reason"]


# --- what one notebook's processes may take together --------------------------------------

MANY_LARGE = """
import os, time
import numpy as np

children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        try:
            block = np.ones(400 * 2**20 // 8)  # 400 MiB each, under the 512 MiB of one process
        except MemoryError:
            os._exit(1)
        time.sleep(30)
        os._exit(0)
    children.append(pid)
time.sleep(2)

def alive():
    return sum(os.waitpid(pid, os.WNOHANG)[0] == 0 for pid in children)
"""


def test_the_memory_limit_bounds_a_notebooks_processes_together():
    # RLIMIT_AS bounds one process: a notebook forking up to the pids limit could take that
    # many times its memory and leave a notebook graded at the same time, or the machine,
    # without any.
    from autograder.sandbox import warm

    group = warm.NotebookGroup(None, memory_bytes=1 << 30, processes=1)
    available = "memory" in group.controllers
    group.remove()
    if not available:
        pytest.skip("no memory control group can be made here")
    assert _answer([MANY_LARGE], "alive", memory_mb=512) <= 1


def test_a_fork_bomb_takes_at_most_its_notebooks_share_of_processes():
    from autograder.sandbox import warm

    bomb = [
        "import os, time\nheld = 0\nwhile True:\n    try:\n        if os.fork() == 0:\n"
        "            time.sleep(60)\n            os._exit(0)\n        held += 1\n"
        "    except OSError:\n        break\ndef f():\n    return held"
    ]
    held = _answer(bomb, "f")
    assert 0 < held < warm.PIDS_MAX
    if warm._warm[VIEW].pids.available:
        assert held <= warm.PROCESSES_PER_NOTEBOOK


def test_a_refused_spawn_neither_stops_the_shared_warm_process_nor_its_notebook(monkeypatch):
    # When the shared warm process cannot fork (notebooks graded at the same time hold every
    # process its group allows), it went down with all of them; now it goes on, and the
    # refused notebook is graded in a warm process of its own.
    from autograder.sandbox import warm

    _answer(["def f():\n    return 0"], "f")
    shared = warm._warm[VIEW]
    original = warm.WarmProcess.spawn

    def refuse_once(self, fds, **resources):
        if self is shared:
            raise warm.WarmRequestRefused(
                "cannot start a worker (Resource temporarily unavailable)"
            )
        return original(self, fds, **resources)

    monkeypatch.setattr(warm.WarmProcess, "spawn", refuse_once)
    assert _answer(["def f():\n    return 4"], "f") == 4
    assert warm._warm[VIEW] is shared and shared.alive()


def test_a_notebook_of_repeated_cell_ids_does_not_flood_the_graders_terminal(tmp_path, capfd):
    import json
    import warnings

    from autograder.grading import read_notebook

    cell = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "id": "a"}
    notebook = {"cells": [cell] * 3000, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "lesson1_softmax_loss.ipynb"
    path.write_text(json.dumps(notebook))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert len(read_notebook(path)["cells"]) == 3000
    assert caught == [] and capfd.readouterr().err == ""


def test_many_busy_sessions_do_not_starve_a_notebook_graded_at_the_same_time():
    # Each busy child in a session of its own is its own scheduling group: forty of them left
    # a notebook graded at the same time a fortieth of the machine, and its test timed out.
    import time

    from autograder.sandbox import warm

    group = warm.NotebookGroup(None, memory_bytes=1 << 30, processes=1)
    available = "cpu" in group.controllers
    group.remove()
    if not available:
        pytest.skip("no cpu control group can be made here")
    _answer(["def f():\n    return 0"], "f")
    hog = [
        "import os, time\nfor _ in range(40):\n    if os.fork() == 0:\n        os.setsid()\n"
        "        end = time.monotonic() + 3\n        while time.monotonic() < end:\n"
        "            pass\n        os._exit(0)\ntime.sleep(2.5)\ndef f():\n    return 1"
    ]
    work = [
        "import time\ndef f():\n    start = time.process_time()\n"
        "    while time.process_time() - start < 0.15:\n        pass\n    return 2"
    ]

    def later():
        time.sleep(0.8)
        return _answer(work, "f", test_timeout_s=2.0)

    assert _concurrently(lambda: _answer(hog, "f"), later) == [1, 2]


# --- what the notebook can make the grader say --------------------------------------------


@pytest.mark.parametrize(
    "ending",
    [
        "os._exit(70)",  # the status of a worker that failed before the student's code
        "os._exit(137)",  # what a killed worker's status looks like through its parents
        "os.kill(1, signal.SIGINT); time.sleep(30)",  # PID 1 handles SIGINT: it stops
        "os.kill(os.getpid(), signal.SIGSTOP)",
    ],
)
def test_no_ending_of_its_own_makes_a_notebook_a_grader_failure(ending):
    # A grader failure is not a grade (the notebook is graded again later): a notebook
    # that could end as one would never get its zero.
    from autograder.sandbox.launcher import SandboxError

    cells = [f"import os, signal, time\n{ending}"]
    with pytest.raises(SandboxError) as stopped:
        _answer(cells, "f", cells_timeout_s=3.0)
    assert not stopped.value.grader_failure


def test_hidden_inputs_reach_no_feedback_even_when_the_notebook_answers_on_the_pipe(tmp_path):
    # The notebook says it is ready at once and answers every request from a thread, with an
    # error repeating the request's inputs: the errors of public cases are shown, so hidden
    # inputs must never arrive before every public answer is in.
    import numpy as np

    from autograder.definitions import tests_for_lesson
    from autograder.grading import grade_notebook

    cells = (
        "import os, threading\nfrom ce_sandbox.wire import encode, read_frame\n"
        "def exactly(count):\n    data = b''\n    while len(data) < count:\n"
        "        data += os.read(3, count - len(data))\n    return data\n"
        "def answer():\n    while True:\n        request = read_frame(exactly)\n"
        "        if request.get('op') == 'stop':\n            os._exit(0)\n"
        "        args = request.get('cases') or request.get('points') or [[]]\n"
        "        detail = ' '.join(repr(a) for case in args for a in case)[:290]\n"
        "        reply = [{'error': 'ValueError', 'detail': detail}] * len(args)\n"
        "        os.write(4, encode({'op': 'answers', 'answers': reply}))\n"
        "os.write(4, encode({'op': 'ready', 'cell_errors': []}))\n"
        "threading.Thread(target=answer, daemon=True).start()\n"
        "import time\ntime.sleep(30)"
    )
    lesson = "lesson1_softmax_loss"
    path = _notebook(tmp_path, lesson, cells)
    secret = b"redteam"
    report = grade_notebook(path, secret=secret, course_root=tmp_path)
    text = str(report)
    assert "ValueError: array(" in text  # the public inputs came back, as feedback may show
    for test in tests_for_lesson(lesson):
        for case in test.cases(hidden=True, secret=secret):
            if case.hidden:
                for arg in case.args:
                    for number in np.ravel(
                        np.asarray(
                            list(arg.values()) if isinstance(arg, dict) else arg, dtype=float
                        )
                    )[:4]:
                        shown = repr(float(number))
                        assert len(shown) < 10 or shown[:10] not in text


def test_finite_differences_of_the_students_own_loss_earn_nothing():
    # ce_lib.gradcheck is in every lesson's sandbox (the lessons check gradients with it): the
    # tolerance of the gradient tests is what keeps it from answering them.
    import ce_lib
    from autograder.definitions import get_test
    from ce_lib.gradcheck import numerical_gradient

    def l3(z, y):
        return numerical_gradient(lambda w: ce_lib.cross_entropy(w, y), z)

    def l5_weights(X, y, W, b):
        return numerical_gradient(lambda V: ce_lib.cross_entropy(X @ V + b, y), W)

    for test_id, student in (("l3_cross_entropy_grad", l3), ("l5_weight_gradient", l5_weights)):
        result = get_test(test_id).run_in_process(student, hidden=True, secret=b"red team")
        assert result.points == 0, (test_id, result.message)


def test_a_student_folder_linked_to_another_students_is_not_graded_as_theirs(tmp_path):
    # eve hands in a symbolic link to ada's folder, hoping to be graded on ada's work.
    import shutil
    from pathlib import Path

    from autograder.batch import find_submissions

    lesson = "lesson3_implement"
    root = Path(__file__).resolve().parents[2] / "autograder/examples/class/submitted"
    submitted = tmp_path / "submitted"
    shutil.copytree(root / "correct_reference", submitted / "ada")
    (submitted / "eve").symlink_to(submitted / "ada", target_is_directory=True)
    (submitted / "mallory" / lesson).mkdir(parents=True)
    (submitted / "mallory" / lesson / f"{lesson}.ipynb").symlink_to(
        submitted / "ada" / lesson / f"{lesson}.ipynb"
    )
    rows = {s.student_id: s for s in find_submissions(submitted)}
    assert "eve" not in rows or rows["eve"].path is None
    assert rows["mallory"].path is None and rows["mallory"].problem
