"""Which AWS the course talks to: the local AWS (default) or a real account (explicit opt-in only).

* **local** (default): ``AWS_ENDPOINT_URL`` when it is set (``make lab`` and ``make test`` set it),
  otherwise a local AWS started inside this Python process on a free loopback port. Dummy
  administrator credentials; nothing leaves the machine.
* **real AWS**: chosen with ``connect(target="aws")`` or ``COURSE_TARGET=aws``, and used only when
  ``COURSE_AWS_ACCOUNT_ID`` names the account the ambient credentials belong to. The course creates
  resources there, so it refuses to guess.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

import boto3

from . import local_aws
from .masking import mask_account_id
from .sessions import boto3_session

TARGET_VARIABLE = "COURSE_TARGET"
ACCOUNT_VARIABLE = "COURSE_AWS_ACCOUNT_ID"

TargetKind = Literal["local", "aws"]


class RealAWSNotAllowed(RuntimeError):
    """Raised when real AWS is asked for without the opt-in that names the account."""


OPT_IN_HELP = (
    "To run the course against a real AWS account, opt in explicitly: "
    f"set {ACCOUNT_VARIABLE} to the 12-digit id of the account your credentials belong to "
    "(the course creates identity pools, IAM roles and an S3 bucket there, all tagged for cleanup), "
    "for example\n"
    f"    export {TARGET_VARIABLE}=aws {ACCOUNT_VARIABLE}=111122223333 AWS_DEFAULT_REGION=us-east-1\n"
    f"then restart the kernel. Leave {TARGET_VARIABLE} unset to use the local AWS."
)


@dataclass
class Target:
    """A ready boto3 session and where it points."""

    kind: TargetKind
    session: boto3.Session = field(repr=False)
    region: str
    account_id: str
    endpoint_url: str | None = None
    #: Where the region came from on real AWS: ``connect(region=...)``, ``AWS_REGION``,
    #: ``AWS_DEFAULT_REGION`` or the AWS config file's profile.
    region_source: str | None = None
    _clients: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _clients_lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def client(self, service: str) -> Any:
        """``session.client(service)``, made once per target and service: the course's helpers call it
        many times (making a client costs milliseconds), and boto3's clients are thread-safe."""
        with self._clients_lock:  # a Session is not thread-safe: clients are made one at a time
            if service not in self._clients:
                self._clients[service] = self.session.client(service)
            return self._clients[service]

    @property
    def is_local(self) -> bool:
        return self.kind == "local"

    def describe(self) -> str:
        account = mask_account_id(self.account_id)
        if self.is_local:
            return f"Target: local AWS at {self.endpoint_url} (region {self.region}, account {account})"
        source = f" (region from {self.region_source})" if self.region_source else ""
        return f"Target: REAL AWS account {account} in {self.region}{source}"

    def __str__(self) -> str:
        return self.describe()

    def local_only(self, what: str) -> bool:
        """True on the local AWS; on real AWS, print why the cell skips ``what`` and return False."""
        if not self.is_local:
            print(f"Skipped on real AWS: {what} exists only in the local AWS.")
        return self.is_local


_lock = threading.Lock()
_in_process: local_aws.LocalAWS | None = None


def _in_process_local_aws() -> local_aws.LocalAWS:
    """The local AWS of this process, started on first use (one per process, shared by every caller)."""
    global _in_process
    with _lock:
        if _in_process is None:
            _in_process = local_aws.LocalAWS(port=0).start()
        return _in_process


def _use_local_environment(url: str, region: str) -> None:
    local_aws.export_client_environment(url, region)
    boto3.DEFAULT_SESSION = None  # so a bare boto3.client() sees the new environment


def connect(target: TargetKind | None = None, *, region: str | None = None, quiet: bool = False) -> Target:
    """Give the notebook a boto3 Session on the chosen target and say which target that is.

    ``target`` defaults to ``$COURSE_TARGET``, then ``"local"``. Real AWS needs ``$COURSE_AWS_ACCOUNT_ID``
    (see :data:`OPT_IN_HELP`); without it this raises :class:`RealAWSNotAllowed` before any request is sent.
    """
    kind = (target or os.environ.get(TARGET_VARIABLE) or "local").strip().lower()
    if kind == "local":
        chosen = _connect_local(region)
    elif kind == "aws":
        chosen = _connect_real(region)
    else:
        raise ValueError(f"unknown target {kind!r}: use 'local' (default) or 'aws'")
    if not quiet:
        print(chosen.describe())
    return chosen


def _connect_local(region: str | None) -> Target:
    region = (
        region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or local_aws.DEFAULT_REGION
    )
    url = os.environ.get("AWS_ENDPOINT_URL") or _in_process_local_aws().url
    _use_local_environment(url, region)
    # The local administrator's keys, explicitly: a learner's ambient profile must never sign local requests.
    admin = local_aws.admin_keys()
    session = boto3_session(
        aws_access_key_id=admin.access_key_id,
        aws_secret_access_key=admin.secret_access_key,
        aws_session_token=None,
        region_name=region,
    )
    return Target("local", session, region, local_aws.ACCOUNT_ID, url)


def _connect_real(region: str | None) -> Target:
    expected = os.environ.get(ACCOUNT_VARIABLE, "").strip()
    if not expected:
        raise RealAWSNotAllowed(f"Refusing to use real AWS: {ACCOUNT_VARIABLE} is not set.\n{OPT_IN_HELP}")
    if not re.fullmatch(r"\d{12}", expected):
        raise RealAWSNotAllowed(
            f"Refusing to use real AWS: {ACCOUNT_VARIABLE} must be a 12-digit account id.\n{OPT_IN_HELP}"
        )
    # boto3 itself reads AWS_DEFAULT_REGION (and the profile's region), not AWS_REGION; accept either
    # variable, as the AWS CLI and the other SDKs do, and say which one was used.
    source = "connect(region=...)" if region else None
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        if not region and os.environ.get(variable, "").strip():
            region, source = os.environ[variable].strip(), variable
    session = boto3_session(region_name=region) if region else boto3_session()
    if not session.region_name:
        raise RealAWSNotAllowed(
            "Refusing to use real AWS without an explicit region: set AWS_REGION or AWS_DEFAULT_REGION "
            "(for example us-east-1)."
        )
    actual = session.client("sts").get_caller_identity()["Account"]
    if actual != expected:
        raise RealAWSNotAllowed(
            f"Refusing to use real AWS: your credentials belong to account {mask_account_id(actual)}, "
            f"but {ACCOUNT_VARIABLE} names {mask_account_id(expected)}. Fix one of them."
        )
    return Target(
        "aws",
        session,
        session.region_name,
        actual,
        os.environ.get("AWS_ENDPOINT_URL"),
        source or "the AWS config file",
    )
