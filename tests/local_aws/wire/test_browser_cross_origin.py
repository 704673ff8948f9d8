"""A page from another origin, in a real browser: it can neither move the clock nor reset the local AWS,
reads and writes S3 exactly as the bucket's CORS configuration allows, and calls cognito-identity.

Chromium (``tests.support.chromium``, driven by Playwright) opens a page served by a tiny ``http.server`` on
another loopback port; the page's own ``fetch`` calls go to a local AWS in a process of its own (so
nothing here can disturb the run's shared moto state, even if a protection broke). Skips without
Chromium, except under ``CI=true`` (see ``test_browser.chromium``).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

from helpers.local_aws import clock
from tests.course.test_browser import chromium  # noqa: F401  (chromium: a fixture)
from tests.support import sessions
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.course_pool import CoursePool, course_pool
from tests.support.raw_http import SeparateLocalAWS, separate_local_aws

pytestmark = pytest.mark.browser

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>another origin</title></head>
<body><p>A page on another origin.</p>
<script>
  // Every call answers {ok, status, body} or, when the browser refuses to let the page see the
  // answer (CORS), {ok: false, error}.
  async function attempt(url, init) {
    try {
      const answer = await fetch(url, init);
      return {ok: true, status: answer.status, type: answer.type, body: await answer.text()};
    } catch (error) {
      return {ok: false, error: String(error)};
    }
  }
</script>
</body></html>
"""


@pytest.fixture(scope="module")
def aws() -> Iterator[SeparateLocalAWS]:
    yield from separate_local_aws()


@pytest.fixture(scope="module")
def page_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page's origin: a static file server on another loopback port."""
    folder: Path = tmp_path_factory.mktemp("page")
    (folder / "index.html").write_text(PAGE)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


def admin(aws: SeparateLocalAWS, service: str) -> Any:
    return sessions.client(
        service,
        region_name="us-east-1",
        endpoint_url=aws.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture(scope="module")
def world(aws: SeparateLocalAWS, page_origin: str) -> dict[str, str]:
    s3 = admin(aws, "s3")
    for bucket in ("shared", "closed"):
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="comments/first.txt", Body=b"a comment")
    s3.put_bucket_cors(
        Bucket="shared",
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": [page_origin],
                    "AllowedMethods": ["GET", "PUT"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                }
            ]
        },
    )
    pool_id = admin(aws, "cognito-identity").create_identity_pool(
        IdentityPoolName="browser", AllowUnauthenticatedIdentities=True, AllowClassicFlow=False
    )["IdentityPoolId"]
    return {"pool_id": pool_id}


@pytest.fixture(scope="module")
def page(chromium: Path, page_origin: str) -> Iterator[Any]:  # noqa: F811 - the fixture imported above
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            tab = browser.new_page()
            tab.goto(page_origin + "/index.html")
            yield tab
        finally:
            browser.close()


def attempt(page: Any, url: str, **init: Any) -> dict[str, Any]:
    return page.evaluate("([url, init]) => attempt(url, init)", [url, init])


def presigned(aws: SeparateLocalAWS, method: str, bucket: str, key: str) -> str:
    # SigV4 query signing: a browser's fetch adds a Content-Type to a PUT, which a SigV2 presigned URL
    # (botocore's default in us-east-1) signs, so S3 would answer SignatureDoesNotMatch.
    s3v4 = sessions.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=aws.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(signature_version="s3v4", retries={"max_attempts": 1}),
    )
    return s3v4.generate_presigned_url(method, Params={"Bucket": bucket, "Key": key}, ExpiresIn=300)


def test_the_page_cannot_move_the_clock(aws, page):
    order = '{"advance": 86400}'
    # With a JSON content type the browser asks first, and the preflight is refused.
    refused = attempt(
        page,
        aws.url + "/_local_aws/clock",
        method="POST",
        headers={"Content-Type": "application/json"},
        body=order,
    )
    assert refused["ok"] is False
    # A simple (text/plain) POST needs no preflight: the browser sends it, the local AWS refuses it.
    attempt(page, aws.url + "/_local_aws/clock", method="POST", mode="no-cors", body=order)
    # Nor can the page read the clock or the status.
    assert attempt(page, aws.url + "/_local_aws/clock")["ok"] is False
    assert attempt(page, aws.url + "/_local_aws/status")["ok"] is False
    assert clock.read(aws.url)["offset_seconds"] == 0


def test_the_page_cannot_reset_the_local_aws(aws, page, world):
    attempt(page, aws.url + "/moto-api/reset", method="POST", mode="no-cors", body="{}")
    refused = attempt(
        page,
        aws.url + "/moto-api/reset",
        method="POST",
        headers={"Content-Type": "application/json"},
        body="{}",
    )
    assert refused["ok"] is False
    assert attempt(page, aws.url + "/moto-api/data.json")["ok"] is False
    assert {"shared", "closed"} <= {bucket["Name"] for bucket in admin(aws, "s3").list_buckets()["Buckets"]}
    admin(aws, "cognito-identity").describe_identity_pool(IdentityPoolId=world["pool_id"])


def test_the_page_reads_and_writes_s3_as_the_bucket_allows(aws, page, world):
    read = attempt(page, presigned(aws, "get_object", "shared", "comments/first.txt"))
    assert read == {"ok": True, "status": 200, "type": "cors", "body": "a comment"}
    written = attempt(
        page,
        presigned(aws, "put_object", "shared", "comments/from-page.txt"),
        method="PUT",
        body="from the page",
    )
    assert written["ok"] is True and written["status"] == 200, written
    stored = admin(aws, "s3").get_object(Bucket="shared", Key="comments/from-page.txt")["Body"].read()
    assert stored == b"from the page"
    # DELETE is not among the bucket's allowed methods: the preflight fails, nothing is deleted.
    deleted = attempt(page, presigned(aws, "delete_object", "shared", "comments/first.txt"), method="DELETE")
    assert deleted["ok"] is False
    admin(aws, "s3").head_object(Bucket="shared", Key="comments/first.txt")


def test_the_page_can_neither_read_nor_write_a_bucket_without_cors(aws, page, world):
    read = attempt(page, presigned(aws, "get_object", "closed", "comments/first.txt"))
    assert read["ok"] is False
    written = attempt(
        page, presigned(aws, "put_object", "closed", "comments/new.txt"), method="PUT", body="from the page"
    )
    assert written["ok"] is False
    keys = [item["Key"] for item in admin(aws, "s3").list_objects_v2(Bucket="closed").get("Contents", [])]
    assert keys == ["comments/first.txt"]


def test_the_page_gets_an_identity_id_from_cognito_identity(aws, page, world):
    answer = attempt(
        page,
        aws.url + "/",
        method="POST",
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityService.GetId",
        },
        body=f'{{"IdentityPoolId": "{world["pool_id"]}"}}',
    )
    assert answer["ok"] is True and answer["status"] == 200, answer
    assert '"IdentityId": "us-east-1:' in answer["body"] or '"IdentityId":"us-east-1:' in answer["body"]


# -- what the identity pool's roles allow, cross-origin ------------------------------------------------------


@pytest.fixture(scope="module")
def course(aws: SeparateLocalAWS, world: dict[str, str]) -> CoursePool:
    """The course's pool and roles over the ``shared`` bucket: guests read ``comments/``, signed-in users
    also write under ``comments/<their identity id>/``."""
    return course_pool(aws.url, "shared")


def presigned_as(course: CoursePool, credentials: dict[str, str], method: str, key: str) -> str:
    """A SigV4 presigned URL signed with identity-pool credentials (session token in the query)."""
    s3 = course.client("s3", credentials, signature_version="s3v4")
    url = s3.generate_presigned_url(method, Params={"Bucket": "shared", "Key": key}, ExpiresIn=300)
    assert "X-Amz-Security-Token=" in url
    return url


def test_a_guest_page_reads_comments_and_reads_why_it_may_not_write(aws, page, course):
    guest = course.credentials()
    read = attempt(page, presigned_as(course, guest, "get_object", "comments/first.txt"))
    assert read == {"ok": True, "status": 200, "type": "cors", "body": "a comment"}
    key = f"comments/{guest['IdentityId']}/from-a-guest.txt"
    written = attempt(page, presigned_as(course, guest, "put_object", key), method="PUT", body="hello")
    # S3 sends the bucket's CORS headers on its error answers too: the page reads the denial.
    assert written["ok"] is True and written["status"] == 403, written
    assert "<Code>AccessDenied</Code>" in written["body"]
    assert "s3:PutObject" in written["body"]
    with pytest.raises(admin(aws, "s3").exceptions.ClientError):
        admin(aws, "s3").head_object(Bucket="shared", Key=key)


def test_a_signed_in_page_writes_under_its_own_identity_id_only(aws, page, course):
    ana, ben = course.credentials("ana"), course.credentials("ben")
    assert ana["IdentityId"] != ben["IdentityId"]
    own = f"comments/{ana['IdentityId']}/from-ana.txt"
    written = attempt(page, presigned_as(course, ana, "put_object", own), method="PUT", body="by ana")
    assert written["ok"] is True and written["status"] == 200, written
    assert admin(aws, "s3").get_object(Bucket="shared", Key=own)["Body"].read() == b"by ana"
    others = f"comments/{ben['IdentityId']}/from-ana.txt"
    refused = attempt(page, presigned_as(course, ana, "put_object", others), method="PUT", body="as ben")
    assert refused["ok"] is True and refused["status"] == 403, refused
    assert "<Code>AccessDenied</Code>" in refused["body"]
    read = attempt(page, presigned_as(course, ana, "get_object", own))
    assert read == {"ok": True, "status": 200, "type": "cors", "body": "by ana"}
