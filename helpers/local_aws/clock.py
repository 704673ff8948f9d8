"""The local AWS's controllable clock.

Tokens and credentials expire by this clock, so a notebook can show an expired OpenID token or expired
credentials without waiting an hour: ``POST /_local_aws/clock`` with ``{"advance": 3600}`` moves it
forward for every client; ``GET`` reads it; ``{"reset": true}`` returns to real time. It only moves
forward from real time (an offset), so what the local AWS issues never predates what it issued before.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()
        # (real time of a change, offset from then on): to place in local time what was stamped in real time.
        self._history: list[tuple[float, float]] = [(float("-inf"), 0.0)]

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        """Seconds since the epoch, as the local AWS sees them."""
        return time.time() + self._offset

    def now_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.now(), tz=timezone.utc)

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            self._history.append((time.time(), self._offset))
            return self._offset

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0
            self._history.append((time.time(), 0.0))

    def local_time_of(self, real_timestamp: float) -> float:
        """The local time of an instant stamped in real time (moto's user pools stamp tokens so).

        A token moto issued after the clock was advanced is as fresh, in local time, as one issued
        before; one issued before the advance has aged by it.
        """
        offset = 0.0
        for changed_at, new_offset in self._history:
            # Stamps are whole seconds: one in the same second as a change counts as after it.
            if changed_at >= real_timestamp + 1:
                break
            offset = new_offset
        return real_timestamp + offset


def _endpoint(endpoint_url: str | None) -> str:
    import os

    url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if not url:
        raise RuntimeError("no local AWS to talk to: pass endpoint_url or set AWS_ENDPOINT_URL")
    return url.rstrip("/")


def _clock_request(endpoint_url: str | None, order: dict[str, object] | None) -> dict[str, float | str]:
    import json
    import urllib.request

    request = urllib.request.Request(
        _endpoint(endpoint_url) + "/_local_aws/clock",
        data=None if order is None else json.dumps(order).encode(),
        method="GET" if order is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)


def advance(seconds: float, endpoint_url: str | None = None) -> dict[str, float | str]:
    """Move the local AWS's clock forward (local AWS only): tokens and credentials age by ``seconds``."""
    return _clock_request(endpoint_url, {"advance": seconds})


def reset(endpoint_url: str | None = None) -> dict[str, float | str]:
    """Put the local AWS's clock back to real time."""
    return _clock_request(endpoint_url, {"reset": True})


def read(endpoint_url: str | None = None) -> dict[str, float | str]:
    """The local AWS's time: ``{"now": epoch seconds, "iso": ..., "offset_seconds": ...}``."""
    return _clock_request(endpoint_url, None)


def time_fetcher(endpoint_url: str | None = None):  # noqa: ANN201 - returns Callable[[], datetime]
    """A ``time_fetcher`` for botocore's refreshable credentials that reads the local AWS's clock.

    botocore decides when to refresh by its own clock; credentials the local AWS issues expire by the
    local AWS's (possibly advanced) clock, so a credential provider talking to it should ask it.
    """
    from datetime import datetime, timezone

    url = _endpoint(endpoint_url)

    def now() -> datetime:
        return datetime.fromtimestamp(float(read(url)["now"]), tz=timezone.utc)

    return now
