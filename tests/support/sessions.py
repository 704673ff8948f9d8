"""boto3 clients for tests from one shared Session: the process's (``helpers.sessions.shared_client``).

A client from a new ``boto3.session.Session()`` costs about 50 ms, most of it loading botocore's
service data, which a Session caches; a client from a Session that has already loaded it costs about
5 ms. Every test client comes from that one Session, its keys given to the client itself (so one
Session serves every set of credentials); clients are made under its lock.
"""

from __future__ import annotations

from helpers.sessions import shared_client as client

__all__ = ["client"]
