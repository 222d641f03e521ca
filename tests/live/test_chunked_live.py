"""Raw chunked requests to gunicorn (production config) over a socket: 413 past the limit, 400 when malformed."""

import contextlib
import json
import socket
import threading

import pytest

from service.config import Config

V1 = "/v1/recommendations"
SMALL = b'{"age": 40}'


def chunks(body: bytes, size: int = 4096) -> bytes:
    """`body` in the chunked transfer coding, `size` bytes a chunk."""
    parts = [b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def send(base: str, path: str, payload: bytes, framing: str = "Transfer-Encoding: chunked") -> tuple[int, dict, bytes]:
    """POST `payload` as it is (already framed); the body is sent from a thread, so an early answer is read."""
    host, port = base.removeprefix("http://").rsplit(":", 1)
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{framing}\r\n"
    head += "Connection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=15) as sock:

        def write() -> None:
            # The server may answer and close before it has read everything: the answer is what counts.
            with contextlib.suppress(OSError):
                sock.sendall(head.encode() + payload)

        writer = threading.Thread(target=write)
        writer.start()
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except ConnectionResetError:
            pass
        writer.join(15)
    status_line, _, rest = answer.partition(b"\r\n")
    headers, _, body = rest.partition(b"\r\n\r\n")
    fields = dict(line.decode().split(": ", 1) for line in headers.split(b"\r\n") if b": " in line)
    return int(status_line.split()[1]), fields, body


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (chunks(b'{"age": 40, "x": "' + b"y" * 20 * 1024 + b'"}'), 413),
        (chunks(SMALL + b" " * 2 * 1024 * 1024, 64 * 1024), 413),
        (chunks(SMALL + b" " * (Config.MAX_CONTENT_LENGTH - len(SMALL) + 1)), 413),
        (b"zz\r\n" + SMALL + b"\r\n0\r\n\r\n", 400),
        (b"%x\r\n%sXX0\r\n\r\n" % (len(SMALL), SMALL), 400),
    ],
    ids=["20KB", "json-and-2MB-of-spaces", "limit+1", "bad-chunk-size", "missing-chunk-terminator"],
)
def test_chunked_bodies_past_the_limit_or_malformed_are_refused_as_problem_json(gunicorn, payload, status):
    base, _ = gunicorn()
    got, headers, body = send(base, V1, payload)
    assert got == status, body[:300]
    assert headers["Content-Type"] == "application/problem+json"
    assert json.loads(body)["status"] == status


def test_a_small_chunked_post_gets_the_same_answer_as_with_content_length(gunicorn):
    base, _ = gunicorn()
    plain = send(base, V1, SMALL, f"Content-Length: {len(SMALL)}")
    got = send(base, V1, chunks(SMALL, 4))
    assert got[0] == plain[0] == 200
    assert json.loads(got[2]) == json.loads(plain[2])
