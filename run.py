#!/usr/bin/env python3
"""One entry point for the course: it builds its own environment, then runs a job in it.

    python3 run.py demo     build the lessons and grade the bundled example class
    python3 run.py test     run the whole test suite (extra arguments go to pytest)
    python3 run.py lab      open the lessons in JupyterLab
    python3 run.py setup    only create or update the environment

The environment is a virtual environment in ``.venv`` next to this file, with the project
installed in editable mode together with its test tools. It is created on first use and
reinstalled whenever ``pyproject.toml`` changes. Only the standard library is used here,
because this script runs before anything else is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".installed-pyproject-sha256"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
MIN_PYTHON = (3, 11)


def _pyproject_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> None:
    """Create ``.venv`` and install the project into it unless it is already up to date."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"run.py needs Python {'.'.join(map(str, MIN_PYTHON))} or newer, "
            f"this is {sys.version.split()[0]}"
        )
    if STAMP.exists() and STAMP.read_text().strip() == _pyproject_digest():
        return
    if not (BIN / "python").exists():
        print(f"Creating the virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(
        "Installing the course and its dependencies (first run takes a few minutes) ...", flush=True
    )
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "--quiet", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "--quiet", "--editable", f"{ROOT}[all]"], check=True)
    STAMP.write_text(_pyproject_digest() + "\n")


def _exec(args: list[str]) -> int:
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    return subprocess.run(args, cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    commands = {"demo", "test", "lab", "setup"}
    if not argv or argv[0] not in commands:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment()
    if command == "setup":
        return 0
    if command == "demo":
        return _exec([str(BIN / "ce-grade"), "demo", *rest])
    if command == "test":
        return _exec([str(BIN / "python"), "-m", "pytest", *rest])
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
