"""An HTTP server of this process served in a daemon thread, from ``start()`` until ``stop()``.

The local AWS (:class:`helpers.local_aws.LocalAWS`), notebook 08's backend
(:class:`helpers.developer_backend.Backend`) and the blog's page (:func:`helpers.blog_page.serve`) are
served this way. Their servers are ``socketserver`` servers (werkzeug's or ``http.server``'s), whose
serving loop looks whether ``shutdown()`` was called every ``poll_interval``: half a second by default,
which every ``stop()`` waited out. Here it looks twenty times a second (an idle server's CPU time stays
unmeasurably small), so ``stop()`` returns at once.
"""

from __future__ import annotations

import socketserver
import threading

#: How often a serving loop looks whether it should stop, in seconds.
POLL_SECONDS = 0.05


class ServedInThread:
    """``server`` answered by a daemon thread named ``name``; :meth:`stop` also closes its socket."""

    def __init__(self, server: socketserver.BaseServer, name: str) -> None:
        self.server = server
        self._name = name
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self.server.serve_forever,
                kwargs={"poll_interval": POLL_SECONDS},
                name=self._name,
                daemon=True,
            )
            self._thread.start()

    def serve_here(self) -> None:
        """Serve in the calling thread until :meth:`stop` is called from another thread (or a signal)."""
        self.server.serve_forever(poll_interval=POLL_SECONDS)

    def stop(self) -> None:
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join()
            self._thread = None
        self.server.server_close()
