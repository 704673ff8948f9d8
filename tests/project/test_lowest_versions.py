"""The lower bounds in pyproject.toml hold: the helper-package and local-AWS tests pass on the lowest
versions it allows.

uv (a test dependency) makes a throwaway virtual environment and installs the project with the ``test``
extra at uv's ``lowest-direct`` resolution: every requirement pyproject.toml names directly at the lowest
version its bound allows (what ``>=`` promises a user), the rest at the newest versions that fit. The
tests below then run in that environment from this checkout. Only PyPI is needed; packages come from uv's
cache when they are there. A failure here means a bound is too low: raise it (and say why beside it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from packaging.requirements import Requirement

pytestmark = pytest.mark.slow

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    tomllib = pytest.importorskip("tomli")

REPO = Path(__file__).resolve().parents[2]
# What is left out needs more than the helper package and the local AWS (a browser, JupyterLab's own
# front end, the docs tools, make or conda), or is a run of every notebook (covered by nbval on the
# pinned versions), or is this test itself.
LEFT_OUT = {
    "tests/course/test_browser.py",
    "tests/course/test_lab.py",
    "tests/course/test_notebooks.py",
    "tests/course/test_notebooks_anywhere.py",
    "tests/course/test_notebooks_real_aws_mode.py",
    "tests/project/test_environment.py",
    "tests/project/test_install_profiles.py",
    "tests/project/test_lowest_versions.py",
    "tests/project/test_site.py",
}


def helper_and_local_aws_tests() -> list[str]:
    found = (path.relative_to(REPO).as_posix() for path in (REPO / "tests").rglob("test_*.py"))
    return sorted(path for path in found if path not in LEFT_OUT)


def uv_binary() -> str:
    try:
        from uv import find_uv_bin
    except ImportError:
        message = "uv is missing (it is in the `test` extra: pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; the lowest-versions test must run in CI")
        pytest.skip(message)
    return find_uv_bin()


def say(config: pytest.Config, text: str) -> None:
    """A line in pytest's own output, shown although pytest captures the test's (CI runs without -s)."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(f"[lowest versions] {text}")
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n[lowest versions] {text}")


def direct_requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"] + project["optional-dependencies"]["test"]]


def installed_versions(python: Path, names: list[str]) -> dict[str, str]:
    script = (
        "import json, sys\nfrom importlib import metadata\n"
        "print(json.dumps({name: metadata.version(name) for name in sys.argv[1:]}))"
    )
    result = subprocess.run([str(python), "-c", script, *names], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_helper_and_local_aws_tests_pass_on_the_lowest_allowed_versions(
    tmp_path: Path, pytestconfig: pytest.Config
):
    uv = uv_binary()
    venv = tmp_path / "lowest"
    python = venv / "bin" / "python"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("AWS_", "COURSE_"))}
    env.pop("VIRTUAL_ENV", None)
    started = time.perf_counter()
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=env)
    install = subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(python),
            "--resolution",
            "lowest-direct",
            f"{REPO}[test]",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    installed_in = time.perf_counter() - started

    # For the record (the run's output): the versions the bounds gave.
    requirements = direct_requirements()
    versions = installed_versions(python, [requirement.name for requirement in requirements])
    say(pytestconfig, " ".join(f"{name}=={version}" for name, version in sorted(versions.items())))
    for requirement in requirements:
        assert requirement.specifier.contains(versions[requirement.name], prereleases=True)

    tests = helper_and_local_aws_tests()
    assert "tests/credentials/test_cognito_credentials.py" in tests
    assert "tests/local_aws/test_local_aws_server.py" in tests
    run = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", *tests],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    tests_ran_in = time.perf_counter() - started - installed_in
    summary = (run.stdout.strip().splitlines() or ["(no output)"])[-1]
    say(pytestconfig, f"installed in {installed_in:.0f} s, tests ran in {tests_ran_in:.0f} s: {summary}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
