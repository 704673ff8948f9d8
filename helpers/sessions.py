"""boto3 and botocore sessions that share one loader of botocore's data per process.

Each new botocore session has a loader of its own, so its first client of each service reads and parses
that service's JSON again, and its first client of all parses the endpoint data (about ten times what a
client costs from a session that has them). The course makes sessions in many places (``connect()``, every
``CognitoIdentityCredentials``, the local AWS's own clients and models), so every session made here gets
the process's one :class:`botocore.loaders.Loader` instead, registered as its ``data_loader`` component
(``botocore.session.Session.register_component``). What a session keeps of its own is untouched: its
credentials, its region, its event handlers.

The loader reads the data path as botocore's own does (``AWS_DATA_PATH``, then ``~/.aws/models``, then
botocore's bundled data), once, when the first session is made.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import boto3
import botocore.loaders
import botocore.session

_loader: botocore.loaders.Loader | None = None
_lock = threading.Lock()


class _SearchPaths(list):
    """A loader's search paths that keep one copy of each: every ``boto3.Session`` appends boto3's own
    data folder to its loader's paths, which, on a shared loader, would grow by one per session."""

    def append(self, path: str) -> None:
        if path not in self:
            super().append(path)


def _shared_loader(session: botocore.session.Session) -> botocore.loaders.Loader:
    global _loader
    with _lock:
        if _loader is None:
            # AWS_DATA_PATH (or the profile's data_path), read as botocore.loaders.create_loader reads it.
            data_path = session.get_config_variable("data_path")
            paths = data_path.split(os.pathsep) if data_path else []
            extra = [os.path.expanduser(os.path.expandvars(path)) for path in paths]
            _loader = botocore.loaders.Loader(extra_search_paths=_SearchPaths(extra))
        return _loader


def botocore_session() -> botocore.session.Session:
    """A new botocore session whose service data comes from the process's one loader."""
    session = botocore.session.Session()
    session.register_component("data_loader", _shared_loader(session))
    return session


def boto3_session(**options: Any) -> boto3.Session:
    """A new ``boto3.Session(**options)`` (keys, region, profile) on a :func:`botocore_session`."""
    return boto3.Session(botocore_session=botocore_session(), **options)


_shared: boto3.Session | None = None
_shared_lock = threading.Lock()


def shared_client(service: str, **options: Any) -> Any:
    """A client from the process's one Session, its keys, region and endpoint given to the client itself
    (``aws_access_key_id=...``, ``config=Config(signature_version=UNSIGNED)``...), so that one Session
    serves every set of credentials. A Session is not thread-safe: clients are made one at a time under a
    lock; the clients themselves are thread-safe."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = boto3_session()
        return _shared.client(service, **options)
