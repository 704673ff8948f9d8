"""The blog's web page (``webapp/``), served on its own loopback origin with the course's configuration.

The page is static: ``webapp/index.html`` and the committed bundle ``webapp/dist/blog.js`` (the AWS SDK
for JavaScript v3; rebuilt by ``make webapp``), plus ``config.json``, which this module writes from the
course's resources: the identity pool id, the Region, the endpoint (the local AWS, or none on real AWS),
the blog bucket and where Login with Amazon's authorization page and token endpoint are. The page's
origin differs from the local AWS's, so every call it makes is cross-origin, as a real site's calls to AWS
are: S3 answers it only because the bucket's CORS configuration allows ``http://127.0.0.1:*``
(``helpers.course.BLOG_CORS``).

The page signs in with Login with Amazon's authorization code grant with PKCE (``webapp/src/
login_with_amazon.js``), the same code locally and on a real account; only the two URLs differ. Locally
they are the stand-in's, and the page's URL is registered with it as an allowed return URL of the course's
app. On real AWS they are Amazon's (``https://www.amazon.com/ap/oa``, ``https://api.amazon.com/auth/o2/token``);
set ``COURSE_LWA_CLIENT_ID`` (your security profile's client id, whose allowed return URLs include the
page's URL, for example ``http://localhost:8765/``) and start the page on that port; without it the page's
sign-in button says what is missing. Steps: ``docs/blog-page-on-a-real-account.md``.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .course import LOCAL_LWA_APP_ID, blog_bucket, find_identity_pool
from .serving import ServedInThread
from .target import Target

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
#: The files the page is made of (nothing else under webapp/ is served, node_modules least of all).
FILES = {"/": "index.html", "/index.html": "index.html", "/dist/blog.js": "dist/blog.js"}
#: The course's web app as registered with the stand-in Login with Amazon (its OAuth client id).
LOCAL_LWA_CLIENT_ID = "amzn1.application-oa2-client.cognito-course-demo"
#: Login with Amazon's authorization page and token endpoint ("Authorization Code Grant",
#: https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html).
REAL_LWA_AUTHORIZATION_URL = "https://www.amazon.com/ap/oa"
REAL_LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
#: The environment variable ``make lab`` sets for JupyterLab's kernels: where the page is served.
URL_VARIABLE = "COURSE_BLOG_PAGE_URL"


def configuration(aws: Target, page_url: str) -> dict[str, Any]:
    """What the page needs to know, read from the course's resources now (all of it public: an identity
    pool id is not a secret). Read at every page load, so the page follows a pool a notebook re-created;
    ``identityPoolId`` is ``None`` until :func:`helpers.course.set_up` (or notebook 02) has made one.

    Locally this also registers the page's URL with the stand-in Login with Amazon, every time: the
    local AWS's reset forgets registered apps, as it forgets everything else.
    """
    pool_id = find_identity_pool(aws.session.client("cognito-identity", endpoint_url=aws.endpoint_url))
    if aws.is_local:
        from .identity_providers import (
            login_with_amazon_authorization_url,
            login_with_amazon_token_url,
            register_login_with_amazon_app,
        )

        register_login_with_amazon_app(
            LOCAL_LWA_CLIENT_ID, [page_url], app_id=LOCAL_LWA_APP_ID, endpoint_url=aws.endpoint_url
        )
        lwa: dict[str, str] | None = {
            "authorizationUrl": login_with_amazon_authorization_url(aws.endpoint_url),
            "tokenUrl": login_with_amazon_token_url(aws.endpoint_url),
            "clientId": LOCAL_LWA_CLIENT_ID,
            "redirectUri": page_url,
        }
    else:
        client_id = os.environ.get("COURSE_LWA_CLIENT_ID")
        lwa = (
            {
                "authorizationUrl": REAL_LWA_AUTHORIZATION_URL,
                "tokenUrl": REAL_LWA_TOKEN_URL,
                "clientId": client_id,
                "redirectUri": page_url,
            }
            if client_id
            else None
        )
    return {
        "region": aws.region,
        "identityPoolId": pool_id,
        "endpoint": aws.endpoint_url,
        "bucket": blog_bucket(aws),
        "loginWithAmazon": lwa,
    }


class _PageHandler(http.server.BaseHTTPRequestHandler):
    """Serves the page's three files and its configuration; nothing else (no directory listing)."""

    def __init__(self, *args: Any, page: BlogPage, **kwargs: Any) -> None:
        self.page = page
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/config.json":
            try:
                self.page.config = self.page.configure(self.page.url)
            except Exception as error:  # noqa: BLE001 - told to the page, which shows it
                self.page.config = {"error": f"{type(error).__name__}: {error}"}
            body, kind = json.dumps(self.page.config, indent=2).encode(), "application/json"
        elif path in FILES:
            name = FILES[path]
            body = (WEBAPP / name).read_bytes()
            kind = "text/html; charset=utf-8" if name.endswith(".html") else "text/javascript; charset=utf-8"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@dataclass
class BlogPage:
    """The page served on ``host:port`` (a thread of this process); ``url`` ends with ``/``."""

    configure: Callable[[str], dict[str, Any]]
    host: str = "127.0.0.1"
    port: int = 0
    #: The configuration the page was last given.
    config: dict[str, Any] = field(default_factory=dict)
    _serving: ServedInThread | None = field(default=None, repr=False)

    def start(self) -> BlogPage:
        handler = functools.partial(_PageHandler, page=self)
        server = http.server.ThreadingHTTPServer((self.host, self.port), handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._serving = ServedInThread(server, "blog-page")
        self._serving.start()
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        if self._serving is not None:
            self._serving.stop()
            self._serving = None


def serve(aws: Target, *, host: str = "127.0.0.1", port: int = 0) -> BlogPage:
    """Serve the page for the course's resources on ``aws`` (a thread of this process)."""
    page = BlogPage(lambda url: configuration(aws, url), host, port).start()
    page.config = configuration(aws, page.url)
    return page


def page_url() -> str | None:
    """The page's URL when ``make lab`` serves it (``COURSE_BLOG_PAGE_URL``), else ``None``."""
    return os.environ.get(URL_VARIABLE) or None
