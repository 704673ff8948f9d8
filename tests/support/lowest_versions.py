"""The lowest-versions run, as a job that starts with the test run and works beside it.

``python -m tests.support.lowest_versions FOLDER`` makes a throwaway virtual environment in ``FOLDER`` with
uv, installs the project with the ``test`` extra at uv's ``lowest-direct`` resolution (every requirement
pyproject.toml names directly at the lowest version its bound allows, the rest at the newest versions
that fit, but for :data:`KEPT_PINS`), runs the helper-package and local-AWS tests there from this
checkout, and writes what happened to ``FOLDER/result.json``. ``tests/project/test_lowest_versions.py``
checks that result.

Most of that job is waiting (the install) or a test run of its own, so it need not wait for its turn: as
a plugin (the root conftest loads it), this module starts the job as soon as pytest knows that the
lowest-versions test will run (after collection; under xdist, in the controller once the first worker has
collected), and stops it at the end of the run if it is still going. The test waits for its result; run on
its own, it starts the job itself.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
TEST_FILE = "tests/project/test_lowest_versions.py"
#: The folder of this run's job, for the test processes (set by the process that starts the run).
FOLDER_VARIABLE = "PYTEST_LOWEST_VERSIONS_RUN"
TEST_TIMEOUT = 900  # seconds for the tests in the lowest versions
# What is left out needs more than the helper package and the local AWS (a browser: every test marked
# ``browser`` is deselected too; JupyterLab's own front end, the docs tools, make or conda), or is a run of
# every notebook (covered by nbval on the pinned versions) or of a benchmark (issue 10's memory figure, 8,000
# sign-ins in a process of its own: a figure of the pinned versions), or is the lowest-versions test itself.
LEFT_OUT = {
    "tests/local_aws/test_memory.py",
    "tests/course/test_browser.py",
    "tests/course/test_lab.py",
    "tests/course/test_notebooks.py",
    "tests/course/test_notebooks_anywhere.py",
    "tests/course/test_notebooks_real_aws_mode.py",
    "tests/project/test_environment.py",
    "tests/project/test_install_profiles.py",
    TEST_FILE,
    "tests/project/test_site.py",
}


#: Pins of constraints.txt that the lowest-versions install keeps (it lowers only the project's own
#: requirements; the rest resolve to the newest versions that fit): jsonschema's, whose newer releases
#: cost a second of CPU in every process that imports nbformat (the reason is in constraints.txt).
KEPT_PINS = ("jsonschema",)


def kept_pins() -> list[str]:
    lines = (REPO / "constraints.txt").read_text().splitlines()
    return [line for line in lines if line.split("==", 1)[0].strip().lower() in KEPT_PINS]


#: The tests of the course's set-up modules (what each notebook of part two stands on): of these, the job
#: runs only the one test per module that makes everything the module makes and cleans it all up, so
#: every boto3 call of the set-up meets the lowest boto3 and botocore once. The module's other tests make
#: the same calls again (a second set-up, a learner's change put back, a refusal), or run a notebook's
#: exercise cells in a kernel (notebooks are left out above), and take a third of the job's CPU time.
SET_UP_TESTS = {
    "tests/course/test_course_set_up.py": (
        "test_set_up_makes_the_course_and_clean_up_lists_and_deletes_all_of_it"
    ),
    "tests/course/test_linking.py": (
        "test_set_up_makes_the_pool_user_pool_and_role_tagged_and_found_by_the_clean_up"
    ),
    "tests/course/test_roles_by_group.py": (
        "test_set_up_makes_everything_tagged_and_the_clean_up_deletes_all_of_it"
    ),
    "tests/course/test_access_by_attribute.py": (
        "test_set_up_makes_the_notebooks_resources_tagged_and_again_the_same"
    ),
    "tests/course/test_security_lab.py": (
        "test_set_up_is_repeatable_tags_everything_and_clean_up_finds_it_all"
    ),
}


def helper_and_local_aws_tests() -> list[str]:
    """The test files (and, for :data:`SET_UP_TESTS`, the one test of each) the job runs."""
    found = (path.relative_to(REPO).as_posix() for path in (REPO / "tests").rglob("test_*.py"))
    chosen = (path for path in found if path not in LEFT_OUT)
    return sorted(f"{path}::{SET_UP_TESTS[path]}" if path in SET_UP_TESTS else path for path in chosen)


def direct_requirements() -> list[Requirement]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        tomllib = pytest.importorskip("tomli")
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    return [Requirement(line) for line in project["dependencies"] + project["optional-dependencies"]["test"]]


def uv_binary() -> str | None:
    try:
        from uv import find_uv_bin
    except ImportError:
        return None
    return find_uv_bin()


def job_environment() -> dict[str, str]:
    """This process's environment without AWS or course settings, a virtualenv, or pytest's own run."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "COURSE_", "PYTEST_XDIST_", "PYTEST_LOWEST_"))
    }
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTEST_CURRENT_TEST", None)
    return env


def installed_versions(python: Path, names: list[str]) -> dict[str, str]:
    script = (
        "import json, sys\nfrom importlib import metadata\n"
        "print(json.dumps({name: metadata.version(name) for name in sys.argv[1:]}))"
    )
    result = subprocess.run([str(python), "-c", script, *names], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def run_job(folder: Path) -> dict[str, Any]:
    """Install at the lowest versions, then run the tests there: what happened."""
    uv = uv_binary()
    assert uv is not None, "uv is missing"
    env = job_environment()
    # uv installs no bytecode, and an environment may say not to write any (PYTHONDONTWRITEBYTECODE): then
    # each of the run's processes would compile moto, botocore and the rest again. Compiled once, into the
    # throwaway folder (never beside the checkout's sources), they are read back by every later process.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "bytecode")
    venv = folder / "lowest"
    python = venv / "bin" / "python"
    started = time.perf_counter()
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=env)
    pins = folder / "kept-pins.txt"
    pins.write_text("".join(f"{line}\n" for line in kept_pins()))
    install = subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), "--resolution", "lowest-direct"]
        + ["--constraint", str(pins), f"{REPO}[test]"],
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = {
        "install_returncode": install.returncode,
        "install_stderr": install.stderr[-3000:],
        "installed_in": time.perf_counter() - started,
    }
    if install.returncode:
        return result
    result["versions"] = installed_versions(python, [r.name for r in direct_requirements()])
    tests = helper_and_local_aws_tests()
    result["tests"] = tests
    began = time.perf_counter()
    # One process, no xdist workers: each worker would import and collect everything again and start a
    # local AWS of its own (5 s of CPU time for two). The job runs beside the main run and ends well before
    # it; the machine's two cores are busy either way.
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x", "-m", "not browser"]
    try:
        run = subprocess.run(
            [*command, *tests], cwd=REPO, capture_output=True, text=True, env=env, timeout=TEST_TIMEOUT
        )
        result.update(tests_returncode=run.returncode, stdout=run.stdout[-6000:], stderr=run.stderr[-2000:])
    except subprocess.TimeoutExpired:
        result.update(tests_returncode=None, stdout=f"no result after {TEST_TIMEOUT} s", stderr="")
    result["tests_ran_in"] = time.perf_counter() - began
    return result


def main(argv: list[str]) -> int:
    folder = Path(argv[0])
    try:
        result = run_job(folder)
    except Exception as error:  # noqa: BLE001 - the test reports it
        result = {"error": f"{type(error).__name__}: {error}"}
    partial = folder / "result.json.partial"
    partial.write_text(json.dumps(result))
    partial.replace(folder / "result.json")  # the test reads a whole result or none
    return 0


# --- the job, seen from the test run --------------------------------------------------------------------


def start(folder: Path) -> subprocess.Popen | None:
    """Start the job in ``folder`` unless it has been started there already (by any process of the run)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / "started").touch(exist_ok=False)
    except FileExistsError:
        return None
    log = open(folder / "job.log", "w")  # noqa: SIM115 - the job's own output, kept for a failure report
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.lowest_versions", str(folder)],
        cwd=REPO,
        env=job_environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # so that stopping it stops its uv and pytest too
    )


def result(folder: Path, timeout: float) -> dict[str, Any]:
    """The job's result, waiting for it at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    path = folder / "result.json"
    while not path.exists():
        if time.monotonic() > deadline:
            log = (folder / "job.log").read_text()[-3000:] if (folder / "job.log").exists() else ""
            raise TimeoutError(f"the lowest-versions job gave no result in {timeout:.0f} s; its log: {log}")
        time.sleep(1)
    return json.loads(path.read_text())


_job: subprocess.Popen | None = None


def _is_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _start_if_selected(config: pytest.Config, nodeids: list[str]) -> None:
    global _job
    if _job is None and uv_binary() is not None and any(n.startswith(TEST_FILE + "::") for n in nodeids):
        _job = start(Path(os.environ[FOLDER_VARIABLE]))


_folder: Path | None = None  # the run's job folder, made by this process


def pytest_configure(config: pytest.Config) -> None:
    global _folder
    if not _is_worker(config) and FOLDER_VARIABLE not in os.environ:
        _folder = Path(tempfile.mkdtemp(prefix="lowest-versions-"))
        os.environ[FOLDER_VARIABLE] = str(_folder)  # the workers, started later, inherit it


def pytest_collection_finish(session: pytest.Session) -> None:
    if not _is_worker(session.config):
        _start_if_selected(session.config, [item.nodeid for item in session.items])


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    _start_if_selected(node.config, list(ids))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _job is not None:
        if _job.poll() is None:  # the test did not wait for it (an early stop, -x)
            os.killpg(_job.pid, signal.SIGTERM)
        _job.wait(timeout=30)  # reaped here, so its CPU time counts in this run's (benchmarks/test_suite.py)
    if _folder is not None:
        os.environ.pop(FOLDER_VARIABLE, None)
        shutil.rmtree(_folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
