"""AWS's query protocol (STS, IAM): XML answers for the layers, and the one reader of request bodies."""

from __future__ import annotations

import uuid
from typing import Any
from xml.sax.saxutils import escape


def read_body(environ: dict[str, Any]) -> bytes:
    """The request body, put back into the environ so the next layer (finally moto) reads it again."""
    import io

    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def element(name: str, value: Any) -> str:
    return f"<{name}>{escape(str(value))}</{name}>"


def xml_answer(start_response: Any, action: str, namespace: str, result_xml: str) -> list[bytes]:
    body = (
        f'<{action}Response xmlns="{namespace}"><{action}Result>{result_xml}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata></{action}Response>"
    ).encode()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(body)))])
    return [body]


def xml_error(
    start_response: Any, namespace: str, code: str, message: str, status: int = 400, sender: bool = True
) -> list[bytes]:
    """Send a query-protocol ``<ErrorResponse>`` (written by :func:`..wire.errors.query_error`)."""
    from .wire.errors import query_error

    return query_error(namespace, code, message, status, sender).send(start_response)
