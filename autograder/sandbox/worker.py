r"""The process inside the sandbox: runs the student's cells once, then answers test requests.

Started by :mod:`autograder.sandbox.launcher` as ``python -I -B -m autograder.sandbox.worker
IN_FD OUT_FD``. It reads a setup message (the cells to run, what the lesson forbids, the paths
to refuse), installs the guards, runs the cells and then answers requests until told to stop.
Every message in either direction is a frame of :mod:`autograder.sandbox.wire`; what the
student prints goes to stdout and stderr, which the trusted side counts and discards.

Guards (they complement the operating-system isolation, they do not replace it):

- forbidden ce_lib functions are replaced, wherever ce_lib exposes them, by stubs that raise
  ``ForbiddenCall`` and record the attempt when called from outside ce_lib;
- forbidden modules cannot be imported (a meta path finder), and copies already imported are
  dropped from ``sys.modules``;
- an audit hook refuses to open the hidden paths, to start processes and to open sockets.
"""

import builtins
import os
import sys
import warnings

# Bind what the protocol needs before any student code can patch a module.
_os_read = os.read
_os_write = os.write
_os_exit = os._exit


class ForbiddenCall(RuntimeError):
    r"""Raised when graded code calls or imports what its lesson forbids."""


_attempts = []
_guards_active = [False]


def _record(name):
    if name not in _attempts:
        _attempts.append(name)


def _read_exactly(fd, count):
    chunks = []
    remaining = count
    while remaining:
        chunk = _os_read(fd, min(remaining, 1 << 20))
        if not chunk:
            _os_exit(3)
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        written = _os_write(fd, view)
        view = view[written:]


# --- guards -------------------------------------------------------------------------------


def _install_forbidden_functions(names):
    r"""Replace each forbidden function by a stub; return the source files that define them."""
    import importlib

    defining_files = set()
    for dotted in names:
        package, _, attribute = dotted.rpartition(".")
        try:
            importlib.import_module(package)
        except ImportError:
            continue
        original = None
        for module_name, module in list(sys.modules.items()):
            if module is None or not (module_name == package or module_name.startswith(package)):
                continue
            candidate = module.__dict__.get(attribute)
            if callable(candidate) and not isinstance(candidate, type(sys)):
                original = original or candidate
                if candidate is original:
                    module.__dict__[attribute] = _make_stub(dotted, original, package)
        source = getattr(sys.modules.get(getattr(original, "__module__", "")), "__file__", None)
        if source:
            # Reloading the defining module would bring the original back: refuse its files.
            stem = os.path.splitext(os.path.realpath(source))[0]
            folder, base = os.path.split(stem)
            defining_files.update({stem + ".", os.path.join(folder, "__pycache__", base + ".")})
    return sorted(defining_files)


def _make_stub(dotted, original, package):
    def forbidden(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == package or caller.startswith(package + "."):
            return original(*args, **kwargs)
        _record(dotted)
        raise ForbiddenCall(f"{dotted} may not be used in this lesson: write it yourself")

    forbidden.__name__ = getattr(original, "__name__", "forbidden")
    forbidden.__doc__ = f"{dotted} is not available in this lesson."
    return forbidden


class _ForbiddenModules:
    r"""A meta path finder that refuses the lesson's forbidden modules."""

    def __init__(self, modules):
        self.modules = tuple(modules)

    def _is_forbidden(self, fullname):
        return any(fullname == name or fullname.startswith(name + ".") for name in self.modules)

    def find_spec(self, fullname, path=None, target=None):
        if self._is_forbidden(fullname):
            _record(fullname)
            raise ForbiddenCall(f"{fullname} may not be imported in this lesson")
        return None


def _install_forbidden_modules(modules):
    finder = _ForbiddenModules(modules)
    for name in list(sys.modules):
        if finder._is_forbidden(name):
            del sys.modules[name]
            parent, _, child = name.rpartition(".")
            if parent in sys.modules and getattr(sys.modules[parent], child, None) is not None:
                try:
                    delattr(sys.modules[parent], child)
                except AttributeError:
                    pass
    sys.meta_path.insert(0, finder)


_REFUSED_EVENTS = (
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.spawn",
    "os.startfile",
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "pty.spawn",
)


def _install_audit_hook(hidden_paths, forbidden_modules, refused_file_prefixes=()):
    realpath = os.path.realpath
    fspath = os.fspath
    prefixes = tuple(realpath(path) for path in hidden_paths)
    file_prefixes = tuple(refused_file_prefixes)
    modules = tuple(forbidden_modules)

    def hidden(path):
        try:
            if isinstance(path, int):
                return False
            resolved = realpath(fspath("." if path is None else path))
            if isinstance(resolved, bytes):
                resolved = resolved.decode(errors="replace")
        except Exception:  # noqa: BLE001 - an unreadable path is refused below
            return True
        return resolved.startswith(file_prefixes) or any(
            resolved == prefix or resolved.startswith(prefix + os.sep) for prefix in prefixes
        )

    def hook(event, args):
        if not _guards_active[0]:
            return
        if event in ("open", "os.listdir", "os.scandir", "shutil.copyfile", "os.chdir"):
            if args and hidden(args[0]):
                raise PermissionError(f"{event} refused by the grader's sandbox")
        elif event == "import":
            name = args[0] if args else ""
            if any(name == module or name.startswith(module + ".") for module in modules):
                _record(name)
        elif event.startswith(_REFUSED_EVENTS):
            raise PermissionError(f"{event} refused by the grader's sandbox")

    sys.addaudithook(hook)


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


def _compile_cell(source, index):
    lines = source.splitlines()
    needs_ipython = any(line.lstrip().startswith(("%", "!")) for line in lines) or any(
        line.rstrip().endswith("?") for line in lines
    )
    if not needs_ipython:
        try:
            return compile(source, f"<cell {index}>", "exec")
        except SyntaxError:
            pass
    from IPython.core.inputtransformer2 import TransformerManager

    return compile(TransformerManager().transform_cell(source), f"<cell {index}>", "exec")


def _short_error(exc):
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:300] + "..."


def _run_cells(cells, namespace):
    errors = []
    for index, source in enumerate(cells):
        try:
            code = _compile_cell(source, index)
            exec(code, namespace)  # noqa: S102 - this process exists to run the student's cells
        except BaseException as exc:  # noqa: BLE001 - a failing cell must not stop the others
            errors.append({"cell": index, "error": type(exc).__name__, "detail": _short_error(exc)})
    return errors


def _answer(request, namespace):
    from autograder.sandbox.answers import (
        call_function,
        evaluate_expression_answers,
        read_value,
    )

    op = request.get("op")
    name = request.get("name")
    count = len(request.get("cases") or request.get("points") or [None])
    if name not in namespace:
        return [{"error": "NameError", "detail": f"name {name!r} is not defined"}] * count
    obj = namespace[name]
    try:
        if op == "call":
            return call_function(obj, [tuple(args) for args in request["cases"]])
        if op == "value":
            return read_value(obj)
        if op == "expression":
            return evaluate_expression_answers(obj, request["points"])
    except BaseException as exc:  # noqa: BLE001 - sys.exit and friends inside a graded call
        return [{"error": type(exc).__name__, "detail": _short_error(exc)}] * count
    return [{"error": "ProtocolError", "detail": f"unknown request {op!r}"}] * count


def _not_dumpable():
    # Other workers forked from the same warm process cannot read or trace this one.
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def main(argv=None):
    r"""Run the worker on the file descriptors given in ``argv``."""
    argv = sys.argv[1:] if argv is None else argv
    in_fd, out_fd = int(argv[0]), int(argv[1])
    _not_dumpable()

    import numpy  # noqa: F401 - imported before the guards, as every lesson needs it

    from autograder.sandbox import answers  # noqa: F401 - bound before student code runs
    from autograder.sandbox.wire import encode, read_frame

    def receive():
        return read_frame(lambda count: _read_exactly(in_fd, count))

    def send(message):
        _write_all(out_fd, encode(message))

    setup = receive()
    forbidden = setup.get("forbidden", {})
    refused_files = []
    try:
        import ce_lib  # noqa: F401 - imported so its reference functions can be replaced

        refused_files = _install_forbidden_functions(forbidden.get("functions", []))
    except ImportError:
        pass
    _install_forbidden_modules(forbidden.get("modules", []))
    _install_audit_hook(setup.get("hidden_paths", []), forbidden.get("modules", []), refused_files)
    warnings.simplefilter("ignore")

    namespace = {"__name__": "__main__", "__builtins__": builtins}
    stub = _IPythonStub()
    namespace["get_ipython"] = lambda: stub
    _guards_active[0] = True
    cell_errors = _run_cells(setup.get("cells", []), namespace)
    send({"op": "ready", "cell_errors": cell_errors, "forbidden": list(_attempts)})

    while True:
        request = receive()
        if request.get("op") == "stop":
            break
        del _attempts[:]
        send(
            {"op": "answers", "answers": _answer(request, namespace), "forbidden": list(_attempts)}
        )
    sys.stdout.flush()
    _os_exit(0)


if __name__ == "__main__":
    main()
