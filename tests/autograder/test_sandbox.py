"""The sandbox: wire format, guards, limits and isolation."""

import os
import struct

import numpy as np
import pytest

from autograder.sandbox import wire
from autograder.sandbox.answers import call_function, evaluate_expression
from autograder.sandbox.launcher import Limits, Sandbox, SandboxError, bubblewrap_path

ISOLATIONS = ["bubblewrap", "rlimit"]
LESSON3_FORBIDDEN = {
    "functions": ["ce_lib.softmax", "ce_lib.cross_entropy"],
    "modules": ["scipy.special", "torch"],
}


def _frame_parts(frame):
    header_len, payload_len = struct.unpack(">II", frame[:8])
    return frame[8 : 8 + header_len], frame[8 + header_len :]


# --- wire format ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["<f8", "<f4", "<i8", "<i4", "|b1", "|u1"])
def test_arrays_cross_with_dtype_and_shape(dtype):
    array = (np.arange(12) % 3).astype(dtype).reshape(3, 4)
    message = wire.decode(*_frame_parts(wire.encode({"x": array, "n": [1, 2.5, None, "s"]})))
    assert message["x"].dtype == np.dtype(dtype) and message["x"].shape == (3, 4)
    np.testing.assert_array_equal(message["x"], array)
    assert type(message["x"]) is np.ndarray
    assert message["n"] == [1, 2.5, None, "s"]


def test_big_endian_arrays_arrive_little_endian():
    array = np.arange(3, dtype=">f8")
    decoded = wire.decode(*_frame_parts(wire.encode({"x": array})))["x"]
    assert decoded.dtype.str == "<f8"
    np.testing.assert_array_equal(decoded, [0.0, 1.0, 2.0])


@pytest.mark.parametrize(
    "value",
    [object(), np.array([object()]), np.array(["text"]), {1, 2}, b"bytes", np.arange(3) + 1j],
    ids=["object", "object-array", "str-array", "set", "bytes", "complex"],
)
def test_values_that_are_not_plain_data_cannot_be_sent(value):
    with pytest.raises(wire.WireError):
        wire.encode({"x": value})


def test_to_plain_strips_ndarray_subclasses():
    class Sneaky(np.ndarray):
        def __eq__(self, other):
            return True

    plain = wire.to_plain(np.zeros(3).view(Sneaky))
    assert type(plain) is np.ndarray
    assert not (plain == np.ones(3)).any()


@pytest.mark.parametrize(
    ("header", "payload", "problem"),
    [
        (b'{"x": {"__array__": ["|O", [1], 0, 8]}}', b"\0" * 8, "not allowed"),
        (b'{"x": {"__array__": ["<f8", [2], 0, 8]}}', b"\0" * 8, "does not match"),
        (b'{"x": {"__array__": ["<f8", [1], 0, 8]}}', b"\0" * 16, "payload length"),
        (b'{"x": {"__array__": ["<f8", [-1], 0, 8]}}', b"\0" * 8, "shape"),
        (b'{"x": {"__array__": ["<f8", [1], 4, 8]}}', b"\0" * 12, "offset"),
        (b"\x80\x04\x95 pickle", b"", "malformed header"),
    ],
)
def test_malformed_frames_are_rejected(header, payload, problem):
    with pytest.raises(wire.WireError, match=problem):
        wire.decode(header, payload)


def test_oversized_frames_are_rejected_before_reading():
    sizes = struct.pack(">II", wire.MAX_HEADER_BYTES + 1, 0)
    with pytest.raises(wire.WireError, match="too large"):
        wire.read_frame(lambda count: sizes[:count])


def test_expression_evaluation_matches_by_symbol_name():
    import sympy

    x = sympy.Symbol("x", positive=True)  # same name, different assumptions
    assert evaluate_expression(sympy.log(x), {"x": 1.0}).tolist() == [0.0]
    with pytest.raises(ValueError, match="does not define: y"):
        evaluate_expression(sympy.Symbol("y"), {"x": 1.0})
    with pytest.raises(ValueError, match="not real"):
        evaluate_expression(sympy.sqrt(sympy.Symbol("x")), {"x": -1.0})


def test_call_function_copies_inputs():
    original = np.ones(3)

    def mutate(z):
        z[:] = 0
        return z

    call_function(mutate, [(original,)])
    np.testing.assert_array_equal(original, np.ones(3))


# --- the sandboxed worker ------------------------------------------------------------------


def test_bubblewrap_is_available_here():
    # .ci/run installs bubblewrap; without it the grader falls back to rlimit.
    assert bubblewrap_path() is not None


def _start(isolation, cells, hidden=(), forbidden=None, **limits):
    box = Sandbox(Limits(isolation=isolation, **limits), list(hidden))
    ready = box.start(cells, forbidden or {"functions": [], "modules": []})
    return box, ready


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_answers_come_back_as_plain_data(isolation):
    cells = ["import numpy as np\ndef double(z):\n    return 2 * z", "print('ignored')"]
    box, ready = _start(isolation, cells)
    with box:
        assert box.isolation == isolation
        assert ready["cell_errors"] == []
        answer = box.request({"op": "call", "name": "double", "cases": [[np.arange(3.0)]]})
        np.testing.assert_array_equal(answer["answers"][0]["value"], [0.0, 2.0, 4.0])
        missing = box.request({"op": "call", "name": "absent", "cases": [[1.0]]})
        assert missing["answers"][0]["error"] == "NameError"


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_forbidden_functions_and_modules_are_blocked_and_recorded(isolation):
    cells = [
        "import ce_lib\nfrom ce_lib import softmax as reference\n"
        "def softmax(z):\n    return reference(z)",
        "import scipy.special",
        "from ce_lib import gradient_relative_error",  # allowed
    ]
    box, ready = _start(isolation, cells, forbidden=LESSON3_FORBIDDEN)
    with box:
        assert [error["cell"] for error in ready["cell_errors"]] == [1]
        assert ready["forbidden"] == ["scipy.special"]
        answer = box.request({"op": "call", "name": "softmax", "cases": [[np.zeros((1, 2))]]})
        assert answer["answers"][0]["error"] == "ForbiddenCall"
        assert answer["forbidden"] == ["ce_lib.softmax"]


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_hidden_paths_cannot_be_read_or_listed(isolation, tmp_path):
    private = tmp_path / "solutions"
    private.mkdir()
    (private / "answer.txt").write_text("the reference solution")
    cells = [
        "import os\n"
        f"def read():\n    return len(open({str(private / 'answer.txt')!r}).read())\n"
        f"def listing():\n    return len(os.listdir({str(private)!r}))"
    ]
    box, _ = _start(isolation, cells, hidden=[private])
    with box:
        for name in ("read", "listing"):
            answer = box.request({"op": "call", "name": name, "cases": [[]]})
            assert "error" in answer["answers"][0], answer


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_processes_and_network_are_refused(isolation):
    cells = [
        "import subprocess, socket\n"
        "def spawn():\n    return subprocess.run(['true']).returncode\n"
        "def connect():\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\n    return 1"
    ]
    box, _ = _start(isolation, cells)
    with box:
        for name in ("spawn", "connect"):
            answer = box.request({"op": "call", "name": name, "cases": [[]]})
            assert "error" in answer["answers"][0], answer


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_a_hanging_test_is_stopped_by_the_time_limit(isolation):
    box, _ = _start(isolation, ["def hang():\n    while True:\n        pass"], test_timeout_s=1.0)
    with box:
        with pytest.raises(SandboxError) as stopped:
            box.request({"op": "call", "name": "hang", "cases": [[]]})
        assert stopped.value.kind == "timeout"


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_hanging_cells_are_stopped_by_the_time_limit(isolation):
    with pytest.raises(SandboxError) as stopped:
        _start(isolation, ["while True:\n    pass"], cells_timeout_s=1.0)
    assert stopped.value.kind == "timeout"


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_endless_output_is_cut(isolation):
    with pytest.raises(SandboxError) as stopped:
        _start(isolation, ["while True:\n    print('x' * 1000)"], output_bytes=100_000)
    assert stopped.value.kind == "output"


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_os_exit_is_reported(isolation):
    with pytest.raises(SandboxError) as stopped:
        _start(isolation, ["import os\nos._exit(7)"])
    assert stopped.value.kind == "exit"
    assert "7" not in str(stopped.value)  # the status is the student's choice: never shown


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_sys_exit_in_a_cell_does_not_stop_the_notebook(isolation):
    box, ready = _start(isolation, ["import sys\nsys.exit(0)", "value = 4"])
    with box:
        assert ready["cell_errors"][0]["error"] == "SystemExit"
        assert box.request({"op": "value", "name": "value"})["answers"][0]["value"] == 4


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_memory_limit_turns_a_bomb_into_memory_error(isolation):
    box, ready = _start(isolation, ["import numpy as np\nx = np.ones(10**10)"], memory_mb=512)
    with box:
        assert ready["cell_errors"][0]["error"] == "MemoryError"


@pytest.mark.parametrize("warm_start", [True, False])
def test_working_directory_is_fresh_and_removed_afterwards(warm_start):
    cells = [
        "import os\nhere = os.getcwd()\nfiles = os.listdir()\nopen('scratch.txt', 'w').write('x')"
    ]
    box, _ = _start("rlimit", cells, warm_start=warm_start)
    with box:
        assert box.warm == warm_start
        here = box.request({"op": "value", "name": "here"})["answers"][0]["value"]
        assert os.path.exists(os.path.join(here, "scratch.txt"))
    assert not os.path.exists(here)


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_warm_workers_do_not_share_state(isolation):
    first, _ = _start(
        isolation, ["import numpy as np\nimport ce_lib\nnp.pi = 3\nce_lib.marker = 1"]
    )
    with first:
        assert first.warm
    cells = ["import numpy as np\nimport ce_lib\nstate = [np.pi, hasattr(ce_lib, 'marker')]"]
    second, _ = _start(isolation, cells)
    with second:
        state = second.request({"op": "value", "name": "state"})["answers"][0]["value"]
        assert state.tolist() == [np.pi, 0.0]


@pytest.mark.parametrize("isolation", ISOLATIONS)
def test_cold_and_warm_starts_give_the_same_answers(isolation):
    cells = ["import numpy as np\ndef f(z):\n    return np.exp(z)"]
    results = []
    for warm_start in (True, False):
        box, _ = _start(isolation, cells, warm_start=warm_start)
        with box:
            assert box.warm == warm_start
            answer = box.request({"op": "call", "name": "f", "cases": [[np.arange(3.0)]]})
            results.append(answer["answers"][0]["value"])
    np.testing.assert_array_equal(results[0], results[1])


def test_bubblewrap_drops_capabilities():
    cells = ["status = open('/proc/self/status').read()\n"
             "cap_eff = [l for l in status.splitlines() if l.startswith('CapEff')][0]"]  # fmt: skip
    box, _ = _start("bubblewrap", cells)
    with box:
        line = box.request({"op": "value", "name": "cap_eff"})["answers"][0]["value"]
        assert line.split()[1] == "0000000000000000"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("test_timeout_s", 0),
        ("cells_timeout_s", -1),
        ("memory_mb", 10),
        ("output_bytes", 0),
        ("isolation", "docker"),
    ],
)
def test_limits_are_validated(field, value):
    with pytest.raises(ValueError, match=field):
        Limits(**{field: value})


def test_warm_processes_are_bounded_and_shut_down(tmp_path):
    from autograder.sandbox import launcher

    for index in range(launcher.MAX_WARM_PROCESSES + 1):
        box, _ = _start("rlimit", ["x = 1"], hidden=[tmp_path / f"hidden{index}"])
        box.close()
    zygotes = list(launcher._zygotes.values())
    assert len(zygotes) == launcher.MAX_WARM_PROCESSES
    launcher.shutdown_warm_processes()
    assert not any(zygote.alive() for zygote in zygotes)
