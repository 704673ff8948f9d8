"""Who signed a request, checked as AWS checks it: a known key, a valid scope, a fresh date, a
matching SigV4 signature.

Known keys are the local administrator's key pair (default ``testing``/``testing``) and the
credentials the local AWS issued. Every refusal is a :class:`~.errors.WireError` carrying each protocol
family's code and message, as the services answer them (sources beside each one; UNCONFIRMED where
no public source shows the exact text).
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from ..constants import ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY
from . import sigv2, sigv4
from .envelope import Principal
from .errors import WireError

#: "The signature ... must be within 15 minutes of the AWS system time" (Elements of an AWS API request
#: signature, IAM User Guide).
SKEW_SECONDS = 15 * 60
ADMIN_KEY_VARIABLE = "LOCAL_AWS_ADMIN_ACCESS_KEY_ID"
ADMIN_SECRET_VARIABLE = "LOCAL_AWS_ADMIN_SECRET_ACCESS_KEY"
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
S3_SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your key and signing method."
)
INVALID_TOKEN = "The security token included in the request is invalid."


@dataclass(frozen=True)
class AdministratorKeys:
    """The local administrator's key pair (not secret: it only ever reaches the local AWS)."""

    access_key_id: str = ADMIN_ACCESS_KEY_ID
    secret_access_key: str = ADMIN_SECRET_ACCESS_KEY

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> AdministratorKeys:
        """``LOCAL_AWS_ADMIN_ACCESS_KEY_ID`` and ``LOCAL_AWS_ADMIN_SECRET_ACCESS_KEY``, else the defaults."""
        environ = os.environ if environ is None else environ
        return cls(
            environ.get(ADMIN_KEY_VARIABLE) or ADMIN_ACCESS_KEY_ID,
            environ.get(ADMIN_SECRET_VARIABLE) or ADMIN_SECRET_ACCESS_KEY,
        )


# --- the refusals ------------------------------------------------------------------------------------------


def unknown_key(access_key_id: str, admin: AdministratorKeys) -> WireError:
    """S3 ``InvalidAccessKeyId`` (403), JSON ``UnrecognizedClientException`` (400), query
    ``InvalidClientTokenId`` (403), with a local hint naming the key the local AWS expects."""
    hint = (
        f" (local AWS: the access key id '{access_key_id}' is neither the local administrator's "
        f"('{admin.access_key_id}') nor one the local AWS issued; a real AWS profile does not work here.)"
    )
    return WireError(
        (
            "InvalidAccessKeyId",
            "The AWS Access Key Id you provided does not exist in our records." + hint,
            403,
        ),
        ("UnrecognizedClientException", INVALID_TOKEN + hint, 400),
        ("InvalidClientTokenId", INVALID_TOKEN + hint, 403),
    )


def token_with_long_term_key() -> WireError:
    """A session token sent with the administrator's long-term key: AWS accepts no token there."""
    return WireError(
        ("InvalidToken", "The provided token is malformed or otherwise invalid.", 400),
        ("UnrecognizedClientException", INVALID_TOKEN, 400),
        ("InvalidClientTokenId", INVALID_TOKEN, 403),
    )


def signature_mismatch(detail: str = "") -> WireError:
    """S3 ``SignatureDoesNotMatch`` (403), JSON ``InvalidSignatureException`` (400), query
    ``SignatureDoesNotMatch`` (403)."""
    return WireError(
        ("SignatureDoesNotMatch", S3_SIGNATURE_MISMATCH + detail, 403),
        ("InvalidSignatureException", SIGNATURE_MISMATCH + detail, 400),
        ("SignatureDoesNotMatch", SIGNATURE_MISMATCH + detail, 403),
    )


def scope_error(message: str, s3_message: str | None = None) -> WireError:
    """A credential scope naming another service, an invalid region or another date. JSON/query
    wording as seen from AWS ("Credential should be scoped to correct service: 'batch'. "); S3 answers
    ``AuthorizationHeaderMalformed`` (400; UNCONFIRMED for the service case)."""
    return WireError(
        (
            "AuthorizationHeaderMalformed",
            s3_message or f"The authorization header is malformed; {message}",
            400,
        ),
        ("InvalidSignatureException", message, 400),
        ("SignatureDoesNotMatch", message, 403),
    )


def incomplete_signature(message: str) -> WireError:
    """Unreadable SigV4 material: S3 ``AuthorizationHeaderMalformed``, JSON ``IncompleteSignatureException``,
    query ``IncompleteSignature`` (all 400)."""
    return WireError(
        ("AuthorizationHeaderMalformed", f"The authorization header is malformed; {message}", 400),
        ("IncompleteSignatureException", message, 400),
        ("IncompleteSignature", message, 400),
    )


def unsupported_mechanism(name: str) -> WireError:
    """SigV2, SigV4a or an unknown scheme. S3's answer where only SigV4 is accepted ("The authorization
    mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."); the JSON and query
    codes are UNCONFIRMED. SigV4a is refused because its scope names no single region to check."""
    message = (
        f"The authorization mechanism you have provided ({name}) is not supported. "
        "Please use AWS4-HMAC-SHA256."
    )
    return WireError(
        ("InvalidRequest", message, 400),
        ("IncompleteSignatureException", message, 400),
        ("IncompleteSignature", message, 400),
    )


def several_mechanisms() -> WireError:
    """S3: "Only one auth mechanism allowed; ..." (InvalidArgument, 400); the same for the others."""
    message = (
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string "
        "parameter or the Authorization header should be specified"
    )
    return WireError(
        ("InvalidArgument", message, 400),
        ("IncompleteSignatureException", message, 400),
        ("IncompleteSignature", message, 400),
    )


def skewed(amz_date: str, now: datetime) -> WireError:
    """S3 ``RequestTimeTooSkewed`` (403); JSON ``InvalidSignatureException`` and query
    ``SignatureDoesNotMatch`` "Signature expired: <date> is now earlier than <now - 15 min> (<now> - 15 min.)"
    (aws/aws-sdk-js#254, aws/aws-cli#6676), or "Signature not yet current: ... is still later than ..."."""
    stamp = "%Y%m%dT%H%M%SZ"
    signed = datetime.strptime(amz_date, stamp).replace(tzinfo=timezone.utc)
    if signed < now:
        message = (
            f"Signature expired: {amz_date} is now earlier than "
            f"{(now - timedelta(seconds=SKEW_SECONDS)).strftime(stamp)} ({now.strftime(stamp)} - 15 min.)"
        )
    else:
        message = (
            f"Signature not yet current: {amz_date} is still later than "
            f"{(now + timedelta(seconds=SKEW_SECONDS)).strftime(stamp)} ({now.strftime(stamp)} + 15 min.)"
        )
    return WireError(
        (
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
            403,
        ),
        ("InvalidSignatureException", message, 400),
        ("SignatureDoesNotMatch", message, 403),
    )


def presigned_expired() -> WireError:
    """A presigned URL used after ``X-Amz-Date + X-Amz-Expires``: S3 ``AccessDenied`` "Request has
    expired" (403); query services ``RequestExpired`` (UNCONFIRMED wording)."""
    return WireError(
        ("AccessDenied", "Request has expired", 403),
        ("InvalidSignatureException", "Signature expired: the presigned request has expired", 400),
        ("RequestExpired", "Request has expired", 400),
    )


def payload_hash_mismatch() -> WireError:
    """S3 ``XAmzContentSHA256Mismatch``: the declared ``x-amz-content-sha256`` is not the body's."""
    message = "The provided 'x-amz-content-sha256' header does not match what was computed."
    return WireError(
        ("XAmzContentSHA256Mismatch", message, 400),
        ("InvalidSignatureException", message, 400),
        ("SignatureDoesNotMatch", message, 403),
    )


def missing_content_sha256() -> WireError:
    return WireError.same(
        "InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400
    )


def chunk_malformed(message: str) -> WireError:
    """An ``aws-chunked`` body that does not frame as S3 documents it (UNCONFIRMED wording)."""
    return WireError.same(
        "IncompleteBody", f"The request body is not a valid aws-chunked body: {message}.", 400
    )


def _client_now(stamp: float, age: float) -> datetime:
    """The client's "now": the request's stamp plus its age by the local clock."""
    return datetime.fromtimestamp(stamp + age, tz=timezone.utc)


# --- the check ---------------------------------------------------------------------------------------------


class Authenticator:
    """Checks SigV4 claims against the known secrets and the local AWS's clock."""

    def __init__(self, admin: AdministratorKeys, registry: Any, clock: Any) -> None:
        self.admin = admin
        self.registry = registry
        self.clock = clock

    def principal(self, claims: sigv4.Claims) -> tuple[Principal, str]:
        """The principal the key belongs to and its secret; refuses unknown keys."""
        if claims.access_key_id == self.admin.access_key_id:
            if claims.security_token is not None:
                raise token_with_long_term_key()
            return Principal("administrator", claims.access_key_id), self.admin.secret_access_key
        issued = self.registry.get(claims.access_key_id)
        if issued is None:
            raise unknown_key(claims.access_key_id, self.admin)
        return Principal("issued", claims.access_key_id, issued), issued.secret_access_key

    def check_scope(self, claims: sigv4.Claims, service: str) -> None:
        if claims.service != service:
            raise scope_error(f"Credential should be scoped to correct service: '{service}'. ")
        if not _REGION.fullmatch(claims.region):
            raise scope_error(
                "Credential should be scoped to a valid region. ",
                f"The authorization header is malformed; the region '{claims.region}' is wrong.",
            )
        if claims.date != claims.amz_date[:8]:
            raise scope_error(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                f"'{claims.date}' != '{claims.amz_date[:8]}', from '{claims.amz_date}'.",
                "The authorization header is malformed; Invalid credential date. "
                "Date is not the same as X-Amz-Date.",
            )

    def check_time(self, claims: sigv4.Claims) -> None:
        """The request's age by the local AWS's clock.

        Clients stamp ``X-Amz-Date`` in real time; the local clock may have been advanced. A stamp is
        placed in local time by :meth:`~helpers.local_aws.clock.Clock.local_time_of`: a request signed
        after the clock moved is as fresh as one signed before it moved was then, and a request (or
        presigned link) signed before the clock moved has aged by the move, so replaying it later fails.
        """
        stamp = sigv4.amz_date_timestamp(claims.amz_date)
        if stamp is None:  # claims are made from valid stamps only (``sigv4._claims``)
            raise incomplete_signature(
                f"X-Amz-Date must be in the ISO8601 basic format, got '{claims.amz_date}'."
            )
        age = self.clock.now() - self.clock.local_time_of(stamp)
        if claims.mechanism == "query" and claims.expires is not None:
            if age > claims.expires:
                raise presigned_expired()
            if -age > SKEW_SECONDS:
                raise skewed(claims.amz_date, _client_now(stamp, age))
            return
        if claims.mechanism == "form":
            return  # the POST policy's own expiration decides (:meth:`check_post_policy`)
        if abs(age) > SKEW_SECONDS:
            raise skewed(claims.amz_date, _client_now(stamp, age))

    def check_v2(self, environ: dict[str, Any], claims: sigv2.Claims, secret: str) -> None:
        """S3's Signature Version 2: time (``Date`` within 15 minutes, or the presigned ``Expires``, an
        instant stamped in real time and placed in local time), then the HMAC-SHA1 signature."""
        if claims.mechanism == "query":
            if self.clock.now() > self.clock.local_time_of(float(claims.expires or 0)):
                raise presigned_expired()
        else:
            from email.utils import parsedate_to_datetime

            stamp = environ.get("HTTP_X_AMZ_DATE") or environ.get("HTTP_DATE")
            try:
                signed = parsedate_to_datetime(str(stamp))
            except (TypeError, ValueError):
                raise WireError.same(
                    "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header", 403
                ) from None
            if signed.tzinfo is None:
                signed = signed.replace(tzinfo=timezone.utc)
            age = self.clock.now() - self.clock.local_time_of(signed.timestamp())
            if abs(age) > SKEW_SECONDS:
                raise skewed(
                    signed.strftime("%Y%m%dT%H%M%SZ"),
                    datetime.fromtimestamp(signed.timestamp() + age, tz=timezone.utc),
                )
        expected = sigv2.signature(secret, sigv2.string_to_sign(environ, claims))
        if not sigv4.signature_matches(expected, claims.signature):
            raise signature_mismatch()

    def check_post_policy(self, policy: str | None) -> None:
        """A browser upload's policy document must be readable and not expired by the local clock
        ("Creating a POST policy", Amazon S3 API Reference: ``Invalid according to Policy: Policy
        expired.``). Its conditions are not checked here (moto accepts the fields as sent)."""
        import base64
        import json

        try:
            document = json.loads(base64.b64decode(policy or "", validate=True))
            # ISO 8601 with a Z, with or without milliseconds (botocore writes "...T12:00:00Z").
            expiration = datetime.fromisoformat(str(document["expiration"]).replace("Z", "+00:00"))
        except (ValueError, KeyError, TypeError):
            raise WireError.same("InvalidPolicyDocument", "Invalid Policy: Invalid JSON.", 400) from None
        if expiration.tzinfo is None:
            expiration = expiration.replace(tzinfo=timezone.utc)
        if self.clock.now() > self.clock.local_time_of(expiration.timestamp()):
            raise WireError.same("AccessDenied", "Invalid according to Policy: Policy expired.", 403)

    def verify(
        self,
        environ: dict[str, Any],
        claims: sigv4.Claims,
        secret: str,
        body: bytes,
        *,
        s3: bool,
        form_policy: str | None = None,
    ) -> bytes:
        """Check the signature; returns the signing key (for chunk signatures)."""
        key = sigv4.signing_key(secret, claims.date, claims.region, claims.service)
        if claims.mechanism == "form":
            expected = sigv4.sign(key, form_policy or "")
        else:
            payload_hash = self.payload_hash(environ, claims, body, s3=s3)
            canonical = sigv4.canonical_request(environ, claims, payload_hash, s3=s3)
            expected = sigv4.sign(key, sigv4.string_to_sign(claims, canonical))
        if not sigv4.signature_matches(expected, claims.signature):
            raise signature_mismatch()
        return key

    @staticmethod
    def payload_hash(environ: dict[str, Any], claims: sigv4.Claims, body: bytes, *, s3: bool) -> str:
        declared = sigv4.header_value(environ, "x-amz-content-sha256")
        if claims.mechanism == "query":
            if s3:
                return declared or sigv4.UNSIGNED_PAYLOAD
            return hashlib.sha256(body).hexdigest()
        if declared is None:
            if s3:
                raise missing_content_sha256()
            return hashlib.sha256(body).hexdigest()
        if declared.startswith("STREAMING-") or declared == sigv4.UNSIGNED_PAYLOAD:
            if not s3:
                return hashlib.sha256(body).hexdigest()
            return declared
        if declared.lower() != hashlib.sha256(body).hexdigest():
            raise payload_hash_mismatch()
        return declared
