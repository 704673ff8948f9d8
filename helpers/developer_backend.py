"""Notebook 08's set-up: a pool for developer-authenticated identities and "your own backend".

With developer-authenticated identities your own backend signs users in by its own rules, then asks
Cognito for an OpenID token for that user with ``GetOpenIdTokenForDeveloperIdentity``, an operation that
must be signed with AWS credentials ("You must use Amazon Web Services developer credentials to call this
operation", GetOpenIdTokenForDeveloperIdentity, Amazon Cognito Identity API Reference). The client gets
only the identity ID and the token, and uses them in the enhanced flow (``GetCredentialsForIdentity``
with ``Logins={"cognito-identity.amazonaws.com": token}``) or the basic flow (STS
``AssumeRoleWithWebIdentity``): "Developer-authenticated identities", Amazon Cognito Developer Guide,
https://docs.aws.amazon.com/cognito/latest/developerguide/developer-authenticated-identities.html.

What lives here:

- :func:`set_up`: ``CourseDeveloperPool`` (developer provider ``login.blog.example``, basic flow off) and
  its two roles, tagged and under the course's IAM path, made or reset to that state on every call;
- :class:`PasswordTable`: the backend's own users (salted scrypt hashes, never the passwords);
- :class:`Backend`: a tiny HTTP server on 127.0.0.1 (a thread of this process) that answers
  ``POST /sign-in`` with whatever the sign-in function it is given returns (the notebook writes that
  function, with the boto3 call in plain sight);
- :func:`sign_in_at`: what the browser does: post a username and password to the backend.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from . import course
from .serving import ServedInThread
from .target import Target

POOL_NAME = "CourseDeveloperPool"
#: The "domain" by which Cognito refers to the backend's users; it cannot be changed once set.
DEVELOPER_PROVIDER = "login.blog.example"
UNAUTHENTICATED_ROLE = f"Cognito_{POOL_NAME}Unauth_Role"
AUTHENTICATED_ROLE = f"Cognito_{POOL_NAME}Auth_Role"
#: The Logins key under which a client presents the token the backend got for it.
COGNITO_TOKEN_KEY = "cognito-identity.amazonaws.com"


@dataclass(frozen=True)
class DeveloperPool:
    identity_pool_id: str
    unauthenticated_role_arn: str
    authenticated_role_arn: str
    bucket: str


def identity_pool_settings() -> dict[str, Any]:
    """CourseDeveloperPool as notebook 08 starts from it: guests allowed, the basic flow explicitly off."""
    return {
        "IdentityPoolName": POOL_NAME,
        "AllowUnauthenticatedIdentities": True,
        "AllowClassicFlow": False,
        "DeveloperProviderName": DEVELOPER_PROVIDER,
        "IdentityPoolTags": course.TAGS,
    }


def _pools_named(cognito_identity: Any, name: str) -> list[dict[str, Any]]:
    pages = cognito_identity.get_paginator("list_identity_pools").paginate(MaxResults=60)
    return [
        cognito_identity.describe_identity_pool(IdentityPoolId=pool["IdentityPoolId"])
        for page in pages
        for pool in page["IdentityPools"]
        if pool["IdentityPoolName"] == name
    ]


def check_names_are_free(aws: Target) -> None:
    """Raise :class:`course.NotCreatedByTheCourse` if the pool or a role of notebook 08 exists without the
    course's tag. Reads only."""
    cognito_identity = aws.client("cognito-identity")
    for pool in _pools_named(cognito_identity, POOL_NAME):
        if pool.get("IdentityPoolTags", {}).get(course.TAG_KEY) != course.TAG_VALUE:
            raise course.NotCreatedByTheCourse("identity pool", POOL_NAME)
    iam = aws.client("iam")
    for role in (UNAUTHENTICATED_ROLE, AUTHENTICATED_ROLE):
        if course.role_is_the_courses(iam, role) is False:
            raise course.NotCreatedByTheCourse("IAM role", role)


def forget_identities(cognito_identity: Any, identity_pool_id: str) -> int:
    """Delete every identity of the pool (so each run of the notebook starts from none); how many."""
    identity_ids: list[str] = []
    page: dict[str, Any] = {}
    while True:  # botocore has no paginator for ListIdentities
        more = {"NextToken": page["NextToken"]} if page.get("NextToken") else {}
        page = cognito_identity.list_identities(IdentityPoolId=identity_pool_id, MaxResults=60, **more)
        identity_ids += [identity["IdentityId"] for identity in page["Identities"]]
        if not page.get("NextToken"):
            break
    for start in range(0, len(identity_ids), 60):  # DeleteIdentities takes at most 60 at a time
        cognito_identity.delete_identities(IdentityIdsToDelete=identity_ids[start : start + 60])
    return len(identity_ids)


def set_up(aws: Target) -> DeveloperPool:
    """CourseDeveloperPool and its roles, made or reset (safe to call any number of times).

    Checks first (:func:`check_names_are_free`), so a refusal changes nothing. The pool is put back to
    :func:`identity_pool_settings` (the notebook turns the basic flow on later) and its identities are
    deleted. The roles are the blog post's: only this pool's tokens, guests may read comments, authenticated
    users may also post under their own identity ID in the blog bucket.
    """
    check_names_are_free(aws)
    course.register_skip_without_sign_in(aws)
    cognito_identity = aws.client("cognito-identity")
    existing = _pools_named(cognito_identity, POOL_NAME)
    if existing:
        pool_id = existing[0]["IdentityPoolId"]
        # UpdateIdentityPool replaces the whole configuration, so every setting (tags too) is sent.
        cognito_identity.update_identity_pool(IdentityPoolId=pool_id, **identity_pool_settings())
        forget_identities(cognito_identity, pool_id)
    else:
        pool_id = cognito_identity.create_identity_pool(**identity_pool_settings())["IdentityPoolId"]
    bucket = course.ensure_blog(aws)
    unauthenticated = course.ensure_role(
        aws,
        UNAUTHENTICATED_ROLE,
        course.trust_policy(pool_id, "unauthenticated"),
        course.unauthenticated_permissions(bucket),
    )
    authenticated = course.ensure_role(
        aws,
        AUTHENTICATED_ROLE,
        course.trust_policy(pool_id, "authenticated"),
        course.authenticated_permissions(bucket),
    )
    cognito_identity.set_identity_pool_roles(
        IdentityPoolId=pool_id, Roles={"unauthenticated": unauthenticated, "authenticated": authenticated}
    )
    return DeveloperPool(pool_id, unauthenticated, authenticated, bucket)


class PasswordTable:
    """The backend's own users: a salted scrypt hash per username (hashlib, the Python standard library)."""

    #: scrypt's cost; OWASP's Password Storage Cheat Sheet gives N=2**17 for production, a notebook's
    #: demo users can do with less.
    N, R, P = 2**14, 8, 1

    def __init__(self, users: dict[str, str] | None = None) -> None:
        self._hashes: dict[str, tuple[bytes, bytes]] = {}
        for username, password in (users or {}).items():
            self.add(username, password)

    def _hash(self, password: str, salt: bytes) -> bytes:
        return hashlib.scrypt(password.encode(), salt=salt, n=self.N, r=self.R, p=self.P)

    def add(self, username: str, password: str) -> None:
        salt = os.urandom(16)
        self._hashes[username] = (salt, self._hash(password, salt))

    def check(self, username: str, password: str) -> bool:
        """Whether the password is this user's (an unknown user costs as much as a wrong password)."""
        salt, expected = self._hashes.get(username, (b"\0" * 16, b""))
        return hmac.compare_digest(self._hash(password, salt), expected) and username in self._hashes

    def __contains__(self, username: object) -> bool:
        return username in self._hashes

    def __repr__(self) -> str:
        return f"PasswordTable({len(self._hashes)} users)"


class SignInRefused(Exception):
    """The backend's own rules refused a sign-in (answered as HTTP 401 with this message)."""


#: What a backend's sign-in function returns: GetOpenIdTokenForDeveloperIdentity's IdentityId and Token.
SignIn = Callable[[str, str], dict[str, Any]]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """No request log: in a notebook kernel it would land in the cell's output."""


class Backend:
    """Your own backend: ``POST /sign-in`` with ``{"username", "password"}`` answers ``{"IdentityId",
    "Token"}`` from ``sign_in``, or 401 with ``{"message"}`` when ``sign_in`` raises :class:`SignInRefused`.

    Served on ``127.0.0.1`` (only this machine can reach it) in a daemon thread; :meth:`stop` ends it.
    """

    def __init__(self, sign_in: SignIn, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.sign_in = sign_in
        self._routes = Map([Rule("/sign-in", endpoint="sign_in", methods=["POST"])])
        self._server: BaseWSGIServer = make_server(
            host, port, self._wsgi, threaded=True, request_handler=_QuietHandler
        )
        self._server.daemon_threads = True
        self._serving = ServedInThread(self._server, "backend")

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> Backend:
        self._serving.start()
        return self

    def stop(self) -> None:
        self._serving.stop()

    def __enter__(self) -> Backend:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        try:
            self._routes.bind_to_environ(environ).match()
            response = self._answer_sign_in(request)
        except HTTPException as error:
            response = _json({"message": error.description}, error.code or 500)
        return response(environ, start_response)

    def _answer_sign_in(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not all(
            isinstance(body.get(field), str) and body[field] for field in ("username", "password")
        ):
            return _json({"message": "Send a JSON object with a username and a password."}, 400)
        try:
            answer = self.sign_in(body["username"], body["password"])
        except SignInRefused as refusal:
            return _json({"message": str(refusal)}, 401)
        return _json({"IdentityId": answer["IdentityId"], "Token": answer["Token"]}, 200)


def _json(body: dict[str, Any], status: int) -> Response:
    # A token must not be cached by the browser or anything in between.
    return Response(
        json.dumps(body), status=status, mimetype="application/json", headers={"Cache-Control": "no-store"}
    )


def sign_in_at(backend_url: str, username: str, password: str) -> dict[str, Any]:
    """What the browser sends: the username and password to the backend, never to AWS. Returns the
    backend's ``{"IdentityId", "Token"}``; raises :class:`SignInRefused` with the backend's message."""
    request = urllib.request.Request(
        f"{backend_url}/sign-in",
        data=json.dumps({"username": username, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    # No proxy: the backend is on this machine's loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        message = json.load(error).get("message", error.reason)
        raise SignInRefused(message) from None
