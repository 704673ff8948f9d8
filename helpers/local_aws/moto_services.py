"""moto's handlers for exactly the service the front door decided, called without moto's Flask layer.

moto's server answers a request in three steps: its dispatcher guesses the service from the request's
headers (and lists moto's package directory to do so), the service's Flask app matches the path
against the service's URL rules, and the matched handler (``DynamoHandler.dispatch``,
``S3Response.key_dispatch``, ...) answers it. The front door already knows the service, so
:class:`MotoServices` asks the dispatcher for each service's app once; :class:`MotoServiceApp` then
matches the path with that app's own URL rules and calls the handler as moto's view function does
(``moto.core.utils.convert_to_flask_response``): the same request class moto's server uses
(``BackendRequest``), the same arguments, moto's request recorder, a ``ClientError`` answered 400, the
answer as Flask's ``Response`` class builds it (written out directly for the common shape of answer, see
:func:`plain_answer`). What is left out is Flask's per-request machinery
(application and request contexts, sessions, signals) and flask-cors' headers, which the local AWS's
cross-origin edge replaces on every answer anyway. Nothing of moto is patched; the names used are
module-level names moto's own server is built from. Should one of them disappear from a future moto,
the service's Flask app answers instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .constants import DEFAULT_REGION
from .wire.envelope import StartResponse, WSGIApp

try:  # the names moto's server app is built from (moto/moto_server/werkzeug_app.py, moto/core/utils.py)
    from botocore.exceptions import ClientError
    from flask import Response
    from moto.moto_api import recorder
    from moto.moto_server.werkzeug_app import BackendRequest
    from werkzeug.exceptions import HTTPException
    from werkzeug.http import HTTP_STATUS_CODES
except ImportError:  # pragma: no cover - a moto without them: its Flask apps answer
    BackendRequest = None


class MotoServiceApp:
    """A WSGI app answering one moto service with the handlers of its Flask app (see the module)."""

    def __init__(self, flask_app: Any) -> None:
        self.flask_app = flask_app
        self.url_map = flask_app.url_map
        self.handlers = {
            endpoint: getattr(view, "callback", None) for endpoint, view in flask_app.view_functions.items()
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            endpoint, _ = self.url_map.bind_to_environ(environ).match()
        except HTTPException as error:  # no rule for the path or method: Flask answers the same
            return error(environ, start_response)
        handler = self.handlers.get(endpoint)
        if handler is None:  # a view that is not moto's handler wrapper: let Flask run it
            return self.flask_app(environ, start_response)
        request = BackendRequest(environ)
        try:
            recorder._record_request(request)
            # ``raw_url``: the URL as it arrived, as moto's view function passes it.
            result = handler(request, request.raw_url, dict(request.headers))
        except ClientError as error:
            result = 400, {}, error.response["Error"]["Message"]
        except HTTPException as error:  # moto's RESTError and werkzeug's errors: Flask answers them so
            return error(environ, start_response)
        except NotImplementedError:  # an operation of the service that moto has not built
            return not_implemented(environ, start_response)
        if len(result) == 3:
            status, headers, content = result
        else:
            status, headers, content = 200, {}, result
        if request.method != "HEAD":
            answer = plain_answer(status, headers, content, start_response)
            if answer is not None:
                return answer
        response = Response(response=content, status=status, headers=headers)
        if request.method == "HEAD" and "content-length" in headers:
            response.headers["Content-Length"] = headers["content-length"]
        return response(environ, start_response)


def whole_answer(app: WSGIApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    """``app``'s whole answer to ``environ``: its status line, headers and body, for a layer that changes
    moto's answer before it is sent (werkzeug's ``run_wsgi_app``, buffered)."""
    from werkzeug.test import run_wsgi_app

    chunks, status, headers = run_wsgi_app(app, environ, buffered=True)
    return status, headers.to_wsgi_list(), b"".join(chunks)


def not_implemented(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    """HTTP 501 ``NotImplemented`` in the request's own format, as for a service the local AWS does not
    serve: an operation moto lacks (cognito-idp ``RevokeToken``) raised inside moto and became HTTP 500."""
    from .wire.envelope import envelope_of
    from .wire.errors import WireError

    envelope = envelope_of(environ)
    if envelope is None:
        raise NotImplementedError(environ.get("PATH_INFO", ""))
    operation = envelope.operation or "this operation"
    message = f"The local AWS does not implement {operation} ({envelope.service})."
    error = WireError.same("NotImplemented", message, 501)
    return envelope.error_answer(error).send(start_response, envelope.method)


#: Statuses whose answers werkzeug changes (no body, no Content-Length, no entity headers): left to it.
_SPECIAL_STATUSES = frozenset({204, 304})
#: Headers werkzeug rewrites (IRIs made URIs): answers that carry one are left to it.
_REWRITTEN_HEADERS = frozenset({"location", "content-location"})


def plain_answer(
    status: Any, headers: Any, content: Any, start_response: StartResponse
) -> list[bytes] | None:
    """Answer a handler's ``(status, headers, content)`` exactly as ``Response(response=content,
    status=status, headers=headers)`` answers a request other than HEAD, for the common shape: a known
    status (not 1xx, 204 or 304), a body of text or bytes, and a dict of text (or integer) headers
    without newlines or a ``Location``/``Content-Location``. Anything else returns ``None`` (and starts no
    response), and Flask's class answers it.

    What ``Response`` does for that shape: the status line with the standard reason in capitals; the
    headers in order; ``Content-Type: text/html; charset=utf-8`` appended when there is none (Flask's
    default mimetype); a text body encoded as UTF-8 and its length set as ``Content-Length``, in place
    of the first ``Content-Length`` the handler gave (any other dropped) or appended.
    """
    if type(status) is not int or status < 200 or status in _SPECIAL_STATUSES:
        return None
    reason = HTTP_STATUS_CODES.get(status)
    if reason is None or not isinstance(headers, dict):
        return None
    if isinstance(content, str):
        body = content.encode()
    elif isinstance(content, bytes):
        body = content
    else:
        return None
    length = str(len(body))
    answer_headers: list[tuple[str, str]] = []
    length_at = -1
    typed = False
    for name, value in headers.items():
        if type(value) is int:  # a length or a count: werkzeug writes it with str()
            value = str(value)
        if type(name) is not str or type(value) is not str or "\n" in value or "\r" in value:
            return None
        lowered = name.lower()
        if lowered in _REWRITTEN_HEADERS:
            return None
        if lowered == "content-length":
            if length_at < 0:
                length_at = len(answer_headers)
                answer_headers.append(("Content-Length", length))
            continue
        typed = typed or lowered == "content-type"
        answer_headers.append((name, value))
    if not typed:
        answer_headers.append(("Content-Type", "text/html; charset=utf-8"))
    if length_at < 0:
        answer_headers.append(("Content-Length", length))
    start_response(f"{status} {reason.upper()}", answer_headers)
    return [body]


class MotoServices:
    """moto's app for exactly the service the front door decided: moto's dispatcher resolves the backend
    for ``<service>.<region>.amazonaws.com`` once per service, and its apps are reused, so moto never
    re-infers the service from headers (nor lists its package directory on every request). Service
    apps answer through :class:`MotoServiceApp`; moto's own API (``moto_api``) through its Flask app."""

    def __init__(self, dispatcher: Any) -> None:
        self.dispatcher = dispatcher
        self._apps: dict[str, WSGIApp] = {}

    def app(self, service: str) -> WSGIApp:
        found = self._apps.get(service)
        if found is None:
            with self.dispatcher.lock:
                backend = self.dispatcher.get_backend_for_host(f"{service}.{DEFAULT_REGION}.amazonaws.com")
            if backend is None:
                raise LookupError(service)
            flask_app = self.flask_app(backend)
            found = MotoServiceApp(flask_app) if BackendRequest is not None else flask_app
            self._apps[service] = found
        return found

    def moto_api(self) -> WSGIApp:
        return self.app_named("moto_api")

    def app_named(self, backend: str) -> WSGIApp:
        found = self._apps.get(f"backend:{backend}")
        if found is None:
            found = self.flask_app(backend)
            self._apps[f"backend:{backend}"] = found
        return found

    def flask_app(self, backend: str) -> Any:
        """moto's Flask app for ``backend``, made once and shared with moto's dispatcher."""
        with self.dispatcher.lock:
            found = self.dispatcher.app_instances.get(backend)
            if found is None:
                found = self.dispatcher.create_app(backend)
                self.dispatcher.app_instances[backend] = found
        return found
