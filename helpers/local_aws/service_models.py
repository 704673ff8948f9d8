"""botocore's service models, loaded once per process for every layer that reads them.

Loading a model reads and parses JSON from botocore's data (several milliseconds per service, more for a
new botocore session, which also loads its endpoint data), so each model is loaded lazily, never at
import (the local AWS must start within its 1.5 s budget), and kept: every local AWS in the process (the
tests start many) shares them.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import botocore.session
    from botocore.model import ServiceModel

_session_lock = threading.Lock()


@cache
def _session() -> botocore.session.Session:
    from helpers.sessions import botocore_session

    return botocore_session()


@cache
def service_model(service_name: str) -> ServiceModel:
    """botocore's model of ``service_name`` (``"cognito-identity"``, ``"sts"``...), loaded on first use.

    Raises botocore's ``UnknownServiceError`` for a name it has no model of (nothing is kept then).
    """
    with _session_lock:  # botocore's loader is not documented as thread-safe
        return _session().get_service_model(service_name)
