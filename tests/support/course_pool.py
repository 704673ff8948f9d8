"""The course's identity pool and two roles (``helpers.course``'s policies) on a local AWS of a test's
own, and its users' credentials as a browser app gets them (unsigned GetId and
GetCredentialsForIdentity, signed in at the stand-in Login with Amazon or as a guest)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from botocore import UNSIGNED
from botocore.config import Config

from helpers import course, identity_providers
from tests.support import sessions


def admin_client(url: str, service: str, **config: Any) -> Any:
    return sessions.client(
        service,
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, **config),
    )


@dataclass
class CoursePool:
    url: str
    pool_id: str
    bucket: str

    def credentials(self, user: str | None = None) -> dict[str, str]:
        """A guest's credentials (``user=None``) or those of ``user`` signed in with Login with Amazon,
        with the identity id as ``IdentityId``."""
        public = admin_client(self.url, "cognito-identity", signature_version=UNSIGNED)
        logins = {}
        if user is not None:
            token = identity_providers.login_token(
                "www.amazon.com", user, course.login_with_amazon_app_id(), endpoint_url=self.url
            )
            logins = {"Logins": {"www.amazon.com": token}}
        identity_id = public.get_id(IdentityPoolId=self.pool_id, **logins)["IdentityId"]
        answer = public.get_credentials_for_identity(IdentityId=identity_id, **logins)
        return {**answer["Credentials"], "IdentityId": answer["IdentityId"]}

    def client(self, service: str, credentials: dict[str, str], **config: Any) -> Any:
        """A client signing with ``credentials`` (access key, secret and session token)."""
        return sessions.client(
            service,
            region_name="us-east-1",
            endpoint_url=self.url,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretKey"],
            aws_session_token=credentials["SessionToken"],
            config=Config(retries={"max_attempts": 1}, **config),
        )


def course_pool(url: str, bucket: str) -> CoursePool:
    """A pool like notebook 02's, with the course's guest and signed-in roles over ``bucket`` (which must
    exist): guests read ``comments/``; signed-in users also write under ``comments/<identity id>/``."""
    suffix = secrets.token_hex(3)
    settings = {**course.identity_pool_settings(), "IdentityPoolName": f"{course.POOL_NAME}{suffix}"}
    pool_id = admin_client(url, "cognito-identity").create_identity_pool(**settings)["IdentityPoolId"]
    iam = admin_client(url, "iam")
    roles = {}
    for kind, amr, permissions in [
        ("unauthenticated", "unauthenticated", course.unauthenticated_permissions(bucket)),
        ("authenticated", "authenticated", course.authenticated_permissions(bucket)),
    ]:
        name = f"course-{kind}-{suffix}"
        trust = json.dumps(course.trust_policy(pool_id, amr))
        roles[kind] = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        iam.put_role_policy(RoleName=name, PolicyName="permissions", PolicyDocument=json.dumps(permissions))
    admin_client(url, "cognito-identity").set_identity_pool_roles(IdentityPoolId=pool_id, Roles=roles)
    return CoursePool(url, pool_id, bucket)
