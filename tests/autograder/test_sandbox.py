"""The sandbox: limits, exit classification, fresh state per notebook, grader failures."""

import gc
import warnings

import numpy as np
import pytest

from autograder.sandbox import warm
from autograder.sandbox.launcher import Limits, Sandbox, SandboxError, classify_exit, self_test
from autograder.sandbox.view import LessonView

VIEW = LessonView(
    lesson="test_sandbox",
    packages=("numpy", "matplotlib"),
    absent=("softmax", "cross_entropy", "symbolic", "dynamics", "regression"),
)


def _start(cells, isolation="bubblewrap", **limits):
    box = Sandbox(Limits(isolation=isolation, **limits), VIEW)
    try:
        ready = box.start(cells)
    except BaseException:
        box.close()
        raise
    return box, ready


@pytest.mark.slow
@pytest.mark.serial
@pytest.mark.parametrize("isolation", ["bubblewrap", "none"])
def test_answers_come_back_as_plain_data(isolation, request):
    if isolation == "bubblewrap":
        request.getfixturevalue("bubblewrap")
    cells = ["import numpy as np\ndef double(z):\n    return 2 * z", "print('ignored')"]
    box, ready = _start(cells, isolation)
    with box:
        assert ready["cell_errors"] == []
        answer = box.request({"op": "call", "name": "double", "cases": [[np.arange(3.0)]]})
        np.testing.assert_array_equal(answer["answers"][0]["value"], [0.0, 2.0, 4.0])
        missing = box.request({"op": "call", "name": "absent", "cases": [[1.0]]})
        assert missing["answers"][0]["error"] == "NameError"


@pytest.mark.slow
@pytest.mark.serial
def test_a_hanging_test_is_stopped_by_the_time_limit(bubblewrap):
    box, _ = _start(["def hang():\n    while True:\n        pass"], test_timeout_s=1.0)
    with box:
        with pytest.raises(SandboxError) as stopped:
            box.request({"op": "call", "name": "hang", "cases": [[]]})
    assert stopped.value.kind == "timeout" and not stopped.value.grader_failure


@pytest.mark.slow
@pytest.mark.serial
def test_hanging_cells_are_stopped_by_the_cpu_limit(bubblewrap):
    with pytest.raises(SandboxError) as stopped:
        _start(["while True:\n    pass"], cpu_s=1.0)
    assert stopped.value.kind == "timeout"
    assert "CPU time" in str(stopped.value)


@pytest.mark.slow
@pytest.mark.serial
def test_a_sleeping_notebook_is_stopped_by_the_wall_clock_limit(bubblewrap):
    with pytest.raises(SandboxError) as stopped:
        _start(["import time\ntime.sleep(60)"], cells_timeout_s=1.0)
    assert stopped.value.kind == "timeout"


@pytest.mark.slow
@pytest.mark.serial
def test_endless_output_is_cut(bubblewrap):
    with pytest.raises(SandboxError) as stopped:
        _start(["while True:\n    print('x' * 1000)"], output_bytes=100_000)
    assert stopped.value.kind == "output"


@pytest.mark.slow
@pytest.mark.serial
def test_os_exit_is_the_students_not_the_graders(bubblewrap):
    with pytest.raises(SandboxError) as stopped:
        _start(["import os\nos._exit(7)"])
    assert stopped.value.kind == "exit" and not stopped.value.grader_failure
    assert "7" not in str(stopped.value)  # the status is the student's choice: never shown


@pytest.mark.slow
@pytest.mark.serial
def test_sys_exit_in_a_cell_does_not_stop_the_notebook(bubblewrap):
    box, ready = _start(["import sys\nsys.exit(0)", "value = 4"])
    with box:
        assert ready["cell_errors"][0]["error"] == "SystemExit"
        assert box.request({"op": "value", "name": "value"})["answers"][0]["value"] == 4


@pytest.mark.slow
@pytest.mark.serial
def test_memory_limit_turns_a_bomb_into_memory_error(bubblewrap):
    box, ready = _start(["import numpy as np\nx = np.ones(10**10)"], memory_mb=512)
    with box:
        assert ready["cell_errors"][0]["error"] == "MemoryError"


@pytest.mark.slow
@pytest.mark.serial
def test_consecutive_notebooks_share_no_state(bubblewrap):
    first, _ = _start(
        [
            "import numpy as np\nimport ce_lib\nnp.pi = 3\nce_lib.marker = 1\n"
            "open('/tmp/left-behind', 'w').write('x')\nopen('here', 'w').write('x')"
        ]
    )
    first.close()
    cells = [
        "import os, numpy as np\nimport ce_lib\n"
        "state = [np.pi, hasattr(ce_lib, 'marker'), os.path.exists('/tmp/left-behind'),"
        " os.path.exists('here')]"
    ]
    second, _ = _start(cells)
    with second:
        state = second.request({"op": "value", "name": "state"})["answers"][0]["value"]
    assert state.tolist() == [np.pi, 0.0, 0.0, 0.0]


@pytest.mark.slow
@pytest.mark.serial
def test_the_reference_is_a_stand_in_that_raises(bubblewrap):
    cells = [
        "import numpy as np\nfrom ce_lib import softmax\nfrom ce_lib.gradcheck import "
        "numerical_gradient\ndef use():\n    return softmax(np.zeros(3))\n"
        "def fd():\n    return numerical_gradient(lambda z: float((z ** 2).sum()), np.ones(2))"
    ]
    box, ready = _start(cells)
    with box:
        assert ready["cell_errors"] == []  # importing it costs nothing
        used = box.request({"op": "call", "name": "use", "cases": [[]]})["answers"][0]
        assert used["error"] == "ReferenceUnavailable"
        allowed = box.request({"op": "call", "name": "fd", "cases": [[]]})["answers"][0]
        np.testing.assert_allclose(allowed["value"], [2.0, 2.0], rtol=1e-6)


@pytest.mark.slow
@pytest.mark.serial
def test_the_unisolated_mode_says_so(bubblewrap):
    box, _ = _start(["x = 1"], isolation="none")
    with box:
        assert box.isolation == "none"


def test_a_broken_sandbox_is_a_grader_failure(monkeypatch):
    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: "/bin/false")
    warm.shutdown()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(SandboxError) as failed:
            _start(["x = 1"])
        assert failed.value.kind == "start" and failed.value.grader_failure
        del failed  # its traceback holds the sandbox
        gc.collect()
    # The pipes of a worker that never started are closed, not left to the garbage collector.
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    with pytest.raises(SandboxError, match=r"self-test|could not start"):
        self_test(VIEW)


def test_without_bubblewrap_the_sandbox_refuses(monkeypatch):
    monkeypatch.setattr("autograder.sandbox.launcher.bubblewrap_path", lambda: None)
    with pytest.raises(SandboxError, match="apt-get install bubblewrap") as failed:
        _start(["x = 1"])
    assert failed.value.grader_failure


@pytest.mark.slow
@pytest.mark.serial
def test_a_dead_warm_process_is_replaced(bubblewrap):
    box, _ = _start(["x = 1"])
    box.close()
    current = warm._warm[VIEW]
    current._process.kill()
    current._process.wait()
    box, _ = _start(["y = 2"])
    with box:
        assert box.request({"op": "value", "name": "y"})["answers"][0]["value"] == 2
    assert warm._warm[VIEW] is not current


@pytest.mark.slow
@pytest.mark.serial
def test_self_test_passes_in_every_lesson_view(bubblewrap):
    from autograder.definitions import lesson_ids, view_for

    for lesson_id in lesson_ids():
        self_test(view_for(lesson_id))


@pytest.mark.parametrize(
    ("code", "kind"), [(-24, "timeout"), (-9, "memory"), (0, "exit"), (3, "exit"), (-11, "crash")]
)
def test_exit_statuses_are_classified(code, kind):
    assert classify_exit(code).kind == kind


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("test_timeout_s", 0),
        ("cells_timeout_s", -1),
        ("memory_mb", 10),
        ("output_bytes", 0),
        ("tmp_mb", 0),
        ("isolation", "rlimit"),
    ],
)
def test_limits_are_validated(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("test_timeout_s", 0, "test_timeout_s: expected a finite number > 0, got 0."),
        ("notebook_timeout_s", float("inf"), "expected a finite number > 0, got inf."),
        ("cpu_s", -1.0, "cpu_s: expected a finite number > 0, got -1.0."),
        ("memory_mb", 10, "memory_mb: expected an integer >= 256, got 10."),
        ("memory_mb", 1024.0, "memory_mb: expected an integer >= 256, got 1024.0."),
        ("output_bytes", True, "output_bytes: expected an integer >= 1, got True."),
        ("tmp_mb", 0, "tmp_mb: expected an integer >= 1, got 0."),
        ("isolation", "rlimit", "isolation: expected one of ('bubblewrap', 'none'), got 'rlimit'."),
    ],
)
def test_a_bad_limit_is_named_with_what_was_expected(field, value, message):
    with pytest.raises(ValueError) as raised:
        Limits(**{field: value})
    assert str(raised.value).endswith(message)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"shims": ("nope",)}, "shims: expected names among "),
        ({"absent": ("nope",)}, "absent: expected modules of ce_lib ("),
    ],
)
def test_a_bad_lesson_view_is_named(options, message):
    with pytest.raises(ValueError) as raised:
        LessonView("demo", **options)
    assert str(raised.value).startswith(message)
    assert str(raised.value).endswith(", got 'nope'.")
