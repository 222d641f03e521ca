"""The offline content bundle: every content item in full, one document per language, gzipped when accepted."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.engine.models import KnowledgeBase
from service.schemas.bundle import BundleSchema
from service.web.args import lang_query
from service.web.catalog import Catalog

blp = Blueprint("Bundle", __name__, url_prefix="/v1/bundle", description="All content in one document, to use offline.")
ENCODING = {
    "Content-Encoding": {
        "description": "gzip when the request's Accept-Encoding allows it (ETag then ends in -gzip); absent otherwise.",
        "schema": {"type": "string", "enum": ["gzip"]},
    }
}


def parts(kb: KnowledgeBase) -> dict[str, str | list[str]]:
    """Bundle key -> the catalog representation(s) it holds: those the per-item endpoints send."""
    return {
        "condition": "condition",
        "treatments": [f"treatment:{t.id}" for t in kb.treatments],
        "tips": "tips",
        "red_flags": "red-flags",
        "factors": "factors",
        "questionnaire": "questionnaire",
        "sources": [f"source:{s.id}" for s in kb.sources],
        "disclaimers": "disclaimers",
        "evidence_levels": "evidence-levels",
    }


def sha256_of(content: Any) -> str:
    """SHA-256 of `content` as canonical JSON (sorted keys, no whitespace, UTF-8)."""
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def bundle(cat: Catalog, lang: str) -> dict[str, Any]:
    """The bundle in `lang`, assembled from the catalog's representations (run after the other publishers)."""
    content: dict[str, Any] = {
        key: [cat.data(n, lang) for n in names] if isinstance(names, list) else cat.data(names, lang)
        for key, names in parts(cat.kb).items()
    }
    # the pictures the exercises link (illustration.url), as the SVG text GET /v1/illustrations/{id}.svg sends
    content["illustrations"] = {i: cat.body(f"illustration:{i}", lang).decode() for i in cat.kb.illustrations}
    return {
        "content_version": cat.kb.content_version,
        "language": lang,
        "content_sha256": sha256_of(content),
        "content": content,
    }


def publish(cat: Catalog) -> None:
    # not a fast-lane path: the lane replays one encoding, and this one is negotiated
    cat.add("bundle", lambda lang: bundle(cat, lang), compress=True)


@blp.route("")
class Bundle(MethodView):
    @blp.doc(operationId="getBundle")
    @lang_query(blp)
    @blp.response(200, BundleSchema, headers=ENCODING)
    def get(self):
        """Get all content for offline use

        Every content item in full, each exactly as its own endpoint serves it (treatments, tips, red flags,
        factors, questionnaire, sources, disclaimers, the condition, the evidence scale and the exercise pictures), in
        the language of
        Accept-Language, with the content version and a SHA-256 of the content. Sent gzipped (`Content-Encoding:
        gzip`) when Accept-Encoding allows it; send `If-None-Match` with the ETag for a 304, and watch GET
        /v1/releases for when to fetch it again.
        """
        return state().catalog.send("bundle")
