"""Building blocks for tests of the local AWS: a fresh server, clients, roles, a user pool with a user."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from helpers import course
from helpers.local_aws import ACCOUNT_ID, LocalAWS
from tests.support import sessions

REGION = "us-east-1"


@dataclass
class Endpoint:
    """A local AWS and the clients tests make for it, each made once: a module's tests ask for the same
    few clients again and again, and making one costs milliseconds (boto3's clients are thread-safe; a
    test that registers handlers on a client's events makes its own with :func:`sessions.client`)."""

    server: LocalAWS
    _clients: dict[tuple[Any, ...], Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    @property
    def url(self) -> str:
        return self.server.url

    def client(self, service: str, region: str = REGION, **credentials: str) -> Any:
        """A client signed as the local administrator, or with the given keys."""
        keys = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        config = Config(retries={"max_attempts": 1})
        return self._made(service, region, config, **keys)

    def unsigned(self, service: str = "cognito-identity", region: str = REGION) -> Any:
        """A client with no credentials at all, as a browser app calls the public operations."""
        return self._made(service, region, Config(signature_version=UNSIGNED, retries={"max_attempts": 1}))

    def _made(self, service: str, region: str, config: Config, **keys: str) -> Any:
        key = (service, region, config.signature_version, tuple(sorted(keys.items())))
        with self._lock:
            if key not in self._clients:
                self._clients[key] = sessions.client(
                    service, region_name=region, endpoint_url=self.url, config=config, **keys
                )
            return self._clients[key]

    def with_credentials(self, service: str, credentials: dict[str, Any]) -> Any:
        return self.client(
            service,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretKey"],
            aws_session_token=credentials["SessionToken"],
        )


@pytest.fixture(scope="module")
def endpoint() -> Iterator[Endpoint]:
    """A local AWS of the test module's own: its identity pools, sessions and clock are its own.

    moto's backends (S3, IAM, DynamoDB, user pools) are shared by every local AWS in one process, so
    tests name what they create there uniquely.
    """
    with LocalAWS(port=0) as server:
        yield Endpoint(server)


def trust_policy(pool_id: str, amr: str, **extra: Any) -> dict[str, Any]:
    """The course's trust policy (``helpers.course.trust_policy``, the blog post's), plus ``extra``
    conditions."""
    trust = course.trust_policy(pool_id, amr)
    trust["Statement"][0]["Condition"].update(extra)
    return trust


def create_role(iam: Any, name: str, trust: dict[str, Any], policy: dict[str, Any] | None = None) -> str:
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    if policy is not None:
        iam.put_role_policy(
            RoleName=name, PolicyName=f"{name}-permissions", PolicyDocument=json.dumps(policy)
        )
    assert arn == f"arn:aws:iam::{ACCOUNT_ID}:role/{name}"
    return arn


@dataclass
class UserPool:
    pool_id: str
    client_id: str
    provider_name: str

    def sign_in(self, idp: Any, username: str, password: str = "Passw0rd!-long") -> dict[str, str]:
        try:
            idp.admin_create_user(UserPoolId=self.pool_id, Username=username, MessageAction="SUPPRESS")
            idp.admin_set_user_password(
                UserPoolId=self.pool_id, Username=username, Password=password, Permanent=True
            )
        except idp.exceptions.UsernameExistsException:
            pass
        result = idp.admin_initiate_auth(
            UserPoolId=self.pool_id,
            ClientId=self.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )["AuthenticationResult"]
        return {"id": result["IdToken"], "access": result["AccessToken"]}


def create_user_pool(idp: Any, name: str = "users") -> UserPool:
    pool_id = idp.create_user_pool(PoolName=name)["UserPool"]["Id"]
    flows = ["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]  # as the course's app clients
    client_id = idp.create_user_pool_client(UserPoolId=pool_id, ClientName="web", ExplicitAuthFlows=flows)[
        "UserPoolClient"
    ]["ClientId"]
    return UserPool(pool_id, client_id, f"cognito-idp.{REGION}.amazonaws.com/{pool_id}")


def error_of(call: Any, *args: Any, **kwargs: Any) -> tuple[str, str]:
    """The AWS error code and message a call fails with; an HTTP 500 fails the test."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    error = raised.value.response["Error"]
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] < 500
    return error["Code"], error.get("Message", "")
