"""Every notebook runs unchanged with the real-AWS target selected (a local AWS stands in for the account).

Local-only cells (stand-in identity providers, the controllable clock) and the cells that sign in
(``%%skip_without_sign_in``, without a real Login with Amazon token) must skip themselves and say why;
every other cell must run as it would against an account. Afterwards the course's clean-up, which deletes
only what carries the course's tag, must leave the stand-in account empty.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from helpers import course, local_aws
from helpers.local_aws import ACCOUNT_ID, LocalAWS
from helpers.sessions import boto3_session
from helpers.target import connect

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def text_of(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", "") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def standing_in_for_an_account():
    with pytest.MonkeyPatch.context() as patch, LocalAWS(port=0) as server:
        environment: dict[str, str] = {}
        local_aws.export_client_environment(server.url, environ=environment)
        for name, value in environment.items():
            patch.setenv(name, value)
        patch.setenv("COURSE_TARGET", "aws")
        patch.setenv("COURSE_AWS_ACCOUNT_ID", ACCOUNT_ID)
        patch.delenv("COURSE_LWA_ACCESS_TOKEN", raising=False)  # no real Login with Amazon token here
        yield server


def everything_in(session) -> dict[str, list]:
    """What the account holds, of every kind the course creates (tagged or not)."""
    cognito_identity, idp = session.client("cognito-identity"), session.client("cognito-idp")
    iam, dynamodb, s3 = session.client("iam"), session.client("dynamodb"), session.client("s3")
    return {
        "identity pools": cognito_identity.list_identity_pools(MaxResults=60)["IdentityPools"],
        "user pools": idp.list_user_pools(MaxResults=60)["UserPools"],
        "roles": [role["RoleName"] for role in iam.list_roles()["Roles"]],
        "policies": [p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]],
        "tables": dynamodb.list_tables()["TableNames"],
        "buckets": [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]],
    }


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_the_real_aws_target(standing_in_for_an_account, path: Path):
    notebook = nbformat.read(path, as_version=4)
    # Errors outside raises-exception cells stop the run (nbclient raises CellExecutionError).
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    shown = text_of(notebook)
    assert "Target: local AWS" not in shown
    if "helpers.connect()" in "".join(cell.source for cell in notebook.cells):
        assert "Target: REAL AWS account ********9012" in shown
    local_only = [
        cell
        for cell in notebook.cells
        if ".local_only(" in cell.source or cell.source.startswith("%%skip_without_sign_in")
    ]
    for cell in local_only:
        assert any("Skipped on real AWS:" in output.get("text", "") for output in cell.outputs), cell.source[
            :80
        ]
    # Everything the notebook made carried the course's tag: the clean-up, which deletes only that,
    # leaves the stand-in account empty (and the next notebook in this worker starts from nothing).
    course.clean_up(connect(quiet=True))
    left = everything_in(boto3_session())
    assert left == {name: [] for name in left}
