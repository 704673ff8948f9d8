"""Input validation against botocore's models, with AWS's own error codes and messages.

Expected messages marked "AWS:" are copied from real AWS answers quoted in public issues (source named).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from botocore.model import ListShape, MapShape, Shape, StructureShape
from botocore.serialize import create_serializer

from helpers.local_aws.service_models import service_model
from helpers.local_aws.validation import (
    QUERY_VALIDATION_ERROR,
    SERIALIZATION_EXCEPTION,
    UNKNOWN_OPERATION_EXCEPTION,
    VALIDATION_EXCEPTION,
    ValidationError,
    pattern_supported,
    validate_input,
    validate_query_input,
)

POOL_ID = "us-east-1:0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
IDENTITY_ID = "us-east-1:11111111-2222-3333-4444-555555555555"
ROLE_ARN = "arn:aws:iam::123456789012:role/Cognito_Auth_Role"
USER_POOL_PROVIDER = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI"
ID_PATTERN = r"[\w-]+:[0-9a-f-]+"


@pytest.fixture(scope="module")
def cognito() -> Any:
    return service_model("cognito-identity")


def error_of(model: Any, operation: str, params: object) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_input(model, operation, params)
    return caught.value


def message_of(model: Any, operation: str, params: object) -> str:
    error = error_of(model, operation, params)
    assert error.code == VALIDATION_EXCEPTION, error
    assert error.message is not None
    return error.message


def parts(message: str) -> tuple[str, set[str]]:
    """The "N validation errors detected: " prefix and the set of individual errors (AWS's order varies)."""
    prefix, _, rest = message.partition(" detected: ")
    return prefix, set(rest.split("; "))


# --------------------------------------------------------------------------------------------------
# Real AWS answers
# --------------------------------------------------------------------------------------------------


def test_pattern_on_identity_pool_name(cognito: Any) -> None:
    # AWS (getmoto/moto#1979, moto PR #4415 "verified against AWS").
    message = message_of(
        cognito, "CreateIdentityPool", {"IdentityPoolName": "x!", "AllowUnauthenticatedIdentities": True}
    )
    assert message == (
        "1 validation error detected: Value 'x!' at 'identityPoolName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\w\s+=,.@-]+"
    )


def test_empty_identity_pool_id_gives_length_and_pattern_errors(cognito: Any) -> None:
    # AWS, GetId with an empty pool id (o3de/o3de#7037), in the same order.
    assert message_of(cognito, "GetId", {"IdentityPoolId": ""}) == (
        "2 validation errors detected: Value '' at 'identityPoolId' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1; Value '' at 'identityPoolId' failed to satisfy "
        rf"constraint: Member must satisfy regular expression pattern: {ID_PATTERN}"
    )


def test_logins_map_value_and_identity_id(cognito: Any) -> None:
    # AWS, GetCredentialsForIdentity (aws/aws-sdk-cpp#1085); AWS listed logins first, this module keeps
    # the order of the shape's members.
    aws = (
        "3 validation errors detected: Value '{xx.xx.xx/xx-xx-xx-xx-xx=}' at 'logins' failed to satisfy "
        "constraint: Map value must satisfy constraint: [Member must have length less than or equal to "
        "50000, Member must have length greater than or equal to 1]; Value '' at 'identityId' failed to "
        "satisfy constraint: Member must have length greater than or equal to 1; Value '' at 'identityId' "
        rf"failed to satisfy constraint: Member must satisfy regular expression pattern: {ID_PATTERN}"
    )
    params = {"IdentityId": "", "Logins": {"xx.xx.xx/xx-xx-xx-xx-xx": ""}}
    message = message_of(cognito, "GetCredentialsForIdentity", params)
    assert parts(message) == parts(aws)
    assert message.split("; ")[0].endswith("Member must have length greater than or equal to 1")


def test_supported_login_providers_map_value(cognito: Any) -> None:
    # AWS, a Facebook app id with a trailing space (aws/aws-cdk#31795).
    params = {
        "IdentityPoolName": "pool",
        "AllowUnauthenticatedIdentities": False,
        "SupportedLoginProviders": {
            "accounts.google.com": "123-abc.apps.googleusercontent.com",
            "graph.facebook.com": "1234 ",
        },
    }
    assert message_of(cognito, "CreateIdentityPool", params) == (
        "1 validation error detected: Value '{accounts.google.com=123-abc.apps.googleusercontent.com, "
        "graph.facebook.com=1234 }' at 'supportedLoginProviders' failed to satisfy constraint: Map value "
        "must satisfy constraint: [Member must have length less than or equal to 128, Member must have "
        r"length greater than or equal to 1, Member must satisfy regular expression pattern: [\w.;_/-]+]"
    )


def test_sensitive_value_is_not_echoed() -> None:
    # AWS, cognito-idp ForgotPassword with a sensitive Username (massif-press/compcon#1951).
    message = message_of(
        service_model("cognito-idp"), "ForgotPassword", {"ClientId": "abc", "Username": "a b"}
    )
    assert message == (
        "1 validation error detected: Value at 'username' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+"
    )


def test_list_inside_a_string_map_is_a_serialization_error(cognito: Any) -> None:
    # AWS, PrincipalTags with a list value (aws/aws-sdk-js-v3#2831).
    params = {
        "IdentityPoolId": POOL_ID,
        "Logins": {"login.example": "user"},
        "PrincipalTags": {"tags": ["a", "b"]},
    }
    error = error_of(cognito, "GetOpenIdTokenForDeveloperIdentity", params)
    assert (error.code, error.message) == (SERIALIZATION_EXCEPTION, "Start of list found where not expected")


def test_sts_role_session_name_pattern() -> None:
    # AWS (JuliaCloud/AWSCore.jl#38): {"Code":"ValidationError","Message":"1 validation error detected: ..."}.
    params = {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "a:b",
        "WebIdentityToken": "eyJ.token.sig",
    }
    with pytest.raises(ValidationError) as caught:
        validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params)
    assert caught.value.code == QUERY_VALIDATION_ERROR
    assert caught.value.message == (
        "1 validation error detected: Value 'a:b' at 'roleSessionName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\w+=,.@-]*"
    )


def test_sts_empty_role_arn() -> None:
    # AWS, AssumeRole with RoleArn='' (newscorpaus/consigliere#18), which listed the pattern first.
    aws = (
        "2 validation errors detected: Value '' at 'roleArn' failed to satisfy constraint: Member must "
        r"satisfy regular expression pattern: [\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF"
        r"\uE000-\uFFFD\u10000-\u10FFFF]+; Value '' at 'roleArn' failed to satisfy constraint: Member must "
        "have length greater than or equal to 20"
    )
    with pytest.raises(ValidationError) as caught:
        validate_query_input(
            service_model("sts"), "AssumeRole", {"RoleArn": "", "RoleSessionName": "session"}
        )
    assert caught.value.message is not None
    assert parts(caught.value.message) == parts(aws)


def test_dynamodb_batch_write_with_an_empty_table_list() -> None:
    # The text DynamoDB emulators copy from AWS for BatchWriteItem {"RequestItems": {"users": []}}.
    message = message_of(service_model("dynamodb"), "BatchWriteItem", {"RequestItems": {"users": []}})
    assert message == (
        "1 validation error detected: Value '{users=[]}' at 'requestItems' failed to satisfy constraint: Map "
        "value must satisfy constraint: [Member must have length less than or equal to 25, Member must have "
        "length greater than or equal to 1]"
    )


# --------------------------------------------------------------------------------------------------
# Each kind of constraint, on cognito-identity operations
# --------------------------------------------------------------------------------------------------


def test_missing_required_members_in_shape_order(cognito: Any) -> None:
    assert message_of(cognito, "CreateIdentityPool", {}) == (
        "2 validation errors detected: Value null at 'identityPoolName' failed to satisfy constraint: "
        "Member must not be null; Value null at 'allowUnauthenticatedIdentities' failed to satisfy "
        "constraint: Member must not be null"
    )


def test_null_counts_as_missing(cognito: Any) -> None:
    assert message_of(cognito, "DescribeIdentity", {"IdentityId": None}) == (
        "1 validation error detected: Value null at 'identityId' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_too_long_name_is_shown_in_full(cognito: Any) -> None:
    name = "n" * 200
    message = message_of(
        cognito, "CreateIdentityPool", {"IdentityPoolName": name, "AllowUnauthenticatedIdentities": True}
    )
    assert message == (
        f"1 validation error detected: Value '{name}' at 'identityPoolName' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_length_counts_characters_not_bytes(cognito: Any) -> None:
    # 1024 "é" are 2048 bytes in UTF-8 but 1024 characters: within the maximum of 1024.
    params = {
        "SourceUserIdentifier": "é" * 1024,
        "DestinationUserIdentifier": "é" * 1025,
        "DeveloperProviderName": "login.example",
        "IdentityPoolId": POOL_ID,
    }
    message = message_of(cognito, "MergeDeveloperIdentities", params)
    assert message == (
        f"1 validation error detected: Value '{'é' * 1025}' at 'destinationUserIdentifier' failed to satisfy "
        "constraint: Member must have length less than or equal to 1024"
    )


def test_java_word_class_is_ascii(cognito: Any) -> None:
    # Java's \w is [a-zA-Z_0-9]: AWS refuses a pool name with an accented letter.
    message = message_of(
        cognito, "CreateIdentityPool", {"IdentityPoolName": "café", "AllowUnauthenticatedIdentities": True}
    )
    assert "Value 'café' at 'identityPoolName'" in message
    validate_input(
        cognito,
        "CreateIdentityPool",
        {"IdentityPoolName": "My pool_1+=,.@-", "AllowUnauthenticatedIdentities": True},
    )


@pytest.mark.parametrize(
    ("operation", "params", "expected"),
    [
        (
            "ListIdentityPools",
            {"MaxResults": 0},
            "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value "
            "greater than or equal to 1",
        ),
        (
            "ListIdentityPools",
            {"MaxResults": 61},
            "Value '61' at 'maxResults' failed to satisfy constraint: Member must have value less "
            "than or equal to 60",
        ),
        (
            "LookupDeveloperIdentity",
            {"IdentityPoolId": POOL_ID, "MaxResults": -5},
            "Value '-5' at 'maxResults' failed to satisfy constraint: Member must have value "
            "greater than or equal to 1",
        ),
        (
            "GetOpenIdTokenForDeveloperIdentity",
            {"IdentityPoolId": POOL_ID, "Logins": {"login.example": "u"}, "TokenDuration": 86401},
            "Value '86401' at 'tokenDuration' failed to satisfy constraint: Member must have value "
            "less than or equal to 86400",
        ),
        (
            "LookupDeveloperIdentity",
            {"IdentityPoolId": "us-east-1_AbCdEf"},
            rf"Value 'us-east-1_AbCdEf' at 'identityPoolId' failed to satisfy constraint: Member "
            rf"must satisfy regular expression pattern: {ID_PATTERN}",
        ),
        (
            "ListIdentities",
            {"IdentityPoolId": POOL_ID, "MaxResults": 10, "NextToken": "has space"},
            r"Value 'has space' at 'nextToken' failed to satisfy constraint: Member must satisfy "
            r"regular expression pattern: [\S]+",
        ),
        (
            "GetId",
            {"AccountId": "12345678901234567", "IdentityPoolId": POOL_ID},
            "Value '12345678901234567' at 'accountId' failed to satisfy constraint: Member must "
            "have length less than or equal to 15",
        ),
        (
            "GetCredentialsForIdentity",
            {"IdentityId": IDENTITY_ID, "CustomRoleArn": "arn:aws:iam::1:role"},
            "Value 'arn:aws:iam::1:role' at 'customRoleArn' failed to satisfy constraint: Member "
            "must have length greater than or equal to 20",
        ),
    ],
)
def test_single_constraints(cognito: Any, operation: str, params: dict[str, Any], expected: str) -> None:
    assert message_of(cognito, operation, params) == f"1 validation error detected: {expected}"


def test_float_bounds_and_huge_numbers() -> None:
    accelerator = service_model("globalaccelerator")
    arn = "arn:aws:globalaccelerator::123456789012:accelerator/a/listener/l/endpoint-group/g"
    params = {"EndpointGroupArn": arn, "TrafficDialPercentage": 100.5}
    assert message_of(accelerator, "UpdateEndpointGroup", params) == (
        "1 validation error detected: Value '100.5' at 'trafficDialPercentage' failed to satisfy constraint: "
        "Member must have value less than or equal to 100.0"
    )
    # A JSON integer with hundreds of digits does not fit a double: reported, not a crash.
    for huge in (10**400, -(10**400)):
        assert "at 'trafficDialPercentage'" in message_of(
            accelerator, "UpdateEndpointGroup", {"EndpointGroupArn": arn, "TrafficDialPercentage": huge}
        )
    # Integers that do not fit are clamped to the Java type, as Coral's truncating numbers are.
    assert "Value '2147483647' at 'maxResults'" in message_of(
        service_model("cognito-identity"), "ListIdentityPools", {"MaxResults": 10**400}
    )


def test_enum_and_nested_map_of_structures(cognito: Any) -> None:
    params = {
        "IdentityPoolId": POOL_ID,
        "Roles": {"authenticated": ROLE_ARN},
        "RoleMappings": {
            USER_POOL_PROVIDER + ":client": {"Type": "Claims", "AmbiguousRoleResolution": "Deny"},
        },
    }
    assert message_of(cognito, "SetIdentityPoolRoles", params) == (
        "1 validation error detected: Value 'Claims' at "
        f"'roleMappings.{USER_POOL_PROVIDER}:client.member.type' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Token, Rules]"
    )


def test_rules_in_a_role_mapping(cognito: Any) -> None:
    params = {
        "IdentityPoolId": POOL_ID,
        "Roles": {"authenticated": ROLE_ARN, "unauthenticated": ROLE_ARN},
        "RoleMappings": {
            "graph.facebook.com": {
                "Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {
                    "Rules": [{"Claim": "", "MatchType": "Equals", "Value": "x", "RoleARN": ROLE_ARN}]
                },
            }
        },
    }
    prefix = "roleMappings.graph.facebook.com.member.rulesConfiguration.rules.1.member"
    assert message_of(cognito, "SetIdentityPoolRoles", params) == (
        f"2 validation errors detected: Value '' at '{prefix}.claim' failed to satisfy constraint: "
        f"Member must "
        f"have length greater than or equal to 1; Value '' at '{prefix}.claim' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+"
    )


def test_map_keys(cognito: Any) -> None:
    params = {"IdentityPoolId": POOL_ID, "Roles": {"admin": ROLE_ARN}}
    assert message_of(cognito, "SetIdentityPoolRoles", params) == (
        f"1 validation error detected: Value '{{admin={ROLE_ARN}}}' at 'roles' failed to satisfy constraint: "
        "Map keys must satisfy constraint: [Member must have length less than or equal to 128, "
        "Member must have "
        "length greater than or equal to 1, Member must satisfy regular expression pattern: "
        "(un)?authenticated]"
    )


def test_map_length(cognito: Any) -> None:
    logins = {f"provider{i}.example": "token" for i in range(11)}
    message = message_of(cognito, "GetId", {"IdentityPoolId": POOL_ID, "Logins": logins})
    rendered = ", ".join(f"{key}=token" for key in logins)
    assert message == (
        f"1 validation error detected: Value '{{{rendered}}}' at 'logins' failed to satisfy constraint: "
        "Member must have length less than or equal to 10"
    )


def test_list_length_and_list_elements(cognito: Any) -> None:
    assert message_of(cognito, "DeleteIdentities", {"IdentityIdsToDelete": []}) == (
        "1 validation error detected: Value '[]' at 'identityIdsToDelete' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1"
    )
    ids = [IDENTITY_ID] * 61
    assert message_of(cognito, "DeleteIdentities", {"IdentityIdsToDelete": ids}) == (
        f"1 validation error detected: Value '[{', '.join(ids)}]' at 'identityIdsToDelete' failed to satisfy "
        "constraint: Member must have length less than or equal to 60"
    )
    assert message_of(cognito, "DeleteIdentities", {"IdentityIdsToDelete": [IDENTITY_ID, "bad"]}) == (
        f"1 validation error detected: Value '[{IDENTITY_ID}, bad]' at 'identityIdsToDelete' "
        f"failed to satisfy "
        "constraint: Member must satisfy constraint: [Member must have length less than or equal to 55, "
        f"Member must have length greater than or equal to 1, Member must satisfy regular "
        f"expression pattern: {ID_PATTERN}]"
    )


def test_list_of_structures(cognito: Any) -> None:
    params = {
        "IdentityPoolName": "pool",
        "AllowUnauthenticatedIdentities": False,
        "CognitoIdentityProviders": [
            {"ProviderName": USER_POOL_PROVIDER, "ClientId": "abc123", "ServerSideTokenCheck": True},
            {"ProviderName": "has space", "ClientId": "client-id"},
        ],
    }
    assert message_of(cognito, "CreateIdentityPool", params) == (
        "2 validation errors detected: Value 'has space' at 'cognitoIdentityProviders.2.member.providerName' "
        r"failed to satisfy constraint: Member must satisfy regular expression pattern: [\w._:/-]+; Value "
        "'client-id' at 'cognitoIdentityProviders.2.member.clientId' failed to satisfy constraint: "
        "Member must "
        r"satisfy regular expression pattern: [\w_]+"
    )


def test_null_element_in_a_list(cognito: Any) -> None:
    message = message_of(cognito, "DeleteIdentities", {"IdentityIdsToDelete": [IDENTITY_ID, None]})
    assert f"Value '[{IDENTITY_ID}, null]' at 'identityIdsToDelete'" in message
    assert message.endswith(", Member must not be null]")


def test_aggregation_of_several_members(cognito: Any) -> None:
    params = {"IdentityPoolId": "x", "IdentityId": "", "MaxResults": 0, "DeveloperUserIdentifier": ""}
    assert message_of(cognito, "LookupDeveloperIdentity", params) == (
        "5 validation errors detected: "
        rf"Value 'x' at 'identityPoolId' failed to satisfy constraint: Member must satisfy regular "
        rf"expression pattern: {ID_PATTERN}; "
        "Value '' at 'identityId' failed to satisfy constraint: Member must have length greater "
        "than or equal to 1; "
        rf"Value '' at 'identityId' failed to satisfy constraint: Member must satisfy regular "
        rf"expression pattern: {ID_PATTERN}; "
        "Value '' at 'developerUserIdentifier' failed to satisfy constraint: Member must have "
        "length greater than or equal to 1; "
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater "
        "than or equal to 1"
    )


def test_at_most_ten_errors_are_listed(cognito: Any) -> None:
    params = {
        "IdentityPoolId": POOL_ID,
        "Roles": {"authenticated": ROLE_ARN},
        "RoleMappings": {f"p{i}.example": {"Type": "Nope"} for i in range(10)}
        | {"p10.example": {"Type": "X"}},
    }
    message = message_of(cognito, "SetIdentityPoolRoles", params)
    assert message.startswith("10 validation errors detected: ")
    assert message.count("failed to satisfy constraint") == 10


# --------------------------------------------------------------------------------------------------
# Type errors, unknown members, valid input
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        (
            "CreateIdentityPool",
            {"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": "true"},
            "class java.lang.String can not be converted to an Boolean",
        ),
        (
            "CreateIdentityPool",
            {"IdentityPoolName": 7, "AllowUnauthenticatedIdentities": True},
            "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String",
        ),
        (
            "CreateIdentityPool",
            {"IdentityPoolName": {"a": 1}, "AllowUnauthenticatedIdentities": True},
            "Start of structure or map found where not expected.",
        ),
        (
            "CreateIdentityPool",
            {
                "IdentityPoolName": "p",
                "AllowUnauthenticatedIdentities": True,
                "CognitoIdentityProviders": "x",
            },
            "Expected list or null",
        ),
        (
            "CreateIdentityPool",
            {
                "IdentityPoolName": "p",
                "AllowUnauthenticatedIdentities": True,
                "CognitoIdentityProviders": ["x"],
            },
            "Expected null",
        ),
        ("GetId", {"IdentityPoolId": POOL_ID, "Logins": "token"}, "Expected map or null"),
        (
            "ListIdentityPools",
            {"MaxResults": "10"},
            "class java.lang.String can not be converted to an Integer",
        ),
        (
            "ListIdentityPools",
            {"MaxResults": True},
            "class java.lang.Boolean can not be converted to an Integer",
        ),
        ("ListIdentityPools", {"MaxResults": math.nan}, None),
        ("GetId", [POOL_ID], "Start of list found where not expected"),
        ("GetId", "us-east-1:1", "Expected null"),
        ("GetId", {"IdentityPoolId": POOL_ID, "Logins": {1: "token"}}, None),
    ],
)
def test_type_errors(cognito: Any, operation: str, params: object, message: str | None) -> None:
    error = error_of(cognito, operation, params)
    assert (error.code, error.message) == (SERIALIZATION_EXCEPTION, message)


def test_type_errors_win_over_constraint_errors(cognito: Any) -> None:
    params = {"IdentityPoolName": "x!", "AllowUnauthenticatedIdentities": 1}
    assert error_of(cognito, "CreateIdentityPool", params).code == SERIALIZATION_EXCEPTION


def test_integer_with_a_fraction_is_truncated(cognito: Any) -> None:
    validate_input(cognito, "ListIdentityPools", {"MaxResults": 59.9})
    assert "Value '0' at 'maxResults'" in message_of(cognito, "ListIdentityPools", {"MaxResults": 0.5})


def test_unknown_members_are_ignored(cognito: Any) -> None:
    validate_input(
        cognito, "ListIdentityPools", {"MaxResults": 5, "Unknown": {"any": ["thing"]}, "maxresults": "x"}
    )


def test_unknown_operation(cognito: Any) -> None:
    error = error_of(cognito, "GetCredentials", {})
    assert (error.code, error.message) == (UNKNOWN_OPERATION_EXCEPTION, None)


def test_empty_body_reads_as_empty_object(cognito: Any) -> None:
    assert message_of(cognito, "GetId", None).startswith(
        "1 validation error detected: Value null at 'identityPoolId'"
    )


def test_deep_nesting_is_refused_without_crashing() -> None:
    value: dict[str, Any] = {"S": "x"}
    for _ in range(2000):
        value = {"L": [value]}
    error = error_of(service_model("dynamodb"), "PutItem", {"TableName": "t", "Item": {"a": value}})
    assert error.code == SERIALIZATION_EXCEPTION


VALID_REQUESTS: list[tuple[str, dict[str, Any]]] = [
    (
        "CreateIdentityPool",
        {
            "IdentityPoolName": "Course pool",
            "AllowUnauthenticatedIdentities": True,
            "AllowClassicFlow": False,
            "SupportedLoginProviders": {
                "accounts.google.com": "123-abc.apps.googleusercontent.com",
                "graph.facebook.com": "1234567890",
            },
            "DeveloperProviderName": "login.course.example",
            "OpenIdConnectProviderARNs": ["arn:aws:iam::123456789012:oidc-provider/login.example"],
            "CognitoIdentityProviders": [
                {
                    "ProviderName": USER_POOL_PROVIDER,
                    "ClientId": "3n4b5urk1ft4fl3mg5e62d9ado",
                    "ServerSideTokenCheck": False,
                }
            ],
            "SamlProviderARNs": [],
            "IdentityPoolTags": {"project": "course"},
        },
    ),
    (
        "GetId",
        {
            "AccountId": "123456789012",
            "IdentityPoolId": POOL_ID,
            "Logins": {USER_POOL_PROVIDER: "eyJ" + "a" * 49997},
        },
    ),
    ("GetId", {"IdentityPoolId": POOL_ID, "Logins": {}}),
    (
        "GetCredentialsForIdentity",
        {"IdentityId": IDENTITY_ID, "Logins": {"graph.facebook.com": "EAAB"}, "CustomRoleArn": ROLE_ARN},
    ),
    ("ListIdentityPools", {"MaxResults": 60, "NextToken": "abc=="}),
    ("DescribeIdentity", {"IdentityId": IDENTITY_ID}),
    (
        "LookupDeveloperIdentity",
        {"IdentityPoolId": POOL_ID, "DeveloperUserIdentifier": "user@example.com", "MaxResults": 1},
    ),
    (
        "SetIdentityPoolRoles",
        {
            "IdentityPoolId": POOL_ID,
            "Roles": {"authenticated": ROLE_ARN, "unauthenticated": ROLE_ARN},
            "RoleMappings": {
                USER_POOL_PROVIDER + ":3n4b5urk1ft4fl3mg5e62d9ado": {
                    "Type": "Rules",
                    "AmbiguousRoleResolution": "Deny",
                    "RulesConfiguration": {
                        "Rules": [
                            {
                                "Claim": "custom:dept",
                                "MatchType": "Equals",
                                "Value": "sales",
                                "RoleARN": ROLE_ARN,
                            }
                        ]
                    },
                }
            },
        },
    ),
    (
        "GetOpenIdTokenForDeveloperIdentity",
        {
            "IdentityPoolId": POOL_ID,
            "Logins": {"login.course.example": "user-1"},
            "PrincipalTags": {"dept": "sales"},
            "TokenDuration": 900,
        },
    ),
    (
        "SetPrincipalTagAttributeMap",
        {
            "IdentityPoolId": POOL_ID,
            "IdentityProviderName": USER_POOL_PROVIDER,
            "UseDefaults": False,
            "PrincipalTags": {"dept": "custom:dept", "名前": "name"},
        },
    ),
    (
        "UnlinkIdentity",
        {
            "IdentityId": IDENTITY_ID,
            "Logins": {"graph.facebook.com": "t"},
            "LoginsToRemove": ["graph.facebook.com"],
        },
    ),
]


@pytest.mark.parametrize(("operation", "params"), VALID_REQUESTS, ids=[op for op, _ in VALID_REQUESTS])
def test_valid_requests_pass(cognito: Any, operation: str, params: dict[str, Any]) -> None:
    validate_input(cognito, operation, params)


# --------------------------------------------------------------------------------------------------
# Java regular expressions
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["cognito-identity", "sts", "dynamodb", "cognito-idp", "iam"])
def test_every_pattern_of_the_course_services_is_enforced(service: str) -> None:
    model = service_model(service)
    patterns = {p for name in model.shape_names if (p := model.shape_for(name).metadata.get("pattern"))}
    assert patterns
    assert [p for p in patterns if not pattern_supported(p)] == []


def test_java_regex_semantics() -> None:
    sts = service_model("sts")
    # \p{L}, \p{Z}, \p{N} are Unicode categories: a Japanese tag value is fine, a control character is not.
    tags = {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "session",
        "Tags.member.1.Key": "名前",
        "Tags.member.1.Value": "値 1",
    }
    validate_query_input(sts, "AssumeRole", tags)
    with pytest.raises(ValidationError):
        validate_query_input(sts, "AssumeRole", tags | {"Tags.member.1.Value": "bell\x07"})
    # Java reads "\u10000" as "\u1000" then "0": the STS ARN pattern refuses characters beyond U+FFFF.
    with pytest.raises(ValidationError):
        validate_query_input(sts, "AssumeRole", {"RoleArn": ROLE_ARN + "😀", "RoleSessionName": "session"})
    # DynamoDB writes U+10000..U+10FFFF as a surrogate pair, which Java reads as one range.
    dynamodb = service_model("dynamodb")
    validate_input(dynamodb, "ListTables", {"ExclusiveStartTableName": "table_1"})
    assert pattern_supported(r"[\u0020-\uD7FF\uE000-\uFFFD\uD800\uDC00-\uDBFF\uDFFF\r\n\t]*")


# --------------------------------------------------------------------------------------------------
# Query protocol
# --------------------------------------------------------------------------------------------------


def test_query_input_is_parsed_into_typed_values() -> None:
    params = {
        "Action": "AssumeRoleWithWebIdentity",
        "Version": "2011-06-15",
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "web-session",
        "WebIdentityToken": "eyJ.token.sig",
        "DurationSeconds": "3600",
        "PolicyArns.member.2.arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
        "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    }
    assert validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params) == {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "web-session",
        "WebIdentityToken": "eyJ.token.sig",
        "PolicyArns": [
            {"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
            {"arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"},
        ],
        "DurationSeconds": 3600,
    }


def test_query_constraints_and_nested_paths() -> None:
    params = {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "s",
        "WebIdentityToken": "t" * 4,
        "DurationSeconds": "60",
        "PolicyArns.member.1.arn": "short",
    }
    with pytest.raises(ValidationError) as caught:
        validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params)
    assert caught.value.message == (
        "3 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: "
        "Member must have length greater than or equal to 2; Value 'short' at 'policyArns.1.member.arn' "
        "failed to satisfy constraint: Member must have length greater than or equal to 20; Value '60' at "
        "'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"
    )


@pytest.mark.parametrize("duration", ["abc", "1.5", "", "0x10"])
def test_query_value_that_is_not_an_integer(duration: str) -> None:
    params = {
        "RoleArn": ROLE_ARN,
        "RoleSessionName": "session",
        "WebIdentityToken": "tttt",
        "DurationSeconds": duration,
    }
    with pytest.raises(ValidationError) as caught:
        validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params)
    assert (caught.value.code, caught.value.message) == (QUERY_VALIDATION_ERROR, None)


def full_input(shape: Shape, depth: int = 0) -> Any:
    """An input with every member set (two elements per list and map), for round trips through botocore."""
    if isinstance(shape, StructureShape):
        return {} if depth > 3 else {name: full_input(m, depth + 1) for name, m in shape.members.items()}
    if isinstance(shape, ListShape):
        return [] if depth > 3 else [full_input(shape.member, depth + 1) for _ in range(2)]
    if isinstance(shape, MapShape):
        return {} if depth > 3 else {f"k{i}": full_input(shape.value, depth + 1) for i in range(2)}
    scalars = {"boolean": True, "integer": 7, "long": 7, "double": 1.5, "float": 1.5, "blob": b"a"}
    if shape.type_name == "timestamp":
        return datetime(2025, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    return scalars.get(shape.type_name, shape.enum[0] if getattr(shape, "enum", None) else "abc")


@pytest.mark.parametrize("service", ["sts", "iam"])
def test_query_round_trip_through_botocore(service: str) -> None:
    # What botocore sends, URL-encoded and decoded as a server does, reads back as the original input.
    model = service_model(service)
    serializer = create_serializer("query", include_validation=False)
    for operation in model.operation_names:
        operation_model = model.operation_model(operation)
        if operation_model.input_shape is None:
            continue
        params = full_input(operation_model.input_shape)
        body = serializer.serialize_to_request(params, operation_model)["body"]
        wire = parse_qs(urlencode(body), keep_blank_values=True)
        try:
            parsed = validate_query_input(model, operation, wire)
        except ValidationError as error:  # constraint errors are expected for "abc" values
            assert error.message is not None and error.code == QUERY_VALIDATION_ERROR, (operation, error)
            continue
        assert parsed == params, operation


def test_query_missing_members_and_unknown_action() -> None:
    sts = service_model("sts")
    with pytest.raises(ValidationError) as caught:
        validate_query_input(sts, "AssumeRoleWithWebIdentity", {"Action": "AssumeRoleWithWebIdentity"})
    assert caught.value.message is not None
    assert caught.value.message.startswith("3 validation errors detected: Value null at 'roleArn'")
    assert validate_query_input(sts, "GetCallerIdentity", {"Action": "GetCallerIdentity"}) == {}
    with pytest.raises(ValidationError) as caught:
        validate_query_input(sts, "AssumeRoleWithSaml2", {})
    assert caught.value.code == "InvalidAction"


# --------------------------------------------------------------------------------------------------
# Generated sweep: no input makes validation fail with anything but AWS's two error codes
# --------------------------------------------------------------------------------------------------

WRONG_TYPES: dict[str, list[object]] = {
    "structure": ["s", 1, True, [], [{}]],
    "list": ["s", 1, 2.5, True, {}, {"a": 1}],
    "map": ["s", 1, True, [], ["a"]],
    "string": [1, -2.5, True, False, [], ["s"], {}, {"a": "b"}, math.inf],
    "boolean": ["true", "false", 1, 0, [], {}],
    "integer": ["1", True, [], {}, math.nan],
    "long": ["1", False, [1], {}],
    "double": ["1.0", True, []],
    "float": ["1.0", True, []],
    "timestamp": [True, "yesterday", [], {}],
    "blob": [1, True, "abc", "a=bc", [], {}],
}
ODD_VALUES: list[object] = [
    None,
    "",
    " ",
    "x" * 70000,
    "\ud800",
    0,
    -1,
    2**70,
    10**400,
    1.5,
    -0.0,
    True,
    [],
    {},
    [None],
    {"k": None},
    {"k": [None]},
]


def skeleton(shape: Shape, depth: int = 0) -> object:
    """A value of ``shape``'s JSON type with its required members (constraints not necessarily met)."""
    if isinstance(shape, StructureShape):
        if depth > 4:
            return {}
        return {
            member.serialization.get("name", name): skeleton(member, depth + 1)
            for name, member in shape.members.items()
            if name in shape.required_members
        }
    if isinstance(shape, ListShape):
        return [] if depth > 4 else [skeleton(shape.member, depth + 1)]
    if isinstance(shape, MapShape):
        return {} if depth > 4 else {"k": skeleton(shape.value, depth + 1)}
    return {
        "boolean": True,
        "integer": 1,
        "long": 1,
        "double": 1.0,
        "float": 1.0,
        "timestamp": 0,
        "blob": "YQ==",
    }.get(shape.type_name, shape.enum[0] if getattr(shape, "enum", None) else "a")


def positions(
    shape: Shape, prefix: tuple[object, ...] = (), depth: int = 0
) -> Iterator[tuple[tuple[object, ...], Shape]]:
    """Every place a value can go in an input of ``shape``: (keys from the top, shape there)."""
    if depth > 4:
        return
    if isinstance(shape, StructureShape):
        for name, member in shape.members.items():
            key = prefix + (member.serialization.get("name", name),)
            yield key, member
            yield from positions(member, key, depth + 1)
    elif isinstance(shape, ListShape):
        yield prefix + (0,), shape.member
        yield from positions(shape.member, prefix + (0,), depth + 1)
    elif isinstance(shape, MapShape):
        yield prefix + ("k",), shape.value
        yield from positions(shape.value, prefix + ("k",), depth + 1)


def with_value(root: Shape, where: tuple[object, ...], value: object) -> dict[str, Any]:
    """The skeleton of ``root`` with ``value`` placed at ``where`` (containers created on the way)."""
    params: Any = skeleton(root)
    node, shape = params, root
    for step in where[:-1]:
        if isinstance(shape, StructureShape):
            name = next(n for n, m in shape.members.items() if m.serialization.get("name", n) == step)
            shape = shape.members[name]
            if not isinstance(node.get(step), (dict, list)):
                node[step] = skeleton(shape, 5)
                if isinstance(shape, ListShape):
                    node[step] = [skeleton(shape.member, 5)]
                elif isinstance(shape, MapShape):
                    node[step] = {"k": skeleton(shape.value, 5)}
            node = node[step]
        elif isinstance(shape, ListShape):
            shape = shape.member
            node[0] = node[0] if isinstance(node[0], (dict, list)) else skeleton(shape, 5)
            node = node[0]
        else:
            assert isinstance(shape, MapShape)
            shape = shape.value
            node["k"] = node["k"] if isinstance(node["k"], (dict, list)) else skeleton(shape, 5)
            node = node["k"]
    if isinstance(node, list):
        node[0] = value
    else:
        node[where[-1]] = value
    return params


def outcome(model: Any, operation: str, params: object) -> str | None:
    try:
        validate_input(model, operation, params)
    except ValidationError as error:
        assert error.code in (VALIDATION_EXCEPTION, SERIALIZATION_EXCEPTION), error
        assert error.message is None or "detected" in error.message or error.code == SERIALIZATION_EXCEPTION
        return error.code
    return None


COGNITO_OPERATIONS = service_model("cognito-identity").operation_names


@pytest.mark.parametrize("operation", COGNITO_OPERATIONS)
def test_sweep_empty_body(cognito: Any, operation: str) -> None:
    required = cognito.operation_model(operation).input_shape.required_members
    expected_nulls = [f"Value null at '{name[0].lower() + name[1:]}'" for name in required]
    message = message_of(cognito, operation, {})
    assert message.startswith(
        f"{len(required)} validation error{'s' if len(required) > 1 else ''} detected: "
    )
    assert [part.split(" failed")[0] for part in message.split(": ", 1)[1].split("; ")] == expected_nulls


@pytest.mark.parametrize("operation", COGNITO_OPERATIONS)
def test_sweep_required_member_of_the_wrong_type(cognito: Any, operation: str) -> None:
    shape = cognito.operation_model(operation).input_shape
    for name in shape.required_members:
        for wrong in WRONG_TYPES[shape.members[name].type_name]:
            params = with_value(shape, (name,), wrong)
            assert outcome(cognito, operation, params) == SERIALIZATION_EXCEPTION, (name, wrong)


@pytest.mark.parametrize("operation", COGNITO_OPERATIONS)
def test_sweep_every_string_too_long(cognito: Any, operation: str) -> None:
    shape = cognito.operation_model(operation).input_shape
    checked = 0
    for where, member in positions(shape):
        if member.type_name == "string" and "max" in member.metadata:
            maximum = member.metadata["max"]
            error = error_of(cognito, operation, with_value(shape, where, "a" * (maximum + 1)))
            assert error.code == VALIDATION_EXCEPTION, (where, error)
            assert f"Member must have length less than or equal to {maximum}" in (error.message or "")
            checked += 1
    assert checked


@pytest.mark.parametrize("service", ["cognito-identity", "dynamodb", "cognito-idp"])
def test_sweep_every_position_with_odd_and_wrong_values(service: str) -> None:
    model = service_model(service)
    for operation in model.operation_names:
        shape = model.operation_model(operation).input_shape
        if shape is None:
            continue
        outcome(model, operation, skeleton(shape))
        for where, member in positions(shape):
            for value in ODD_VALUES + WRONG_TYPES.get(member.type_name, []):
                outcome(model, operation, with_value(shape, where, value))


def test_sweep_sts_query_values() -> None:
    sts = service_model("sts")
    for operation in sts.operation_names:
        for value in ["", "x" * 3000, "abc", "-1", "1e3", "true", "\x00"]:
            for key in [
                "RoleArn",
                "DurationSeconds",
                "PolicyArns.member.1.arn",
                "PolicyArns.member.x",
                "PolicyArns.member.²",
                "PolicyArns.member." + "9" * 5000,
                "Tags.member.1.Key",
                "SerialNumber",
                "ProvidedContexts.member.1.ContextAssertion",
                "TransitiveTagKeys.member.1",
            ]:
                try:
                    validate_query_input(sts, operation, {key: value})
                except ValidationError as error:
                    assert error.code == QUERY_VALIDATION_ERROR, (operation, key, value, error)
