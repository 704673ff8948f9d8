"""The stand-in Login with Amazon's authorization code grant with PKCE, and app registration, over HTTP.

The browser drives the same grant in ``tests/course/test_blog_page.py``; here each rule is checked on its own:
the authorization page's redirect with the code in the query, the refusals that are never redirected
(unknown ``client_id``, a ``redirect_uri`` not registered), the errors sent back to the app (the deprecated
implicit grant among them), the token endpoint's refusals (wrong verifier, a code used twice, an expired
code, another ``client_id`` or ``redirect_uri``), its CORS answer to a page, and the administrative guard
on registration (no web page may register a return URL).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from helpers import identity_providers as idp
from helpers.local_aws import clock

RETURN_URL = "http://127.0.0.1:9/blog/"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636, appendix B
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # its S256 challenge, from the same appendix


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
    page = idp.login_with_amazon_authorization_url()
    return {"client_id": client_id, "page": page, "token": idp.login_with_amazon_token_url()}


def request_url(app: dict[str, str], **changes: str) -> str:
    query = {
        "client_id": app["client_id"],
        "scope": "profile",
        "response_type": "code",
        "redirect_uri": RETURN_URL,
        "state": "xyz",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        **changes,
    }
    return f"{app['page']}?{urlencode(query)}"


def query_of(location: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(location).query).items()}


def authorization_code(app: dict[str, str], user: str = "ana", **changes: str) -> str:
    """The code the page's redirect carries after ``user`` is picked."""
    status, headers, _ = fetch(request_url(app, **changes), data=f"user={user}".encode())
    assert status == 302, status
    return query_of(headers["Location"])["code"]


def redeem(url: str, origin: str | None = None, **fields: str) -> tuple[int, dict[str, str], dict]:
    """``POST /auth/o2/token`` as a web page sends it: a form, no client secret."""
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin:
        headers["Origin"] = origin
    status, answer_headers, body = fetch(url, data=urlencode(fields).encode(), headers=headers)
    return status, dict(answer_headers), json.loads(body)


def exchange(app: dict[str, str], code: str, **changes: str) -> tuple[int, dict]:
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "redirect_uri": RETURN_URL,
        "code_verifier": VERIFIER,
        **changes,
    }
    status, _, body = redeem(app["token"], **{k: v for k, v in fields.items() if v is not None})
    return status, body


def test_the_rfc_7636_example_is_what_the_stand_in_computes():
    from helpers.local_aws.identity_providers.authorization_codes import s256

    assert s256(VERIFIER) == CHALLENGE
    digest = hashlib.sha256(VERIFIER.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == CHALLENGE


def test_the_page_redirects_with_a_code_which_the_verifier_exchanges_for_an_access_token(app):
    status, headers, page = fetch(request_url(app))
    assert status == 200 and "Ana Alves" in page and headers["X-Frame-Options"] == "DENY"
    status, headers, _ = fetch(request_url(app), data=b"user=ana")
    assert status == 302
    location = headers["Location"]
    assert location.startswith(RETURN_URL + "?") and "#" not in location
    answer = query_of(location)
    assert set(answer) == {"code", "scope", "state"}
    assert answer["scope"] == "profile" and answer["state"] == "xyz"
    assert "access_token" not in location
    status, token = exchange(app, answer["code"])
    assert status == 200, token
    assert token["token_type"] == "bearer" and token["expires_in"] == 3600
    assert "refresh_token" not in token  # none for a browser app without a client secret
    info = idp.amazon_token_info(token["access_token"])
    assert info["aud"] == app["client_id"] and info["app_id"] == "amzn1.application.test"
    assert idp.amazon_token_info(token["access_token"])["user_id"].startswith("amzn1.account.")


def test_the_plain_challenge_method_is_the_default(app):
    code = authorization_code(app, code_challenge=VERIFIER, code_challenge_method="")
    assert exchange(app, code)[0] == 200
    code = authorization_code(app, code_challenge=VERIFIER, code_challenge_method="plain")
    assert exchange(app, code, code_verifier=CHALLENGE)[1]["error"] == "invalid_grant"


def test_a_return_url_with_a_query_gets_the_code_appended(app):
    with_query = "http://127.0.0.1:9/blog/?lang=en"
    client_id = f"amzn1.application-oa2-client.query-{secrets.token_hex(4)}"
    idp.register_login_with_amazon_app(client_id, [with_query])
    _, headers, _ = fetch(
        request_url({**app, "client_id": client_id}, redirect_uri=with_query), data=b"user=ben"
    )
    assert headers["Location"].startswith(with_query + "&code=")


def test_the_token_endpoint_answers_a_web_page_of_any_origin(app):
    code = authorization_code(app)
    fields = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": app["client_id"],
        "redirect_uri": RETURN_URL,
        "code_verifier": VERIFIER,
    }
    status, headers, body = redeem(app["token"], origin="http://127.0.0.1:8765", **fields)
    assert status == 200 and body["access_token"].startswith("Atza|")
    assert headers["Access-Control-Allow-Origin"] in ("*", "http://127.0.0.1:8765")
    assert headers["Cache-Control"] == "no-store"


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
    ("changes", "error", "said"),
    [
        ({"response_type": "token"}, "unsupported_response_type", "implicit grant"),
        ({"response_type": "id_token"}, "unsupported_response_type", "must be code"),
        ({"scope": "email"}, "invalid_scope", "scope must be among"),
        ({"code_challenge": ""}, "invalid_request", "code_challenge is required"),
        ({"code_challenge": "short"}, "invalid_request", "43-128 characters"),
        ({"code_challenge_method": "S512"}, "invalid_request", "S256 or plain"),
    ],
    ids=["implicit-grant", "other-response-type", "scope", "no-challenge", "short-challenge", "method"],
)
def test_other_errors_go_back_to_the_app_in_the_query(app, changes, error, said):
    status, headers, _ = fetch(request_url(app, **changes))
    assert status == 302
    location = headers["Location"]
    assert location.startswith(RETURN_URL + "?") and "#" not in location
    answer = query_of(location)
    assert answer["error"] == error and answer["state"] == "xyz" and "code" not in answer
    assert said in answer["error_description"]


def test_a_wrong_verifier_is_refused_and_spends_the_code(app):
    code = authorization_code(app)
    wrong = "x" * 43
    assert exchange(app, code, code_verifier=wrong) == (
        400,
        {
            "error": "invalid_grant",
            "error_description": "The code_verifier does not match the code_challenge",
        },
    )
    status, body = exchange(app, code)  # the right verifier, too late: the code was spent
    assert (status, body["error"]) == (400, "invalid_grant"), body
    assert body["error_description"] == "The authorization code has already been used"


def test_a_code_used_twice_is_refused_and_the_first_token_revoked(app):
    code = authorization_code(app)
    status, first = exchange(app, code)
    assert status == 200
    assert idp.amazon_token_info(first["access_token"])["aud"] == app["client_id"]
    status, again = exchange(app, code)
    assert (status, again["error"]) == (400, "invalid_grant")
    with pytest.raises(idp.SignInError) as revoked:
        idp.amazon_token_info(first["access_token"])
    assert revoked.value.status == 400


def test_a_code_for_another_app_or_return_url_is_refused(app):
    other = f"amzn1.application-oa2-client.other-{secrets.token_hex(4)}"
    idp.register_login_with_amazon_app(other, [RETURN_URL, "http://127.0.0.1:9/other/"])
    code = authorization_code(app)
    status, body = exchange(app, code, client_id=other)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert body["error_description"] == "The authorization code was issued to another client_id"
    code = authorization_code(app)
    status, body = exchange(app, code, redirect_uri="http://127.0.0.1:9/other/")
    assert (status, body["error"]) == (400, "invalid_grant")
    assert "redirect_uri does not match" in body["error_description"]


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"grant_type": None}, 400, "invalid_request"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
        ({"grant_type": "refresh_token"}, 400, "invalid_grant"),
        ({"code_verifier": None}, 400, "invalid_request"),
        ({"code_verifier": "short"}, 400, "invalid_request"),
        ({"redirect_uri": None}, 400, "invalid_request"),
        ({"client_id": "amzn1.application-oa2-client.nobody"}, 401, "invalid_client"),
        ({"client_secret": "a-secret-a-web-page-must-not-hold"}, 401, "invalid_client"),
        ({"code": "ANnotacodethestandinissued"}, 400, "invalid_grant"),
    ],
)
def test_malformed_token_requests_get_oauths_errors(app, changes, status, error):
    code = changes.pop("code", None) or authorization_code(app)
    answer = exchange(app, code, **changes)
    assert answer[0] == status and answer[1]["error"] == error, answer
    assert set(answer[1]) == {"error", "error_description"}


def test_an_expired_code_is_refused(endpoint):
    """On a local AWS of this test's own: it moves the clock past the code's five minutes."""
    client_id = f"amzn1.application-oa2-client.expiry-{secrets.token_hex(4)}"
    idp.register_login_with_amazon_app(client_id, [RETURN_URL], endpoint_url=endpoint.url)
    page = idp.login_with_amazon_authorization_url(endpoint.url)
    app = {"client_id": client_id, "page": page, "token": idp.login_with_amazon_token_url(endpoint.url)}
    fresh, stale = authorization_code(app), authorization_code(app)
    clock.advance(299, endpoint.url)
    assert exchange(app, fresh)[0] == 200
    clock.advance(2, endpoint.url)
    status, body = exchange(app, stale)
    assert (status, body["error"]) == (400, "invalid_grant")
    assert body["error_description"] == "The authorization code is invalid or has expired"


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
