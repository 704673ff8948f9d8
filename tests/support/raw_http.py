"""Raw HTTP for tests of the local AWS's edges: requests signed as the local administrator, bytes on a
socket, and a local AWS in a process of its own (for what would disturb the run's shared moto state)."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from tests.support.processes import LineReader, start_module

ADMIN = Credentials("testing", "testing")
REGION = "us-east-1"


def signed_headers(
    method: str,
    url: str,
    service: str,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    credentials: Credentials = ADMIN,
) -> dict[str, str]:
    """The headers of ``method url`` signed with SigV4 (S3's variant for ``s3``) as ``credentials``.

    For S3 over plain HTTP botocore signs the payload's SHA-256 (``X-Amz-Content-SHA256``); the signature
    does not cover ``Content-Length`` or ``Transfer-Encoding``, so the body may then be sent chunked.
    """
    request = AWSRequest(method=method, url=url, data=body, headers=dict(headers or {}))
    signer = S3SigV4Auth if service == "s3" else SigV4Auth
    signer(credentials, service, REGION).add_auth(request)
    return {
        name: value.decode() if isinstance(value, bytes) else value for name, value in request.headers.items()
    }


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def parse_answer(data: bytes) -> RawAnswer:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        decoded, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            decoded, rest = decoded + rest[:size], rest[size + 2 :]
        body = decoded
    return RawAnswer(status, headers, body)


def _complete(data: bytes) -> bool:
    """Whether ``data`` holds a whole answer with a ``Content-Length`` (the server may keep the
    connection open a while after answering, reading what the client still sends)."""
    head, found, body = data.partition(b"\r\n\r\n")
    if not found:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False


def exchange(url: str, data: bytes | list[bytes], timeout: float = 20) -> RawAnswer:
    """Send ``data`` (bytes, or pieces sent one after another) to the server of ``url``; read the whole
    answer (to its ``Content-Length``, else until the server closes the connection)."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        for piece in data if isinstance(data, list) else [data]:
            try:
                sock.sendall(piece)
            except (BrokenPipeError, ConnectionResetError):
                break  # the server answered and closed early: read what it said
        received = b""
        while not _complete(received):
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
    assert received, "the server closed the connection without answering"
    return parse_answer(received)


def request_bytes(method: str, url: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    """An HTTP/1.1 request as bytes; ``Host`` from ``url`` unless ``headers`` name one."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target or '/'} HTTP/1.1"]
    if not any(name.lower() == "host" for name in headers):
        lines.append(f"Host: {parts.netloc}")
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("iso-8859-1") + body


def chunked(body: bytes, size: int = 7) -> bytes:
    """``body`` in ``Transfer-Encoding: chunked`` framing, ``size`` bytes per chunk."""
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


@dataclass
class SeparateLocalAWS:
    """A local AWS in its own process: moto's state there is its own, so it may be reset."""

    url: str
    process: subprocess.Popen


def separate_local_aws() -> Iterator[SeparateLocalAWS]:
    """Generator for a fixture: ``python -m helpers.local_aws --port 0``, stopped afterwards."""
    process = start_module("helpers.local_aws", "--port", "0", merge=False)
    try:
        url = LineReader(process.stdout).wait_for(lambda line: line.startswith("http://"), timeout=60)
        yield SeparateLocalAWS(url, process)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
