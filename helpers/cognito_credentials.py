"""A boto3 credential provider for Amazon Cognito identity pools: a guest first, then authenticated.

boto3 has no counterpart of the JavaScript SDK's ``AWS.CognitoIdentityCredentials`` (v2,
``lib/credentials/cognito_identity_credentials.js``) or ``fromCognitoIdentityPool`` (v3,
``packages/credential-provider-cognito-identity``). This module is one: it depends only on boto3 and
botocore, so an application can copy it as is. It follows botocore ``credentials.py``'s split:

- :class:`CognitoIdentityCredentialFetcher` calls the identity pool (enhanced flow: GetId then
  GetCredentialsForIdentity; basic flow when a role ARN is given: GetId, GetOpenIdToken, then STS
  AssumeRoleWithWebIdentity);
- an :class:`IdentityIdCache` remembers identity ids under the v3 SDK's keys;
- :class:`CognitoIdentityRefreshableCredentials` decides when to refresh (botocore's windows);
- :class:`CognitoIdentityCredentialProvider` puts them first in a session's credential chain;
- :class:`CognitoIdentityCredentials` wires it together and gives a ``boto3.Session``::

      credentials = CognitoIdentityCredentials("us-east-1:1a2b...")          # a guest
      s3 = credentials.session.client("s3")
      credentials.set_logins({"cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc": id_token})
      s3.put_object(...)                # refreshed as an authenticated identity, same identity id

Secrets: nothing this module logs, raises or prints contains a key, session token or login token.
botocore's own DEBUG logging does: it prints GetCredentialsForIdentity's response body, SecretKey and
SessionToken included. Never enable DEBUG on the ``botocore`` logger where these credentials are used.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.credentials import (
    CredentialProvider,
    DeferredRefreshableCredentials,
    ReadOnlyCredentials,
)
from botocore.exceptions import ClientError, CredentialRetrievalError

from .sessions import botocore_session, shared_client

logger = logging.getLogger(__name__)

METHOD = "cognito-identity-pool"
#: The v3 SDK's cache key prefix and its user identifier for guests (``fromCognitoIdentityPool.ts``).
CACHE_KEY_PREFIX = "aws:cognito-identity-credentials"
ANONYMOUS = "ANONYMOUS"
#: The v2 SDK's default session name for the basic flow's AssumeRoleWithWebIdentity.
DEFAULT_ROLE_SESSION_NAME = "web-identity"

#: A login token, or a function returning a fresh one (v3 accepts both).
LoginToken = str | Callable[[], str]
Logins = Mapping[str, LoginToken]

_HIDDEN = "***"



# -- errors -----------------------------------------------------------------------------------------


class CognitoIdentityError(CredentialRetrievalError):
    """An identity pool (or STS, in the basic flow) refused to give credentials.

    ``code`` and ``aws_message`` are AWS's, e.g. ``NotAuthorizedException`` / ``Unauthenticated access is
    not supported for this identity pool.``; any login or OpenID token is removed from the message.
    """

    def __init__(self, operation: str, code: str, aws_message: str) -> None:
        super().__init__(provider=METHOD, error_msg=f"{operation} failed with {code}: {aws_message}")
        self.operation = operation
        self.code = code
        self.aws_message = aws_message

    def __reduce__(self) -> tuple[Any, ...]:
        # BotoCoreError pickles its format arguments, which are not this constructor's.
        return type(self), (self.operation, self.code, self.aws_message)


def _redacted(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, _HIDDEN)
    return text


def _error_from(error: ClientError, secrets: Iterable[str]) -> CognitoIdentityError:
    details = error.response.get("Error", {})
    return CognitoIdentityError(
        error.operation_name,
        details.get("Code", "Unknown"),
        _redacted(details.get("Message", ""), list(secrets)),
    )


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")


# -- identity id caches -----------------------------------------------------------------------------


def identity_id_cache_key(identity_pool_id: str, user_identifier: str) -> str:
    """The v3 SDK's key: ``aws:cognito-identity-credentials:<poolId>:<userIdentifier>``."""
    return f"{CACHE_KEY_PREFIX}:{identity_pool_id}:{user_identifier}"


class IdentityIdCache(Protocol):
    """Where identity ids survive between uses (v3's ``Storage``). Ids are identifiers, not secrets."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, identity_id: str) -> None: ...

    def remove(self, key: str) -> None: ...


class InMemoryIdentityIdCache:
    """The default: ids live as long as the process (v3 falls back to memory without a browser store)."""

    def __init__(self) -> None:
        self._ids: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._ids.get(key)

    def set(self, key: str, identity_id: str) -> None:
        with self._lock:
            self._ids[key] = identity_id

    def remove(self, key: str) -> None:
        with self._lock:
            self._ids.pop(key, None)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(entries={len(self._ids)})"


class JsonFileIdentityIdCache:
    """Ids in a JSON object on disk, so a guest keeps its identity across runs (as localStorage does).

    Writes replace the file atomically (a temporary file in the same folder, then ``os.replace``), so a
    crash never leaves half a file; an unreadable or corrupted file counts as empty and is rewritten on
    the next change. Safe across threads of one process; processes sharing a file may lose an update.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def _read(self) -> dict[str, str]:
        try:
            with self.path.open(encoding="utf-8") as file:
                data = json.load(file)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            logger.warning("Ignoring the unreadable identity id cache %s", self.path)
            return {}
        if not isinstance(data, dict):
            logger.warning("Ignoring the identity id cache %s: not a JSON object", self.path)
            return {}
        return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(data, file, indent=2, sort_keys=True)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._read().get(key)

    def set(self, key: str, identity_id: str) -> None:
        with self._lock:
            data = self._read()
            if data.get(key) != identity_id:
                data[key] = identity_id
                self._write(data)

    def remove(self, key: str) -> None:
        with self._lock:
            data = self._read()
            if data.pop(key, None) is not None:
                self._write(data)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r})"


# -- fetching ---------------------------------------------------------------------------------------


def _expiry(value: datetime | str) -> str:
    # botocore's refresh_using contract: expiry_time as an ISO 8601 string.
    return value.isoformat() if isinstance(value, datetime) else str(value)


class CognitoIdentityCredentialFetcher:
    """Gets credentials for one identity of one pool; knows its identity id, logins and role.

    Identity id: the one in use, else the cache's, else GetId (v3 ``fromCognitoIdentityPool``). The
    IdentityId every response returns is adopted, as v2 does, because a sign-in with a login that
    belongs to another identity merges the two and returns the other id [AF "Linking logins"]. A cached
    id that no longer exists (ResourceNotFound) is forgotten and the call retried once with a new one.
    One lock serialises fetches and changes of logins, so a sign-in never interleaves with a refresh.
    """

    def __init__(
        self,
        identity_pool_id: str,
        cognito_identity: Any,
        sts: Any = None,
        cache: IdentityIdCache | None = None,
        logins: Logins | None = None,
        custom_role_arn: str | None = None,
        role_arn: str | None = None,
        account_id: str | None = None,
        user_identifier: str | None = None,
        role_session_name: str = DEFAULT_ROLE_SESSION_NAME,
    ) -> None:
        self.identity_pool_id = identity_pool_id
        self.cognito_identity = cognito_identity
        self.sts = sts
        self.cache: IdentityIdCache = cache if cache is not None else InMemoryIdentityIdCache()
        self._logins: dict[str, LoginToken] = dict(logins or {})
        self.custom_role_arn = custom_role_arn
        self.role_arn = role_arn
        self.account_id = account_id
        self.user_identifier = user_identifier
        self.role_session_name = role_session_name
        self._identity_id: str | None = None
        self._reused_identity_id = False  # whether the id in use came from memory or the cache
        self._lock = threading.RLock()  # re-entrant: a login callable may read this object's state

    # State ---------------------------------------------------------------------------------------

    @property
    def identity_id(self) -> str | None:
        """The identity id in use, or ``None`` before the first fetch (and after sign-out)."""
        return self._identity_id

    @property
    def login_providers(self) -> list[str]:
        """The names of the identity providers signed in with (never their tokens)."""
        return sorted(self._logins)

    @property
    def flow(self) -> str:
        """``basic`` when a role ARN is set (v2: ``params.RoleArn``), otherwise ``enhanced``."""
        return "basic" if self.role_arn else "enhanced"

    def set_logins(
        self,
        logins: Logins | None,
        role_arn: str | None = None,
        custom_role_arn: str | None = None,
        user_identifier: str | None = None,
    ) -> None:
        """Sign in: the next fetch sends these logins with the current (guest) id, which links them."""
        with self._lock:
            self._logins = dict(logins or {})
            if role_arn is not None:
                self.role_arn = role_arn
            if custom_role_arn is not None:
                self.custom_role_arn = custom_role_arn
            if user_identifier is not None:
                self.user_identifier = user_identifier

    def sign_out(self, role_arn: str | None = None) -> None:
        """Forget logins, custom role, user and identity id (v2 ``clearCachedId``): next comes a new guest."""
        with self._lock:
            keys = {
                self._cache_key_for(bool(self._logins)),
                identity_id_cache_key(self.identity_pool_id, ANONYMOUS),
            }
            self._logins = {}
            self.custom_role_arn = None
            self.user_identifier = None
            if role_arn is not None:
                self.role_arn = role_arn
            self._identity_id = None
            for key in keys - {None}:
                self._cache_remove(key)

    # Fetching ------------------------------------------------------------------------------------

    def fetch(self) -> dict[str, str]:
        """Credentials as botocore's ``refresh_using`` returns them (keys, token, ISO expiry)."""
        with self._lock:
            logins = self._current_logins()
            secrets = list(logins.values())
            try:
                try:
                    return self._fetch_once(logins, secrets)
                except ClientError as error:
                    if _code(error) != "ResourceNotFoundException" or not self._reused_identity_id:
                        raise
                    # The id in use was deleted (or the cache is stale): start over once, with a new id.
                    logger.info(
                        "Identity %s was not found; forgetting it and getting a new one", self._identity_id
                    )
                    self._forget_identity_id(bool(logins))
                    return self._fetch_once(logins, secrets)
            except ClientError as error:
                if _code(error) == "NotAuthorizedException" and not logins:
                    # A guest id refused as a guest is linked, merged or disabled: it cannot be reused.
                    self._forget_identity_id(False)
                # ``from None``: the ClientError's text is AWS's, unredacted; ours carries the same facts.
                raise _error_from(error, secrets) from None

    def _fetch_once(self, logins: dict[str, str], secrets: list[str]) -> dict[str, str]:
        identity_id = self._resolve_identity_id(logins)
        if self.role_arn:
            return self._basic_flow(identity_id, logins, secrets)
        params: dict[str, Any] = {"IdentityId": identity_id}
        if logins:
            params["Logins"] = logins
        if self.custom_role_arn:
            params["CustomRoleArn"] = self.custom_role_arn
        logger.debug("GetCredentialsForIdentity for %s (logins: %s)", identity_id, sorted(logins) or "none")
        answer = self.cognito_identity.get_credentials_for_identity(**params)
        self._adopt(answer.get("IdentityId") or identity_id, logins)
        issued = answer["Credentials"]
        return {
            "access_key": issued["AccessKeyId"],
            "secret_key": issued["SecretKey"],
            "token": issued["SessionToken"],
            "expiry_time": _expiry(issued["Expiration"]),
        }

    def _basic_flow(self, identity_id: str, logins: dict[str, str], secrets: list[str]) -> dict[str, str]:
        """Basic (classic) flow: GetOpenIdToken, then STS AssumeRoleWithWebIdentity with our role [AF]."""
        params: dict[str, Any] = {"IdentityId": identity_id}
        if logins:
            params["Logins"] = logins
        logger.debug("GetOpenIdToken for %s (logins: %s)", identity_id, sorted(logins) or "none")
        answer = self.cognito_identity.get_open_id_token(**params)
        self._adopt(answer.get("IdentityId") or identity_id, logins)
        secrets.append(answer["Token"])  # so an STS error quoting it is redacted too
        logger.debug("AssumeRoleWithWebIdentity %s for %s", self.role_arn, self._identity_id)
        assumed = self.sts.assume_role_with_web_identity(
            RoleArn=self.role_arn, RoleSessionName=self.role_session_name, WebIdentityToken=answer["Token"]
        )
        issued = assumed["Credentials"]
        return {
            "access_key": issued["AccessKeyId"],
            "secret_key": issued["SecretAccessKey"],
            "token": issued["SessionToken"],
            "expiry_time": _expiry(issued["Expiration"]),
        }

    def _current_logins(self) -> dict[str, str]:
        """Logins with callables called now, so a refresh always sends a fresh token (v3)."""
        resolved = {}
        for provider, token in self._logins.items():
            value = token() if callable(token) else token
            if not isinstance(value, str):
                # Never echo the value: it may be a token of the wrong type.
                raise TypeError(f"the login for {provider} is not a string (got {type(value).__name__})")
            resolved[provider] = value
        return resolved

    def _cache_key_for(self, signed_in: bool) -> str | None:
        # v3: userIdentifier defaults to ANONYMOUS only without logins; authenticated ids are cached only
        # when the caller names the user.
        user = self.user_identifier or (None if signed_in else ANONYMOUS)
        return identity_id_cache_key(self.identity_pool_id, user) if user else None

    def _resolve_identity_id(self, logins: dict[str, str]) -> str:
        self._reused_identity_id = True
        if self._identity_id:
            return self._identity_id
        key = self._cache_key_for(bool(logins))
        cached = self._cache_get(key) if key else None
        if cached:
            self._identity_id = cached
            return cached
        self._reused_identity_id = False
        params: dict[str, Any] = {"IdentityPoolId": self.identity_pool_id}
        if self.account_id:
            params["AccountId"] = self.account_id
        if logins:
            params["Logins"] = logins
        logger.debug("GetId in %s (logins: %s)", self.identity_pool_id, sorted(logins) or "none")
        self._identity_id = self.cognito_identity.get_id(**params)["IdentityId"]
        if key:
            self._cache_set(key, self._identity_id)
        return self._identity_id

    def _adopt(self, returned: str, logins: dict[str, str]) -> None:
        previous = self._identity_id
        if returned != previous:
            logger.info(
                "Identity id changed from %s to %s (merged into the login's identity)", previous, returned
            )
        self._identity_id = returned
        key = self._cache_key_for(bool(logins))
        if key:
            self._cache_set(key, returned)
        if logins:
            # The guest id is now linked (or disabled by a merge): as a guest id it would be refused.
            guest_key = identity_id_cache_key(self.identity_pool_id, ANONYMOUS)
            if guest_key != key and self._cache_get(guest_key) in {previous, returned}:
                self._cache_remove(guest_key)

    def _forget_identity_id(self, signed_in: bool) -> None:
        self._identity_id = None
        key = self._cache_key_for(signed_in)
        if key:
            self._cache_remove(key)

    # A cache is an optimisation: a full disk or a read-only folder must not stop credentials.
    def _cache_get(self, key: str) -> str | None:
        try:
            return self.cache.get(key)
        except OSError:
            logger.warning("Could not read the identity id cache", exc_info=True)
            return None

    def _cache_set(self, key: str, identity_id: str) -> None:
        try:
            self.cache.set(key, identity_id)
        except OSError:
            logger.warning("Could not write the identity id cache", exc_info=True)

    def _cache_remove(self, key: str) -> None:
        try:
            self.cache.remove(key)
        except OSError:
            logger.warning("Could not write the identity id cache", exc_info=True)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(identity_pool_id={self.identity_pool_id!r}, flow={self.flow!r}, "
            f"identity_id={self._identity_id!r}, logins={self.login_providers!r})"
        )


# -- refresh timing ---------------------------------------------------------------------------------


class _RedactedReadOnlyCredentials(ReadOnlyCredentials):
    """botocore's frozen credentials, whose namedtuple ``repr`` would print the secret key."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"ReadOnlyCredentials(access_key={_HIDDEN!r}, secret_key={_HIDDEN!r}, token={_HIDDEN!r})"

    __str__ = __repr__


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class CognitoIdentityRefreshableCredentials(DeferredRefreshableCredentials):
    """Credentials fetched on first use and refreshed before they expire (botocore's rules).

    Advisory window 15 minutes before expiry: one caller refreshes while the others keep the current
    credentials (a failure is logged and the old ones are kept); mandatory window 10 minutes: everyone
    waits and errors propagate. Set explicitly here rather than inherited, because the identity pool's
    one-hour credentials make the values part of the behaviour. :meth:`expire` is v2's
    ``credentials.expired = true``: the next use refreshes as in the mandatory window.
    """

    _advisory_refresh_timeout = 15 * 60
    _mandatory_refresh_timeout = 10 * 60

    def __init__(
        self,
        refresh_using: Callable[[], dict[str, str]],
        method: str = METHOD,
        time_fetcher: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(self._fetch_tracking_generation, method, time_fetcher or _utc_now)
        self._fetch = refresh_using
        # A generation number per expire(): credentials fetched before the latest expire() are stale
        # even if a refresh that started before it finishes after it (a sign-in during a refresh).
        self._generation_lock = threading.Lock()
        self._wanted_generation = 0
        self._staged_generation = 0
        self._current_generation = 0

    @property
    def expiry_time(self) -> datetime | None:
        """When the current credentials expire, by the issuer's clock; ``None`` before the first fetch."""
        return self._expiry_time

    def expire(self) -> None:
        """Make the next use fetch new credentials, blocking as in the mandatory window."""
        with self._generation_lock:
            self._wanted_generation += 1

    def refresh_needed(self, refresh_in: int | None = None) -> bool:
        if self._current_generation < self._wanted_generation:
            return True
        return super().refresh_needed(refresh_in)

    def _is_expired(self) -> bool:
        # botocore raises if freshly fetched credentials count as expired; only time decides that.
        return super().refresh_needed(0)

    def _fetch_tracking_generation(self) -> dict[str, str]:
        generation = self._wanted_generation
        metadata = self._fetch()
        self._staged_generation = generation
        return metadata

    def _publish_refresh(self) -> None:
        super()._publish_refresh()
        self._frozen_credentials = _RedactedReadOnlyCredentials(*self._frozen_credentials)
        self._current_generation = self._staged_generation

    def __repr__(self) -> str:
        expiry = self._expiry_time.isoformat() if self._expiry_time else "not fetched"
        return f"<{type(self).__name__} method={self.method!r} expires={expiry}>"

    __str__ = __repr__


# -- the provider and the entry point ---------------------------------------------------------------


class CognitoIdentityCredentialProvider(CredentialProvider):
    """A botocore credential provider that always answers with one identity pool's credentials."""

    METHOD = METHOD
    CANONICAL_NAME = "custom-cognito-identity-pool"  # botocore asks non-botocore providers for "custom"

    def __init__(self, credentials: CognitoIdentityRefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> CognitoIdentityRefreshableCredentials:
        # Deferred: nothing is fetched until a client signs its first request.
        return self._credentials

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._credentials!r})"


class CognitoIdentityCredentials:
    """An identity pool's credentials as a boto3 Session, like v2 ``AWS.CognitoIdentityCredentials``.

    ``logins`` maps provider names to tokens or to functions returning one. The enhanced flow is used
    unless ``role_arn`` is given (then the basic flow, which the pool must allow). ``cache`` stores
    identity ids (default in memory; :class:`JsonFileIdentityIdCache` to keep them on disk).
    ``endpoint_url`` defaults to botocore's resolution, which honours ``AWS_ENDPOINT_URL``.
    ``time_fetcher`` returns "now" for the refresh decision; pass the issuer's clock when it differs
    from this machine's (a local AWS whose clock was moved forward). The identity pool calls are unsigned,
    from a session of their own, so no ambient AWS keys are needed and fetching can never recurse.
    """

    def __init__(
        self,
        identity_pool_id: str,
        region: str | None = None,
        logins: Logins | None = None,
        custom_role_arn: str | None = None,
        role_arn: str | None = None,
        account_id: str | None = None,
        cache: IdentityIdCache | None = None,
        user_identifier: str | None = None,
        endpoint_url: str | None = None,
        time_fetcher: Callable[[], datetime] | None = None,
        role_session_name: str = DEFAULT_ROLE_SESSION_NAME,
    ) -> None:
        self.identity_pool_id = identity_pool_id
        # A pool id is "<region>:<guid>" [MODEL]; its region is the one to call.
        self.region = region or identity_pool_id.split(":", 1)[0]
        unsigned = Config(signature_version=UNSIGNED)
        # No credential lookup: unsigned clients skip it. From the process's one Session (sessions.py).
        where = {"region_name": self.region, "endpoint_url": endpoint_url, "config": unsigned}
        self.cognito_identity = shared_client("cognito-identity", **where)
        self.sts = shared_client("sts", **where)
        self.fetcher = CognitoIdentityCredentialFetcher(
            identity_pool_id,
            self.cognito_identity,
            self.sts,
            cache=cache,
            logins=logins,
            custom_role_arn=custom_role_arn,
            role_arn=role_arn,
            account_id=account_id,
            user_identifier=user_identifier,
            role_session_name=role_session_name,
        )
        self.credentials = CognitoIdentityRefreshableCredentials(
            self.fetcher.fetch, time_fetcher=time_fetcher
        )
        self.provider = CognitoIdentityCredentialProvider(self.credentials)
        core = botocore_session()
        # First in the chain: environment keys or profiles must not win over the identity pool.
        core.get_component("credential_provider").insert_before("env", self.provider)
        self.session = boto3.Session(botocore_session=core, region_name=self.region)

    @property
    def identity_id(self) -> str:
        """The identity id, fetching credentials first if needed (v2: ``creds.get()``, ``identityId``)."""
        self.credentials.get_frozen_credentials()
        identity_id = self.fetcher.identity_id
        if identity_id is None:  # only if sign_out() ran between the fetch and this line
            raise RuntimeError("signed out while the identity id was being read")
        return identity_id

    @property
    def expiration(self) -> datetime | None:
        """When the current credentials expire; ``None`` before the first use."""
        return self.credentials.expiry_time

    @property
    def login_providers(self) -> list[str]:
        """The identity providers currently signed in with (names only); empty for a guest."""
        return self.fetcher.login_providers

    def set_logins(
        self,
        logins: Logins,
        role_arn: str | None = None,
        custom_role_arn: str | None = None,
        user_identifier: str | None = None,
    ) -> None:
        """Sign in after guest use: ``creds.params.Logins = ...; creds.expired = true`` in v2.

        The next use (of any client of :attr:`session`) refreshes with the guest's identity id and these
        logins, which links them to it, or adopts the login's own identity if it has one (a merge). In
        the basic flow pass the authenticated role's ``role_arn``. Call :meth:`refresh` to fetch at once.
        To switch to another user, :meth:`sign_out` first: otherwise their login would merge with this
        identity.
        """
        self.fetcher.set_logins(logins, role_arn, custom_role_arn, user_identifier)
        self.credentials.expire()

    def sign_out(self, role_arn: str | None = None) -> None:
        """Forget logins and the identity id; the next use is a new guest (basic flow: pass its role)."""
        self.fetcher.sign_out(role_arn)
        self.credentials.expire()

    def refresh(self) -> None:
        """Fetch new credentials now."""
        self.credentials.expire()
        self.credentials.get_frozen_credentials()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(identity_pool_id={self.identity_pool_id!r}, region={self.region!r}, "
            f"flow={self.fetcher.flow!r}, identity_id={self.fetcher.identity_id!r}, "
            f"logins={self.fetcher.login_providers!r}, expiration={self.expiration})"
        )

    __str__ = __repr__
