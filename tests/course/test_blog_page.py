"""The blog's web page (``webapp/``) in a real browser, as a visitor uses it (issue 12's "Must show").

Chromium (``tests.support.chromium``, Playwright) opens the page on its own loopback origin
(``helpers.blog_page``), configured for the course's resources in a local AWS of its own process: a guest
reads the welcome comment and is refused posting, with S3's reason shown; "Login with Amazon" goes through the
stand-in's authorization page and back with a code, which the page redeems with its PKCE verifier (the
authorization code grant, as on a real account); the identity id stays the same; the signed-in visitor posts
under ``comments/<identity id>/`` (read back from Python); signing out gives a new guest. The authorization
page refuses an unknown ``client_id`` and an unregistered ``redirect_uri``; a code the token endpoint refuses
is reported by the page; without the bucket's CORS configuration the page fails as on S3 and says why. No
JavaScript error; a screenshot of each state is saved (the folder is printed; ``COURSE_BROWSER_SCREENSHOTS``
chooses another).

Also: the committed bundle is what ``webapp/build.sh`` builds from the lockfile (skips without npm, except
under ``CI=true``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest

from helpers import blog_page, course
from helpers.target import Target
from tests.course.test_browser import chromium, say  # noqa: F401  (chromium: a fixture)
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.processes import REPO_ROOT
from tests.support.raw_http import SeparateLocalAWS, separate_local_aws

pytestmark = pytest.mark.browser

IDENTITY_ID = re.compile(r"us-east-1:[0-9a-f-]{36}")
GUEST_ROLE = course.UNAUTHENTICATED_ROLE
SIGNED_IN_ROLE = course.AUTHENTICATED_ROLE


@pytest.fixture(scope="module")
def aws() -> Iterator[SeparateLocalAWS]:
    yield from separate_local_aws()


@pytest.fixture(scope="module")
def target(aws: SeparateLocalAWS) -> Target:
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    account = session.client("sts", endpoint_url=aws.url).get_caller_identity()["Account"]
    return Target("local", session, "us-east-1", account, aws.url)


@pytest.fixture(scope="module")
def page_server(target: Target) -> Iterator[blog_page.BlogPage]:
    # The course's clients follow AWS_ENDPOINT_URL (as notebooks' do): point it at this module's own
    # local AWS while the course is set up there, so the run's shared local AWS is left alone.
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("AWS_ENDPOINT_URL", target.endpoint_url)
        course.set_up(target)
        served = blog_page.serve(target)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Path:
    folder = Path(
        os.environ.get("COURSE_BROWSER_SCREENSHOTS") or tmp_path_factory.mktemp("blog-page-screenshots")
    ).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    say(pytestconfig, f"screenshots of the blog page: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:  # noqa: F811 - the fixture imported above
    """One Chromium for the module; every test's pages open in browser contexts of their own, each a
    visitor with nothing stored (a launch costs seconds of CPU, a context almost nothing)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser: Any, url: str) -> tuple[Any, list[str]]:
    tab = browser.new_context(viewport={"width": 900, "height": 900}).new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(url)
    tab.wait_for_selector("body[data-ready='true']", timeout=30_000)
    return tab, errors


def identity(tab: Any) -> dict[str, str]:
    names = ("state", "identityId", "role", "accessKey", "expires")
    return {name: tab.inner_text(f"#identity-{name}") for name in names}


def post(tab: Any, text: str) -> str:
    tab.fill("#comment-text", text)
    tab.evaluate("() => { delete document.body.dataset.posted; }")
    tab.click("#post")
    tab.wait_for_selector("body[data-posted]", timeout=30_000)
    return tab.get_attribute("body", "data-posted")


def test_a_visitor_reads_signs_in_keeps_the_identity_id_posts_and_signs_out(
    browser, page_server, target, screenshots
):
    tab, errors = open_page(browser, page_server.url)
    guest = identity(tab)
    assert guest["state"] == "guest", guest
    assert IDENTITY_ID.fullmatch(guest["identityId"]), guest
    assert guest["role"] == GUEST_ROLE, guest
    assert re.fullmatch(r"ASIA\*{16}", guest["accessKey"]), guest
    assert tab.get_attribute("body", "data-comments") == "shown"
    assert "Welcome to the blog!" in tab.inner_text("#comments")
    tab.screenshot(path=str(screenshots / "1-guest-reads.png"), full_page=True)

    assert post(tab, "A guest tries to post") == "refused"
    message = tab.inner_text("#message")
    assert "Posting was refused. AccessDenied:" in message, message
    assert GUEST_ROLE in message and "s3:PutObject" in message, message
    tab.screenshot(path=str(screenshots / "2-guest-post-refused.png"), full_page=True)

    tab.click("#sign-in")
    tab.wait_for_url(re.compile(r".*/www\.amazon\.com/ap/oa\?.*"), timeout=30_000)
    request = {key: values[-1] for key, values in parse_qs(urlsplit(tab.url).query).items()}
    assert request["response_type"] == "code" and request["scope"] == "profile", request
    assert request["code_challenge_method"] == "S256" and len(request["code_challenge"]) == 43, request
    assert request["redirect_uri"] == page_server.url and "client_secret" not in request
    tab.screenshot(path=str(screenshots / "3-login-with-amazon.png"), full_page=True)
    with tab.expect_response(re.compile(r".*/auth/o2/token$")) as redeemed:
        tab.get_by_role("button", name=re.compile("Ana Alves")).click()
    assert redeemed.value.status == 200 and redeemed.value.request.method == "POST"
    sent = parse_qs(redeemed.value.request.post_data)
    assert sent["grant_type"] == ["authorization_code"] and len(sent["code_verifier"][0]) == 43, sent
    assert "client_secret" not in sent
    tab.wait_for_selector("body[data-ready='true'][data-state='signed-in']", timeout=30_000)
    assert "code=" not in tab.url and "state=" not in tab.url, "the code must not stay in the address bar"
    signed_in = identity(tab)
    assert signed_in["identityId"] == guest["identityId"], (guest, signed_in)
    assert signed_in["role"] == SIGNED_IN_ROLE, signed_in
    assert signed_in["state"] == "signed in with Login with Amazon"
    tab.screenshot(path=str(screenshots / "4-signed-in.png"), full_page=True)

    assert post(tab, "Hello from the browser test!") == "allowed", tab.inner_text("#message")
    key = tab.inner_text("#last-posted")
    assert key.startswith(f"comments/{guest['identityId']}/"), key
    stored = target.session.client("s3", endpoint_url=target.endpoint_url).get_object(
        Bucket=page_server.config["bucket"], Key=key
    )
    assert stored["Body"].read() == b"Hello from the browser test!"
    # The page marks the post done, then reads the comments again: wait for the list to show it.
    tab.wait_for_function(
        "text => document.getElementById('comments').innerText.includes(text)",
        arg="Hello from the browser test!",
        timeout=30_000,
    )
    tab.screenshot(path=str(screenshots / "5-signed-in-posted.png"), full_page=True)

    tab.click("#sign-out")
    tab.wait_for_selector("body[data-state='guest']", timeout=30_000)
    tab.wait_for_function(
        "id => document.getElementById('identity-identityId').textContent !== id", arg=guest["identityId"]
    )
    new_guest = identity(tab)
    assert IDENTITY_ID.fullmatch(new_guest["identityId"]) and new_guest["identityId"] != guest["identityId"]
    assert new_guest["role"] == GUEST_ROLE
    tab.screenshot(path=str(screenshots / "6-signed-out-new-guest.png"), full_page=True)

    # Ana again, from the new guest: her login already belongs to the first identity, so Amazon Cognito
    # merges the new guest into it and answers with the first identity id, which the page must show and use.
    tab.click("#sign-in")
    tab.get_by_role("button", name=re.compile("Ana Alves")).click()
    tab.wait_for_selector("body[data-ready='true'][data-state='signed-in']", timeout=30_000)
    returning = identity(tab)
    assert returning["identityId"] == guest["identityId"], (guest, new_guest, returning)
    assert post(tab, "Back again") == "allowed", tab.inner_text("#message")
    assert tab.inner_text("#last-posted").startswith(f"comments/{guest['identityId']}/")
    tab.screenshot(path=str(screenshots / "7-returning-visitor-merged.png"), full_page=True)

    html = tab.content()
    assert "secretAccessKey" not in html and "sessionToken" not in html
    assert errors == [], errors


def authorization_request(page_server: blog_page.BlogPage, **changes: str) -> str:
    lwa = page_server.config["loginWithAmazon"]
    query = {
        "client_id": lwa["clientId"],
        "scope": "profile",
        "response_type": "code",
        "redirect_uri": lwa["redirectUri"],
        "state": "s1",
        "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        "code_challenge_method": "S256",
        **changes,
    }
    return f"{lwa['authorizationUrl']}?{urlencode(query)}"


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"client_id": "amzn1.application-oa2-client.unknown"}, "An unknown client_id was provided"),
        ({"redirect_uri": "http://127.0.0.1:1/elsewhere"}, "is not an Allowed Return URL of the app"),
    ],
    ids=["unknown-client-id", "unregistered-redirect-uri"],
)
def test_the_authorization_page_refuses_without_redirecting(
    browser, page_server, screenshots, changes, shown
):
    tab = browser.new_page()
    answer = tab.goto(authorization_request(page_server, **changes))
    assert answer.status == 400
    assert shown in tab.inner_text("body")
    assert tab.url.startswith(page_server.config["loginWithAmazon"]["authorizationUrl"]), "redirected"
    name = "8-refused-" + ("client-id" if "client_id" in changes else "redirect-uri")
    tab.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


def test_a_code_the_token_endpoint_refuses_is_reported_and_the_visitor_stays_a_guest(
    browser, page_server, screenshots
):
    """A code Login with Amazon never issued (or one already used, or expired) comes back from the token
    endpoint as ``invalid_grant``: the page says so and keeps the guest's credentials."""
    tab, errors = open_page(browser, page_server.url)
    guest = identity(tab)["identityId"]
    pending = {"state": "s2", "verifier": "v" * 43, "redirectUri": page_server.url}
    tab.evaluate(
        "pending => sessionStorage.setItem('blog.loginWithAmazon.pending', JSON.stringify(pending))", pending
    )
    tab.goto(page_server.url + "?" + urlencode({"code": "ANneverissued", "state": "s2"}))
    tab.wait_for_selector("body[data-ready='true']", timeout=30_000)
    message = tab.inner_text("#message")
    assert message == (
        "Login with Amazon refused: invalid_grant: The authorization code is invalid or has expired"
    ), message
    assert identity(tab)["state"] == "guest" and identity(tab)["identityId"] == guest
    assert tab.url == page_server.url
    tab.screenshot(path=str(screenshots / "8-code-refused.png"), full_page=True)
    assert errors == [], errors


def test_without_the_buckets_cors_configuration_the_page_fails_and_says_why(
    browser, page_server, target, screenshots
):
    s3 = target.session.client("s3", endpoint_url=target.endpoint_url)
    bucket = page_server.config["bucket"]
    s3.delete_bucket_cors(Bucket=bucket)
    try:
        tab, errors = open_page(browser, page_server.url)
        assert identity(tab)["state"] == "guest"  # Cognito's endpoints let every origin in, as AWS's do
        assert tab.get_attribute("body", "data-comments") == "failed"
        message = tab.inner_text("#message")
        assert "has no CORS rule that allows this page's origin" in message, message
        assert page_server.url.rstrip("/") in message
        tab.screenshot(path=str(screenshots / "9-no-cors-configuration.png"), full_page=True)
        assert errors == [], errors
    finally:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration=course.BLOG_CORS)


def test_the_committed_bundle_is_what_the_lockfile_builds(tmp_path):
    """``webapp/build.sh`` in a copy of ``webapp/`` (without node_modules) gives the committed bytes."""
    if shutil.which("npm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("npm is missing; .ci/run installs Node from Debian")
        pytest.skip("npm is missing (apt-get install nodejs npm)")
    source = REPO_ROOT / "webapp"
    copy = tmp_path / "webapp"
    copy.mkdir()
    for name in ("package.json", "package-lock.json", "build.sh", "build.mjs"):
        shutil.copy2(source / name, copy / name)
    shutil.copytree(source / "src", copy / "src")
    subprocess.run([str(copy / "build.sh")], check=True, capture_output=True, timeout=600)
    built = (copy / "dist" / "blog.js").read_bytes()
    committed = (source / "dist" / "blog.js").read_bytes()
    assert hashlib.sha256(built).hexdigest() == hashlib.sha256(committed).hexdigest(), (
        "webapp/dist/blog.js differs from what webapp/build.sh builds: run `make webapp` and commit it"
    )
