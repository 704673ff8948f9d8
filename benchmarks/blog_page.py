"""The blog page in headless Chromium: load to guest comments shown, sign-in click to signed-in credentials,
and the size of its bundle.

    python benchmarks/blog_page.py [--runs 10]

A local AWS (a thread of this process, as ``make lab`` runs it) with the course set up, and the page on its
own loopback origin (``helpers.blog_page``). Each run uses a fresh browser context (no cached identity):

* **load → guest comments shown**: from the page's navigation start to the ``blog:comments-shown`` mark
  (GetId, GetCredentialsForIdentity, STS GetCallerIdentity for the role, then the S3 preflight and GET);
* **sign-in click → signed-in credentials**: wall clock from clicking "Login with Amazon" to the page
  showing the authenticated role: the PKCE challenge, the stand-in's authorization page, the test user
  picked at once, the redirect back with a code, the page loading again as a guest, the code redeemed at
  the token endpoint, and GetCredentialsForIdentity with the login.

Before each sign-in the user's earlier identity is forgotten (``course.forget_users``), so every run links
the login to a new guest, as a first visit does. Prints every run and the medians, then the bundle's size
minified and gzipped (issue 12's aim: under 350 KB minified, about 100 KB gzipped; ``webapp/build.sh
--metafile`` shows what each package adds). Needs the browser tests' Chromium (``tests/support/chromium.py``).
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from helpers import blog_page, course, local_aws  # noqa: E402 - after the path, as a script
from helpers.target import Target  # noqa: E402
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the browser tests' Chromium

BUNDLE = REPO / "webapp" / "dist" / "blog.js"


def bundle_sizes() -> tuple[int, int]:
    raw = BUNDLE.read_bytes()
    return len(raw), len(gzip.compress(raw, compresslevel=9, mtime=0))


def one_run(browser, target: Target, page: blog_page.BlogPage) -> tuple[float, float]:
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.goto(page.url)
        tab.wait_for_selector("body[data-comments='shown'][data-state='guest']", timeout=30_000)
        guest_ms = tab.evaluate("() => performance.getEntriesByName('blog:comments-shown')[0].startTime")
        course.forget_users(target, page.config["identityPoolId"], ["ana"])
        started = time.perf_counter()
        tab.click("#sign-in")
        tab.get_by_role("button", name=re.compile("Ana Alves")).click()
        tab.wait_for_selector("body[data-state='signed-in']", timeout=30_000)
        signed_in_ms = (time.perf_counter() - started) * 1000
        return guest_ms, signed_in_ms
    finally:
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    aws = local_aws.LocalAWS(port=0).start()
    local_aws.export_client_environment(aws.url)  # the course's clients follow it, as in a notebook
    admin = local_aws.admin_keys()
    import boto3

    session = boto3.Session(
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        region_name=local_aws.DEFAULT_REGION,
    )
    target = Target("local", session, local_aws.DEFAULT_REGION, local_aws.ACCOUNT_ID, aws.url)
    course.set_up(target)
    page = blog_page.serve(target)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                one_run(browser, target, page)  # warm up: Chromium's caches, the local AWS's first calls
                runs = [one_run(browser, target, page) for _ in range(args.runs)]
            finally:
                browser.close()
    finally:
        page.stop()
        aws.stop()
        os.environ.pop("AWS_ENDPOINT_URL", None)
    for number, (guest, signed_in) in enumerate(runs, 1):
        print(
            f"run {number}: load -> guest comments {guest:.0f} ms, "
            f"sign-in click -> signed in {signed_in:.0f} ms"
        )
    print(f"median load -> guest comments shown: {statistics.median(r[0] for r in runs):.0f} ms")
    print(f"median sign-in click -> signed-in credentials: {statistics.median(r[1] for r in runs):.0f} ms")
    minified, gzipped = bundle_sizes()
    print(
        f"bundle {BUNDLE.relative_to(REPO)}: "
        f"{minified / 1000:.1f} kB minified, {gzipped / 1000:.1f} kB gzipped"
    )


if __name__ == "__main__":
    main()
