"""The conda environment and pyproject.toml must ask for the same packages."""

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

# conda-forge ships the extras of these PyPI requirements as packages of their own.
EXTRAS_AS_PACKAGES = {("dask", "distributed"): "distributed"}


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted: dict[str, str] = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(line)
        spec = str(req.specifier)
        wanted[req.name.lower()] = spec
        for extra in req.extras:
            wanted[EXTRAS_AS_PACKAGES[(req.name.lower(), extra)]] = spec
    return wanted


def _conda_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found: dict[str, str] = {}
    for item in env["dependencies"]:
        if isinstance(item, dict) or item in {"pip"} or item.startswith("python"):
            continue
        req = Requirement(item)
        found[req.name.lower()] = str(req.specifier)
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
    assert any(str(d).startswith("python>=3.11") for d in env["dependencies"])
