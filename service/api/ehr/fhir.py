"""Read-only FHIR R4B facade (application/fhir+json): metadata, and read + search of the definitional resources."""

from __future__ import annotations

from functools import partial
from typing import Any

import orjson
from flask import Blueprint as FlaskBlueprint
from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import PathConverter

from service.api.state import state
from service.config import API_VERSION
from service.ehr.fhir_meta import TYPES, capability_statement, localized, operation_outcome, searchset
from service.openapi import OPEN_FHIR
from service.schemas.ehr.fhir import (
    FhirBundleSchema,
    FhirOperationOutcomeSchema,
    FhirReadQuerySchema,
    FhirSearchQuerySchema,
    resource_schema,
)
from service.web.args import query
from service.web.catalog import Catalog
from service.web.ehr_auth import ehr_refusal

FHIR_JSON = "application/fhir+json"
blp = Blueprint(
    "FHIR",
    __name__,
    url_prefix="/fhir",
    description="Read-only FHIR R4B view of the knowledge (application/fhir+json).",
)
EXAMPLE_IDS = {
    "PlanDefinition": "sciatica-recommendations",
    "ActivityDefinition": "staying-active",
    "Evidence": "nsaids",
    "Citation": "S1",
}
ISSUE = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    429: "throttled",
    500: "exception",
}
DESCRIBE = {
    "PlanDefinition": "CPG-style recommendation definition (eca-rule): one action per treatment with cqf-strengthOfRecommendation, cpg-directionOfRecommendation, cqf-qualityOfEvidence and cpg-rationale extensions and documentation links to the sources.",
    "ActivityDefinition": "One treatment as an activity template (kind, RxNorm product where single, doNotPerform when the evidence is against it).",
    "Evidence": "The evidence for one treatment: overall certainty (certainty-rating) and each source's own grade.",
    "Citation": "One source: title, authors, DOI/PMID and web location.",
}

LANGUAGE = (
    "Written in the language of Accept-Language, or of `lang` (not a FHIR parameter; one we do not have is a 400), "
    "each resource stating it in `language` (en where nothing in it is translated)."
)


def fhir_response(body: Any, status: int = 200, headers: Any = None) -> Response:
    return Response(orjson.dumps(body), status=status, headers=headers, mimetype=FHIR_JSON)


@blp.errorhandler(HTTPException)
def outcome(error: HTTPException) -> Response:
    """Every error under /fhir is an OperationOutcome in application/fhir+json."""
    data = getattr(error, "data", None) or {}
    messages = (data.get("messages") or data.get("errors") or {}).get("query", {})  # webargs' or the catalog's
    detail = (
        "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in messages.items())
        or data.get("message")
        or error.description
    )
    if isinstance(error, InternalServerError):
        detail = "The server could not answer this request."
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    code = 400 if error.code == 422 else error.code or 500  # a parameter we cannot use (lang=fr): 400, as FHIR does
    return fhir_response(operation_outcome(ISSUE.get(code, "processing"), str(detail)), code, headers)


@blp.before_request
def admit() -> Response | None:
    """The EHR's JWT (aud: the URL called) or an API key, where configured; /fhir/metadata stays open."""
    if request.method == "OPTIONS" or request.path == OPEN_FHIR:
        return None
    refusal = ehr_refusal(
        state().ehr_auth,
        state().keys,
        request.environ,
        public_base() + request.path,
    )
    if refusal is None:
        return None
    body = operation_outcome(ISSUE[refusal.status], refusal.detail)
    return fhir_response(body, refusal.status, {"WWW-Authenticate": refusal.challenge})


def outcome_response(status: int, description: str) -> Any:
    """An alt_response decorator for an OperationOutcome error."""
    return blp.alt_response(status, description=description, schema=FhirOperationOutcomeSchema, content_type=FHIR_JSON)


CREDENTIAL_ERRORS = [
    outcome_response(401, "No credential, or an invalid EHR JWT (only when API keys or EHR issuers are configured)."),
    outcome_response(403, "The API key is not a configured one."),
]
THROTTLED = outcome_response(429, "Too many requests: wait Retry-After seconds.")


def publish(cat: Catalog, base: str) -> dict[str, tuple[str, ...]]:
    """Build every resource from the knowledge, pre-serialised in each language; the ids per type."""
    built = localized(cat.kb, base)
    ids = {rtype: tuple(items) for rtype, items in built[cat.kb.languages[0]].items()}
    for rtype, rids in ids.items():
        for rid in rids:
            cat.add(f"fhir:{rtype}:{rid}", partial(lambda t, i, lang: built[lang][t][i], rtype, rid))
    cat.add("fhir:metadata", lambda _lang: capability_statement(cat.kb, base, API_VERSION))
    return ids


def public_base() -> str:
    return str(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


def send(name: str) -> Response:
    """The prebuilt resource in the language of `lang` or Accept-Language (checking `lang` even for a resource that
    is the same in every language, such as the CapabilityStatement)."""
    state().catalog.language()
    response = state().catalog.send(name)
    response.mimetype = FHIR_JSON
    return response


@blp.route("/metadata")
class Metadata(MethodView):
    @blp.doc(operationId="getFhirCapabilityStatement")
    @query(blp, FhirReadQuerySchema, error_status_code=400, as_kwargs=True)
    @blp.response(
        200, resource_schema("CapabilityStatement", "What this FHIR server supports."), content_type=FHIR_JSON
    )
    @blp.alt_response(
        400,
        description="Unknown or invalid query parameter.",
        schema=FhirOperationOutcomeSchema,
        content_type=FHIR_JSON,
    )
    @THROTTLED
    @blp.alt_response(500, description="Server error.", schema=FhirOperationOutcomeSchema, content_type=FHIR_JSON)
    def get(self, **_):
        """Get the CapabilityStatement

        FHIR R4B (4.3.0), JSON only: read and type-level search of PlanDefinition, ActivityDefinition, Evidence and
        Citation, versioned with the knowledge content.
        """
        return send("fhir:metadata")


def register(rtype: str) -> None:
    """GET /fhir/{rtype} (search) and GET /fhir/{rtype}/{id} (read) for one resource type."""
    schema = resource_schema(rtype, DESCRIBE[rtype])
    errors = [
        blp.alt_response(
            400,
            description="Unknown or invalid query parameter.",
            schema=FhirOperationOutcomeSchema,
            content_type=FHIR_JSON,
        ),
        blp.alt_response(500, description="Server error.", schema=FhirOperationOutcomeSchema, content_type=FHIR_JSON),
        THROTTLED,
        *CREDENTIAL_ERRORS,
    ]

    def search(self: Any, args: dict[str, Any]) -> Response:
        ids = state().fhir.ids[rtype]
        cat, lang = state().catalog, state().catalog.language()
        found = [cat.data(f"fhir:{rtype}:{rid}", lang) for rid in ids if args.get("id_") in (None, rid)]
        if "url" in args:
            url, _, version = args["url"].partition("|")
            found = [r for r in found if r["url"] == url and version in ("", r["version"])]
        base = public_base() + "/fhir"
        query = request.query_string.decode("latin-1")
        link = f"{base}/{rtype}" + (f"?{query}" if query else "")  # the public address, as the entries use
        response = cat.send_data(searchset(((f"{base}/{rtype}/{r['id']}", r) for r in found), link), lang)
        response.mimetype = FHIR_JSON
        return response

    def read(self: Any, resource_id: str, **_: Any) -> Response:
        if resource_id not in state().fhir.ids[rtype]:
            return fhir_response(
                operation_outcome("not-found", f"No {rtype} with id {resource_id!r}; search GET /fhir/{rtype}."), 404
            )
        return send(f"fhir:{rtype}:{resource_id}")

    search.__doc__ = f"Search {rtype} resources\n\nA searchset Bundle of every {rtype} matching `_id` and `url` (all without parameters). {DESCRIBE[rtype]} {LANGUAGE}\n"
    read.__doc__ = (
        f"Read one {rtype}\n\n{DESCRIBE[rtype]} Unknown ids answer 404 with an OperationOutcome. {LANGUAGE}\n"
    )
    search = blp.response(200, FhirBundleSchema, content_type=FHIR_JSON)(search)
    search = query(blp, FhirSearchQuerySchema, error_status_code=400)(search)
    read = blp.alt_response(
        404, description=f"No {rtype} with this id.", schema=FhirOperationOutcomeSchema, content_type=FHIR_JSON
    )(blp.response(200, schema, content_type=FHIR_JSON)(read))
    read = query(blp, FhirReadQuerySchema, error_status_code=400, as_kwargs=True)(read)
    for deco in errors:
        search, read = deco(search), deco(read)
    search = blp.doc(operationId=f"searchFhir{rtype}")(search)
    read = blp.doc(operationId=f"readFhir{rtype}")(read)
    blp.route(f"/{rtype}")(type(f"Fhir{rtype}Search", (MethodView,), {"get": search}))
    param = {"in": "path", "name": "resource_id", "description": f"The {rtype} id.", "example": EXAMPLE_IDS[rtype]}
    read_view = type(f"Fhir{rtype}Read", (MethodView,), {"get": read})
    blp.route(f"/{rtype}/<string(maxlength=64):resource_id>", parameters=[param])(read_view)


for _rtype in TYPES:
    register(_rtype)


def unknown(rest: str) -> Response:
    """Any other GET under /fhir (another type, an over-long id): 404 as an OperationOutcome, not problem+json."""
    return fhir_response(operation_outcome("not-found", f"Nothing at /fhir/{rest}; see GET /fhir/metadata."), 404)


class Rest(PathConverter):
    """Like path, but also matching control characters (so no odd id falls through to a non-FHIR 404)."""

    regex = r"[\s\S]+"
    part_isolating = False


# Registered with Flask's own add_url_rule so it stays out of the OpenAPI document; specific routes win over it.
FlaskBlueprint.add_url_rule(blp, "/<fhir_rest:rest>", "unknown", unknown, methods=["GET"])
