"""helpers.serving: a server of this process answered by a daemon thread until it is stopped."""

from __future__ import annotations

import http.server
import socket
import threading
import urllib.request

import pytest

from helpers.serving import ServedInThread


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"hello from " + threading.current_thread().name.encode())

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_a_served_server_answers_until_stopped_and_then_its_port_is_closed():
    server = http.server.HTTPServer(("127.0.0.1", 0), Hello)
    port = server.server_address[1]
    serving = ServedInThread(server, "greeter")
    serving.start()
    serving.start()  # a second start serves with the same thread
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as answer:
        assert answer.read() == b"hello from greeter"
    assert [t.name for t in threading.enumerate()].count("greeter") == 1

    serving.stop()
    assert "greeter" not in [t.name for t in threading.enumerate()]
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass
    serving.stop()  # stopping again changes nothing
