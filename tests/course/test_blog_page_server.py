"""``helpers.blog_page`` without a browser: what the page is told, and what the page server serves."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

import pytest

from helpers import blog_page, course, local_aws
from helpers.target import Target
from tests.support import course_accounts


def target(kind: str) -> Target:
    url = os.environ["AWS_ENDPOINT_URL"]
    return Target(kind, course_accounts.session(), "us-east-1", local_aws.ACCOUNT_ID, url)  # type: ignore[arg-type]


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_locally_the_page_is_told_the_course_and_the_stand_in_login_with_amazon():
    aws = target("local")
    made = course.set_up(aws)
    page = blog_page.serve(aws)
    try:
        status, body = get(page.url + "config.json")
        config = json.loads(body)
        assert status == 200
        assert config["identityPoolId"] == made.identity_pool_id and config["bucket"] == made.bucket
        assert config["endpoint"] == aws.endpoint_url and config["region"] == "us-east-1"
        lwa = config["loginWithAmazon"]
        stand_in = aws.endpoint_url.rstrip("/") + "/_local_aws/providers/www.amazon.com"
        assert lwa["authorizationUrl"] == stand_in + "/ap/oa"
        assert lwa["tokenUrl"] == stand_in + "/auth/o2/token"
        assert lwa["redirectUri"] == page.url and lwa["clientId"] == blog_page.LOCAL_LWA_CLIENT_ID
        assert get(page.url)[0] == 200 and b"dist/blog.js" in get(page.url)[1]
        assert get(page.url + "dist/blog.js")[0] == 200
        for other in ("package.json", "src/blog.js", "build.sh", "node_modules/", "../README.md", "dist/"):
            assert get(page.url + other)[0] == 404, other
    finally:
        page.stop()


@pytest.mark.parametrize("client_id", [None, "amzn1.application-oa2-client.mine"])
def test_on_real_aws_the_page_uses_amazons_lwa_urls_and_needs_a_client_id(monkeypatch, client_id):
    if client_id is None:
        monkeypatch.delenv("COURSE_LWA_CLIENT_ID", raising=False)
    else:
        monkeypatch.setenv("COURSE_LWA_CLIENT_ID", client_id)
    aws = target("aws")
    config = blog_page.configuration(aws, "http://localhost:8765/")
    if client_id is None:
        assert config["loginWithAmazon"] is None
    else:
        assert config["loginWithAmazon"] == {
            "authorizationUrl": "https://www.amazon.com/ap/oa",
            "tokenUrl": "https://api.amazon.com/auth/o2/token",
            "clientId": client_id,
            "redirectUri": "http://localhost:8765/",
        }
