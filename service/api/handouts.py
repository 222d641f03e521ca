"""Handouts: printable patient pages in plain HTML, for the condition and each treatment, without scripts."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.handout_pages import CONDITION, Page
from service.api.state import state
from service.web.args import lang_query

MAX_CHARS = 262_144  # the documented bound of one page; tests hold every page under it

blp = Blueprint(
    "Handouts",
    __name__,
    url_prefix="/handouts",
    description="Printable patient handouts as HTML pages: no scripts, no outside requests, links to the sources.",
)


def send(page: str) -> Response:
    """The handout in the negotiated language, cached and revalidated as every content GET is."""
    cat = state().catalog
    lang = cat.language()
    built: Page = state().handouts[page, lang]
    response = cat.respond(built.body, built.etag, lang, "text/html")
    response.headers["Content-Security-Policy"] = built.csp
    return response


HTML_PAGE = {"type": "string", "maxLength": MAX_CHARS}


@blp.route("/condition")
class ConditionHandout(MethodView):
    @blp.doc(operationId="getConditionHandout")
    @lang_query(blp)
    @blp.response(200, HTML_PAGE, content_type="text/html", description="The handout: a printable HTML page.")
    def get(self):
        """Get the sciatica handout

        A printable HTML page in plain language: what sciatica is, its causes and stages, the options (each linking
        to its own handout), the warning signs and how soon to get help for each, disclaimers and sources. No
        scripts and no outside requests (a strict Content-Security-Policy); cached with an ETag like every content
        GET. EHR cards link here. In the language asked for (`?lang=`, else Accept-Language); its links to other
        handouts keep that language.
        """
        return send(CONDITION)


@blp.route("/<string(maxlength=64):treatment_id>")
class TreatmentHandout(MethodView):
    @blp.doc(operationId="getTreatmentHandout")
    @lang_query(blp)
    @blp.response(200, HTML_PAGE, content_type="text/html", description="The handout: a printable HTML page.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, treatment_id):
        """Get a treatment's handout

        A printable HTML page in plain language for one option of GET /v1/treatments: what it is and involves, its
        exercises step by step, who should not use it and why, the evidence and its grade in words, when to get
        help, disclaimers, sources and review dates. No scripts and no outside requests; cached with an ETag. In the
        language asked for (`?lang=`, else Accept-Language); its links to other handouts keep that language.
        """
        if treatment_id not in state().kb.index["treatments"]:
            abort(404, message=f"No treatment with id {treatment_id!r}; see GET /v1/treatments.")
        return send(treatment_id)
