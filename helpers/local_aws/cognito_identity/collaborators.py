"""What the identity-pool service uses outside itself: the clock, token checks, role sessions, its key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ..issued_credentials import RoleSessions
from .open_id_token import OpenIdTokenSigner
from .records import IdentityPool, VerifiedLogin


class LoginsVerifier(Protocol):
    def verify(self, pool: IdentityPool, logins: dict[str, str], now: float) -> list[VerifiedLogin]: ...


@dataclass
class Collaborators:
    """The clock, the Logins checker, the role sessions (credentials) and the OpenID token signer."""

    now: Callable[[], float]
    logins: LoginsVerifier
    role_sessions: RoleSessions
    signer: OpenIdTokenSigner
