"""Fetch what the EHR did not prefetch from its FHIR server: only the service's own prefetch queries, with the
bearer token the EHR gave, on allow-listed servers only, in parallel, bounded in time and size."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from service.ehr.fetch.get import Failed, Limits, get_json, left
from service.ehr.fetch.servers import Base, allow_list, allowed

__all__ = ["Failed", "Fetched", "Fetcher", "Limits", "fill"]

PLACEHOLDER = re.compile(r"\{\{\s*context\.(\w+)\s*\}\}")
TOKEN = re.compile(r"^[A-Za-z0-9\-._~+/]+=*$")  # RFC 6750 b64token
MAX_ENTRIES = 500  # as many as a prefetched Bundle may hold (service.schemas.ehr.cds_hooks)


@dataclass(frozen=True)
class Fetched:
    """What could be had per prefetch key, why the rest could not, and lists that may be incomplete."""

    data: dict[str, Any] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    ms: int = 0


def fill(template: str, context: Mapping[str, Any]) -> str:
    """A prefetch template with its {{context.x}} values, every part percent-encoded as a URL needs."""
    out, at = [], 0
    for match in PLACEHOLDER.finditer(template):
        value = context.get(match.group(1))
        if not isinstance(value, str) or not value:
            raise Failed(f"the hook context has no {match.group(1)} for the query")
        out += [quote(template[at : match.start()], safe="/?=&,:-._~"), quote(value, safe="")]
        at = match.end()
    return "".join([*out, quote(template[at:], safe="/?=&,:-._~")])


@dataclass(frozen=True)
class Fetcher:
    """The allow-listed FHIR servers and the limits every fetch keeps to."""

    servers: tuple[Base, ...]
    limits: Limits = Limits()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Fetcher | None:
        """None when no FHIR server is allowed (fetching is off); raises ValueError on a malformed entry."""
        servers = allow_list(str(config.get("FHIR_SERVERS") or ""))
        if not servers:
            return None
        timeout = float(config["FHIR_FETCH_TIMEOUT"])
        limits = Limits(
            timeout,
            timeout,
            float(config["FHIR_FETCH_BUDGET"]),
            int(config["FHIR_FETCH_MAX_BYTES"]),
            int(config["FHIR_FETCH_MAX_PAGES"]),
        )
        return cls(servers, limits)

    def fetch(self, body: Mapping[str, Any], templates: Mapping[str, str], keys: Sequence[str]) -> Fetched:
        """Run the templates of `keys` against the hook call's fhirServer, in parallel, within the budget."""
        start = time.monotonic()
        try:
            base, token, deadline = self._access(body, start)
            urls = {k: f"{base.url}/{fill(templates[k], body.get('context') or {})}" for k in keys}
        except Failed as exc:
            return Fetched(failed={k: str(exc) for k in keys})
        got: dict[str, Any] = {}
        failed: dict[str, str] = {}
        notes: list[str] = []
        with ThreadPoolExecutor(max_workers=len(keys)) as pool:
            jobs = {k: pool.submit(self._key, base, token, deadline, urls[k], templates[k]) for k in keys}
        for key, job in jobs.items():
            try:
                got[key], complete = job.result()
            except Failed as exc:
                failed[key] = str(exc)
                continue
            if not complete:
                read = len(got[key].get("entry") or [])
                notes.append(
                    f"{key}: the EHR's list has more pages than were fetched ({read} read): the rest not checked"
                )
        return Fetched(got, failed, tuple(notes), round((time.monotonic() - start) * 1000))

    def _access(self, body: Mapping[str, Any], start: float) -> tuple[Base, str, float]:
        """The allowed server, the bearer token and the deadline (the budget, or sooner when the token expires)."""
        server = body.get("fhirServer")
        if not isinstance(server, str) or not server:
            raise Failed("the request has no fhirServer")
        base = allowed(self.servers, server)
        if base is None:
            raise Failed("its fhirServer is not on this service's allow-list")
        auth = body.get("fhirAuthorization")
        if not isinstance(auth, Mapping) or not isinstance(auth.get("access_token"), str):
            raise Failed("the request has no fhirAuthorization (bearer token)")
        if str(auth.get("token_type", "")).lower() != "bearer" or not TOKEN.match(auth["access_token"]):
            raise Failed("the fhirAuthorization is not a bearer token")
        expires = auth.get("expires_in")
        lifetime = float(expires) if isinstance(expires, (int, float)) else self.limits.budget
        if lifetime <= 0:
            raise Failed("the fhirAuthorization token has expired")
        return base, auth["access_token"], start + min(self.limits.budget, lifetime)

    def _key(self, base: Base, token: str, deadline: float, url: str, template: str) -> tuple[Any, bool]:
        """One key's resource, or its search Bundle with further pages merged: (value, whether complete)."""
        read = template.split("?")[0].split("/")
        kind = read[0] if len(read) == 2 and "?" not in template else "Bundle"  # Type/{id} is a read
        value, size = get_json(url, token, deadline, self.limits, self.limits.max_bytes)
        _expect(value, kind)
        if "_count=" in template:  # the query asks for one page (the latest few): that page is all it needs
            return value, True
        pages = 1
        while (link := _next(value)) is not None:
            target = allowed(self.servers, link, query=True)
            if target is None or target.origin != base.origin or pages >= self.limits.max_pages:
                return value, False
            try:
                left(deadline)
                page, more = get_json(link, token, deadline, self.limits, self.limits.max_bytes - size)
                _expect(page, kind)
            except Failed:
                return value, False
            entries = value.get("entry", []) + page.get("entry", [])
            if len(entries) > MAX_ENTRIES:
                return value, False
            value, size, pages = page | {"entry": entries}, size + more, pages + 1
        return value, True


def _expect(value: Any, kind: str) -> None:
    """The answer is the resource the query asks for (a searchset Bundle of dict entries for a search)."""
    if not isinstance(value, dict) or value.get("resourceType") != kind:
        raise Failed(f"the FHIR server's answer is not a {kind}")
    entries = value.get("entry", [])
    if kind == "Bundle" and (not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries)):
        raise Failed("the FHIR server's Bundle is malformed")
    if kind == "Bundle" and len(entries) > MAX_ENTRIES:
        raise Failed(f"the FHIR server's Bundle has more than {MAX_ENTRIES} entries")


def _next(bundle: dict[str, Any]) -> str | None:
    links = bundle.get("link")
    if bundle.get("resourceType") != "Bundle" or not isinstance(links, list):
        return None
    url = next((x.get("url") for x in links if isinstance(x, dict) and x.get("relation") == "next"), None)
    return url if isinstance(url, str) and url else None
