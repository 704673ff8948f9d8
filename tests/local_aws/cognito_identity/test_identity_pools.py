"""Identity pools: create, describe, update (full replacement), delete, list, tags, AWS's errors."""

from __future__ import annotations

import json
import re
import urllib.request

from tests.support.local_aws_fixtures import error_of

POOL_ID = re.compile(r"^us-east-1:[0-9a-f-]{36}$")


def test_create_describe_round_trip(endpoint):
    ci = endpoint.client("cognito-identity")
    created = ci.create_identity_pool(
        IdentityPoolName="MyApplicationPool",
        AllowUnauthenticatedIdentities=True,
        AllowClassicFlow=False,
        SupportedLoginProviders={"www.amazon.com": "amzn1.application.0123"},
        IdentityPoolTags={"project": "course"},
    )
    created.pop("ResponseMetadata")
    assert POOL_ID.match(created["IdentityPoolId"])
    assert created == {
        "IdentityPoolId": created["IdentityPoolId"],
        "IdentityPoolName": "MyApplicationPool",
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "SupportedLoginProviders": {"www.amazon.com": "amzn1.application.0123"},
        "IdentityPoolTags": {"project": "course"},
    }
    described = ci.describe_identity_pool(IdentityPoolId=created["IdentityPoolId"])
    described.pop("ResponseMetadata")
    assert described == created


def test_allow_classic_flow_is_stored_only_when_sent(endpoint):
    ci = endpoint.client("cognito-identity")
    pool = ci.create_identity_pool(IdentityPoolName="unset", AllowUnauthenticatedIdentities=False)
    assert "AllowClassicFlow" not in ci.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
    pool = ci.create_identity_pool(
        IdentityPoolName="on", AllowUnauthenticatedIdentities=False, AllowClassicFlow=True
    )
    assert ci.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])["AllowClassicFlow"] is True


def test_update_is_a_full_replacement(endpoint):
    ci = endpoint.client("cognito-identity")
    pool = ci.create_identity_pool(
        IdentityPoolName="before",
        AllowUnauthenticatedIdentities=True,
        AllowClassicFlow=False,
        SupportedLoginProviders={"graph.facebook.com": "1234"},
    )
    updated = ci.update_identity_pool(
        IdentityPoolId=pool["IdentityPoolId"], IdentityPoolName="after", AllowUnauthenticatedIdentities=False
    )
    described = ci.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
    for answer in (updated, described):
        assert answer["IdentityPoolName"] == "after"
        assert answer["AllowUnauthenticatedIdentities"] is False
        assert "AllowClassicFlow" not in answer  # omitted = reset to its default
        assert "SupportedLoginProviders" not in answer


def test_delete_then_every_use_is_not_found(endpoint):
    ci = endpoint.client("cognito-identity")
    pool_id = ci.create_identity_pool(IdentityPoolName="gone", AllowUnauthenticatedIdentities=True)[
        "IdentityPoolId"
    ]
    identity_id = endpoint.unsigned().get_id(IdentityPoolId=pool_id)["IdentityId"]
    ci.delete_identity_pool(IdentityPoolId=pool_id)
    expected = ("ResourceNotFoundException", f"IdentityPool '{pool_id}' not found.")
    assert error_of(ci.describe_identity_pool, IdentityPoolId=pool_id) == expected
    assert error_of(ci.delete_identity_pool, IdentityPoolId=pool_id) == expected
    assert error_of(endpoint.unsigned().get_id, IdentityPoolId=pool_id) == expected
    assert error_of(ci.describe_identity, IdentityId=identity_id) == (
        "ResourceNotFoundException",
        f"Identity '{identity_id}' not found.",
    )


def test_list_is_short_form_and_paginated(endpoint):
    ci = endpoint.client("cognito-identity", region="eu-west-1")
    created = [
        ci.create_identity_pool(IdentityPoolName=f"page-{n}", AllowUnauthenticatedIdentities=True)[
            "IdentityPoolId"
        ]
        for n in range(5)
    ]
    seen, token, pages = [], None, 0
    while True:
        page = ci.list_identity_pools(MaxResults=2, **({"NextToken": token} if token else {}))
        pages += 1
        for pool in page["IdentityPools"]:
            assert set(pool) == {"IdentityPoolId", "IdentityPoolName"}
        seen += [pool["IdentityPoolId"] for pool in page["IdentityPools"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == created and pages == 3
    # The paginator botocore ships works against it too.
    ids = [
        p["IdentityPoolId"]
        for page in ci.get_paginator("list_identity_pools").paginate(MaxResults=2)
        for p in page["IdentityPools"]
    ]
    assert ids == created


def test_pools_live_in_their_region(endpoint):
    pool_id = endpoint.client("cognito-identity", region="eu-west-1").create_identity_pool(
        IdentityPoolName="regional", AllowUnauthenticatedIdentities=True
    )["IdentityPoolId"]
    assert pool_id.startswith("eu-west-1:")
    assert error_of(endpoint.client("cognito-identity").describe_identity_pool, IdentityPoolId=pool_id) == (
        "ResourceNotFoundException",
        f"IdentityPool '{pool_id}' not found.",
    )


def test_tags(endpoint):
    ci = endpoint.client("cognito-identity")
    pool_id = ci.create_identity_pool(
        IdentityPoolName="tagged", AllowUnauthenticatedIdentities=True, IdentityPoolTags={"a": "1"}
    )["IdentityPoolId"]
    arn = f"arn:aws:cognito-identity:us-east-1:123456789012:identitypool/{pool_id}"
    ci.tag_resource(ResourceArn=arn, Tags={"b": "2"})
    assert ci.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"a": "1", "b": "2"}
    ci.untag_resource(ResourceArn=arn, TagKeys=["a"])
    assert ci.list_tags_for_resource(ResourceArn=arn)["Tags"] == {"b": "2"}
    assert ci.describe_identity_pool(IdentityPoolId=pool_id)["IdentityPoolTags"] == {"b": "2"}


def test_validation_errors_use_aws_wording(endpoint):
    ci = endpoint.client("cognito-identity")
    assert error_of(
        ci.create_identity_pool, IdentityPoolName="bad!name", AllowUnauthenticatedIdentities=True
    ) == (
        "ValidationException",
        "1 validation error detected: Value 'bad!name' at 'identityPoolName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\w\\s+=,.@-]+",
    )
    code, message = error_of(ci.describe_identity_pool, IdentityPoolId="not-an-id")
    assert code == "ValidationException"
    assert message.startswith("1 validation error detected: Value 'not-an-id' at 'identityPoolId'")


def test_signed_operations_refuse_unsigned_calls(endpoint):
    code, _ = error_of(endpoint.unsigned().list_identity_pools, MaxResults=10)
    assert code == "MissingAuthenticationTokenException"


def test_malformed_bodies_get_aws_error_shapes(endpoint):
    def post(target: str, body: bytes) -> tuple[int, dict]:
        request = urllib.request.Request(
            endpoint.url + "/",
            data=body,
            method="POST",
            headers={
                "X-Amz-Target": f"AWSCognitoIdentityService.{target}",
                "Content-Type": "application/x-amz-json-1.1",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as error:
            return error.code, json.load(error)

    assert post("GetId", b"{not json") == (400, {"__type": "SerializationException", "message": ""})
    status, body = post("GetId", b'{"IdentityPoolId": 12}')
    assert status == 400 and body["__type"] == "SerializationException"
    status, body = post("GetId", b"{}")
    assert status == 400 and body["__type"] == "ValidationException"
    assert (
        "Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null"
        in body["message"]
    )
    status, body = post("NoSuchOperation", b"{}")
    assert status == 400 and body["__type"] == "UnknownOperationException"


def test_at_most_1000_pools_per_region():
    """The quota is not adjustable ("Quotas in Amazon Cognito"); checked on the model directly (1,000 HTTP
    calls add nothing)."""
    from helpers.local_aws.cognito_identity import exceptions as errors
    from helpers.local_aws.cognito_identity.models import (
        MAX_POOLS_PER_REGION,
        CognitoIdentityBackend,
        Collaborators,
    )

    backend = CognitoIdentityBackend(
        "123456789012", "us-east-1", Collaborators(lambda: 0.0, None, None, None)
    )
    for n in range(MAX_POOLS_PER_REGION):
        backend.create_identity_pool(f"pool{n}", True)
    try:
        backend.create_identity_pool("one too many", True)
    except errors.LimitExceededException as error:
        assert error.code == "LimitExceededException"
    else:
        raise AssertionError("the 1,001st pool was created")
    assert len(backend.pools) == MAX_POOLS_PER_REGION
