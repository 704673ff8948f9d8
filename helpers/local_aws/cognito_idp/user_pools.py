"""What the user pool layer reads from moto's cognito-idp model, in-process (never over HTTP)."""

from __future__ import annotations

from collections.abc import Callable

from ..internal import InternalAWS


def _region_of(user_pool_id: str) -> str:
    return user_pool_id.split("_", 1)[0]


def group_roles(internal: InternalAWS) -> Callable[[str, str], tuple[str | None, int | None]]:
    """``(user_pool_id, group)`` → the group's IAM role ARN and ``Precedence`` (``None`` when unset)."""

    def read(user_pool_id: str, group: str) -> tuple[str | None, int | None]:
        from botocore.exceptions import ClientError

        try:
            found = internal.client("cognito-idp", _region_of(user_pool_id)).get_group(
                GroupName=group, UserPoolId=user_pool_id
            )
        except ClientError:
            return None, None
        return found["Group"].get("RoleArn"), found["Group"].get("Precedence")

    return read


def pool_exists(internal: InternalAWS) -> Callable[[str], bool]:
    """Whether moto holds a user pool with this id."""

    def exists(user_pool_id: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            internal.client("cognito-idp", _region_of(user_pool_id)).describe_user_pool(
                UserPoolId=user_pool_id
            )
        except ClientError:
            return False
        return True

    return exists


def _app_client(internal: InternalAWS, user_pool_id: str, client_id: str) -> dict | None:
    """moto's ``UserPoolClient`` (``DescribeUserPoolClient``), or ``None``: no such client."""
    from botocore.exceptions import ClientError

    try:
        found = internal.client("cognito-idp", _region_of(user_pool_id)).describe_user_pool_client(
            UserPoolId=user_pool_id, ClientId=client_id
        )
    except ClientError:
        return None
    return found["UserPoolClient"]


def _client_attributes(internal: InternalAWS, setting: str) -> Callable[[str, str], list[str] | None]:
    def read(user_pool_id: str, client_id: str) -> list[str] | None:
        client = _app_client(internal, user_pool_id, client_id)
        return None if client is None else client.get(setting)

    return read


def client_write_attributes(internal: InternalAWS) -> Callable[[str, str], list[str] | None]:
    """``(user_pool_id, client_id)`` → the app client's ``WriteAttributes`` (``None``: never specified,
    or no such client)."""
    return _client_attributes(internal, "WriteAttributes")


def client_read_attributes(internal: InternalAWS) -> Callable[[str, str], list[str] | None]:
    """``(user_pool_id, client_id)`` → the app client's ``ReadAttributes`` (``None``: never specified,
    or no such client)."""
    return _client_attributes(internal, "ReadAttributes")


def user_attributes(internal: InternalAWS) -> Callable[[str, str], dict[str, str] | None]:
    """``(user_pool_id, username)`` → the user's attributes, name → value (``None``: no such user)."""

    def read(user_pool_id: str, username: str) -> dict[str, str] | None:
        from botocore.exceptions import ClientError

        try:
            found = internal.client("cognito-idp", _region_of(user_pool_id)).admin_get_user(
                UserPoolId=user_pool_id, Username=username
            )
        except ClientError:
            return None
        return {item["Name"]: item["Value"] for item in found.get("UserAttributes", [])}

    return read


def client_auth_flows(internal: InternalAWS) -> Callable[[str, str], list[str] | None]:
    """``(user_pool_id, client_id)`` → the app client's ``ExplicitAuthFlows`` (empty: never specified;
    ``None``: no such client)."""

    def read(user_pool_id: str, client_id: str) -> list[str] | None:
        client = _app_client(internal, user_pool_id, client_id)
        return None if client is None else list(client.get("ExplicitAuthFlows") or [])

    return read


def client_pool(internal: InternalAWS) -> Callable[[str, str], str | None]:
    """``(region, client_id)`` → the id of the user pool the app client belongs to (``None``: no such
    client in that Region). ``SignUp`` and ``InitiateAuth`` name only the client: moto is asked pool by
    pool the first time, and each later time only whether the client found is still there."""
    found: dict[tuple[str, str], str] = {}

    def find(region: str, client_id: str) -> str | None:
        known = found.get((region, client_id))
        if known is not None and _app_client(internal, known, client_id) is not None:
            return known
        idp = internal.client("cognito-idp", region)
        for page in idp.get_paginator("list_user_pools").paginate(PaginationConfig={"PageSize": 60}):
            for pool in page["UserPools"]:
                clients = idp.get_paginator("list_user_pool_clients").paginate(
                    UserPoolId=pool["Id"], PaginationConfig={"PageSize": 60}
                )
                if any(c["ClientId"] == client_id for part in clients for c in part["UserPoolClients"]):
                    found[(region, client_id)] = pool["Id"]
                    return pool["Id"]
        found.pop((region, client_id), None)
        return None

    return find
