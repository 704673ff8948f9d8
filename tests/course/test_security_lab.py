"""The security lab (notebooks 11 and 12, helpers/security_lab.py).

The central test runs the lab the way a learner does, in a kernel against the local AWS: the exercise
notebook as stored (every attack must work), then the solutions notebook's corrected configuration
cells one at a time (each must stop its own attack, and only that one), then the exercise's
configuration cells again (every attack must work again). The fixes it applies are the solutions
notebook's own cells, so a wrong solution fails here as well as in nbval.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest
from botocore.exceptions import ClientError
from nbclient import NotebookClient

from helpers import course, security_lab
from helpers.local_aws import ACCOUNT_ID
from helpers.target import Target
from tests.support import course_accounts
from tests.support.course_accounts import target
from tests.support.local_aws_fixtures import REGION

REPO = Path(__file__).resolve().parents[2]
EXERCISES = REPO / "notebooks" / "11_security-lab.ipynb"
SOLUTIONS = REPO / "notebooks" / "12_security-lab-solutions.ipynb"
CONFIGURATION = "lab-configuration"
PROBE = "OUTCOMES "


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def configuration_cells(path: Path) -> list[str]:
    return [cell.source for cell in code_cells(path) if CONFIGURATION in cell.metadata.get("tags", [])]


def attacks(path: Path) -> dict[str, str]:
    """Each attack function the notebook defines: name → source, in the notebook's order."""
    found = {}
    for cell in code_cells(path):
        if "def attack_" not in cell.source:
            continue
        tree = ast.parse(cell.source)
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("attack_"):
                found[node.name] = ast.get_source_segment(cell.source, node)
    return found


def stream_text(cell: nbformat.NotebookNode) -> str:
    return "".join(output.get("text", "") for output in cell.outputs if output.output_type == "stream")


# --- The notebooks as stored -------------------------------------------------------------------------


def test_the_solutions_run_the_exercises_attacks_unchanged_and_change_every_configuration():
    exercise_attacks, solution_attacks = attacks(EXERCISES), attacks(SOLUTIONS)
    assert len(exercise_attacks) == 8
    assert solution_attacks == exercise_attacks  # same names, same order, same code
    broken, fixed = configuration_cells(EXERCISES), configuration_cells(SOLUTIONS)
    assert len(broken) == len(fixed) == 8
    assert all(before != after for before, after in zip(broken, fixed, strict=True))


def test_the_stored_exercises_say_every_attack_works_and_the_stored_solutions_that_each_fails():
    checks = [stream_text(c) for c in code_cells(EXERCISES) if c.source.startswith("security_lab.check(")]
    assert len(checks) == 8
    assert all(
        text.startswith("NOT FIXED YET: the attack still works.") and "Look at: " in text for text in checks
    )
    asserted = [
        stream_text(c) for c in code_cells(SOLUTIONS) if c.source.startswith("security_lab.assert_fixed(")
    ]
    assert len(asserted) == 8 and all(
        text.startswith("FIXED: the attack now fails with ") for text in asserted
    )
    refused = [c for c in code_cells(SOLUTIONS) if "raises-exception" in c.metadata.get("tags", [])]
    assert len(refused) == 8 and all(c.outputs[-1].output_type == "error" for c in refused)
    scores = [
        stream_text(c)
        for path in (EXERCISES, SOLUTIONS)
        for c in code_cells(path)
        if "scoreboard" in c.source
    ]
    assert scores[0].startswith("0 of 8 attacks fixed") and scores[1] == "8 of 8 attacks fixed\n"


# --- Running them -----------------------------------------------------------------------------------


def probe() -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(f"import json\nprint({PROBE!r} + json.dumps(security_lab.outcomes()))")


@pytest.mark.slow
def test_every_attack_works_without_the_solutions_and_each_solution_stops_its_own_attack():
    """Exercise notebook, then solution 1, 2, ... 8 one by one, then the exercises' configuration again."""
    notebook = nbformat.read(EXERCISES, as_version=4)
    notebook.cells.append(probe())
    for solution in configuration_cells(SOLUTIONS):
        notebook.cells += [nbformat.v4.new_code_cell(solution), probe()]
    notebook.cells += [nbformat.v4.new_code_cell(broken) for broken in configuration_cells(EXERCISES)]
    notebook.cells.append(probe())

    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXERCISES.parent)}}
    ).execute()  # an attack cell of the exercises that fails raises CellExecutionError here

    names = list(attacks(EXERCISES))
    seen = [
        json.loads(line[len(PROBE) :])
        for cell in notebook.cells
        if cell.cell_type == "code"
        for line in stream_text(cell).splitlines()
        if line.startswith(PROBE)
    ]
    assert len(seen) == 10
    expected_works = [[True] * 8] + [[i >= fixed for i in range(8)] for fixed in range(1, 9)] + [[True] * 8]
    assert [list(outcome) for outcome in seen] == [names] * 10
    assert [list(outcome.values()) for outcome in seen] == expected_works


# --- helpers/security_lab.py on its own local AWS ------------------------------------------------------


@pytest.fixture
def account(endpoint, monkeypatch):
    """A target standing in for an account ("aws" at the local AWS's endpoint), without the lab in it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint.url)
    aws = target(endpoint)
    remove_the_lab(aws)
    yield aws
    remove_the_lab(aws)


def remove_the_lab(aws: Target) -> None:
    for resource in security_lab.lab_resources(aws):
        resource.delete()


def lab_names(aws: Target) -> list[str]:
    return sorted(str(resource) for resource in security_lab.lab_resources(aws))


def test_set_up_is_repeatable_tags_everything_and_clean_up_finds_it_all(account):
    first = security_lab.set_up(account)
    created = lab_names(account)
    bucket = course.course_bucket(account, "lab")
    assert created == sorted(
        [f"identity pool {security_lab.pool_name(exercise)}" for exercise in security_lab.POOLS]
        + [f"IAM role {name}" for name in security_lab.roles(bucket)]
        + ["user pool CourseLab-Users", "DynamoDB table LabProfiles", f"S3 bucket {bucket}"]
    )
    again = security_lab.set_up(account)
    assert again.pools == first.pools and again.user_pool == first.user_pool and lab_names(account) == created
    items = account.session.client("dynamodb").scan(TableName="LabProfiles")["Items"]
    assert sorted(item["email"]["S"] for item in items) == sorted(security_lab.PROFILES.values())

    # The course's clean-up finds every piece of the lab (and whatever else of the course an earlier
    # test in this worker left on its local AWS, which this test does not own).
    deleted = course.clean_up(account)
    assert set(created) <= set(deleted) and lab_names(account) == []


def test_set_up_puts_back_what_a_learner_changed_outside_the_exercises(account):
    lab = security_lab.set_up(account)
    cognito_identity = account.session.client("cognito-identity")
    cognito_identity.update_identity_pool(  # guests on, the developer-provider name kept (it cannot change)
        IdentityPoolId=lab.pools["Notes"],
        IdentityPoolName="CourseLab-Notes",
        AllowUnauthenticatedIdentities=True,
        DeveloperProviderName="login.courselab.notes",
        IdentityPoolTags=course.TAGS,
    )
    stranger = {"identityId": {"S": f"{REGION}:00000000-0000-0000-0000-000000000000"}, "email": {"S": "x@y"}}
    account.session.client("dynamodb").put_item(TableName="LabProfiles", Item=stranger)

    again = security_lab.set_up(account)
    pool = cognito_identity.describe_identity_pool(IdentityPoolId=again.pools["Notes"])
    assert again.pools == lab.pools
    assert pool["AllowUnauthenticatedIdentities"] is False and pool["AllowClassicFlow"] is False
    items = account.session.client("dynamodb").scan(TableName="LabProfiles")["Items"]
    assert len(items) == 3 and stranger not in items


def test_set_up_refuses_a_lab_role_it_did_not_create_and_changes_nothing(account):
    iam = account.session.client("iam")
    name = security_lab.role_name("Notes", "Auth")
    trust = course.trust_policy(f"{REGION}:99999999-8888-7777-6666-555555555555", "authenticated")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    try:
        with pytest.raises(course.NotCreatedByTheCourse, match=name):
            security_lab.set_up(account)
        assert lab_names(account) == []
        assert iam.get_role(RoleName=name)["Role"]["Path"] == "/"
        assert iam.list_role_policies(RoleName=name)["PolicyNames"] == []
    finally:
        iam.delete_role(RoleName=name)


def refused() -> str:
    raise ClientError({"Error": {"Code": "AccessDenied", "Message": "Not allowed"}}, "PutObject")


def test_check_reports_a_working_attack_without_failing_and_a_refused_one_with_awss_error(capsys):
    def attack_that_works() -> str:
        return "read everything"

    security_lab.check(attack_that_works, look_at="the policy")
    assert capsys.readouterr().out == (
        "NOT FIXED YET: the attack still works. read everything\nLook at: the policy\n"
    )
    security_lab.check(refused, look_at="the policy")
    assert capsys.readouterr().out == "FIXED: the attack now fails with AccessDenied: Not allowed\n"
    assert (
        security_lab.outcomes()["attack_that_works"] is True and security_lab.outcomes()["refused"] is False
    )


def test_assert_fixed_fails_for_an_attack_that_still_works(capsys):
    with pytest.raises(AssertionError, match="the attack still works: read everything"):
        security_lab.assert_fixed(lambda: "read everything")
    security_lab.assert_fixed(refused)
    assert capsys.readouterr().out == "FIXED: the attack now fails with AccessDenied: Not allowed\n"


def test_the_lab_waits_for_iam_only_on_aws_itself(monkeypatch):
    waited = []
    monkeypatch.setattr(security_lab.time, "sleep", waited.append)
    session = course_accounts.session()
    for kind, endpoint_url in (("local", "http://127.0.0.1:1"), ("aws", "http://127.0.0.1:1"), ("aws", None)):
        security_lab.wait_for_iam(Target(kind, session, REGION, ACCOUNT_ID, endpoint_url))  # type: ignore[arg-type]
    assert waited == [security_lab.IAM_SETTLE_SECONDS]


def test_no_lab_name_is_mistaken_for_another_course_resource():
    lab = course.CourseResource("IAM role", "CourseLab_Notes_Auth", lambda: None)
    blog = course.CourseResource("S3 bucket", course.course_bucket(_fake_target(), "blog"), lambda: None)
    lab_bucket = course.CourseResource("S3 bucket", course.course_bucket(_fake_target(), "lab"), lambda: None)
    assert security_lab.is_lab_resource(lab) and security_lab.is_lab_resource(lab_bucket)
    assert not security_lab.is_lab_resource(blog)
    assert not security_lab.is_lab_resource(
        course.CourseResource("IAM role", course.AUTHENTICATED_ROLE, print)
    )
    assert re.fullmatch(r"CourseLab-\w+", security_lab.pool_name("Notes"))


def _fake_target() -> Target:
    session = course_accounts.session()
    return Target("local", session, REGION, ACCOUNT_ID, "http://127.0.0.1:1")
