"""boto3 clients for tests from one shared Session.

A client from a new ``boto3.session.Session()`` costs about 50 ms, most of it loading botocore's
service data, which a Session caches; a client from a Session that has already loaded it costs about
5 ms. Every test client comes from the one Session below, its keys given to the client itself (so one
Session serves every set of credentials). Clients are thread-safe, Sessions are not: clients are made
under a lock.
"""

from __future__ import annotations

import threading
from typing import Any

import boto3

_session: boto3.session.Session | None = None
_lock = threading.Lock()


def client(service: str, **options: Any) -> Any:
    """``boto3.session.Session().client(service, **options)``, from the shared Session."""
    global _session
    with _lock:
        if _session is None:
            _session = boto3.session.Session()
        return _session.client(service, **options)
