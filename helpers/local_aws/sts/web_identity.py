"""STS ``AssumeRoleWithWebIdentity`` for Cognito OpenID tokens and IAM OpenID Connect providers' tokens.

moto treats the call as a plain AssumeRole (no token check, no trust check). Here the token is verified
first (by the local AWS's clock), then the role's trust policy is evaluated, and only then are
credentials minted (by :class:`..issued_credentials.RoleSessions`, not by moto's STS) ("Identity pools
authentication flow", Cognito Developer Guide; GetOpenIdToken, Cognito Identity API Reference; "Role trust
and permissions", Cognito Developer Guide; GetCredentialsForIdentity, Cognito Identity API Reference):

* a Cognito OpenID token (``iss`` ``https://cognito-identity.amazonaws.com``; the basic flow's last
  step): principal ``{"Federated": "cognito-identity.amazonaws.com"}``, condition keys ``...:aud``
  (pool id), ``...:sub`` (identity id), ``...:amr``;
* an ID token whose ``iss`` is the URL of an IAM OIDC provider in the role's account
  (:mod:`..iam.oidc_providers`: thumbprint, signature, ``ClientIDList``, expiry with IAM's five minutes
  of grace): principal ``{"Federated": "arn:aws:iam::<acct>:oidc-provider/<host/path>"}``, condition keys
  ``<host/path>:aud`` (``azp`` when present, else ``aud``), ``<host/path>:oaud`` (``aud``, when ``azp``
  is present) and ``<host/path>:sub`` (IAM User Guide, "Available keys for OIDC federation"; ``amr`` is
  a Cognito-only key). The answer's ``Provider`` is the provider's ARN and ``Audience`` the token's
  ``aud``, as seen in real responses (EKS IRSA write-ups).

Any other issuer gets STS's ``No OpenIDConnect provider found in your account for <iss>``.

Cross-account roles: "AWS STS also requires that cross-account basic authentication requests have two
specific conditions: ``cognito-identity.amazonaws.com:aud`` and ``cognito-identity.amazonaws.com:amr``"
(Amazon Cognito Developer Guide, "Security best practices for Amazon Cognito identity pools",
https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools-security-best-practices.html;
the AssumeRoleWithWebIdentity API reference, RoleArn, requires the ``aud`` key for such roles). A Cognito
token for a role in another account than its pool's is therefore refused unless every trust statement
for the Cognito principal names both keys. UNCONFIRMED: which statements AWS inspects and its wording
(here STS's usual AccessDenied). The local AWS holds one account, so only a role directory that knows
another account's roles (the tests') reaches this rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..cognito_identity import principal_tags
from ..cognito_identity.open_id_token import (
    ISSUER,
    POOL_ARN_CLAIM,
    TAGS_CLAIM,
    InvalidOpenIdToken,
    OpenIdTokenSigner,
)
from ..constants import ACCOUNT_ID
from ..iam.oidc_providers import OidcProviders, provider_arn
from ..id_tokens import IAM_EXPIRY_GRACE_SECONDS, IdTokenRejected, audiences
from ..issued_credentials import RoleSessions
from ..query_protocol import element, xml_answer, xml_error
from ..wire.envelope import envelope_of
from .sessions import DEFAULT_DURATION, STSError, check_duration, session_elements, session_policies

NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/"
PROVIDER = "cognito-identity.amazonaws.com"


@dataclass(frozen=True)
class WebIdentity:
    """A verified web identity token: the trust-policy request it makes and what the answer reports."""

    request: Any  # helpers.iam_policy.Request
    subject: str
    audience: str
    provider: str
    account: str = ACCOUNT_ID  # the account of the identity pool (Cognito) or of the OIDC provider
    session_tags: tuple[tuple[str, str], ...] = ()  # from the token's "https://aws.amazon.com/tags"


CROSS_ACCOUNT_KEYS = (f"{PROVIDER}:aud", f"{PROVIDER}:amr")


def _account_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[4] if len(parts) > 5 and parts[4] else ACCOUNT_ID


def missing_cross_account_conditions(trust_policy: dict[str, Any]) -> list[str]:
    """The keys among ``aud`` and ``amr`` that some Allow statement trusting the Cognito principal does
    not name in its conditions (under any operator); empty when every such statement names both."""
    statements = trust_policy.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    missing: list[str] = []
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal") or {}
        federated = principal.get("Federated", []) if isinstance(principal, dict) else []
        federated = [federated] if isinstance(federated, str) else federated
        if PROVIDER not in federated:
            continue
        named = {key.lower() for block in (statement.get("Condition") or {}).values() for key in block}
        missing += [key for key in CROSS_ACCOUNT_KEYS if key not in named and key not in missing]
    return missing


def _not_a_jwt() -> STSError:
    return STSError(
        "InvalidIdentityToken",
        "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)",
    )


class WebIdentityLayer:
    def __init__(
        self, signer: OpenIdTokenSigner, role_sessions: RoleSessions, oidc: OidcProviders | None = None
    ) -> None:
        self.signer = signer
        self.role_sessions = role_sessions
        self.oidc = oidc

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or (envelope.service, envelope.operation) != ("sts", "AssumeRoleWithWebIdentity"):
            return None
        params = dict(envelope.params or {})
        try:
            return xml_answer(start_response, "AssumeRoleWithWebIdentity", NAMESPACE, self.assume(params))
        except STSError as error:
            return xml_error(start_response, NAMESPACE, error.code, error.message, error.status)

    def assume(self, params: dict[str, Any]) -> str:
        from helpers.iam_policy import evaluate_trust_policy, tag_session_request

        from ..service_models import service_model
        from ..validation import ValidationError, validate_query_input

        try:
            params = validate_query_input(service_model("sts"), "AssumeRoleWithWebIdentity", params)
        except ValidationError as error:
            raise STSError(error.code, error.message or "") from None
        duration = params.get("DurationSeconds") or DEFAULT_DURATION
        role_arn = params["RoleArn"]
        identity = self._web_identity(params["WebIdentityToken"], role_arn)
        request = identity.request
        role = self.role_sessions.roles.get(role_arn)
        if role is None or not evaluate_trust_policy(request, role.trust_policy).allowed:
            raise STSError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        if (
            identity.provider == PROVIDER
            and _account_of(role.arn) != identity.account
            and missing_cross_account_conditions(role.trust_policy)
        ):
            raise STSError("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403)
        tags = dict(identity.session_tags)
        if tags and not evaluate_trust_policy(tag_session_request(request, tags), role.trust_policy).allowed:
            # "the role's trust policy must allow sts:TagSession" (IAM User Guide, "Passing session
            # tags in AWS STS"); STS's wording for this refusal is UNCONFIRMED.
            raise STSError("AccessDenied", "Not authorized to perform sts:TagSession", 403)
        check_duration(duration, role.max_session_duration)
        credentials = self.role_sessions.open(
            role,
            duration,
            session_name=params["RoleSessionName"],
            session_policies=session_policies(params),
            context=dict(request.context),
            session_tags=tags,
        )
        return (
            element("SubjectFromWebIdentityToken", identity.subject)
            + element("Audience", identity.audience)
            + session_elements(credentials)
            + element("Provider", identity.provider)
        )

    def _web_identity(self, token: str, role_arn: str) -> WebIdentity:
        import jwt

        try:
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except (jwt.PyJWTError, AttributeError):
            raise _not_a_jwt() from None
        if issuer == ISSUER:
            return self._cognito(token, role_arn)
        return self._open_id_connect(token, issuer, role_arn)

    def _cognito(self, token: str, role_arn: str) -> WebIdentity:
        import jwt

        from helpers.iam_policy import cognito_web_identity_request

        try:
            claims = self.signer.verify(token, self.role_sessions.clock.now())
        except InvalidOpenIdToken as error:
            if error.expired:
                raise STSError("ExpiredTokenException", str(error)) from None
            raise STSError("InvalidIdentityToken", "Couldn't verify signed token.") from None  # UNCONFIRMED
        request = cognito_web_identity_request(
            claims.identity_pool_id, claims.identity_id, claims.amr, role_arn
        )
        # The pool's account, from the pool ARN the token carries (already verified above).
        pool_arn = jwt.decode(token, options={"verify_signature": False}).get(POOL_ARN_CLAIM, "")
        account = _account_of(pool_arn) if isinstance(pool_arn, str) else ACCOUNT_ID
        tags = tuple(principal_tags.from_token_claim(claims.principal_tags).items())
        return WebIdentity(request, claims.identity_id, claims.identity_pool_id, PROVIDER, account, tags)

    def _open_id_connect(self, token: str, issuer: Any, role_arn: str) -> WebIdentity:
        """A token of the IAM OIDC provider whose URL is the token's ``iss``, in the role's account."""
        from helpers.iam_policy import Principal, Request

        name = issuer[len("https://") :] if isinstance(issuer, str) and issuer.startswith("https://") else ""
        parts = role_arn.split(":")
        account = parts[4] if len(parts) > 5 and parts[4] else ACCOUNT_ID
        partition = parts[1] if len(parts) > 5 and parts[1] else "aws"
        provider = self.oidc.get(provider_arn(account, name, partition)) if self.oidc and name else None
        if provider is None:
            raise STSError(
                "InvalidIdentityToken", f"No OpenIDConnect provider found in your account for {issuer}"
            )
        now = self.role_sessions.clock.now()
        try:
            claims = self.oidc.verify(provider, token, now, expiry_grace=IAM_EXPIRY_GRACE_SECONDS)
        except IdTokenRejected as error:
            raise _rejected(error) from None
        aud = audiences(claims)
        context: dict[str, Any] = {f"{name}:sub": claims["sub"]}
        if isinstance(claims.get("azp"), str):
            # With azp present, IAM's :aud key is azp and :oaud carries aud (IAM condition keys reference).
            context[f"{name}:aud"] = claims["azp"]
            context[f"{name}:oaud"] = aud[0] if len(aud) == 1 else aud
        else:
            context[f"{name}:aud"] = aud[0] if len(aud) == 1 else aud
        request = Request(
            "sts:AssumeRoleWithWebIdentity", role_arn, Principal.federated(provider.arn), context
        )
        # Any OIDC provider's token may carry session tags in the same claim (IAM User Guide, "Passing
        # session tags using AssumeRoleWithWebIdentity").
        tag_claim = claims.get(TAGS_CLAIM)
        tags = principal_tags.from_token_claim(
            tag_claim.get("principal_tags") or {} if isinstance(tag_claim, dict) else {}
        )
        return WebIdentity(
            request, str(claims["sub"]), aud[0] if aud else "", provider.arn, account, tuple(tags.items())
        )


def _rejected(error: IdTokenRejected) -> STSError:
    """STS's words for a refused OIDC token; sources in brackets."""
    if error.reason == "malformed":
        return _not_a_jwt()
    if error.reason == "expired":
        return STSError(  # same wording as for Cognito tokens; the message STS gives EKS tokens
            "ExpiredTokenException",
            f"Token expired: current date/time {int(error.now or 0)} must be before "
            f"the expiration date/time {int(error.exp or 0)}",
        )
    if error.reason == "thumbprint":  # [O aws-actions/configure-aws-credentials#357, alphagov/gsp#889]
        return STSError(
            "InvalidIdentityToken",
            "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint",
        )
    if error.reason == "audience":  # [O awslabs/amazon-eks-irsa-cfn#18]
        return STSError("InvalidIdentityToken", "Incorrect token audience")
    if error.reason == "missing_claim":  # [O aws/aws-sdk-ruby#2698]
        return STSError("InvalidIdentityToken", f"Missing a required claim: {error.detail}")
    return STSError("InvalidIdentityToken", "Couldn't verify signed token.")  # UNCONFIRMED wording
