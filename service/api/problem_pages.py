"""GET /problems/<type>: the page each problem `type` URI resolves to, HTML for browsers and JSON for clients."""

from __future__ import annotations

import html

import orjson
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.schemas.problems import ProblemTypeSchema
from service.web.args import no_query
from service.web.catalog import JSON, etag_of
from service.web.problem_types import BY_SLUG, PREFIX, ProblemType

blp = Blueprint("Problems", __name__, url_prefix=PREFIX.rstrip("/"), description="What each error type means.")
HTML_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><p>HTTP status: {status}. Problem type: <code>{uri}</code>.</p>
<h2>What it means</h2><p>{meaning}</p><h2>What to do</h2><p>{todo}</p>
<p>Every error of this API is <code>application/problem+json</code> (RFC 9457); see <a href="/docs">the documentation</a>.</p>
</body></html>
"""


def as_json(t: ProblemType) -> bytes:
    return orjson.dumps(ProblemTypeSchema().dump({"type": t.uri, "status": t.status, "title": t.title,
                                                  "meaning": t.meaning, "what_to_do": t.todo}))  # fmt: skip


def as_html(t: ProblemType) -> bytes:
    fields = {"status": t.status or "any without its own page", "uri": t.uri, "title": t.title,
              "meaning": t.meaning, "todo": t.todo}  # fmt: skip
    return HTML_PAGE.format(**{k: html.escape(str(v)) for k, v in fields.items()}).encode()


PAGES = {
    (slug, kind): (body, etag_of(body))
    for slug, t in BY_SLUG.items()
    for kind, body in ((JSON, as_json(t)), ("text/html", as_html(t)))
}


PAGE_DOC = {
    "description": "The page: HTML by default, JSON when Accept prefers it.",
    "content": {"text/html": {"schema": {"type": "string", "maxLength": 4096}}, JSON: {"schema": ProblemTypeSchema}},
}


@blp.route(f"/<any({', '.join(repr(s) for s in BY_SLUG)}):problem_type>")
class ProblemPage(MethodView):
    @blp.doc(operationId="getProblemType")
    @no_query(blp)
    @blp.doc(responses={"200": PAGE_DOC})
    def get(self, problem_type):
        """Explain a problem type

        The `type` of every error answer is this page's URI: what the problem means, the status it comes with and
        what to do, in plain words. A browser gets HTML; a client that prefers `application/json` gets JSON.
        """
        kind = request.accept_mimetypes.best_match(["text/html", JSON], default="text/html")
        body, etag = PAGES[problem_type, kind]
        response = state().catalog.respond(body, etag, "en", kind)
        response.headers["Vary"] = "Accept"
        return response
