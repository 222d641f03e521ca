"""Requests gunicorn refuses before the app runs are answered as problem+json too, never as its HTML page."""

import json
import socket

import pytest

from service.web.problem_types import type_for

CASES = [  # (request bytes, the status gunicorn refuses it with)
    (b"GET /v1/tips?q=" + b"x" * 6000 + b" HTTP/1.1\r\nHost: h\r\n\r\n", 414),  # request line over 4094
    (b"GET /v1/tips HTTP/1.1\r\nHost: h\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(60)) + b"\r\n", 431),
    (b"GET /v1/tips HTTP/1.1\r\nHost: h\r\nBad Header: 1\r\n\r\n", 400),  # a space in a header name
]


def raw(base: str, request: bytes) -> bytes:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while data := sock.recv(65536):
            answer += data
    return answer


@pytest.mark.parametrize("request_bytes, status", CASES, ids=["uri-too-long", "too-many-headers", "bad-header"])
def test_gunicorn_refusals_are_problem_json(gunicorn, request_bytes, status):
    base, _ = gunicorn()
    head, _, body = raw(base, request_bytes).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert lines[0].startswith(f"HTTP/1.1 {status} ")
    assert headers["Content-Type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"] == type_for(status).uri
    assert b"xxxx" not in body and "Bad Header" not in problem["detail"]  # the client's text is not echoed
