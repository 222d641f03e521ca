"""The release feed: each recorded content version, what changed and whether apps must refresh, as JSON and Atom."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.engine.models import KnowledgeBase
from service.knowledge.releases import REFRESH_WITHIN_DAYS, Entry, history
from service.schemas.releases import ReleaseFeedSchema
from service.web.args import no_query
from service.web.catalog import Catalog

blp = Blueprint(
    "Releases",
    __name__,
    url_prefix="/v1",
    description="Content versions and what changed in each: refresh offline copies when told to.",
)
ATOM = "application/atom+xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ID = "tag:sciatica-relief.example.org,2026:releases"  # a tag URI (RFC 4151): never changes
MAX_ATOM_CHARS = 1_048_576  # the documented bound of the Atom document
CHANGES = (  # (changes key, how the Atom entry says it)
    ("added", "Added"),
    ("removed", "Removed"),
    ("safety_changed", "Safety rule changed"),
    ("updated", "Updated"),
)


def release(e: Entry) -> dict[str, Any]:
    """One release as the feed lists it (dumped by ReleaseSchema)."""
    c = e.changes
    return {
        "version": e.release.version,
        "date": e.release.date,
        "previous_version": e.previous,
        "note": e.release.note,
        "changes": {
            "added": c.added,
            "removed": c.removed,
            "grade_changed": [{"item": i, "before": b, "after": a} for i, b, a in c.grade_changed],
            "safety_changed": c.safety_changed,
            "updated": c.updated,
        },
        "must_refresh": e.must_refresh,
        "refresh_within_days": REFRESH_WITHIN_DAYS if e.must_refresh else None,
    }


def feed(kb: KnowledgeBase) -> dict[str, Any]:
    return {"content_version": kb.content_version, "releases": [release(e) for e in history(kb.releases)]}


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, tag, attrs)
    node.text = text
    return node


def _summary(r: dict[str, Any]) -> str:
    """An entry's content: whether to refresh, the note, then each kind of change."""
    days = r["refresh_within_days"]
    lines = [f"Apps must refresh within {days} days: fetch /v1/bundle again." if days else "No refresh needed."]
    lines += [r["note"]] if r["note"] else []
    lines += [f"{said}: {', '.join(r['changes'][key])}." for key, said in CHANGES if r["changes"][key]]
    grades = [f"{g['item']} ({g['before']} to {g['after']})" for g in r["changes"]["grade_changed"]]
    lines += [f"Grade changed: {', '.join(grades)}."] if grades else []
    return "\n".join(lines)


def atom(data: dict[str, Any], lang: str) -> bytes:
    """The feed `data` (as dumped) as an RFC 4287 Atom document; ElementTree escapes every text."""
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": lang})
    stamps = [f"{r['date']}T00:00:00Z" for r in data["releases"]]
    _add(root, "id", FEED_ID)
    _add(root, "title", "Sciatica Relief API: content releases")
    _add(root, "subtitle", "Each content version, what changed, and whether apps must refresh their offline copy.")
    _add(root, "updated", max(stamps, default="1970-01-01T00:00:00Z"))
    _add(_add(root, "author"), "name", "Sciatica Relief API team")
    _add(root, "link", rel="self", type=ATOM, href=f"{blp.url_prefix}/releases.atom")
    _add(root, "link", rel="alternate", type="application/json", href=f"{blp.url_prefix}/releases")
    for r, stamp in zip(data["releases"], stamps, strict=True):
        entry = _add(root, "entry")
        _add(entry, "id", f"{FEED_ID}/{r['version']}")
        _add(entry, "title", f"Content version {r['version']}" + (" (refresh)" if r["must_refresh"] else ""))
        _add(entry, "updated", stamp)
        _add(entry, "link", rel="alternate", type="application/json", href="/v1/bundle")
        _add(entry, "content", _summary(r), type="text")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def publish(cat: Catalog) -> None:
    cat.add_dump("releases", ReleaseFeedSchema(), feed(cat.kb), f"{blp.url_prefix}/releases")
    cat.add_bytes(
        "releases:atom", lambda lang: atom(cat.data("releases", lang), lang), ATOM, f"{blp.url_prefix}/releases.atom"
    )


@blp.route("/releases")
class Releases(MethodView):
    @blp.doc(operationId="listReleases")
    @no_query(blp)
    @blp.response(200, ReleaseFeedSchema)
    def get(self):
        """List content releases

        Every recorded content version, newest first, with what changed since the one before (items added,
        removed, grade changed, safety rule changed, otherwise updated) and whether apps holding content must
        refresh it: `must_refresh` is true when an item was removed, a grade or a safety rule changed (and for the
        first recorded release), with `refresh_within_days` (7). The same feed as Atom: GET /v1/releases.atom.
        """
        return state().catalog.send("releases")


@blp.route("/releases.atom")
class ReleasesAtom(MethodView):
    @blp.doc(operationId="listReleasesAtom")
    @no_query(blp)
    @blp.response(
        200, {"type": "string", "maxLength": MAX_ATOM_CHARS}, content_type=ATOM, description="An Atom 1.0 feed."
    )
    def get(self):
        """List content releases as Atom

        GET /v1/releases as an Atom 1.0 feed (RFC 4287) for feed readers: one entry per content version, its
        content saying whether to refresh and what changed. Cached with an ETag like every content GET.
        """
        return state().catalog.send("releases:atom")
