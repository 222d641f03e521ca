"""One bounded GET on an allow-listed FHIR server: connect and read timeouts, a deadline, a size cap, JSON only.

No redirect is followed (http.client follows none), no proxy from the environment is used, and no failure says
more than its kind: never the token, never the answer's content.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

JSON_TYPES = {"application/fhir+json", "application/json", "application/json+fhir"}
CHUNK = 64 * 1024


class Failed(Exception):
    """Why the data could not be had, in words fit for a 412 detail or a card."""


@dataclass(frozen=True)
class Limits:
    """Seconds to connect, seconds any one read may wait, seconds for the whole call, bytes per prefetch key."""

    connect: float = 2.0
    read: float = 2.0
    budget: float = 5.0
    max_bytes: int = 2 * 1024 * 1024
    max_pages: int = 5


def left(deadline: float) -> float:
    """Seconds left before the deadline; Failed when none."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Failed("the FHIR server did not answer in time")
    return remaining


def get_json(url: str, token: str, deadline: float, limits: Limits, max_bytes: int) -> tuple[Any, int]:
    """(parsed JSON, bytes read) of a 200 answer to GET `url`; Failed for anything else."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    timeout = min(limits.connect, left(deadline))
    conn: http.client.HTTPConnection
    response: http.client.HTTPResponse | None = None
    if parts.scheme == "https":
        conn = http.client.HTTPSConnection(parts.netloc, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.netloc, timeout=timeout)
    try:
        conn.connect()
        sock = conn.sock  # kept: http.client lets go of it once an answer that ends with the connection begins
        _wait(sock, limits, deadline)
        headers = {"Accept": "application/fhir+json", "Authorization": f"Bearer {token}"}
        conn.request("GET", target or "/", headers=headers)
        response = conn.getresponse()
        _check(response, max_bytes)
        body = _read(sock, response, limits, deadline, max_bytes)
    except TimeoutError as exc:
        raise Failed("the FHIR server did not answer in time") from exc
    except ssl.SSLError as exc:
        raise Failed("the TLS connection to the FHIR server failed") from exc
    except (http.client.HTTPException, ValueError) as exc:
        raise Failed("the FHIR server's answer is not valid HTTP") from exc
    except OSError as exc:
        raise Failed("could not connect to the FHIR server") from exc
    finally:
        if response is not None:
            response.close()
        conn.close()
    try:
        return json.loads(body), len(body)
    except (ValueError, RecursionError) as exc:
        raise Failed("the FHIR server's answer is not valid JSON") from exc


def _wait(sock: socket.socket, limits: Limits, deadline: float) -> None:
    """Let the next socket read wait no longer than the read timeout, nor past the deadline."""
    sock.settimeout(min(limits.read, left(deadline)))


def _check(response: http.client.HTTPResponse, max_bytes: int) -> None:
    status = response.status
    if status in (401, 403):
        raise Failed(f"the FHIR server refused the token ({status})")
    if 300 <= status < 400:
        raise Failed(f"the FHIR server answered with a redirect ({status}), which is not followed")
    if status != 200:
        raise Failed(f"the FHIR server answered {status}")
    if response.headers.get_content_type() not in JSON_TYPES:
        raise Failed("the FHIR server's answer is not JSON")
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise Failed(f"the FHIR server's answer is larger than {max_bytes} bytes")


def _read(sock: socket.socket, response: http.client.HTTPResponse, limits: Limits, deadline: float, cap: int) -> bytes:
    """The body, read in chunks, each within the read timeout and all before the deadline, cut beyond `cap`."""
    chunks: list[bytes] = []
    size = 0
    while True:
        _wait(sock, limits, deadline)
        chunk = response.read1(CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap:
            raise Failed(f"the FHIR server's answer is larger than {cap} bytes")
        chunks.append(chunk)
