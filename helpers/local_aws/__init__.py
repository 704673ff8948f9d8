"""The project's local AWS: moto's server with a faithful identity-pool layer in front (see ``app``).

Start it from a shell with ``python -m helpers.local_aws`` or from Python with :class:`LocalAWS`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import MutableMapping
from typing import TYPE_CHECKING, Any

from .constants import ACCOUNT_ID, ADMIN_ACCESS_KEY_ID, ADMIN_SECRET_ACCESS_KEY, DEFAULT_REGION
from .wire.authentication import AdministratorKeys

if TYPE_CHECKING:
    from .app import STATUS_PATH, LocalAWSApplication, make_app
    from .server import DEFAULT_HOST, LocalAWS

#: What needs moto, imported on first use (PEP 562): a process that only points clients at a local AWS
#: (a notebook's kernel under ``make lab``, or one aimed at a real account) never loads moto's server.
_ON_FIRST_USE = {
    "STATUS_PATH": ".app",
    "LocalAWSApplication": ".app",
    "make_app": ".app",
    "DEFAULT_HOST": ".server",
    "LocalAWS": ".server",
}


def __getattr__(name: str) -> Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def admin_keys() -> AdministratorKeys:
    """The local administrator's key pair: ``LOCAL_AWS_ADMIN_ACCESS_KEY_ID`` and
    ``LOCAL_AWS_ADMIN_SECRET_ACCESS_KEY`` when set (as given to ``python -m helpers.local_aws``), else
    ``testing``/``testing``."""
    return AdministratorKeys.from_environment()


#: Variables that would make boto3 mix the local administrator's keys with some other identity.
CLEARED_VARIABLES = ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE")


def client_environment(url: str, region: str = DEFAULT_REGION) -> dict[str, str]:
    """Environment variables that send every boto3 client (and the AWS CLI) to the local AWS at ``url``.

    Apply them after removing :data:`CLEARED_VARIABLES`, so no real profile or token is mixed in.
    """
    return {
        "AWS_ENDPOINT_URL": url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_ACCESS_KEY_ID": admin_keys().access_key_id,
        "AWS_SECRET_ACCESS_KEY": admin_keys().secret_access_key,
    }


def export_client_environment(
    url: str, region: str = DEFAULT_REGION, environ: MutableMapping[str, str] | None = None
) -> None:
    """Point ``environ`` (default ``os.environ``, so also every child process) at the local AWS at ``url``."""
    environ = os.environ if environ is None else environ
    for name in CLEARED_VARIABLES:
        environ.pop(name, None)
    environ.update(client_environment(url, region))


__all__ = [
    "ACCOUNT_ID",
    "ADMIN_ACCESS_KEY_ID",
    "ADMIN_SECRET_ACCESS_KEY",
    "CLEARED_VARIABLES",
    "DEFAULT_HOST",
    "DEFAULT_REGION",
    "STATUS_PATH",
    "AdministratorKeys",
    "LocalAWS",
    "LocalAWSApplication",
    "admin_keys",
    "client_environment",
    "export_client_environment",
    "make_app",
]
