"""Confirmation codes: a code goes to the user's verified email or phone, never to the caller.

moto answers ``ForgotPassword`` with the new code in a response header of its own
(``x-moto-forgot-password-confirmation-code``) and accepts any ``ConfirmForgotPassword`` or
``ConfirmSignUp`` code but the ones it made, so anyone who knows a username and the app client's id could
set the user's password, then sign in as them. AWS sends the code by email or SMS and refuses a wrong one
with ``CodeMismatchException: Invalid verification code provided, please try again.`` ("Forgot password"
and "Signing up and confirming user accounts", Amazon Cognito Developer Guide; ``ConfirmForgotPassword``
and ``ConfirmSignUp``, API Reference, Errors). The local AWS sends no email or SMS, so:

* ``ForgotPassword`` for a user with no verified email or phone number is refused as AWS refuses it
  (``InvalidParameterException``); otherwise moto makes the code, which the local AWS keeps and takes out
  of the answer;
* ``ConfirmForgotPassword`` must bring that code (``CodeMismatchException`` otherwise, and the password
  stays as it was);
* ``ConfirmSignUp`` has no code anyone could have received, so it is refused with
  ``CodeMismatchException`` for every user who exists; an administrator confirms a sign-up with
  ``AdminConfirmSignUp``, as on AWS.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

from ..wire.envelope import StartResponse, WSGIApp, envelope_of
from . import exceptions

#: The operations this layer answers or checks first.
OPERATIONS = frozenset({"ForgotPassword", "ConfirmForgotPassword", "ConfirmSignUp"})
MOTO_CODE_HEADER = "x-moto-forgot-password-confirmation-code"


def has_verified_contact(attributes: dict[str, str]) -> bool:
    """Whether a user has an email address or phone number verified, where a code could be sent."""
    contacts = ("email", "phone_number")
    return any(attributes.get(name) and attributes.get(f"{name}_verified") == "true" for name in contacts)


class ConfirmationCodesLayer:
    """Keeps the codes moto makes away from callers, and refuses codes no one was sent.

    ``client_pool(region, client_id)`` names an app client's user pool; ``user_attributes(user_pool_id,
    username)`` gives a user's attributes (``None``: no such user); ``moto_app()`` is moto's cognito-idp.
    """

    def __init__(
        self,
        client_pool: Callable[[str, str], str | None],
        user_attributes: Callable[[str, str], dict[str, str] | None],
        moto_app: Callable[[], WSGIApp],
    ) -> None:
        self._client_pool = client_pool
        self._user_attributes = user_attributes
        self._moto_app = moto_app
        self._codes: dict[tuple[str, str], str] = {}  # (user pool, username) -> the code sent
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        envelope = envelope_of(environ)
        if envelope is None or envelope.operation not in OPERATIONS:
            return None
        if not isinstance(envelope.document, dict):
            return None  # moto answers a malformed request
        client_id, username = envelope.document.get("ClientId"), envelope.document.get("Username")
        if not isinstance(client_id, str) or not isinstance(username, str):
            return None
        user_pool_id = self._client_pool(envelope.region, client_id)
        attributes = self._user_attributes(user_pool_id, username) if user_pool_id else None
        if user_pool_id is None or attributes is None:
            return None  # no such client or user: moto answers as AWS does
        if envelope.operation == "ForgotPassword":
            if not has_verified_contact(attributes):
                return exceptions.no_verified_contact().send(start_response)
            return self.forgot_password(environ, start_response, (user_pool_id, username))
        if envelope.operation == "ConfirmForgotPassword":
            with self._lock:
                sent = self._codes.get((user_pool_id, username))
            if sent is None or envelope.document.get("ConfirmationCode") != sent:
                return exceptions.code_mismatch().send(start_response)
            with self._lock:
                self._codes.pop((user_pool_id, username), None)
            return None  # moto sets the password (it checks its own code again)
        return exceptions.code_mismatch().send(start_response)  # ConfirmSignUp: no code was ever sent

    def forgot_password(
        self, environ: dict[str, Any], start_response: StartResponse, user: tuple[str, str]
    ) -> Iterable[bytes]:
        """moto's answer without its code, which is kept for :meth:`__call__`'s ``ConfirmForgotPassword``."""
        from ..moto_services import whole_answer

        status, headers, body = whole_answer(self._moto_app(), environ)
        code = next((value for name, value in headers if name.lower() == MOTO_CODE_HEADER), None)
        if code and status.startswith("200"):
            with self._lock:
                self._codes[user] = code
        start_response(status, [(name, value) for name, value in headers if name.lower() != MOTO_CODE_HEADER])
        return [body]

    def sent_code(self, user_pool_id: str, username: str) -> str | None:
        """The code the user would have received by email or SMS (none leaves this machine), if any."""
        with self._lock:
            return self._codes.get((user_pool_id, username))

    def reset(self) -> None:
        with self._lock:
            self._codes.clear()
