"""Confirmation codes go to the user's verified email or phone, never to the caller, and a wrong code is
refused (moto returned its code in a header and accepted any other).

AWS: ``CodeMismatchException: Invalid verification code provided, please try again.`` for a wrong code
(``ConfirmForgotPassword``, ``ConfirmSignUp``), and ``InvalidParameterException`` for a ``ForgotPassword``
with nowhere to send the code.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers.local_aws.cognito_idp.confirmation_codes import MOTO_CODE_HEADER, ConfirmationCodesLayer
from tests.support.local_aws_fixtures import error_of

MISMATCH = ("CodeMismatchException", "Invalid verification code provided, please try again.")
PASSWORD, NEW_PASSWORD = "Codes-passw0rd!", "Attacker-passw0rd!"


@pytest.fixture(scope="module")
def pool(endpoint) -> dict[str, Any]:
    idp = endpoint.client("cognito-idp")
    pool_id = idp.create_user_pool(PoolName="confirmation-codes")["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="app", ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    for name, attributes in {
        "nomail": [],
        "verified": [
            {"Name": "email", "Value": "v@example.com"},
            {"Name": "email_verified", "Value": "true"},
        ],
    }.items():
        idp.admin_create_user(
            UserPoolId=pool_id, Username=name, UserAttributes=attributes, MessageAction="SUPPRESS"
        )
        idp.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=PASSWORD, Permanent=True)
    layer = next(o for o in endpoint.server.app.routes.owners() if isinstance(o, ConfirmationCodesLayer))
    return {
        "idp": idp,
        "public": endpoint.unsigned("cognito-idp"),
        "pool_id": pool_id,
        "client_id": client_id,
        "codes": layer,
    }


def signs_in(pool: dict[str, Any], username: str, password: str) -> bool:
    try:
        pool["idp"].admin_initiate_auth(
            UserPoolId=pool["pool_id"],
            ClientId=pool["client_id"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
    except pool["idp"].exceptions.NotAuthorizedException:
        return False
    return True


def confirm(pool: dict[str, Any], username: str, code: str) -> Any:
    return pool["public"].confirm_forgot_password(
        ClientId=pool["client_id"], Username=username, ConfirmationCode=code, Password=NEW_PASSWORD
    )


def test_no_code_no_new_password_for_a_user_with_nowhere_to_send_it(pool):
    public = pool["public"]
    refused = error_of(public.forgot_password, ClientId=pool["client_id"], Username="nomail")
    assert refused == (
        "InvalidParameterException",
        "Cannot reset password for the user as there is no registered/verified email or phone_number",
    )
    assert error_of(confirm, pool, "nomail", "123") == MISMATCH
    assert signs_in(pool, "nomail", PASSWORD) and not signs_in(pool, "nomail", NEW_PASSWORD)


def test_the_code_goes_to_the_user_not_to_the_caller_and_only_it_sets_the_password(pool):
    answer = pool["public"].forgot_password(ClientId=pool["client_id"], Username="verified")
    assert "CodeDeliveryDetails" in answer  # moto's (its medium and destination are not AWS's yet)
    assert MOTO_CODE_HEADER not in answer["ResponseMetadata"]["HTTPHeaders"]
    sent = pool["codes"].sent_code(pool["pool_id"], "verified")
    assert sent
    for wrong in ("123", "000000", sent + "0"):
        assert error_of(confirm, pool, "verified", wrong) == MISMATCH
    assert signs_in(pool, "verified", PASSWORD)
    confirm(pool, "verified", sent)
    assert signs_in(pool, "verified", NEW_PASSWORD) and not signs_in(pool, "verified", PASSWORD)
    assert error_of(confirm, pool, "verified", sent) == MISMATCH  # a code works once


def test_a_sign_up_is_confirmed_by_the_administrator_not_by_a_guessed_code(pool):
    public = pool["public"]
    public.sign_up(ClientId=pool["client_id"], Username="newcomer", Password=PASSWORD)
    assert (
        error_of(
            public.confirm_sign_up, ClientId=pool["client_id"], Username="newcomer", ConfirmationCode="000000"
        )
        == MISMATCH
    )
    status = pool["idp"].admin_get_user(UserPoolId=pool["pool_id"], Username="newcomer")["UserStatus"]
    assert status == "UNCONFIRMED"
    pool["idp"].admin_confirm_sign_up(UserPoolId=pool["pool_id"], Username="newcomer")
    assert (
        pool["idp"].admin_get_user(UserPoolId=pool["pool_id"], Username="newcomer")["UserStatus"]
        == "CONFIRMED"
    )


def test_an_unknown_user_is_answered_as_before(pool):
    code, _ = error_of(
        pool["public"].confirm_sign_up, ClientId=pool["client_id"], Username="nobody", ConfirmationCode="1"
    )
    assert code != "CodeMismatchException"
