r"""The file view of a lesson's sandbox: an allowlist, built per lesson, read-only.

A sandboxed notebook sees only

- the system's runtime files: ``/usr`` (without ``/usr/local``), the loader cache;
- the interpreter: its executable, its shared library and its standard library (without any
  ``site-packages``);
- the site-packages entries of the distributions the lesson allows (and what they require),
  each bound on its own under ``/sbx/site`` (never the whole environment: it holds torch,
  SciPy and scikit-learn, and an editable install maps the course tree in);
- ``/sbx/lib``: the sandbox-side package :mod:`ce_sandbox` and a ``ce_lib`` built for the
  lesson, in which every module the lesson's graded code must not use is a stand-in whose
  functions raise ``ReferenceUnavailable`` (the reference is absent, not guarded), and
  ``ce_lib.plots`` draws nothing;
- an empty ``/tmp`` and ``/dev``.

Nothing else: no home directory, no course, no submissions, no outputs, no secret, wherever
they are on the machine, because nothing outside the list is mounted.

>>> view = LessonView(lesson="demo", packages=("numpy",), absent=("softmax",))
>>> view.absent_modules(), "ce_lib.softmax" in view.absent_functions()
(('ce_lib.softmax',), True)
"""

import functools
import importlib
import importlib.metadata
import inspect
import os
import re
import shutil
import site
import sys
import sysconfig
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from packaging.markers import default_environment
from packaging.requirements import InvalidRequirement, Requirement

SITE = "/sbx/site"
LIB = "/sbx/lib"

#: ce_lib's modules. ``plots`` is always a stand-in that draws nothing: no score needs a figure.
CE_LIB_MODULES = (
    "validation",
    "softmax",
    "cross_entropy",
    "gradcheck",
    "symbols",
    "symbolic",
    "dynamics",
    "digits",
    "regression",
    "plots",
)

#: Functions of other libraries a lesson's own cells use that the sandbox can offer on their
#: own, written here (the library itself stays out of the view): dotted name -> source.
SHIMS = {
    "scipy.special.expit": (
        "def expit(x):\n"
        '    """The logistic sigmoid 1 / (1 + exp(-x)), computed without overflow."""\n'
        "    import numpy as np\n\n"
        "    x = np.asarray(x, dtype=np.float64)\n"
        "    e = np.exp(-np.abs(x))\n"
        "    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))\n"
    ),
}


@dataclass(frozen=True)
class LessonView:
    r"""What the graded code of one lesson may see.

    Parameters
    ----------
    lesson : str
        The lesson id.
    packages : tuple of str
        Import names of the third-party packages the lesson's code may import (their
        requirements come along).
    absent : tuple of str
        Modules of ``ce_lib`` (``"softmax"``, ``"cross_entropy"``, ...) that compute what the
        lesson asks the student to write: they are replaced by stand-ins.
    warm : tuple of str
        Modules the warm process imports once before forking (default: ``packages``).
    shims : tuple of str
        Single functions of libraries outside the view that the lesson's own cells import
        (keys of :data:`SHIMS`), offered without their library.
    """

    lesson: str
    packages: tuple = ("numpy", "matplotlib")
    absent: tuple = ()
    warm: tuple | None = None
    shims: tuple = ()

    def __post_init__(self):
        unknown_shims = sorted(set(self.shims) - set(SHIMS))
        if unknown_shims:
            raise ValueError(
                f"shims: expected names among {', '.join(sorted(SHIMS))}, got "
                f"{', '.join(map(repr, unknown_shims))}."
            )
        unknown = sorted(set(self.absent) - set(CE_LIB_MODULES))
        if unknown:
            raise ValueError(
                f"absent: expected modules of ce_lib ({', '.join(CE_LIB_MODULES)}), "
                f"got {', '.join(map(repr, unknown))}."
            )

    def absent_modules(self):
        r"""Return the dotted names of the ce_lib modules that are stand-ins in this view."""
        return tuple(f"ce_lib.{name}" for name in self.absent)

    def absent_functions(self):
        r"""Return ``ce_lib.NAME`` for every top-level ce_lib name that is a stand-in here."""
        import ce_lib

        names = []
        for name in getattr(ce_lib, "__all__", ()):
            home = getattr(getattr(ce_lib, name, None), "__module__", "") or ""
            if home.startswith("ce_lib.") and home.split(".")[1] in self.absent:
                names.append(f"ce_lib.{name}")
        return tuple(names)

    def warm_modules(self):
        r"""Return the modules the warm process imports (``ce_lib`` included)."""
        warm = self.warm if self.warm is not None else self.packages
        extra = ("matplotlib.pyplot",) if "matplotlib" in self.packages else ()
        return (*warm, *extra, "ce_lib")


# --- site-packages entries ------------------------------------------------------------------


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


@functools.cache
def _distribution_of_module():
    mapping = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in dists:
            mapping.setdefault(module, _normalise(dist))
    return mapping


def _requirements(dist_name):
    try:
        requires = importlib.metadata.requires(dist_name) or []
    except importlib.metadata.PackageNotFoundError:
        return []
    environment = default_environment()
    environment["extra"] = ""
    names = []
    for text in requires:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        if requirement.marker is None or requirement.marker.evaluate(environment):
            names.append(_normalise(requirement.name))
    return names


def distribution_closure(packages):
    r"""Return the normalised distribution names of ``packages`` and everything they require."""
    mapping = _distribution_of_module()
    pending = []
    for package in packages:
        if package not in mapping:
            raise ValueError(
                f"packages: expected modules installed in this environment, got {package!r}."
            )
        pending.append(mapping[package])
    seen = []
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.append(name)
        pending.extend(_requirements(name))
    return sorted(seen)


def site_entries(packages):
    r"""Return ``{entry name: absolute path}`` of the site-packages entries of ``packages``.

    An entry is a top-level file or folder a distribution installed (``numpy/``,
    ``numpy.libs/``, ``six.py``, its ``.dist-info``); scripts and data outside
    site-packages are left out.
    """
    entries = {}
    for name in distribution_closure(packages):
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        base = Path(dist.locate_file("")).resolve()
        for file in dist.files or []:
            parts = Path(file).parts
            if not parts or parts[0] in ("..", "/") or parts[0].endswith(".pth"):
                continue
            top = parts[0]
            path = base / top
            if top.startswith("__editable__") or top == "__pycache__" or not path.exists():
                continue
            entries[top] = str(path)
    return entries


# --- the interpreter ------------------------------------------------------------------------


@functools.cache
def interpreter():
    r"""Return ``(executable, [paths to bind], [site dirs to cover])`` of the base interpreter."""
    executable = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    stdlib = sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix})
    platstdlib = sysconfig.get_path("platstdlib", vars={"platbase": sys.base_prefix})
    binds = [executable, os.path.realpath(stdlib), os.path.realpath(platstdlib)]
    if sysconfig.get_config_var("Py_ENABLE_SHARED"):
        libdir = sysconfig.get_config_var("LIBDIR") or ""
        for name in os.listdir(libdir) if os.path.isdir(libdir) else []:
            if name.startswith("libpython"):
                binds.append(os.path.realpath(os.path.join(libdir, name)))
    covered = [os.path.realpath(path) for path in site.getsitepackages([sys.base_prefix])]
    covered += [
        os.path.join(os.path.realpath(stdlib), "site-packages"),
        "/usr/lib/python3/dist-packages",
    ]
    return executable, sorted(set(binds)), sorted(set(covered))


def _system_binds():
    args = ["--ro-bind", "/usr", "/usr", "--tmpfs", "/usr/local"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = f"/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    if os.path.exists("/etc/ld.so.cache"):
        args += ["--ro-bind", "/etc/ld.so.cache", "/etc/ld.so.cache"]
    return args


# --- the generated lib folder: ce_sandbox and the lesson's ce_lib -----------------------------


_STUB_HEADER = '''r"""Stand-in of {module} while a lesson is graded: what it computes is absent."""


class ReferenceUnavailable(RuntimeError):
    """This part of ce_lib is not available while this lesson is graded."""


def _absent(name):
    def absent(*args, **kwargs):
        raise ReferenceUnavailable(
            f"{{name}} is not available while this lesson is graded: the graded code must "
            "compute it itself"
        )

    absent.__name__ = name.rpartition(".")[2]
    return absent

'''

_BLANK_PLOTS = '''r"""Stand-in of ce_lib.plots while a lesson is graded: figures draw nothing."""


class _Blank:
    """Whatever a figure function returns under grading: every use of it does nothing."""

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):
        return iter(())

    def __str__(self):
        return ""

    def __bool__(self):
        return False


_BLANK = _Blank()


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _BLANK
'''

_DIGITS = '''r"""ce_lib.digits while a lesson is graded: the split, shipped as arrays."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

_ARRAYS = Path(__file__).with_name("_digits_split.npz")


@dataclass(frozen=True)
class DigitsSplit:
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    images_train: np.ndarray
    images_test: np.ndarray
    scaler: object = None

    @property
    def n_classes(self):
        return 10


def load_digits_split(*, test_size=0.25, random_state=0, standardize=True):
    if (test_size, random_state, standardize) != (0.25, 0, True):
        raise ValueError("while a lesson is graded only the default split of the digits exists")
    with np.load(_ARRAYS) as arrays:
        return DigitsSplit(**{name: arrays[name] for name in arrays.files})


__all__ = ["DigitsSplit", "load_digits_split"]
'''


def _write_digits(target):
    from ce_lib.digits import load_digits_split

    data = load_digits_split()
    fields = ("X_train", "X_test", "y_train", "y_test", "images_train", "images_test")
    np.savez(target / "_digits_split.npz", **{name: getattr(data, name) for name in fields})
    (target / "digits.py").write_text(_DIGITS, encoding="utf-8")


_IPYTHON_INIT = '''r"""Stand-in of IPython while a lesson is graded: display does nothing."""


def get_ipython():
    return None
'''

_IPYTHON_DISPLAY = '''r"""Stand-in of IPython.display while a lesson is graded: nothing is shown."""


def display(*objs, **kwargs):
    return None


def clear_output(*args, **kwargs):
    return None


class _Displayable:
    def __init__(self, data=None, *args, **kwargs):
        self.data = data


class HTML(_Displayable):
    pass


class Markdown(_Displayable):
    pass


class Latex(_Displayable):
    pass


class Math(_Displayable):
    pass


class Image(_Displayable):
    pass
'''


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [name for name in vars(module) if not name.startswith("_")]
    return [name for name in names if not inspect.ismodule(getattr(module, name, None))]


def stand_in_source(module_name, present):
    r"""Return the source of the stand-in of ``ce_lib.{module_name}``.

    Names the real module imports from a module that is present in the view are imported
    from there; every other function or class becomes a stub raising ``ReferenceUnavailable``;
    other values are left out.
    """
    real = importlib.import_module(f"ce_lib.{module_name}")
    lines = [_STUB_HEADER.format(module=f"ce_lib.{module_name}")]
    exported = []
    for name in _public_names(real):
        obj = getattr(real, name)
        home = getattr(obj, "__module__", "") or ""
        if home.startswith("ce_lib.") and home.split(".")[1] in present:
            lines.append(f"from {home} import {name}  # noqa: E402\n")
        elif callable(obj):
            lines.append(f"{name} = _absent({f'ce_lib.{name}'!r})\n")
        else:
            continue
        exported.append(name)
    lines.append(f"\n__all__ = {exported!r}\n")
    return "".join(lines)


def _ce_lib_init():
    real = importlib.import_module("ce_lib")
    lines = ['r"""ce_lib as a graded lesson sees it."""\n\n']
    exported = []
    for name in _public_names(real):
        home = getattr(getattr(real, name), "__module__", "") or ""
        if home.startswith("ce_lib."):
            lines.append(f"from {home} import {name}\n")
            exported.append(name)
    lines.append(f"\n__all__ = {exported!r}\n")
    return "".join(lines)


def build_lib(view, destination):
    r"""Write the ``ce_sandbox`` and ``ce_lib`` packages of ``view`` into ``destination``."""
    destination = Path(destination)
    sandbox_source = Path(importlib.import_module("ce_sandbox").__file__).parent
    shutil.copytree(
        sandbox_source,
        destination / "ce_sandbox",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    ce_lib_source = Path(importlib.import_module("ce_lib").__file__).parent
    target = destination / "ce_lib"
    target.mkdir()
    real = real_modules(view, ce_lib_source)
    offered = set(real)
    if "digits" not in real and "digits" not in view.absent:
        _write_digits(target)  # the data without the library that loads it
        offered.add("digits")
    for name in CE_LIB_MODULES:
        source = ce_lib_source / f"{name}.py"
        if not source.exists() or (name == "digits" and name in offered and name not in real):
            continue
        if name == "plots":
            text = _BLANK_PLOTS
        elif name in real:
            text = source.read_text(encoding="utf-8")
        else:
            text = stand_in_source(name, offered)
        (target / f"{name}.py").write_text(text, encoding="utf-8")
    _write_shims(view.shims, destination)
    (target / "__init__.py").write_text(_ce_lib_init(), encoding="utf-8")
    ipython = destination / "IPython"
    ipython.mkdir()
    (ipython / "__init__.py").write_text(_IPYTHON_INIT, encoding="utf-8")
    (ipython / "display.py").write_text(_IPYTHON_DISPLAY, encoding="utf-8")


def _write_shims(shims, destination):
    modules = {}
    for dotted in shims:
        module, _, _ = dotted.rpartition(".")
        modules.setdefault(module, []).append(SHIMS[dotted])
    for module, sources in modules.items():
        parts = module.split(".")
        folder = destination
        for part in parts[:-1]:
            folder = folder / part
            folder.mkdir(exist_ok=True)
            init = folder / "__init__.py"
            if not init.exists():
                init.write_text(f'"""{part}: only what the lesson may use."""\n', encoding="utf-8")
        header = f'"""{module} while a lesson is graded: only what the lesson may use."""\n\n\n'
        (folder / f"{parts[-1]}.py").write_text(header + "\n\n".join(sources), encoding="utf-8")


def real_modules(view, ce_lib_source):
    r"""Return the ce_lib modules copied as they are into ``view``.

    A module is real when the lesson does not list it as absent and everything it imports is
    in the view: the allowed packages, the standard library and other real ce_lib modules.
    ``plots`` never is (it draws nothing under grading).
    """
    real = {name for name in CE_LIB_MODULES if name not in view.absent and name != "plots"}
    changed = True
    while changed:
        changed = False
        for name in sorted(real):
            source = ce_lib_source / f"{name}.py"
            if not source.exists() or not _imports_only(source, real, view.packages):
                real.discard(name)
                changed = True
    return real


_IMPORT = re.compile(r"^\s*(?:from|import)\s+([A-Za-z_][\w.]*)", re.MULTILINE)


def _imports_only(source, present, packages):
    r"""Whether the module at ``source`` imports only what the view holds (else: a stand-in)."""
    allowed_roots = set(packages) | set(sys.stdlib_module_names) | {"ce_lib"}
    for match in _IMPORT.finditer(source.read_text(encoding="utf-8")):
        name = match.group(1)
        root = name.split(".")[0]
        if root == "ce_lib":
            parts = name.split(".")
            if len(parts) > 1 and parts[1] not in present:
                return False
        elif root not in allowed_roots:
            return False
    return True


# --- the whole command ------------------------------------------------------------------------


class BuiltView:
    r"""A lesson view ready to use: its generated folder and the bubblewrap arguments."""

    def __init__(self, view):
        self.view = view
        self.folder = Path(tempfile.mkdtemp(prefix=f"ce-grade-view-{view.lesson}-"))
        build_lib(view, self.folder / "lib")
        os.chmod(self.folder, 0o755)
        self.entries = site_entries(view.packages)
        self.executable, self._interpreter_binds, self._covered = interpreter()

    def bwrap_args(self):
        r"""Return the bubblewrap arguments that build this view (before ``--``)."""
        args = [
            "--unshare-all",
            "--unshare-user",
            # No user namespace can be made inside: less of the kernel within reach of the
            # student's code (the notebook's own namespaces need none).
            "--disable-userns",
            "--uid",
            "0",
            "--gid",
            "0",
            "--die-with-parent",
            "--new-session",
            # Capabilities inside the sandbox's own user namespace only: the warm process
            # needs them to give each notebook its own namespaces; the notebook's process
            # drops every capability before the student's code runs.
            "--cap-drop",
            "ALL",
            "--cap-add",
            "CAP_SYS_ADMIN",
            "--cap-add",
            "CAP_SETPCAP",
            *_system_binds(),
        ]
        for path in self._interpreter_binds:
            args += ["--ro-bind", path, path]
        hidden = ["/usr/local"]
        for path in self._covered:
            if any(path.startswith(bound + os.sep) for bound in [*self._interpreter_binds, "/usr"]):
                args += ["--tmpfs", path]
                hidden.append(path)
        for name, path in sorted(self.entries.items()):
            args += ["--ro-bind", path, f"{SITE}/{name}"]
        args += [
            "--ro-bind",
            str(self.folder / "lib"),
            LIB,
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
        ]
        # Every file system of the view is shared by all the notebooks of one warm process:
        # the root bubblewrap builds (/, /sbx/site, /etc, the interpreter's folders), /dev and
        # the empty tmpfs that hide folders are made read-only once built, so no notebook can
        # leave a file (a module shadowing the standard library, say) for the next. /tmp stays
        # writable for the warm process; each notebook mounts its own /tmp and /dev/shm.
        for path in ["/", "/dev", *hidden]:
            args += ["--remount-ro", path]
        args += ["--chdir", "/tmp", "--clearenv"]
        for key, value in sandbox_environment().items():
            args += ["--setenv", key, value]
        return args

    def python_command(self, module, *argv):
        r"""Return the interpreter command that runs ``module.main()`` inside the view."""
        bootstrap = (
            f"import sys; sys.path[:0] = [{LIB!r}, {SITE!r}]; from {module} import main; main()"
        )
        return [self.executable, "-I", "-S", "-B", "-c", bootstrap, *argv]

    def local_pythonpath(self):
        r"""``sys.path`` entries for running the same lib without bubblewrap (unisolated)."""
        return [str(self.folder / "lib")]

    def remove(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def sandbox_environment():
    r"""The whole environment of a sandboxed process (nothing is inherited)."""
    return {
        "PATH": "/nonexistent",  # no programs to run (Matplotlib would call fc-list)
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONHASHSEED": "0",
    }


_built = {}
_built_lock = threading.Lock()


def built_view(view):
    r"""Return the :class:`BuiltView` of ``view``, built once per process."""
    key = (os.getpid(), view)
    with _built_lock:
        if key not in _built:
            _built[key] = BuiltView(view)
        return _built[key]


def remove_built_views():
    r"""Remove the generated folders of this process's views."""
    with _built_lock:
        mine = [key for key in _built if key[0] == os.getpid()]
        for key in mine:
            _built.pop(key).remove()
