"""gunicorn's own error answers (a request line, header or framing it refuses before the app runs) as problem+json.

gunicorn writes those as an HTML page from `gunicorn.util.write_error` and offers no hook for them, so `install()`
(called by service/gunicorn_conf.py) puts `write_problem` in its place. The client's text is never echoed: gunicorn's
message can quote the request line, which may carry what a person typed.
"""

from __future__ import annotations

import socket

import orjson
from gunicorn import util  # type: ignore[import-untyped]

from service.web.problem_types import type_for
from service.web.security import API_CSP
from service.web.telemetry import new_request_id


def problem_bytes(status: int, reason: str) -> bytes:
    """The whole HTTP answer: status line, headers and an RFC 9457 body naming the status's problem page."""
    rid = new_request_id()
    body = orjson.dumps(
        {
            "type": type_for(status).uri,
            "title": reason,
            "status": status,
            "detail": f"The server refused the request before reading it ({reason}): see the type's page.",
            "instance": f"urn:request:{rid}",
            "request_id": rid,
        }
    )
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n"
        f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
        f"Content-Security-Policy: {API_CSP}\r\nX-Request-ID: {rid}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_problem(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """`gunicorn.util.write_error`'s signature; `mesg` (gunicorn's detail) is dropped, see the module docstring."""
    util.write_nonblock(sock, problem_bytes(status_int, reason))


def install() -> None:
    """Make gunicorn answer its own errors with `write_problem` (its workers call util.write_error at answer time)."""
    util.write_error = write_problem
