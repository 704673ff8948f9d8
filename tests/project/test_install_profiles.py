"""Lean installs: `make lab` (and `pip install .`) bring what the course needs to run, and no test tool.

The runtime requirement set is pyproject.toml's ``dependencies`` with everything they pull in (read
from the installed packages' metadata, markers and extras evaluated as pip does); the test-only and
docs-only tools live in the ``test`` and ``docs`` extras, which ``make test`` and ``make docs`` install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

pytestmark = pytest.mark.slow

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[2]
DISTRIBUTION = "cognito-identity-pools-course"
# Tools a learner never needs: the test runner and its plug-ins, linters, the browser driver, the
# AGPL cross-checker, uv, and the site builder.
TOOLS = {
    "pytest",
    "pytest-xdist",
    "nbval",
    "ruff",
    "import-linter",
    "playwright",
    "principalmapper",
    "uv",
    "sphinx",
    "myst-nb",
    "myst-parser",
    "sphinx-book-theme",
    "sphinxcontrib-mermaid",
}


def project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def runtime_closure(requirements: list[Requirement]) -> set[str]:
    """Every distribution ``requirements`` install, transitively (by the metadata installed here)."""
    seen: set[str] = set()
    todo = [(requirement, "") for requirement in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        wanted_extras = sorted(requirement.extras) or [""]
        key_seen = all(f"{name}[{wanted}]" in seen for wanted in wanted_extras)
        if key_seen:
            continue
        seen.add(name)
        seen.update(f"{name}[{wanted}]" for wanted in wanted_extras)
        try:
            requires = metadata.requires(requirement.name) or []
        except metadata.PackageNotFoundError:
            pytest.fail(f"{requirement.name} is a runtime requirement but is not installed here")
        for line in requires:
            for wanted in wanted_extras:
                todo.append((Requirement(line), wanted))
    return {name for name in seen if "[" not in name}


def test_runtime_dependencies_name_no_test_or_docs_tool():
    runtime = {canonicalize_name(Requirement(line).name) for line in project()["dependencies"]}
    assert runtime.isdisjoint(TOOLS), runtime & TOOLS
    extras = project()["optional-dependencies"]
    tested = {canonicalize_name(Requirement(line).name) for line in extras["test"] + extras["docs"]}
    assert TOOLS - {"myst-parser"} <= tested, (
        f"tools in no extra: {TOOLS - tested}"
    )  # myst-nb brings myst-parser


def test_what_the_runtime_dependencies_install_holds_no_test_or_docs_tool():
    closure = runtime_closure([Requirement(line) for line in project()["dependencies"]])
    assert {"boto3", "moto", "jupyterlab", "flask"} <= closure  # moto[server] brings flask
    assert closure.isdisjoint(TOOLS), closure & TOOLS


def test_notebook_00_checks_only_the_runtime_dependencies():
    """helpers.setup_check reads the installed project's metadata: it must list exactly `dependencies`."""
    from helpers.setup_check import check_requirements

    declared = {canonicalize_name(Requirement(line).name) for line in project()["dependencies"]}
    installed = {
        canonicalize_name(Requirement(line).name)
        for line in metadata.requires(DISTRIBUTION) or []
        if Requirement(line).marker is None
    }
    if installed != declared:
        message = (
            f"the installed {DISTRIBUTION} metadata is older than pyproject.toml; "
            "reinstall it (pip install -e .) to check what notebook 00 lists"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    checked = {canonicalize_name(check.name) for check in check_requirements()}
    assert checked == declared


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize(
    ("command", "expected"),
    [("lab", ["."]), ("test", [".[test]", ".[docs]"]), ("docs", [".[docs]"])],
)
def test_each_make_command_installs_its_own_profile(command: str, expected: list[str], tmp_path: Path):
    """`make -n` in a fresh copy (no .venv, no active environment) shows what each command would install."""
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy2(REPO / name, tmp_path / name)
    for name in ("scripts/check_environment.py", "site/package.json", "site/package-lock.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    dry_run = subprocess.run(["make", "-n", command], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert dry_run.returncode == 0, dry_run.stderr
    installs = re.findall(r'pip install --quiet -c constraints.txt -e "(\.[^"]*)"', dry_run.stdout)
    assert installs == expected, dry_run.stdout


def test_binder_installs_the_runtime_profile_after_copying_the_repository():
    """repo2docker runs .binder/postBuild in the copied repository: the project, pinned, with no extra."""
    post_build = REPO / ".binder" / "postBuild"
    assert os.access(post_build, os.X_OK)
    installs = re.findall(r"^pip install .*$", post_build.read_text(), re.MULTILINE)
    assert installs == ["pip install --no-cache-dir -c constraints.txt -e ."]
