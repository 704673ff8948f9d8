"""The lower bounds in pyproject.toml hold: the helper-package and local-AWS tests pass on the lowest
versions it allows.

uv (a test dependency) makes a throwaway virtual environment and installs the project with the ``test``
extra at uv's ``lowest-direct`` resolution: every requirement pyproject.toml names directly at the lowest
version its bound allows (what ``>=`` promises a user), the rest at the newest versions that fit (but for
jsonschema, kept at constraints.txt's pin: ``lowest_versions.KEPT_PINS``). The
tests below then run in that environment from this checkout. Only PyPI is needed; packages come from uv's
cache when they are there. A failure here means a bound is too low: raise it (and say why beside it).

The install and that test run are one job (``tests/support/lowest_versions.py``) that the run starts as
soon as it knows this test is selected, so that it works beside the other tests; this test waits for its
result and checks it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import lowest_versions

pytestmark = pytest.mark.slow

#: Seconds to wait for the job: its install, then its tests (which have a timeout of their own).
WAIT = 300 + lowest_versions.TEST_TIMEOUT


def say(config: pytest.Config, text: str) -> None:
    """A line in pytest's own output, shown although pytest captures the test's (CI runs without -s)."""
    capture = config.pluginmanager.get_plugin("capturemanager")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if capture is None or reporter is None:
        print(f"[lowest versions] {text}")
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n[lowest versions] {text}")


@pytest.fixture
def job_folder(tmp_path: Path) -> Path:
    """The run's job folder; without one (this test collected by some other way), a job of its own."""
    folder = Path(os.environ.get(lowest_versions.FOLDER_VARIABLE) or tmp_path)
    if lowest_versions.uv_binary() is None:
        message = "uv is missing (it is in the `test` extra: pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; the lowest-versions test must run in CI")
        pytest.skip(message)
    lowest_versions.start(folder)  # does nothing if the run has started it already
    return folder


def test_helper_and_local_aws_tests_pass_on_the_lowest_allowed_versions(
    job_folder: Path, pytestconfig: pytest.Config
):
    result = lowest_versions.result(job_folder, timeout=WAIT)
    assert "error" not in result, result["error"]
    assert result["install_returncode"] == 0, result["install_stderr"]

    # For the record (the run's output): the versions the bounds gave.
    versions = result["versions"]
    say(pytestconfig, " ".join(f"{name}=={version}" for name, version in sorted(versions.items())))
    for requirement in lowest_versions.direct_requirements():
        assert requirement.specifier.contains(versions[requirement.name], prereleases=True)

    tests = result["tests"]
    assert "tests/credentials/test_cognito_credentials.py" in tests
    assert "tests/local_aws/test_local_aws_server.py" in tests
    summary = (result["stdout"].strip().splitlines() or ["(no output)"])[-1]
    times = f"installed in {result['installed_in']:.0f} s, tests ran in {result['tests_ran_in']:.0f} s"
    say(pytestconfig, f"{times}: {summary}")
    assert result["tests_returncode"] == 0, result["stdout"] + result["stderr"]
