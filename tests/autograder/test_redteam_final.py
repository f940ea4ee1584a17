"""Last attacks of a student who read the grader, each asserting that the grader holds.

The student's code runs in the worker's own process: it can call libc through ctypes, fork,
and read and write the worker's pipes (fd 3 in, fd 4 out). What it gains must be no more
than its honest work, and nothing it does may become the grader's failure.
"""

import json
import re

import pytest

from autograder.definitions import view_for
from autograder.grading import _CONTROL, grade_notebook
from autograder.sandbox import warm
from autograder.sandbox.launcher import Limits, Sandbox
from tests.autograder.test_grading import (
    LESSON,
    LIMITS,
    SECRET,
    _lesson_notebook,
    _submit,
    _write,
)

pytestmark = [pytest.mark.slow, pytest.mark.serial, pytest.mark.usefixtures("bubblewrap")]

VIEW = view_for(LESSON)


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    _write(root / "notebooks" / LESSON / f"{LESSON}.ipynb", _lesson_notebook())
    return root


def _graded(tmp_path, course, **cells):
    path = _submit(tmp_path, _lesson_notebook(**cells))
    report = grade_notebook(path, secret=SECRET, limits=LIMITS, course_root=course)
    return report, {test["id"]: test for test in report["tests"]}


def _processes_left():
    current = warm._warm.get(VIEW)
    if current is None or not current.pids.available:
        pytest.skip("no pids control group on this machine")
    return int((current.pids.path / "pids.current").read_text())


# --- the sandbox's own init and the terminal -------------------------------------------------

REACH = r"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)

class IOVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

def reach():
    done = []
    # Attach to PID 1 (trusted code that holds the pipes): PTRACE_ATTACH, then PTRACE_SEIZE.
    done.append(libc.ptrace(16, 1, 0, 0) == 0)
    done.append(libc.ptrace(0x4206, 1, 0, 0) == 0)
    # Read its memory directly.
    buffer = ctypes.create_string_buffer(64)
    local = IOVec(ctypes.cast(buffer, ctypes.c_void_p), 64)
    remote = IOVec(0x400000, 64)
    done.append(libc.process_vm_readv(1, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0)
    # Push a command into a terminal through any of the standard streams (TIOCSTI).
    for fd in (0, 1, 2):
        done.append(libc.ioctl(fd, 0x5412, ctypes.c_char_p(b"x")) == 0)
        done.append(os.isatty(fd))
    return [int(flag) for flag in done]
"""


def test_the_sandboxs_init_cannot_be_traced_and_no_stream_is_a_terminal():
    with Sandbox(Limits(), VIEW) as box:
        ready = box.start([REACH])
        response = box.request({"op": "call", "name": "reach", "cases": [[]]})
    assert ready["cell_errors"] == [], ready
    answer = response["answers"][0]
    assert "value" in answer, answer
    assert answer["value"].tolist() == [0] * 9


# --- a serving loop of the student's own -------------------------------------------------------

# The cells never return: they say "ready" and answer every request themselves, with wrong
# values, the arguments echoed back as sent, and fields that claim the marks.
HIJACK = r"""
import os
import numpy as np
from ce_sandbox.wire import encode, read_frame

def exactly(count):
    data = b''
    while len(data) < count:
        chunk = os.read(3, count - len(data))
        if not chunk:
            os._exit(0)
        data += chunk
    return data

os.write(4, encode({'op': 'ready', 'cell_errors': [], 'score': 99, 'passed': True}))
while True:
    request = read_frame(exactly)
    if request.get('op') == 'stop':
        os._exit(0)
    items = request.get('cases') or request.get('points') or [None]
    answers = [
        {'value': np.zeros(1), 'args': list(args) if isinstance(args, list) else [],
         'passed': True, 'points': 99, 'ok': True, 'error_free': True}
        for args in items
    ]
    os.write(4, encode({'op': 'answers', 'answers': answers, 'score': 99, 'passed': True,
                        'status': 'graded', 'points': {'l3_softmax': 3}}))
"""


def test_a_serving_loop_of_its_own_that_claims_the_marks_earns_nothing(tmp_path, course):
    report, tests = _graded(tmp_path, course, softmax=HIJACK)
    assert report["status"] == "graded", report["reason"]
    assert report["score"] == 0.0
    for test in tests.values():
        assert test["points"] == 0.0, test
        assert not test["passed"]
        # The echoed arguments alone buy no inputs share.
        assert all(entry["points"] == 0.0 for entry in test["requirements"])


# --- a second writer on the answer pipe ---------------------------------------------------------

# A child forked while the cells run writes forged answers on fd 4 while the worker answers
# the real requests on the same pipe: frames interleave, byte by byte when they must.
INTERLEAVE = r"""
import os, time
import numpy as np
from ce_sandbox.wire import encode

if os.fork() == 0:
    os.setsid()
    forged = encode({'op': 'answers', 'answers': [{'value': np.ones(3), 'passed': True}]})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for start in range(0, len(forged), 7):
            try:
                os.write(4, forged[start:start + 7])
            except OSError:
                os._exit(0)
        time.sleep(0.001)
    os._exit(0)

def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
"""


def test_a_second_writer_on_the_answer_pipe_is_the_notebooks_failure_and_leaves_nothing(
    tmp_path, course
):
    _graded(tmp_path, course)  # the warm process runs, and its process count is known
    before = _processes_left()
    report, _ = _graded(tmp_path, course, softmax=INTERLEAVE)
    assert report["status"] in ("graded", "failed"), report["reason"]
    assert "unexpectedly" not in str(report)
    # Never more than the honest notebook's points, whatever frames got through.
    honest, _ = _graded(tmp_path, course)
    assert report["score"] <= honest["score"]
    assert _processes_left() == before


# --- names and messages made to break the grader's terminal and pages --------------------------

# Built in the sandbox: written out, the name alone would pass the limit on the code's size.
CRAFTED_NAMES = r"""
import numpy as np
NAME = "E\x1b[2J\x1b]0;owned\x07\u202egnp.exe\n" + "\x7f\u2028\x85" * 20_000
Crafted = type(NAME, (Exception,), {'__str__': lambda self: NAME * 3})
raise Crafted()
"""


def _softmax_raising():
    # The first cell raises at once (a cell error, a note); the function raises on every call.
    return CRAFTED_NAMES.replace("raise Crafted()\n", "def softmax(z):\n    raise Crafted()\n")


def test_exception_names_of_control_characters_and_huge_length_reach_no_report(tmp_path, course):
    loss = CRAFTED_NAMES  # a cell that raises the crafted exception while the cells run
    report, tests = _graded(tmp_path, course, softmax=_softmax_raising(), loss=loss)
    assert report["status"] == "graded", report["reason"]
    assert tests["l3_softmax"]["points"] == 0.0
    assert "raised E[2J]0;ownedgnp.exe" in tests["l3_softmax"]["message"]  # the class was made
    text = json.dumps(report, ensure_ascii=False)
    assert not _CONTROL.search(text.replace("\n", "")), "a control character reached the report"
    assert "owned" not in text or "\x1b" not in text
    # Every line of every message and note stays short: no name is copied whole.
    lines = [line for test in report["tests"] for line in test["message"].splitlines()]
    lines += report["notes"]
    assert max(len(line) for line in lines) < 1000
    assert not re.search(r"[\u202e\u2028]", text)
