"""The interactive login panel of notebook 04: continue as guest, sign in, sign out, and what that allows.

Everything the panel shows is also available as text (:meth:`LoginPanel.report`), so a notebook can
print it: a stored notebook shows widgets only as their text fallback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from .cognito_credentials import CognitoIdentityCredentials
from .masking import mask_access_key_id


@dataclass(frozen=True)
class BlogAction:
    name: str
    attempt: Callable[[CognitoIdentityCredentials], object]


def blog_actions(bucket: str) -> list[BlogAction]:
    """What a visitor of the blog may try: read a comment, post one under their own identity id."""

    def read(credentials: CognitoIdentityCredentials) -> object:
        return credentials.session.client("s3").get_object(Bucket=bucket, Key="comments/welcome.txt")

    def post(credentials: CognitoIdentityCredentials) -> object:
        key = f"comments/{credentials.identity_id}/from-the-panel.txt"
        return credentials.session.client("s3").put_object(Bucket=bucket, Key=key, Body=b"Hello!")

    return [BlogAction("read a comment", read), BlogAction("post a comment", post)]


def status(credentials: CognitoIdentityCredentials, actions: list[BlogAction]) -> dict[str, object]:
    """Who the visitor is now and which actions AWS allows (each really attempted)."""
    caller = credentials.session.client("sts").get_caller_identity()["Arn"]
    frozen = credentials.credentials.get_frozen_credentials()
    allowed = {}
    for action in actions:
        try:
            action.attempt(credentials)
            allowed[action.name] = "allowed"
        except ClientError as error:
            allowed[action.name] = f"denied ({error.response['Error']['Code']})"
        except BotoCoreError as error:
            allowed[action.name] = f"failed ({type(error).__name__})"
    return {
        "identity ID": credentials.identity_id,
        "role": caller.split("/")[1] if ":assumed-role/" in caller else caller,
        "access key": mask_access_key_id(frozen.access_key),
        "expires": credentials.expiration.isoformat() if credentials.expiration else None,
        **allowed,
    }


class LoginPanel:
    """ipywidgets buttons around a :class:`CognitoIdentityCredentials`.

    ``sign_in`` returns the Logins map to use (for example from a stand-in identity provider), or
    ``None`` when signing in is not possible here (the button is then disabled, with
    ``sign_in_unavailable`` shown).
    """

    def __init__(
        self,
        credentials: CognitoIdentityCredentials,
        bucket: str,
        sign_in: Callable[[], dict[str, str]] | None,
        provider_label: str,
        sign_in_unavailable: str = "",
    ) -> None:
        self.credentials = credentials
        self.actions = blog_actions(bucket)
        self._sign_in = sign_in
        self.provider_label = provider_label
        self.sign_in_unavailable = sign_in_unavailable
        self.last: dict[str, object] = {}
        self._widget = None

    # -- what the buttons do (callable without widgets) --------------------------------------------

    def continue_as_guest(self) -> dict[str, object]:
        if self.credentials.login_providers:
            self.credentials.sign_out()  # an authenticated visitor who continues as a guest is a new guest
        self.credentials.refresh()
        return self._update("guest")

    def sign_in(self) -> dict[str, object]:
        if self._sign_in is None:
            raise RuntimeError(self.sign_in_unavailable or "signing in is not available here")
        self.credentials.set_logins(self._sign_in())
        self.credentials.refresh()
        return self._update(f"signed in with {self.provider_label}")

    def sign_out(self) -> dict[str, object]:
        self.credentials.sign_out()
        self.credentials.refresh()
        return self._update("signed out (a new guest)")

    def report(self) -> str:
        return "\n".join(f"{key:<16} {value}" for key, value in self.last.items())

    def _update(self, state: str) -> dict[str, object]:
        self.last = {"state": state, **status(self.credentials, self.actions)}
        if self._widget is not None:
            self._render()
        return self.last

    # -- the widget --------------------------------------------------------------------------------

    def widget(self):  # noqa: ANN201 - an ipywidgets.VBox
        import ipywidgets as widgets

        guest = widgets.Button(
            description="Continue as guest", icon="user", layout=widgets.Layout(width="auto")
        )
        sign_in = widgets.Button(
            description=f"Sign in with {self.provider_label}",
            icon="sign-in",
            disabled=self._sign_in is None,
            layout=widgets.Layout(width="auto"),
        )
        sign_out = widgets.Button(
            description="Sign out", icon="sign-out", layout=widgets.Layout(width="auto")
        )
        self._table = widgets.HTML()
        self._message = widgets.HTML(self.sign_in_unavailable if self._sign_in is None else "")
        guest.on_click(lambda _: self._run(self.continue_as_guest))
        sign_in.on_click(lambda _: self._run(self.sign_in))
        sign_out.on_click(lambda _: self._run(self.sign_out))
        self._widget = widgets.VBox(
            [widgets.HBox([guest, sign_in, sign_out]), self._message, self._table],
            layout=widgets.Layout(border="1px solid #ccc", padding="8px"),
        )
        self._widget.add_class("course-login-panel")
        if self.last:
            self._render()
        return self._widget

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
            self._message.value = ""
        except Exception as error:  # noqa: BLE001 - shown to the person clicking, not swallowed
            self._message.value = f"<b>{type(error).__name__}</b>: {error}"

    def _render(self) -> None:
        from html import escape

        rows = "".join(
            f"<tr><th style='text-align:left;padding-right:1em'>{escape(str(k))}</th>"
            f"<td class='course-{escape(str(k)).replace(' ', '-')}'>{escape(str(v))}</td></tr>"
            for k, v in self.last.items()
        )
        self._table.value = f"<table>{rows}</table>"
