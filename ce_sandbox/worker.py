r"""The process inside the sandbox: runs the student's cells once, then answers test requests.

A worker is forked from the warm process (:mod:`ce_sandbox.zygote`) into namespaces of its own
(:mod:`ce_sandbox.namespaces`). It reads a setup message (the cells to run), runs the cells and
answers requests until told to stop. Every message in either direction is a frame of
:mod:`ce_sandbox.wire`; what the student prints goes to stdout and stderr, which the trusted
side counts and discards.

Nothing here guards anything. The boundary is what the operating system gives this process:
a file view that holds only what the lesson allows (the reference it is asked to write is not
in it), no other process, no network. The trusted side treats every frame as hostile data.
"""

import builtins
import os
import re
import sys
import warnings

from ce_sandbox.wire import encode, read_frame

MAX_DETAIL_CHARS = 300

#: A line that only IPython understands: a magic (``%time``), a shell escape (``!ls``) or help
#: (``np.sum?``). The sandbox has no IPython: such lines do nothing under grading.
_IPYTHON_LINE = re.compile(r"^(\s*)(%|!|\?)|\?\s*$")


def _read_exactly(fd, count):
    chunks = []
    remaining = count
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            os._exit(3)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _IPythonStub:
    r"""What ``get_ipython()`` returns in the sandbox: magics and shell escapes do nothing."""

    def __init__(self):
        self.input_transformers_post = []
        self.input_transformers_cleanup = []
        self.ast_transformers = []
        self.user_ns = {}

    def run_line_magic(self, *args, **kwargs):
        return None

    def run_cell_magic(self, *args, **kwargs):
        return None

    def system(self, *args, **kwargs):
        return None

    def getoutput(self, *args, **kwargs):
        return []

    def magic(self, *args, **kwargs):
        return None

    def __getattr__(self, name):
        raise AttributeError(f"the grader's sandbox has no IPython attribute {name!r}")


def strip_ipython_syntax(source):
    r"""Return ``source`` with IPython-only lines turned into ``pass`` at the same indentation.

    >>> strip_ipython_syntax("%%time\nx = 1\n!ls\nnp.sum?")
    'pass\nx = 1\npass\npass'
    """
    lines = []
    for line in source.splitlines():
        match = _IPYTHON_LINE.search(line)
        if match and not line.lstrip().startswith("#"):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}pass")
        else:
            lines.append(line)
    return "\n".join(lines)


def _compile_cell(source, index):
    name = f"<cell {index}>"
    try:
        return compile(source, name, "exec")
    except SyntaxError:
        return compile(strip_ipython_syntax(source), name, "exec")


def short_error(exc):
    r"""Return ``"Type: message"`` of ``exc``, cut to :data:`MAX_DETAIL_CHARS`."""
    # A student's exception that cannot print itself must not stop the worker, and with it
    # every later cell and test.
    try:
        message = str(exc)
    except Exception:
        message = "(its message could not be printed)"
    text = f"{type(exc).__name__[:MAX_DETAIL_CHARS]}: {message[: MAX_DETAIL_CHARS + 1]}"
    return text if len(text) <= MAX_DETAIL_CHARS else text[:MAX_DETAIL_CHARS] + "..."


def _run_cells(cells, namespace):
    errors = []
    for index, source in enumerate(cells):
        try:
            code = _compile_cell(source, index)
            exec(code, namespace)
        except BaseException as exc:  # a failing cell must not stop the others
            name = type(exc).__name__[:100]  # the student's class name: any length
            errors.append({"cell": index, "error": name, "detail": short_error(exc)})
    return errors


def _answer(request, namespace):
    from ce_sandbox.answers import (
        call_function,
        error_answer,
        evaluate_expression_answers,
        read_value,
    )

    op = request.get("op")
    name = request.get("name")
    count = len(request.get("cases") or request.get("points") or [None])
    if not isinstance(name, str) or name not in namespace:
        return [{"error": "NameError", "detail": f"name {name!r} is not defined"}] * count
    obj = namespace[name]
    try:
        if op == "call":
            return call_function(obj, [tuple(args) for args in request["cases"]])
        if op == "value":
            return read_value(obj)
        if op == "expression":
            return evaluate_expression_answers(obj, request["points"])
    except BaseException as exc:  # sys.exit and friends inside a graded call
        # The detail without the name: feedback reads "raised SystemExit: 3".
        return [error_answer(exc)] * count
    return [{"error": "ProtocolError", "detail": f"unknown request {op!r}"}] * count


def serve(in_fd, out_fd):
    r"""Run the setup's cells, then answer requests on the two file descriptors."""

    def receive():
        return read_frame(lambda count: _read_exactly(in_fd, count))

    def send(message):
        _write_all(out_fd, encode(message))

    # Sent before any student code runs: a worker that dies before this is the grader's failure.
    send({"op": "isolated"})
    setup = receive()
    warnings.simplefilter("ignore")
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    stub = _IPythonStub()
    namespace["get_ipython"] = lambda: stub
    cell_errors = _run_cells(setup.get("cells", []), namespace)
    send({"op": "ready", "cell_errors": cell_errors})
    while True:
        request = receive()
        if request.get("op") == "stop":
            break
        send({"op": "answers", "answers": _answer(request, namespace)})
    sys.stdout.flush()
    os._exit(0)


def main(argv=None):
    r"""Run the worker on the file descriptors given in ``argv`` (``IN_FD OUT_FD``)."""
    argv = sys.argv[1:] if argv is None else argv
    serve(int(argv[0]), int(argv[1]))


if __name__ == "__main__":
    main()
