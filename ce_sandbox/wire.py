r"""Plain-data wire format between the trusted grader and the sandboxed student process.

A message is one frame::

    8 bytes   header length and payload length, two big-endian unsigned 32-bit integers
    header    UTF-8 JSON: numbers, strings, booleans, null, lists and objects
    payload   the raw little-endian bytes of every array the header refers to, in order

An array appears in the header as ``{"__array__": [dtype, shape, offset, nbytes]}`` where
``dtype`` is one of :data:`ALLOWED_DTYPES`. Nothing else can cross: no pickles, no objects
with methods. The receiver checks every length, dtype and shape before building a fresh
base-class :class:`numpy.ndarray` from the bytes.

Examples
--------
>>> import numpy as np
>>> frame = encode({"op": "call", "args": [np.arange(3.0), 2]})
>>> message = decode(frame[8:8 + int.from_bytes(frame[:4], "big")], frame[8 + int.from_bytes(
...     frame[:4], "big"):])
>>> message["args"][0].tolist(), message["args"][1]
([0.0, 1.0, 2.0], 2)
"""

import json
import math
import struct

import numpy as np

#: dtypes that may cross the boundary (little-endian numbers and booleans only).
ALLOWED_DTYPES = frozenset(
    ["<f8", "<f4", "<f2", "<i8", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1", "|b1"]
)
MAX_HEADER_BYTES = 1024 * 1024
MAX_PAYLOAD_BYTES = 32 * 1024 * 1024
MAX_STRING_CHARS = 2000
MAX_NDIM = 8
_FRAME = struct.Struct(">II")


class WireError(ValueError):
    r"""Raised when a value cannot cross the boundary or a frame is malformed."""


class NotPlainData(WireError):
    r"""Raised when an answer is not plain data (numbers, arrays of numbers, bool, str)."""


def to_plain(value):
    r"""Convert a student's answer to plain data or raise :class:`NotPlainData`.

    Accepted: Python and NumPy numbers and booleans, strings, NumPy arrays (subclasses are
    copied into the base class, so their methods are gone) and nested lists or tuples of
    numbers. The result is a ``bool``, a ``str`` or a base-class ndarray with a dtype in
    :data:`ALLOWED_DTYPES`.

    >>> to_plain([1, 2.5]).dtype.str
    '<f8'
    >>> to_plain(True)
    True
    >>> to_plain(object())
    Traceback (most recent call last):
    ...
    ce_sandbox.wire.NotPlainData: expected a number or an array of numbers, got object
    """
    if type(value) is bool or type(value) is np.bool_:
        return bool(value)
    if type(value) is str:
        return value[:MAX_STRING_CHARS]
    if type(value) in (int, float) or isinstance(value, np.integer | np.floating):
        if type(value) is int and not -(2**63) <= value < 2**63:
            raise NotPlainData("expected a number that fits in 64 bits, got a larger integer")
        value = np.asarray(value)
    elif isinstance(value, np.ndarray):
        # Drop any subclass: only the memory is kept, read through the base class.
        value = np.array(value.view(np.ndarray), copy=True, subok=False)
    elif type(value) in (list, tuple):
        if not _is_nested_numbers(value, depth=0):
            raise NotPlainData(
                "expected a number or an array of numbers, got a list holding something else"
            )
        value = np.array(value)
    else:
        raise NotPlainData(f"expected a number or an array of numbers, got {type(value).__name__}")
    if type(value) is not np.ndarray:
        raise NotPlainData("expected a NumPy array of numbers")
    value = value.astype(value.dtype.newbyteorder("<"), copy=False)
    if value.dtype.str not in ALLOWED_DTYPES:
        raise NotPlainData(f"expected an array of numbers, got an array of dtype {value.dtype}")
    if value.ndim > MAX_NDIM:
        raise NotPlainData(f"expected at most {MAX_NDIM} dimensions, got {value.ndim}")
    return value if value.flags.c_contiguous else value.copy(order="C")


def _is_nested_numbers(value, depth):
    if depth > MAX_NDIM:
        return False
    for item in value:
        if type(item) in (list, tuple):
            if not _is_nested_numbers(item, depth + 1):
                return False
        elif not (type(item) in (int, float, bool) or isinstance(item, np.integer | np.floating)):
            return False
    return True


def encode(message):
    r"""Return the frame (bytes) of ``message``; arrays become raw bytes in the payload."""
    chunks = []
    offset = 0

    def convert(obj):
        nonlocal offset
        if isinstance(obj, np.ndarray):
            array = to_plain(obj)
            raw = array.tobytes()
            chunks.append(raw)
            entry = {"__array__": [array.dtype.str, list(array.shape), offset, len(raw)]}
            offset += len(raw)
            return entry
        if isinstance(obj, dict):
            return {str(key): convert(item) for key, item in obj.items()}
        if isinstance(obj, list | tuple):
            return [convert(item) for item in obj]
        if isinstance(obj, np.generic):
            return convert(obj.item())
        if obj is None or type(obj) in (bool, int, float, str):
            return obj
        raise WireError(f"cannot send a value of type {type(obj).__name__}")

    header = json.dumps(convert(message), allow_nan=True).encode("utf-8")
    payload = b"".join(chunks)
    if len(header) > MAX_HEADER_BYTES or len(payload) > MAX_PAYLOAD_BYTES:
        raise WireError("message too large")
    return _FRAME.pack(len(header), len(payload)) + header + payload


def decode(header, payload):
    r"""Rebuild a message from its header and payload bytes, checking every array."""
    try:
        message = json.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(f"malformed header: {error}") from None
    used = []

    def rebuild(obj, depth=0):
        if depth > 64:
            raise WireError("message nested too deeply")
        if isinstance(obj, dict):
            if set(obj) == {"__array__"}:
                return _array_from(obj["__array__"], payload, used)
            return {key: rebuild(item, depth + 1) for key, item in obj.items()}
        if isinstance(obj, list):
            return [rebuild(item, depth + 1) for item in obj]
        if isinstance(obj, str) and len(obj) > MAX_STRING_CHARS * 50:
            raise WireError("string too long")
        return obj

    message = rebuild(message)
    if sum(used) != len(payload):
        raise WireError("payload length does not match the arrays in the header")
    return message


def _array_from(spec, payload, used):
    if not (isinstance(spec, list) and len(spec) == 4):
        raise WireError("malformed array entry")
    dtype, shape, offset, nbytes = spec
    if not isinstance(dtype, str) or dtype not in ALLOWED_DTYPES:
        raise WireError(f"array dtype {dtype!r} is not allowed")
    if not (
        isinstance(shape, list)
        and len(shape) <= MAX_NDIM
        and all(type(n) is int and n >= 0 for n in shape)
    ):
        raise WireError("malformed array shape")
    if not (type(offset) is int and type(nbytes) is int and offset == sum(used) and nbytes >= 0):
        raise WireError("malformed array offset")
    itemsize = np.dtype(dtype).itemsize
    if math.prod(shape) * itemsize != nbytes or offset + nbytes > len(payload):
        raise WireError("array size does not match its shape")
    used.append(nbytes)
    data = np.frombuffer(payload, dtype=np.dtype(dtype), count=math.prod(shape), offset=offset)
    try:
        return data.reshape(shape).copy()
    except ValueError:
        # An empty array may declare any other dimension ([0, 2**70]): NumPy refuses it, and
        # that refusal must be the sender's protocol error, not the receiver's crash.
        raise WireError("malformed array shape") from None


def write_message(stream, message):
    r"""Encode ``message`` and write the frame to the binary ``stream``."""
    stream.write(encode(message))
    stream.flush()


def read_frame(read_exactly):
    r"""Read one frame with ``read_exactly(n) -> bytes`` and return the decoded message."""
    sizes = read_exactly(_FRAME.size)
    header_len, payload_len = _FRAME.unpack(sizes)
    if header_len > MAX_HEADER_BYTES or payload_len > MAX_PAYLOAD_BYTES:
        raise WireError("frame too large")
    header = read_exactly(header_len)
    payload = read_exactly(payload_len)
    return decode(header, payload)
