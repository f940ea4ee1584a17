r"""Frames to and from a sandboxed worker, each within a deadline.

The trusted side never blocks on the student's process: a write goes through a non-blocking
pipe and a read through a selector, both in slices of at most a quarter second, and both
give up at the earlier of the call's own time limit and the notebook's deadline. What the
worker sends is decoded by :func:`ce_sandbox.wire.read_frame`, which checks every length,
dtype and shape, and must be an object (a dict).

The channel does not own the worker: the sandbox gives it three callbacks, ``kill`` (end
the worker now), ``stopped`` (the :class:`~autograder.sandbox.exits.SandboxError` of a
worker that is gone) and ``cut`` (whether the worker printed past its limit).
"""

import os
import selectors
import time

from autograder.sandbox.exits import SandboxError
from ce_sandbox.wire import WireError, read_frame


class Channel:
    r"""Send and receive frames on the worker's pipes within deadlines.

    Parameters
    ----------
    to_worker, from_worker : int
        The write end of the worker's input pipe (non-blocking) and the read end of its
        output pipe.
    deadline : float
        The notebook's deadline on :func:`time.monotonic`'s clock.
    notebook_timeout_s : float
        The notebook's whole time limit, for messages.
    kill, stopped, cut : callable
        See the module docstring.
    """

    def __init__(self, to_worker, from_worker, *, deadline, notebook_timeout_s, kill, stopped,
                 cut):  # fmt: skip
        self.to_worker = to_worker
        self.from_worker = from_worker
        self.deadline = deadline
        self.notebook_timeout_s = notebook_timeout_s
        self._kill = kill
        self._stopped = stopped
        self._cut = cut

    def send(self, data, timeout):
        r"""Write the encoded frame ``data`` within ``timeout`` seconds."""
        # The pipe does not block: a worker that never reads (the pipe full of requests)
        # is stopped at the deadline instead of holding the grader forever.
        deadline = min(time.monotonic() + timeout, self.deadline)
        selector = selectors.DefaultSelector()
        selector.register(self.to_worker, selectors.EVENT_WRITE)
        try:
            view = memoryview(data)
            while view:
                if self._cut():
                    raise self._stopped()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill()
                    raise SandboxError("timeout", self.timeout_message(timeout))
                if not selector.select(min(remaining, 0.25)):
                    continue
                try:
                    written = os.write(self.to_worker, view)
                except BlockingIOError:
                    continue
                view = view[written:]
        except OSError:
            raise self._stopped() from None
        finally:
            selector.close()

    def receive(self, timeout):
        r"""Read one frame within ``timeout`` seconds and return its message (a dict)."""
        deadline = min(time.monotonic() + timeout, self.deadline)
        selector = selectors.DefaultSelector()
        selector.register(self.from_worker, selectors.EVENT_READ)
        buffer = bytearray()

        def read_exactly(count):
            while len(buffer) < count:
                remaining = deadline - time.monotonic()
                if self._cut():
                    raise self._stopped()
                if remaining <= 0:
                    raise SandboxError("timeout", self.timeout_message(timeout))
                if not selector.select(min(remaining, 0.25)):
                    continue
                chunk = os.read(self.from_worker, 1 << 20)
                if not chunk:
                    raise self._stopped()
                buffer.extend(chunk)
            data = bytes(buffer[:count])
            del buffer[:count]
            return data

        try:
            message = read_frame(read_exactly)
            if not isinstance(message, dict):
                # Every message of the worker is an object; the student's code can write any
                # frame on the pipe, and a list or a number must not reach the grader's reads.
                raise WireError("a message that is not an object")
            return message
        except SandboxError as error:
            if error.kind == "timeout":
                self._kill()
            raise
        except WireError as error:
            self._kill()
            raise SandboxError(
                "protocol",
                f"the notebook's process sent something that is not plain data ({error})",
            ) from None
        finally:
            selector.close()

    def timeout_message(self, timeout):
        r"""Which limit a call that ran out of time reached, in a sentence."""
        if time.monotonic() >= self.deadline:
            return f"the notebook ran longer than its {self.notebook_timeout_s:g} s limit"
        return f"the code ran longer than the {timeout:g} s limit"
