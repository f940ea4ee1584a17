#!/usr/bin/env python3
"""One entry point for the course: it builds its own environment, then runs a job in it.

    python3 run.py demo     build the lessons and grade the bundled example class
    python3 run.py test     run the whole test suite, slow tests included
                            (extra arguments: one pytest run with them)
    python3 run.py lab      open the lessons in JupyterLab
    python3 run.py setup    only create or update the environment
    python3 run.py lock     re-resolve requirements/*.txt after pyproject.toml changed
                            (--upgrade: move every pin to the newest release)

The environment is a virtual environment in ``.venv`` next to this file. It is installed
from the lock, ``requirements/lock.txt`` (every package of every extra of pyproject.toml,
pinned with hashes), then the course itself is installed in editable mode without
dependencies. It is created on first use and reinstalled whenever ``pyproject.toml`` or the
lock changes. Only the standard library is used here, because this script runs before
anything else is installed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
MIN_PYTHON = (3, 11)

#: Every package of every extra, for every Python >= MIN_PYTHON and every platform.
LOCK = ROOT / "requirements" / "lock.txt"
#: The same pins, restricted to what tests/ce_lib needs (CI runs it on the newest Python).
NUMERICS_LOCK = ROOT / "requirements" / "lock-numerics.txt"
#: What tests/ce_lib needs besides ce_lib's own dependencies and its `lib` extra.
NUMERICS_EXTRAS = {"lessons": ("ipywidgets",), "test": ("pytest", "hypothesis")}
#: The tool that writes the locks, installed in its own environment by `run.py lock`.
LOCK_TOOL = "uv==0.13.9"
LOCK_VENV = ROOT / ".venv-lock"


def _name(requirement: str) -> str:
    """The normalised project name a requirement string starts with."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if not match:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _project() -> dict:
    import tomllib  # standard library from Python 3.11 on, checked before this runs

    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _declared_names() -> set[str]:
    """Every package pyproject.toml asks for, in its dependencies or any extra."""
    project = _project()["project"]
    requirements = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        requirements += extra
    return {_name(r) for r in requirements} - {_name(project["name"])}


def _locked_names(lock: Path) -> set[str]:
    return {_name(line) for line in lock.read_text().splitlines() if "==" in line.split("#")[0]}


def _digest() -> str:
    digest = hashlib.sha256()
    for path in (ROOT / "pyproject.toml", LOCK):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _check_python() -> None:
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"run.py needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, "
            f"this is {sys.version.split()[0]}"
        )


def ensure_environment() -> None:
    """Create ``.venv`` and install the lock and the course unless they are up to date."""
    _check_python()
    if STAMP.exists() and STAMP.read_text().strip() == _digest():
        return
    missing = _declared_names() - _locked_names(LOCK)
    if missing:
        sys.exit(
            f"{LOCK.relative_to(ROOT)} does not pin {', '.join(sorted(missing))}, which "
            "pyproject.toml asks for: run `python3 run.py lock` and commit the result."
        )
    if not (BIN / "python").exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(
        "Installing the course and its dependencies (first run takes a few minutes) ...", flush=True
    )
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--require-hashes", "-r", str(LOCK)], check=True)
    # The lock holds the build backend too, so the editable install needs nothing else.
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--no-build-isolation", "--editable", str(ROOT)],
        check=True,
    )
    STAMP.write_text(_digest() + "\n")


def lock(args: list[str]) -> int:
    """Write requirements/lock.txt and requirements/lock-numerics.txt with ``uv pip compile``.

    Without ``--upgrade`` the pins already in the locks are kept wherever pyproject.toml
    still allows them, so only what changed moves.
    """
    _check_python()
    if args not in ([], ["--upgrade"]):
        print("usage: python3 run.py lock [--upgrade]", file=sys.stderr)
        return 2
    tool_bin = LOCK_VENV / ("Scripts" if os.name == "nt" else "bin")
    uv = tool_bin / "uv"
    wanted = LOCK_TOOL.split("==")[1]
    current = (
        subprocess.run([str(uv), "--version"], capture_output=True, text=True).stdout
        if uv.exists()
        else ""
    )
    if wanted not in current.split():
        print(f"Installing {LOCK_TOOL} in {LOCK_VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(LOCK_VENV)
        subprocess.run(
            [str(tool_bin / "python"), "-m", "pip", "install", "--quiet", LOCK_TOOL], check=True
        )
    common = [
        "--universal",
        f"--python-version={'.'.join(map(str, MIN_PYTHON))}",
        "--generate-hashes",
        "--custom-compile-command=python3 run.py lock",
        "--quiet",
        *args,
    ]
    compile_ = [str(uv), "pip", "compile", "--no-config"]
    project = _project()
    # Everything, and the build backend, so that run.py installs the course offline from it.
    build = "\n".join(project["build-system"]["requires"]) + "\n"
    subprocess.run(
        [*compile_, "pyproject.toml", "-", "--all-extras", *common, f"--output-file={LOCK}"],
        input=build,
        text=True,
        cwd=ROOT,
        check=True,
    )
    # The numerics subset, held to the pins of the full lock.
    extras = project["project"]["optional-dependencies"]
    numerics = [*project["project"]["dependencies"], *extras["lib"]]
    for extra, names in NUMERICS_EXTRAS.items():
        numerics += [r for r in extras[extra] if _name(r) in names]
    subprocess.run(
        [*compile_, "-", f"--constraint={LOCK}", *common, f"--output-file={NUMERICS_LOCK}"],
        input="\n".join(numerics) + "\n",
        text=True,
        cwd=ROOT,
        check=True,
    )
    print(f"Wrote {LOCK.relative_to(ROOT)} and {NUMERICS_LOCK.relative_to(ROOT)}.")
    return 0


def _exec(args: list[str]) -> int:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def test(args: list[str]) -> int:
    """Run every test, the slow ones too (plain ``pytest`` leaves those out).

    With arguments, one pytest run with them. Without, two runs: the tests that may share
    the machine, two at a time (pytest-xdist, one file per worker, so that a module's
    fixtures are built once), then the ``serial`` ones alone: wall-clock limits of the
    sandbox, the browser, the benchmarks.
    """
    pytest = [str(BIN / "python"), "-m", "pytest", "-m", ""]
    if args:
        return _exec([*pytest, *args])
    parallel = _exec([*pytest, "-m", "not serial", "-n", "2", "--dist", "loadfile"])
    serial = _exec([*pytest, "-m", "serial"])
    return parallel or serial


def main(argv: list[str]) -> int:
    commands = {"demo", "test", "lab", "setup", "lock"}
    if not argv or argv[0] not in commands:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lock":
        return lock(rest)
    ensure_environment()
    if command == "setup":
        return 0
    if command == "demo":
        return _exec([str(BIN / "ce-grade"), "demo", *rest])
    if command == "test":
        return test(rest)
    lab = [
        str(BIN / "jupyter"),
        "lab",
        f"--notebook-dir={ROOT / 'notebooks'}",
        "--LabApp.news_url=None",  # the lessons need no network; do not fetch news
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        lab.append("--allow-root")  # JupyterLab refuses to start as root without it
    # A non-inline backend left in the environment (Agg, say) would hide every figure.
    os.environ.pop("MPLBACKEND", None)
    return _exec([*lab, *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
