"""POST /v1/recommendations: triage, ranked and excluded options, tips and disclaimers for one report."""

from typing import Any, NoReturn

import marshmallow as ma
import orjson
from flask import Request, Response, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from webargs.flaskparser import FlaskParser

from service.api.examples import REQUEST_EXAMPLES
from service.api.state import state
from service.engine import Engine
from service.engine.models import Report
from service.schemas.problems import ProblemSchema
from service.schemas.recommendations import RecommendationSchema
from service.schemas.recommendations_presenter import Presenter
from service.schemas.report import RecommendationRequestSchema
from service.web.args import lang_query
from service.web.catalog import language_headers
from service.web.problems import PROBLEM_JSON, flatten

blp = Blueprint(
    "Recommendations", __name__, url_prefix="/v1/recommendations", description="Personal, explained recommendations."
)
REQUEST = RecommendationRequestSchema()
STAND_IN_ID = "not-valid"
STAND_IN_TRIED: dict[str, Any] = {"treatment_id": STAND_IN_ID, "outcome": "no_change", "weeks": None}


class OnePassParser(FlaskParser):
    """Reads a report in one pass: when the schema refuses a body, its valid parts still go through the knowledge
    checks (unknown ids, impossible combinations), so one 422 lists every error."""

    def handle_error(self, error: ma.ValidationError, req: Request, schema: ma.Schema, **kwargs: Any) -> NoReturn:
        found = error.messages.get("json") if isinstance(error.messages, dict) else None
        if isinstance(found, dict):
            for field, message in checked_anyway(req.get_json(silent=True), found):
                found.setdefault(field, []).append(message)
        super().handle_error(error, req, schema, **kwargs)


blp.ARGUMENTS_PARSER = OnePassParser()


def checked_anyway(body: Any, errors: dict[Any, Any]) -> list[tuple[str, str]]:
    """The knowledge checks' problems with the valid parts of a body the schema refused. A field with an error is left
    out (not answered); a list item with one stands in as a valid unknown item, so the others keep their index, and
    what the checks say about it is dropped (the schema's message says it better)."""
    if not isinstance(body, dict):
        return []
    valid = {}
    for name, value in body.items():
        error = errors.get(name)
        if error is None:
            valid[name] = value
        elif isinstance(error, dict) and isinstance(value, list) and all(type(i) is int for i in error):
            valid[name] = [_stand_in(name, item, error.get(i)) for i, item in enumerate(value)]
    try:
        report = REQUEST.load(valid)
    except ma.ValidationError:
        return []
    refused = [e["field"] for e in flatten(errors, "json")]
    return [
        (field, message)
        for field, message in state().engine.check(report)
        if not any(field == f or field.startswith(f + ".") for f in refused)
    ]


def _stand_in(name: str, item: Any, error: Any) -> Any:
    """A list item as the schema accepts it: as sent when valid, else a stand-in with the item's valid fields."""
    if error is None:
        return item
    if name != "tried":
        return STAND_IN_ID
    valid = {k: v for k, v in item.items() if k in STAND_IN_TRIED and k not in error} if isinstance(item, dict) else {}
    return STAND_IN_TRIED | valid


def answer(report: Report, engine: Engine, presenter: Presenter, lang: str) -> bytes:
    """The response body for a checked report."""
    return presenter.write(engine.recommend(report, lang), lang)


def answer_plain(engine: Engine, presenter: Presenter, body: bytes) -> bytes | None:
    """The fast lane's answer to a JSON body, in the default language; None whenever the view would answer otherwise."""
    try:
        report = REQUEST.load(orjson.loads(body))
        if engine.check(report):
            return None
        return answer(report, engine, presenter, engine.kb.languages[0])
    except Exception:  # malformed, invalid or failing: the view answers (a documented error, or a problem+json 500)
        return None


@blp.before_request
def require_json() -> None:
    """Only JSON bodies: any other content type would be read as an empty report."""
    if request.method == "POST" and request.mimetype != "application/json":
        abort(415, message="Send the report as application/json.")


@blp.route("")
class Recommendations(MethodView):
    @blp.doc(operationId="createRecommendation")
    @lang_query(blp)
    @blp.arguments(REQUEST, examples=REQUEST_EXAMPLES)
    @blp.response(
        200,
        RecommendationSchema,
        headers={
            "Cache-Control": {"description": "Always no-store.", "schema": {"type": "string", "enum": ["no-store"]}}
        },
    )
    @blp.alt_response(
        415, description="The body is not application/json.", schema=ProblemSchema, content_type=PROBLEM_JSON
    )
    def post(self, report):
        """Get recommendations for a report

        Red flags are checked first: an emergency answers with the action and disclaimers only. Otherwise the answer
        ranks the options that fit, lists every other option with the reason, and adds tips, disclaimers and the
        trace of rules. Nothing sent is stored or logged; the response is `Cache-Control: no-store`.
        """
        built = state()
        problems = built.engine.check(report)
        if problems:
            abort(422, errors={"json": {field: [message] for field, message in problems}})
        lang = built.catalog.language()
        headers = {"Cache-Control": "no-store"} | language_headers(lang, built.catalog.fallback(lang))
        body = answer(report, built.engine, built.presenter, lang)
        return Response(body, mimetype="application/json", headers=headers)
