"""One attempt on the network, against raw loopback sockets: what each kind of failure is called,
whether it is worth another attempt, and that an answer is read only so far."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator

from planner.delivery.transport import MAX_BODY, masked, post


@contextlib.contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """A one-connection server on 127.0.0.1 that runs ``answer`` on what it accepts; its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def serve() -> None:
        with contextlib.suppress(OSError):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}/services/T0/secret"
    finally:
        listener.close()
        thread.join(5)


def test_an_endless_answer_is_read_only_so_far() -> None:
    sent: list[int] = []

    def endless(connection: socket.socket) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
        with contextlib.suppress(OSError):
            while sum(sent) < 1000 * MAX_BODY:
                sent.append(connection.send(b"x" * 65536))

    with raw_server(endless) as url:
        outcome = post(url, b"{}", "k", timeout=5)
    assert (outcome.delivered, outcome.detail) == (True, "HTTP 200")
    assert sum(sent) < 500 * MAX_BODY  # the sender hung up after MAX_BODY (and the socket buffers)


def test_a_receiver_that_never_answers_times_out() -> None:
    answer = threading.Event()
    with raw_server(lambda _connection: answer.wait(10)) as url:
        outcome = post(url, b"{}", "k", timeout=0.2)
        answer.set()
    assert (outcome.delivered, outcome.detail, outcome.again) == (False, "timed out after 0.2 s", True)


def test_a_redirect_is_not_followed_and_not_retried() -> None:
    def redirect(connection: socket.socket) -> None:
        connection.sendall(
            b"HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example/\r\nContent-Length: 0\r\n\r\n"
        )

    with raw_server(redirect) as url:
        outcome = post(url, b"{}", "k", timeout=5)
    assert (outcome.delivered, outcome.code, outcome.again) == (False, 302, False)
    assert outcome.detail == "HTTP 302: a redirect, not followed (check the URL)"


def test_a_closed_port_is_refused_and_worth_another_attempt() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = post(f"http://127.0.0.1:{port}/hook", b"{}", "k", timeout=5)
    assert (outcome.delivered, outcome.detail, outcome.again) == (False, "connection refused", True)
    assert masked(f"http://127.0.0.1:{port}/hook") == f"http://127.0.0.1:{port}"
