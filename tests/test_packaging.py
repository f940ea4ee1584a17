"""What pyproject.toml declares, what conda gets and what the code imports must agree.

- environment.yml asks for the same packages and ranges as pyproject.toml and its extras;
- every third-party import is declared in the extra that its part of the code belongs to.
"""

import ast
import json
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
SELF = canonicalize_name(PROJECT["name"])

# conda-forge ships the extras of these PyPI requirements as packages of their own.
EXTRAS_AS_PACKAGES = {("dask", "distributed"): "distributed"}

#: Imported but deliberately not declared: PyTorch is the benchmarks' peer and an oracle of
#: tests/ce_lib, installed by CI (`pip install torch==2.13.0`); both skip it
#: when it is absent.
UNDECLARED_IMPORTS = {"torch"}

#: The extra whose packages each part of the code may import (the rest may import anything
#: declared): ce_lib must run in a lessons environment, the grader without the test tools.
EXTRA_OF_FOLDER = {"ce_lib": "lessons", "solutions": "lessons", "autograder": "cluster"}

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
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in NOT_CODE or p.endswith(".egg-info") for p in parts):
            continue
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
