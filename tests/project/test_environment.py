"""environment.yml (conda) mirrors pyproject.toml, the one source of Python dependencies."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[2]
# Where conda-forge names a package differently from PyPI (none today; say so here when one does).
CONDA_NAMES: dict[str, str] = {}


def pyproject_dependencies() -> dict[str, SpecifierSet]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(line) for line in project["dependencies"]]
    return {CONDA_NAMES.get(r.name.lower(), r.name.lower()): r.specifier for r in requirements}


def conda_dependencies() -> tuple[dict[str, SpecifierSet], list]:
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    conda: dict[str, SpecifierSet] = {}
    pip: list = []
    for entry in environment["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry.get("pip", []))
            continue
        name, spec = re.fullmatch(r"([A-Za-z0-9_.-]+)\s*(.*)", entry).groups()
        conda[name.lower()] = SpecifierSet(spec.replace(" ", ""))
    return conda, pip


def test_environment_yml_installs_the_runtime_profile_as_make_lab_does():
    """Conda users get what `make lab` installs (the project, no extras); test tools are an extra step."""
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^EXTRAS_lab\s*:=\s*$", makefile, re.MULTILINE)
    _, pip = conda_dependencies()
    assert pip == ["-e ."]


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    conda, _ = conda_dependencies()
    expected = pyproject_dependencies()
    python_and_pip = {name: conda.pop(name) for name in ("python", "pip")}
    assert python_and_pip["python"] == SpecifierSet(
        tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["requires-python"]
    )
    assert conda == expected


def test_environment_yml_installs_this_repository_editable():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    assert "conda-forge" in environment["channels"]
    _, pip = conda_dependencies()
    assert len(pip) == 1 and pip[0].startswith("-e .")


def test_check_environment_accepts_this_environment_and_refuses_one_without_the_project(tmp_path):
    """`make` uses an active environment only when scripts/check_environment.py accepts it."""
    import subprocess

    script = str(REPO / "scripts" / "check_environment.py")
    assert subprocess.run([sys.executable, script]).returncode == 0
    # A bare virtual environment (no project, no dependencies) is refused, so make sets up .venv instead.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "bare")], check=True)
    bare_python = tmp_path / "bare" / "bin" / "python"
    assert subprocess.run([str(bare_python), script], cwd=tmp_path).returncode == 1
    satisfied = subprocess.run([str(bare_python), script, "--satisfied"], capture_output=True, text=True)
    assert satisfied.returncode == 0 and satisfied.stdout.strip() == ""


def test_check_environment_names_the_profiles_this_environment_satisfies():
    import subprocess

    script = str(REPO / "scripts" / "check_environment.py")
    satisfied = subprocess.run([sys.executable, script, "--satisfied"], capture_output=True, text=True)
    profiles = satisfied.stdout.split()
    assert "lab" in profiles and set(profiles) <= {"lab", "test", "docs"}
    for profile in ("lab", "test", "docs"):
        expected = 0 if profile in profiles else 1
        assert subprocess.run([sys.executable, script, profile]).returncode == expected
    assert subprocess.run([sys.executable, script, "nonsense"], capture_output=True).returncode == 2
