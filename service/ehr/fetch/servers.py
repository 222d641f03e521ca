"""Which FHIR servers the service may call: an allow-list of base URLs or origins, each https unless listed as http."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Base:
    """A plain http(s) URL cut to what is compared: scheme, host, port and path (no trailing slash)."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = "" if PORTS[self.scheme] == self.port else f":{self.port}"
        return f"{self.scheme}://{host}{port}{self.path}"

    def covers(self, other: Base) -> bool:
        """Same scheme, host and port, and `other`'s path is this path or below it (whole segments)."""
        return self.origin == other.origin and (other.path == self.path or other.path.startswith(self.path + "/"))


def parse(url: str, query: bool = False) -> Base | None:
    """The URL as a Base; None unless it is plain http(s) with a host and no user info, fragment, dot segments,
    escapes or backslashes (and no query, unless `query`: paging links carry one)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    path = parts.path.rstrip("/")
    if (
        parts.scheme not in PORTS
        or not parts.hostname
        or "@" in parts.netloc
        or parts.fragment
        or (parts.query and not query)
        or any(c in path for c in "%\\")
        or any(seg in (".", "..") for seg in path.split("/"))
    ):
        return None
    return Base(parts.scheme, parts.hostname.lower(), port or PORTS[parts.scheme], path)


def allow_list(setting: str) -> tuple[Base, ...]:
    """The configured servers (comma-separated); a malformed entry stops start-up rather than being skipped."""
    out = []
    for entry in filter(None, (e.strip() for e in setting.split(","))):
        base = parse(entry)
        if base is None:
            raise ValueError(f"FHIR_SERVERS: {entry!r} is not a plain http(s) base URL or origin")
        out.append(base)
    return tuple(out)


def allowed(servers: tuple[Base, ...], url: str, query: bool = False) -> Base | None:
    """`url` as a Base when an allow-listed server covers it (so an https entry never admits http), else None."""
    base = parse(url, query)
    return base if base is not None and any(s.covers(base) for s in servers) else None
