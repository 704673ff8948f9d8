"""The stand-in Login with Amazon's authorization page (``/ap/oa``) and app registration, over HTTP.

The browser drives the same page in ``tests/course/test_blog_page.py``; here each rule is checked on its own:
the implicit grant's redirect with the token in the fragment, the refusals that are never redirected
(unknown ``client_id``, a ``redirect_uri`` not registered), the errors sent back to the app, and the
administrative guard on registration (no web page may register a return URL).
"""

from __future__ import annotations

import os
import secrets
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from helpers import identity_providers as idp

RETURN_URL = "http://127.0.0.1:9/blog/"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None, method: str | None = None
):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        answer = OPENER.open(request, timeout=10)
        return answer.status, answer.headers, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def app() -> dict[str, str]:
    client_id = f"amzn1.application-oa2-client.test-{secrets.token_hex(4)}"
    registered = idp.register_login_with_amazon_app(client_id, [RETURN_URL], app_id="amzn1.application.test")
    assert registered["allowed_return_urls"] == [RETURN_URL]
    return {"client_id": client_id, "page": idp.login_with_amazon_authorization_url()}


def request_url(app: dict[str, str], **changes: str) -> str:
    query = {
        "client_id": app["client_id"],
        "scope": "profile",
        "response_type": "token",
        "redirect_uri": RETURN_URL,
        "state": "xyz",
        **changes,
    }
    return f"{app['page']}?{urlencode(query)}"


def fragment(location: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(location).fragment).items()}


def test_the_page_lists_the_test_users_and_redirects_with_the_token_in_the_fragment(app):
    status, headers, page = fetch(request_url(app))
    assert status == 200 and "Ana Alves" in page and headers["X-Frame-Options"] == "DENY"
    status, headers, _ = fetch(request_url(app), data=b"user=ana")
    assert status == 302
    location = headers["Location"]
    assert location.startswith(RETURN_URL + "#") and "?" not in location
    answer = fragment(location)
    assert answer["token_type"] == "bearer" and answer["expires_in"] == "3600"
    assert answer["scope"] == "profile" and answer["state"] == "xyz"
    info = idp.amazon_token_info(answer["access_token"])
    assert info["aud"] == app["client_id"] and info["app_id"] == "amzn1.application.test"


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"client_id": "amzn1.application-oa2-client.nobody"}, "An unknown client_id was provided"),
        ({"client_id": ""}, "client_id is required"),
        ({"redirect_uri": "http://127.0.0.1:9/other/"}, "is not an Allowed Return URL"),
        ({"redirect_uri": ""}, "redirect_uri is required"),
    ],
)
def test_unknown_apps_and_return_urls_are_refused_on_the_page_never_redirected(app, changes, shown):
    for data in (None, b"user=ana"):
        status, headers, page = fetch(request_url(app, **changes), data=data)
        assert status == 400 and "Location" not in headers
        assert shown in page


@pytest.mark.parametrize(
    ("changes", "error"),
    [({"response_type": "code"}, "unsupported_response_type"), ({"scope": "email"}, "invalid_scope")],
)
def test_other_errors_go_back_to_the_app_in_the_fragment(app, changes, error):
    status, headers, _ = fetch(request_url(app, **changes))
    assert status == 302
    answer = fragment(headers["Location"])
    assert answer["error"] == error and answer["state"] == "xyz" and "access_token" not in answer


def test_registering_adds_return_urls_and_checks_them(app):
    again = idp.register_login_with_amazon_app(
        app["client_id"], ["https://blog.example.com/"], app_id="amzn1.application.test"
    )
    assert again["allowed_return_urls"] == [RETURN_URL, "https://blog.example.com/"]
    with pytest.raises(idp.SignInError) as refused:
        idp.register_login_with_amazon_app("amzn1.application-oa2-client.x", ["http://blog.example.com/"])
    assert refused.value.status == 400  # http only on loopback


def test_no_web_page_can_register_a_return_url():
    url = os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/_local_aws/providers/www.amazon.com/apps"
    order = (
        b'{"client_id": "amzn1.application-oa2-client.evil", "allowed_return_urls": ["http://127.0.0.1:1/"]}'
    )
    preflight = fetch(
        url,
        method="OPTIONS",
        headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert preflight[0] == 403 and "Access-Control-Allow-Origin" not in preflight[1]
    simple = fetch(url, data=order, headers={"Content-Type": "text/plain", "Origin": "http://evil.test"})
    assert simple[0] == 415
    status, _, page = fetch(
        request_url(
            {
                "client_id": "amzn1.application-oa2-client.evil",
                "page": idp.login_with_amazon_authorization_url(),
            }
        )
    )
    assert status == 400 and "unknown client_id" in page
