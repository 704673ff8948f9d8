"""Requests for moto's services that their model refuses get AWS's errors, never moto's HTTP 500.

Each case crashed inside moto before (HTML error page, status 500); the answers are those of
``helpers.local_aws.validation`` in each service's own naming (``helpers/local_aws/model_inputs.py``).
"""

from __future__ import annotations

import json
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.local_aws_fixtures import error_of


def raw_json(endpoint, service: str, target: str, body: bytes, version: str = "1.1") -> tuple[int, dict]:
    """A JSON-protocol request signed as the local administrator, with a body boto3 would never send."""
    request = AWSRequest(
        "POST",
        endpoint.url + "/",
        data=body,
        headers={"Content-Type": f"application/x-amz-json-{version}", "X-Amz-Target": target},
    )
    SigV4Auth(Credentials("testing", "testing"), service, "us-east-1").add_auth(request)
    prepared = urllib.request.Request(request.url, data=body, headers=dict(request.headers), method="POST")
    try:
        with urllib.request.urlopen(prepared) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


@pytest.fixture(scope="module")
def table(endpoint) -> str:
    endpoint.client("dynamodb").create_table(
        TableName="ModelInputs",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return "ModelInputs"


def test_dynamodb_refuses_missing_members_wrong_types_and_undefined_placeholders(endpoint, table):
    status, answer = raw_json(
        endpoint, "dynamodb", "DynamoDB_20120810.GetItem", json.dumps({"TableName": table}).encode(), "1.0"
    )
    assert status == 400 and answer["__type"] == "com.amazon.coral.validate#ValidationException"
    assert answer["message"] == (
        "1 validation error detected: "
        "Value null at 'key' failed to satisfy constraint: Member must not be null"
    )
    status, answer = raw_json(endpoint, "dynamodb", "DynamoDB_20120810.GetItem", b"[1,2]", "1.0")
    assert status == 400 and answer["__type"].endswith("#SerializationException")

    dynamodb = endpoint.client("dynamodb")
    refused = error_of(
        dynamodb.update_item,
        TableName=table,
        Key={"id": {"S": "a"}},
        UpdateExpression="SET #a = :v",
        ExpressionAttributeValues={":v": {"S": "x"}},
    )
    assert refused == (
        "ValidationException",
        "Invalid UpdateExpression: An expression attribute name used in the document path is not defined; "
        "attribute name: #a",
    )
    refused = error_of(
        dynamodb.query,
        TableName=table,
        KeyConditionExpression="id = :missing",
        ExpressionAttributeValues={":other": {"S": "x"}},
    )
    assert refused[1].startswith("Invalid KeyConditionExpression: An expression attribute value used")
    dynamodb.update_item(  # a well-formed request still reaches moto
        TableName=table,
        Key={"id": {"S": "a"}},
        UpdateExpression="SET #a = :v",
        ExpressionAttributeNames={"#a": "colour"},
        ExpressionAttributeValues={":v": {"S": "blue"}},
    )
    assert dynamodb.get_item(TableName=table, Key={"id": {"S": "a"}})["Item"]["colour"] == {"S": "blue"}


def test_cognito_idp_names_constraint_errors_invalid_parameter(endpoint):
    status, answer = raw_json(
        endpoint,
        "cognito-idp",
        "AWSCognitoIdentityProviderService.InitiateAuth",
        json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": "client", "AuthParameters": "x"}).encode(),
    )
    assert status == 400 and answer["__type"] == "SerializationException"
    status, answer = raw_json(
        endpoint, "cognito-idp", "AWSCognitoIdentityProviderService.CreateUserPool", b"{}"
    )
    assert status == 400 and answer["__type"] == "InvalidParameterException"
    assert answer["message"].startswith("1 validation error detected: Value null at 'poolName'")


def test_iam_refuses_a_list_size_that_is_not_a_number(endpoint):
    request = urllib.request.Request(
        endpoint.url + "/", data=b"Action=ListRoles&Version=2010-05-08&MaxItems=abc", method="POST"
    )
    aws_request = AWSRequest(
        "POST",
        endpoint.url + "/",
        data=request.data,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    SigV4Auth(Credentials("testing", "testing"), "iam", "us-east-1").add_auth(aws_request)
    for name, value in aws_request.headers.items():
        request.add_header(name, value)
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request)
    body = raised.value.read().decode()
    assert raised.value.code == 400 and "<Code>ValidationError</Code>" in body, body


def test_an_operation_moto_has_not_built_is_answered_501_in_the_services_format(endpoint):
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as raised:
        endpoint.unsigned("cognito-idp").revoke_token(Token="x", ClientId="client")
    answer = raised.value.response
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 501
    assert (answer["Error"]["Code"], answer["Error"]["Message"]) == (
        "NotImplemented",
        "The local AWS does not implement RevokeToken (cognito-idp).",
    )
