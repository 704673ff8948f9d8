"""The user pools' wire layer in front of moto's cognito-idp: tokens out, tokens in, the public keys.

* **Tokens out.** ``InitiateAuth``, ``AdminInitiateAuth``, ``RespondToAuthChallenge`` and
  ``AdminRespondToAuthChallenge`` (``REFRESH_TOKEN_AUTH`` included) are answered by moto; the
  ``AuthenticationResult`` in its answer is re-signed by :class:`~.token_issuer.TokenIssuer`. A sign-in
  with an ``AuthFlow`` the app client does not allow (:mod:`.auth_flows`) is refused first.
* **Tokens in.** Every other operation that takes an ``AccessToken`` (``GetUser``, ``GlobalSignOut``,
  ``ChangePassword``...) reaches moto with moto's token in place of the re-signed one. A token this
  local AWS did not sign is refused as AWS refuses it (``NotAuthorizedException: Invalid Access Token``).
  ``UpdateUserAttributes`` is first checked against the app client's ``WriteAttributes``
  (:mod:`.attribute_permissions`), which moto does not do; so is ``SignUp``, whose attributes the app
  client writes too.
* **Public keys.** ``GET /<userPoolId>/.well-known/jwks.json`` and ``.../openid-configuration`` (served
  unsigned, as AWS serves them: Developer Guide, "Verifying a JSON Web Token") answer with the run's key.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

from ..wire.envelope import StartResponse, WSGIApp, envelope_of
from . import exceptions
from .attribute_permissions import unwritable
from .auth_flows import allows
from .signing_key import ALGORITHM, UserPoolSigningKey
from .token_issuer import TokenIssuer

#: The operations whose answer carries an ``AuthenticationResult`` with new tokens.
TOKEN_OPERATIONS = frozenset(
    {"InitiateAuth", "AdminInitiateAuth", "RespondToAuthChallenge", "AdminRespondToAuthChallenge"}
)
_WELL_KNOWN = re.compile(
    r"^/(?P<pool>(?P<region>[a-z]{2}(-[a-z]+)+-\d)_[0-9A-Za-z]+)/\.well-known/"
    r"(?P<document>jwks\.json|openid-configuration)$"
)


def _json(start_response: StartResponse, status: str, payload: Any) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


class UserPoolTokensLayer:
    """Re-signs the tokens moto issues, translates them back for moto, and serves the pools' keys.

    ``moto_app()`` is moto's cognito-idp application; ``pool_exists(user_pool_id)``,
    ``write_attributes(user_pool_id, client_id)`` (an app client's ``WriteAttributes``) and
    ``client_pool(region, client_id)`` (the user pool of an app client) and
    ``auth_flows(user_pool_id, client_id)`` (its ``ExplicitAuthFlows``, empty when never specified,
    ``None`` when there is no such client) ask moto's model.
    """

    def __init__(
        self,
        issuer: TokenIssuer,
        key: UserPoolSigningKey,
        moto_app: Callable[[], WSGIApp],
        pool_exists: Callable[[str], bool],
        write_attributes: Callable[[str, str], list[str] | None] | None = None,
        client_pool: Callable[[str, str], str | None] | None = None,
        auth_flows: Callable[[str, str], list[str] | None] | None = None,
    ) -> None:
        self.issuer = issuer
        self.key = key
        self._moto_app = moto_app
        self._pool_exists = pool_exists
        self._write_attributes = write_attributes
        self._client_pool = client_pool
        self._auth_flows = auth_flows

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None:
            return None
        if envelope.operation is None:
            return self.well_known(environ, start_response)
        if envelope.operation in TOKEN_OPERATIONS:
            refused_flow = self.disallowed_flow(envelope.operation, envelope.region, envelope.document)
            if refused_flow is not None:
                return exceptions.auth_flow_not_enabled(refused_flow).send(start_response)
            return self.issue_tokens(environ, start_response)
        token = envelope.document.get("AccessToken") if isinstance(envelope.document, dict) else None
        if isinstance(token, str) and self.issuer.original_access_token(token) is None:
            # Every access token this local AWS hands out is one it signed: any other is refused as AWS
            # refuses an unknown one (moto answered with the token itself as the message).
            return exceptions.invalid_access_token().send(start_response)
        if envelope.operation == "UpdateUserAttributes" and not self.may_write(envelope.document):
            return exceptions.unauthorized_attribute_write().send(start_response)
        if envelope.operation == "SignUp" and not self.may_sign_up(envelope.region, envelope.document):
            return exceptions.unauthorized_attribute_write().send(start_response)
        self.translate_access_token(environ, envelope.document)
        return None

    # -- tokens out ---------------------------------------------------------------------------------

    def issue_tokens(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """moto's answer, with the tokens in its ``AuthenticationResult`` re-signed."""
        from ..moto_services import whole_answer

        status, headers, body = whole_answer(self._moto_app(), environ)
        if status.startswith("200"):
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if isinstance(document, dict) and isinstance(document.get("AuthenticationResult"), dict):
                document["AuthenticationResult"] = self.issuer.reissue(document["AuthenticationResult"])
                body = json.dumps(document).encode()
        headers = [(name, value) for name, value in headers if name.lower() != "content-length"]
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def disallowed_flow(self, operation: str, region: str, document: Any) -> str | None:
        """The ``AuthFlow`` of an ``InitiateAuth`` or ``AdminInitiateAuth`` request when its app client does
        not allow it, else ``None``. An app client this local AWS does not hold is left to moto."""
        if self._auth_flows is None or not isinstance(document, dict):
            return None
        flow, client_id = document.get("AuthFlow"), document.get("ClientId")
        if operation not in ("InitiateAuth", "AdminInitiateAuth") or not isinstance(flow, str):
            return None
        if not isinstance(client_id, str):
            return None
        if operation == "AdminInitiateAuth":
            user_pool_id = document.get("UserPoolId")
        elif self._client_pool is not None:
            user_pool_id = self._client_pool(region, client_id)
        else:
            return None
        if not isinstance(user_pool_id, str):
            return None
        explicit = self._auth_flows(user_pool_id, client_id)
        if explicit is None:
            return None
        return None if allows(flow, explicit) else flow

    # -- tokens in ----------------------------------------------------------------------------------

    def may_write(self, document: Any) -> bool:
        """Whether an ``UpdateUserAttributes`` request writes only attributes that the app client its
        access token was issued for may write (:meth:`__call__` has refused tokens it did not issue)."""
        if self._write_attributes is None or not isinstance(document, dict):
            return True
        token, attributes = document.get("AccessToken"), document.get("UserAttributes")
        if not isinstance(token, str):
            return True
        if not isinstance(attributes, list):
            return True  # moto answers a malformed request
        import jwt

        # Our own token (the issuer remembers it), so its claims need no second check here.
        claims = jwt.decode(token, options={"verify_signature": False})
        user_pool_id = str(claims.get("iss", "")).rsplit("/", 1)[-1]
        allowed = self._write_attributes(user_pool_id, str(claims.get("client_id", "")))
        return not unwritable(_names(attributes), allowed)

    def may_sign_up(self, region: str, document: Any) -> bool:
        """Whether a ``SignUp`` request sets only attributes its app client may write. An app client this
        local AWS does not hold, or a malformed request, is left to moto (which answers as AWS does)."""
        if self._write_attributes is None or self._client_pool is None or not isinstance(document, dict):
            return True
        client_id, attributes = document.get("ClientId"), document.get("UserAttributes")
        if not isinstance(client_id, str) or not isinstance(attributes, list):
            return True
        user_pool_id = self._client_pool(region, client_id)
        if user_pool_id is None:
            return True
        return not unwritable(_names(attributes), self._write_attributes(user_pool_id, client_id))

    def translate_access_token(self, environ: dict[str, Any], document: Any) -> None:
        """Put moto's access token in place of the one this local AWS issued for it."""
        if not isinstance(document, dict) or not isinstance(document.get("AccessToken"), str):
            return
        original = self.issuer.original_access_token(document["AccessToken"])
        if original is None:
            return
        body = json.dumps({**document, "AccessToken": original}).encode()
        environ["wsgi.input"] = BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

    # -- public keys --------------------------------------------------------------------------------

    def well_known(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        found = _WELL_KNOWN.match(str(environ.get("PATH_INFO", "")))
        if found is None or environ.get("REQUEST_METHOD") != "GET":
            return None
        pool_id = found.group("pool")
        if not self._pool_exists(pool_id):
            # UNCONFIRMED: AWS's exact answer for the keys of a pool that does not exist.
            return _json(start_response, "404 Not Found", {"message": f"User pool {pool_id} does not exist."})
        if found.group("document") == "jwks.json":
            return _json(start_response, "200 OK", self.key.jwks())
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        base = f"{environ.get('wsgi.url_scheme', 'http')}://{host}"
        return _json(
            start_response,
            "200 OK",
            {
                "issuer": f"https://cognito-idp.{found.group('region')}.amazonaws.com/{pool_id}",
                "jwks_uri": f"{base}/{pool_id}/.well-known/jwks.json",
                "response_types_supported": ["code", "token"],
                "scopes_supported": ["openid", "email", "phone", "profile"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": [ALGORITHM],
            },
        )


def _names(attributes: list[Any]) -> list[str]:
    """The attribute names of a request's ``UserAttributes`` (``[{"Name": ..., "Value": ...}]``)."""
    names = (item.get("Name") for item in attributes if isinstance(item, dict))
    return [name for name in names if isinstance(name, str)]
