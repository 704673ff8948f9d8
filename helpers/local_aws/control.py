"""The local AWS's own endpoints: status, clock, one reset, and the guard in front of them and moto's API.

* ``GET /_local_aws/status``: a small JSON document about the running local AWS.
* ``GET /_local_aws/clock``; ``POST /_local_aws/clock`` with ``{"advance": <seconds>}`` or
  ``{"reset": true}``: the clock tokens and credentials expire by (:mod:`.clock`). ``advance`` takes a
  finite number of seconds from 0 up to :data:`MAX_ADVANCE_SECONDS`, and the clock never goes further
  than :data:`MAX_OFFSET_SECONDS` ahead of real time; anything else is refused with 400 (``NaN`` or
  ``1e400`` would otherwise make every later expiry check fail).
* ``GET /moto-api/data.json``: moto's dashboard data, answered here (:func:`moto_model_data`) so that
  one model whose attribute cannot be read (an S3 object of a deleted bucket) does not make it a 500.
* ``POST /moto-api/reset``: moto's reset, extended to the whole local AWS: moto's state *and* the
  layers' (identity pools, issued credentials, the clock, the stand-in providers' tokens, caches), so no
  identity pool survives pointing at roles and buckets that no longer exist.

:class:`AdminGuard` protects these and every ``/moto-api/...`` endpoint from web pages: they change or
reveal the whole emulator, and any page the learner visits can send requests to ``127.0.0.1``.

* The ``Host`` header must name the loopback interface or the address the local AWS was bound to
  (:mod:`.host_header`, the one rule, which the served local AWS applies to every request at its edge):
  a page that rebinds its own DNS name to 127.0.0.1 sends its own name (DNS rebinding) and gets 403.
* A request that changes state (``POST``, ``PUT``, ``PATCH``, ``DELETE``, and any request to one of
  moto's endpoints that change state whatever the method) must say ``Content-Type: application/json``:
  a page can send that only after a CORS preflight, which ``cross_origin`` refuses for these
  endpoints; the simple requests a page may send without asking (a form's ``text/plain`` or
  ``application/x-www-form-urlencoded`` POST, an ``<img>`` tag's GET) get 415.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .endpoints import is_administrative
from .host_header import addressed_here

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]

STATUS_PATH = "/_local_aws/status"
CLOCK_PATH = "/_local_aws/clock"
MOTO_RESET_PATH = "/moto-api/reset"
MOTO_DATA_PATH = "/moto-api/data.json"

#: The most one ``advance`` may move the clock: ten years.
MAX_ADVANCE_SECONDS = 10 * 366 * 86_400
#: The most the clock may run ahead of real time: a hundred years (tokens' ``exp`` stays a sane date).
MAX_OFFSET_SECONDS = 100 * 366 * 86_400
#: The largest body an administrative request may have.
MAX_ADMIN_BODY = 64 * 1024

_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: moto's API endpoints that only read on GET; moto's other endpoints (``seed``, ``static/...``,
#: ``state-manager/set-transition``, ``recorder/...``) change state whatever the method, even on a GET a
#: page can send with an ``<img>`` tag, so they need the JSON content type on every method.
_MOTO_READ_ONLY = frozenset(
    {
        "/moto-api/",
        "/moto-api/lib.js",
        "/moto-api/data.json",
        "/moto-api/config",
        "/moto-api/proxy/passthrough",
        "/moto-api/state-manager/get-transition",
        "/moto-api/recorder/download-recording",
    }
)
_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    413: "Payload Too Large",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
}


def json_answer(start_response: StartResponse, payload: Any, status: int = 200) -> list[bytes]:
    body = json.dumps(payload).encode()
    start_response(
        f"{status} {_REASONS.get(status, 'Error')}",
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "no-store"),
        ],
    )
    return [body]


def moto_model_data() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """What moto's ``/moto-api/data.json`` shows: each tracked model instance's JSON-serialisable
    public attributes, by service and model name.

    moto builds the same, but lets an attribute whose getter raises escape as a 500: an S3 object whose
    bucket was deleted (the course's clean-up deletes its bucket) reads its bucket's status and raises
    NoSuchBucket. Here such an attribute is left out, as moto leaves out those it cannot serialise.
    """
    from moto.core.model_instances import model_data

    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for service in sorted(model_data):
        models = model_data[service]
        results[service] = {}
        for name in sorted(models):
            shown = []
            for instance in list(models[name].instances_tracked):  # type: ignore[attr-defined]
                attributes = {}
                for attr in dir(instance):
                    if attr.startswith("_"):
                        continue
                    try:
                        value = getattr(instance, attr)
                        json.dumps(value)
                    except Exception:  # noqa: BLE001 - any attribute that cannot be read or shown is left out
                        continue
                    attributes[attr] = value
                shown.append(attributes)
            results[service][name] = shown
    return results


class AdminRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class AdminGuard:
    """The checks every administrative request passes (see the module's docstring)."""

    def check(self, environ: dict[str, Any]) -> None:
        """Raise :class:`AdminRefused` unless ``environ`` may reach an administrative endpoint."""
        if not addressed_here(environ):  # the served local AWS refuses these at its edge already
            raise AdminRefused(
                403, "the local AWS's administrative endpoints answer only requests addressed to loopback"
            )
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
        reads = method in ("GET", "HEAD") and (not path.startswith("/moto-api") or path in _MOTO_READ_ONLY)
        if method in _STATE_CHANGING or not reads:
            media_type = environ.get("CONTENT_TYPE", "").split(";", 1)[0].strip().lower()
            if media_type != "application/json":
                raise AdminRefused(415, "send Content-Type: application/json")


def read_json_object(environ: dict[str, Any]) -> dict[str, Any]:
    """The request's JSON object body; refuses non-finite numbers (``NaN``, ``Infinity``) and nesting."""
    length_text = environ.get("CONTENT_LENGTH") or "0"
    length = int(length_text) if length_text.isdigit() else 0
    if length > MAX_ADMIN_BODY:
        raise AdminRefused(413, f"the body is over {MAX_ADMIN_BODY} bytes")
    raw = environ["wsgi.input"].read(length) if length else b""

    def refuse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not a number the local AWS accepts")

    try:
        order = json.loads(raw or b"{}", parse_constant=refuse_constant)
    except (ValueError, RecursionError) as error:
        raise AdminRefused(400, f"send a JSON object ({error})") from None
    if not isinstance(order, dict):
        raise AdminRefused(400, "send a JSON object")
    return order


def seconds_to_advance(order: dict[str, Any], offset: float) -> float:
    """The ``advance`` of a clock order, checked: a finite number from 0 to the limits above."""
    seconds = order["advance"]
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise AdminRefused(400, "advance takes a number of seconds")
    if not math.isfinite(seconds):
        raise AdminRefused(400, "advance takes a finite number of seconds")
    if seconds < 0:
        raise AdminRefused(400, "the clock only moves forward")
    if seconds > MAX_ADVANCE_SECONDS or offset + seconds > MAX_OFFSET_SECONDS:
        raise AdminRefused(
            400,
            f"advance at most {MAX_ADVANCE_SECONDS} seconds at a time and "
            f"{MAX_OFFSET_SECONDS} seconds ahead of real time",
        )
    return float(seconds)


class LocalAWSReset:
    """One reset for moto and the layers: moto's ``/moto-api/reset``, then each layer's ``reset``."""

    def __init__(self, moto: WSGIApp, parts: Sequence[Callable[[], None]]) -> None:
        self.moto = moto
        self.parts = list(parts)

    def __call__(self) -> tuple[int, bytes]:
        """Reset everything; moto's answer (status, body)."""
        from werkzeug.test import Client

        answer = Client(self.moto).post(MOTO_RESET_PATH)
        try:
            status, body = answer.status_code, answer.get_data()
        finally:
            answer.close()
        for reset in self.parts:
            reset()
        return status, body


class ControlLayer:
    """The local AWS's own endpoints (status, clock, reset) and the guard in front of moto's API."""

    def __init__(
        self,
        clock: Any,
        reset: LocalAWSReset | None = None,
        layer_names: Callable[[], list[str]] = list,
        guard: AdminGuard | None = None,
        routes: Callable[[], list[Any]] = list,
    ) -> None:
        self.clock = clock
        self.reset = reset
        self.layer_names = layer_names
        self.guard = guard or AdminGuard()
        self.routes = routes

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes] | None:
        if not is_administrative(environ):
            return None
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        try:
            self.guard.check(environ)
            if path == STATUS_PATH and method == "GET":
                return json_answer(start_response, self.status())
            if path == CLOCK_PATH and method == "GET":
                return json_answer(start_response, self._clock())
            if path == CLOCK_PATH and method == "POST":
                self.order_clock(read_json_object(environ))
                return json_answer(start_response, self._clock())
            if path == MOTO_DATA_PATH and method == "GET":
                return json_answer(start_response, moto_model_data())
            if path == MOTO_RESET_PATH and method == "POST" and self.reset is not None:
                status, body = self.reset()
                start_response(
                    f"{status} {_REASONS.get(status, 'Error')}",
                    [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
                )
                return [body]
            if path in (STATUS_PATH, CLOCK_PATH):
                raise AdminRefused(405, f"{path} answers GET" + (" and POST" if path == CLOCK_PATH else ""))
        except AdminRefused as refused:
            return json_answer(start_response, {"message": refused.message}, refused.status)
        return None  # the rest of moto's API, past the guard

    def order_clock(self, order: dict[str, Any]) -> None:
        if order.get("reset") is True and set(order) == {"reset"}:
            self.clock.reset()
        elif set(order) == {"advance"}:
            self.clock.advance(seconds_to_advance(order, self.clock.offset))
        else:
            raise AdminRefused(400, 'send {"advance": <seconds>} or {"reset": true}')

    def status(self) -> dict[str, Any]:
        import moto

        return {
            "service": "local-aws",
            "moto": moto.__version__,
            "layers": self.layer_names(),
            "routes": self.routes(),
            "clock": self._clock(),
        }

    def _clock(self) -> dict[str, float | str]:
        clock = self.clock
        return {"now": clock.now(), "iso": clock.now_datetime().isoformat(), "offset_seconds": clock.offset}
