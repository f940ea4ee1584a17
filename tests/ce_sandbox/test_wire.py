"""The wire format: only plain data crosses, every length, dtype and shape is checked."""

import struct

import numpy as np
import pytest

from ce_sandbox import wire


def _frame_parts(frame):
    header_len, _payload_len = struct.unpack(">II", frame[:8])
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


def test_a_frame_over_the_payload_limit_is_refused_before_any_read():
    sizes = struct.pack(">II", 10, wire.MAX_PAYLOAD_BYTES + 1)
    reads = []

    def read_exactly(count):
        reads.append(count)
        return sizes[:count]

    with pytest.raises(wire.WireError, match="too large"):
        wire.read_frame(read_exactly)
    assert reads == [8]  # the header and payload were never read
