"""What pyproject.toml declares, what the locks pin, what conda gets and what the code imports
must agree.

- environment.yml asks for the same packages and ranges as pyproject.toml and its extras;
- requirements/lock.txt pins every declared package with ``==`` and hashes, inside the
  declared range, and requirements/lock-numerics.txt holds the same pins;
- every third-party import is declared in the extra that its part of the code belongs to.
"""

import ast
import json
import os
import sys
import tomllib
from collections import defaultdict
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import run

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
SELF = canonicalize_name(PROJECT["name"])

# conda-forge ships the extras of these PyPI requirements as packages of their own.
EXTRAS_AS_PACKAGES = {("dask", "distributed"): "distributed"}

#: Imported but deliberately not declared: PyTorch is the benchmarks' peer and an oracle of
#: tests/ce_lib, installed beside the lock by CI (`pip install torch==2.13.0`); both skip it
#: when it is absent.
UNDECLARED_IMPORTS = {"torch"}

#: The extra whose packages each part of the code may import (the rest may import anything
#: declared): ce_lib must run in a lessons environment, the grader without the test tools.
EXTRA_OF_FOLDER = {
    "ce_lib": "lessons",
    "solutions": "lessons",
    "autograder": "cluster",
    "ce_sandbox": "lib",
}

#: Folders that hold no code of the project, or only generated or student code.
NOT_CODE = {"notebooks", "submitted", "autograded", "feedback", "release", "out", "build", "dist"}


def _requirements(extra: str | None) -> list[Requirement]:
    """The requirements of the base install plus ``extra`` and the extras it builds on."""
    found = [Requirement(line) for line in PROJECT["dependencies"]]
    todo, seen = [extra] if extra else [], set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in PROJECT["optional-dependencies"][name]:
            req = Requirement(line)
            if canonicalize_name(req.name) == SELF:
                todo += sorted(req.extras)
            else:
                found.append(req)
    return found


def _all_requirements() -> list[Requirement]:
    return [r for extra in PROJECT["optional-dependencies"] for r in _requirements(extra)]


# ------------------------------------------------------------------------------ extras


def test_every_extra_builds_on_real_extras_and_all_holds_every_extra():
    extras = PROJECT["optional-dependencies"]
    for extra, lines in extras.items():
        for line in lines:
            req = Requirement(line)
            if canonicalize_name(req.name) == SELF:
                assert req.extras <= set(extras) - {extra}, (extra, line)
    names = {canonicalize_name(r.name) for r in _requirements("all")}
    assert names == {canonicalize_name(r.name) for r in _all_requirements()}


def test_the_base_install_is_numpy_only_and_ruff_is_pinned():
    assert [Requirement(r).name for r in PROJECT["dependencies"]] == ["numpy"]
    (ruff,) = [r for r in _requirements("test") if r.name == "ruff"]
    (spec,) = ruff.specifier
    assert spec.operator == "==", f"ruff must be pinned exactly, got {ruff}"


# ------------------------------------------------------------------------------ conda


def _pyproject_requirements() -> dict[str, str]:
    wanted: dict[str, str] = {}
    for req in _all_requirements():
        spec = str(req.specifier)
        wanted[canonicalize_name(req.name)] = spec
        for extra in req.extras:
            wanted[EXTRAS_AS_PACKAGES[(canonicalize_name(req.name), extra)]] = spec
    return wanted


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for item in env["dependencies"]:
        if isinstance(item, dict) or item in {"pip"} or item.startswith("python"):
            continue
        req = Requirement(item)
        found[canonicalize_name(req.name)] = str(req.specifier)
    return found


def test_environment_yml_matches_pyproject():
    pyproject, conda = _pyproject_requirements(), _conda_requirements()
    assert conda == pyproject, (
        f"only in pyproject.toml: {sorted(set(pyproject) - set(conda))}; "
        f"only in environment.yml: {sorted(set(conda) - set(pyproject))}; "
        f"different versions: "
        f"{sorted(k for k in set(conda) & set(pyproject) if conda[k] != pyproject[k])}"
    )


def test_environment_yml_installs_the_project_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [item["pip"] for item in env["dependencies"] if isinstance(item, dict)]
    assert pip_sections == [["--editable ."]]
    python = f"python{PROJECT['requires-python']}"
    assert python in env["dependencies"], f"environment.yml must ask for {python}"


# ------------------------------------------------------------------------------ locks


def _lock(path: Path) -> dict[str, list[tuple[Requirement, int]]]:
    """name -> [(the pinned requirement with its marker, number of hashes)]."""
    entries = defaultdict(list)
    for line in path.read_text().replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        head, *hashes = line.split("--hash=")
        req = Requirement(head.strip())
        entries[canonicalize_name(req.name)].append((req, len(hashes)))
    return entries


def _pinned(req: Requirement) -> str:
    (spec,) = req.specifier
    assert spec.operator == "==", f"not pinned exactly: {req}"
    return spec.version


@pytest.mark.parametrize("path", [run.LOCK, run.NUMERICS_LOCK], ids=lambda p: p.name)
def test_every_lock_entry_is_pinned_with_hashes(path):
    entries = _lock(path)
    assert entries, f"{path.name} pins nothing"
    for pins in entries.values():
        for req, n_hashes in pins:
            _pinned(req)
            assert n_hashes >= 1, f"{path.name}: {req} has no hash"
    assert "torch" not in entries, "torch is installed beside the lock, not from it"


def test_the_lock_pins_every_declared_dependency_inside_its_range():
    lock = _lock(run.LOCK)
    for req in _all_requirements():
        name = canonicalize_name(req.name)
        assert name in lock, f"{run.LOCK.name} does not pin {name}: run `python3 run.py lock`"
        for pinned, _ in lock[name]:
            assert req.specifier.contains(_pinned(pinned), prereleases=True), (
                f"{run.LOCK.name} pins {pinned} outside pyproject.toml's {req}: "
                "run `python3 run.py lock`"
            )
    for line in PYPROJECT["build-system"]["requires"]:
        req = Requirement(line)
        assert canonicalize_name(req.name) in lock, f"build requirement {req} is not locked"


def test_ruff_is_pinned_to_the_version_of_pyproject():
    (ruff,) = [r for r in _requirements("test") if r.name == "ruff"]
    assert [_pinned(req) for req, _ in _lock(run.LOCK)["ruff"]] == [_pinned(ruff)]


def test_the_numerics_lock_holds_the_pins_of_the_full_lock():
    full, numerics = _lock(run.LOCK), _lock(run.NUMERICS_LOCK)
    for name, pins in numerics.items():
        assert name in full, f"{run.NUMERICS_LOCK.name} pins {name}, the full lock does not"
        versions = {_pinned(req) for req, _ in full[name]}
        assert {_pinned(req) for req, _ in pins} <= versions, name
    wanted = _requirements("lib") + [
        req
        for extra, names in run.NUMERICS_EXTRAS.items()
        for req in _requirements(extra)
        if canonicalize_name(req.name) in names
    ]
    for req in wanted:
        assert canonicalize_name(req.name) in numerics, f"numerics lock misses {req.name}"


def test_run_py_reads_the_same_names_as_packaging():
    assert run._declared_names() == {canonicalize_name(r.name) for r in _all_requirements()}
    assert run._locked_names(run.LOCK) == set(_lock(run.LOCK))


# ------------------------------------------------------------------------------ imports


def _imports(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def _notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    lines = [
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))  # IPython magics and shell lines
    ]
    return "\n".join(lines)


def _sources():
    """(folder, file, source) of every Python file and lesson of the project."""
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(
            d for d in dirs if not (d.startswith(".") or d in NOT_CODE or d.endswith(".egg-info"))
        )
        for name in sorted(f for f in files if f.endswith(".py")):
            path = Path(folder, name)
            parts = path.relative_to(ROOT).parts
            yield (parts[0] if len(parts) > 1 else ""), path, path.read_text()
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        yield "solutions", path, _notebook_code(path)


def test_every_import_is_declared_in_the_right_extra():
    local = {p.name for p in ROOT.iterdir() if p.is_dir()} | {p.stem for p in ROOT.glob("*.py")}
    distributions = packages_distributions()
    problems = []
    for folder, path, source in _sources():
        declared = {
            canonicalize_name(r.name) for r in _requirements(EXTRA_OF_FOLDER.get(folder, "all"))
        }
        for module in sorted(_imports(source)):
            if module in sys.stdlib_module_names or module in local:
                continue
            if module in UNDECLARED_IMPORTS:
                continue
            names = {canonicalize_name(d) for d in distributions.get(module, [])}
            if not names:
                problems.append(f"{path.relative_to(ROOT)}: {module} is not installed")
            elif not names & declared:
                extra = EXTRA_OF_FOLDER.get(folder, "all")
                problems.append(
                    f"{path.relative_to(ROOT)}: {module} ({', '.join(sorted(names))}) is not "
                    f"declared in the {extra!r} extra or those it builds on"
                )
    assert not problems, "\n".join(problems)
