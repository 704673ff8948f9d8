"""STS ``AssumeRoleWithWebIdentity`` for Cognito OpenID tokens: the basic (classic) flow's last step.

moto treats the call as a plain AssumeRole (no token check, no trust check). Here the token's
signature, issuer and expiry are verified (by the local AWS's clock), then the role's trust policy is
evaluated with the token's ``aud``, ``sub`` and ``amr`` as condition keys, and only then are
credentials minted (by moto's STS, in-process) [§3, §4, §5, §8]. Tokens from other issuers (OpenID
Connect providers) are checked by the providers issue's layer; until then they are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ..cognito_identity.open_id_token import ISSUER, InvalidOpenIdToken, OpenIdTokenSigner
from ..issued_credentials import RoleSessions
from ..query_protocol import element, query_parameters, xml_answer, xml_error

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
PROVIDER = "cognito-identity.amazonaws.com"
DEFAULT_DURATION = 3600  # STS's default [§8]


class STSError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


class WebIdentityLayer:
    def __init__(self, signer: OpenIdTokenSigner, role_sessions: RoleSessions) -> None:
        self.signer = signer
        self.role_sessions = role_sessions

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        if authorization and "/sts/aws4_request" not in authorization:
            return None  # signed for another service; AssumeRoleWithWebIdentity is normally unsigned
        params = query_parameters(environ)
        if not params or params.get("Action") != "AssumeRoleWithWebIdentity":
            return None
        try:
            return xml_answer(start_response, "AssumeRoleWithWebIdentity", NAMESPACE, self.assume(params))
        except STSError as error:
            return xml_error(start_response, NAMESPACE, error.code, error.message, error.status)

    def assume(self, params: dict[str, Any]) -> str:
        from helpers.iam_policy import cognito_web_identity_request, evaluate_trust_policy

        from ..validation import ValidationError, service_model, validate_query_input

        try:
            params = validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params)
        except ValidationError as error:
            raise STSError(error.code, error.message or "") from None
        duration = params.get("DurationSeconds") or DEFAULT_DURATION
        token = params["WebIdentityToken"]
        claims = self._claims(token)
        role_arn = params["RoleArn"]
        role = self.role_sessions.roles.get(role_arn)
        request = cognito_web_identity_request(
            claims.identity_pool_id, claims.identity_id, claims.amr, role_arn
        )
        if role is None or not evaluate_trust_policy(request, role.trust_policy).allowed:
            raise STSError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        if duration > role.max_session_duration:
            raise STSError(
                "ValidationError",
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )
        session_policies = {}
        if params.get("Policy"):
            try:
                json.loads(params["Policy"])
            except ValueError:
                raise STSError(
                    "MalformedPolicyDocument", "The policy is not in the valid JSON format."
                ) from None
            session_policies["session policy"] = params["Policy"]
        credentials = self.role_sessions.open(
            role,
            duration,
            session_name=params["RoleSessionName"],
            session_policies=session_policies,
            context=dict(request.context),
        )
        expiration = datetime.fromtimestamp(credentials.expiration, tz=timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
        return (
            element("SubjectFromWebIdentityToken", claims.identity_id)
            + element("Audience", claims.identity_pool_id)
            + "<AssumedRoleUser>"
            + element("Arn", credentials.caller_arn)
            + element("AssumedRoleId", credentials.assumed_role_id)
            + "</AssumedRoleUser>"
            + "<Credentials>"
            + element("AccessKeyId", credentials.access_key_id)
            + element("SecretAccessKey", credentials.secret_access_key)
            + element("SessionToken", credentials.session_token)
            + element("Expiration", expiration)
            + "</Credentials>"
            + element("Provider", PROVIDER)
        )

    def _claims(self, token: str) -> Any:
        import jwt

        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except (jwt.PyJWTError, AttributeError):
            raise STSError(
                "InvalidIdentityToken",
                "The ID Token provided is not a valid JWT. (You may see this "
                "error if you sent an Access Token)",
            ) from None
        if issuer != ISSUER:
            # OpenID Connect providers come with the providers issue; STS's wording for an unknown issuer.
            raise STSError(
                "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {issuer}"
            )
        try:
            return self.signer.verify(token, self.role_sessions.clock.now())
        except InvalidOpenIdToken as error:
            if error.expired:
                raise STSError("ExpiredTokenException", str(error)) from None
            raise STSError("InvalidIdentityToken", "Couldn't verify signed token.") from None  # UNCONFIRMED
