"""CDS Hooks 2.0: discovery, three services (patient-view, order-select, order-sign) and their feedback endpoint."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.ehr.cds_docs import DOCS, EXAMPLES
from service.api.state import state
from service.ehr.cards import Context
from service.ehr.codes import CodeMap
from service.ehr.fetch import Fetched
from service.ehr.hooks import SERVICES, Fetch, PrefetchMissing, answer, discovery, prefetch_templates
from service.engine.models import DEFAULT_LANGUAGE
from service.schemas.ehr.cds_cards import CdsResponseSchema, CdsServicesSchema
from service.schemas.ehr.cds_hooks import (
    CdsFeedbackReceiptSchema,
    CdsFeedbackSchema,
    CdsOrderSelectRequestSchema,
    CdsOrderSignRequestSchema,
    CdsPatientViewRequestSchema,
)
from service.schemas.problems import ProblemSchema
from service.web.args import no_query
from service.web.ehr_auth import ehr_refusal
from service.web.problems import PROBLEM_JSON, problem

log = logging.getLogger("service.cds")
blp = Blueprint(
    "CDS Hooks",
    __name__,
    url_prefix="/cds-services",
    description="HL7 CDS Hooks 2.0 services for EHRs: discovery, patient-view and order checks, feedback.",
)
NO_STORE = {"Cache-Control": {"description": "Always no-store.", "schema": {"type": "string", "enum": ["no-store"]}}}
AUTH_401 = "No credential, or an invalid EHR JWT (only when EHR issuers or API keys are configured)."
NOT_JSON = "The body is not application/json."
SERVICE_IDS = ", ".join(f'"{sid}"' for sid in SERVICES)


def today() -> date:
    """The date the stage and age are computed for (a function, so tests can fix it)."""
    return date.today()


def base_url() -> str:
    return str(current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")


@blp.before_request
def guard() -> Any:
    """Larger bodies than /v1 (prefetched bundles), JSON only, and the JWT check when configured."""
    request.max_content_length = int(current_app.config["CDS_MAX_CONTENT_LENGTH"])
    if request.method == "OPTIONS":
        return None
    built = state()
    refusal = ehr_refusal(built.ehr_auth, built.keys, request.environ, base_url() + request.path)
    if refusal is not None:
        return problem(refusal.status, refusal.detail, headers={"WWW-Authenticate": refusal.challenge})
    if request.method == "POST" and request.mimetype != "application/json":
        abort(415, message="Send the CDS Hooks request as application/json.")
    return None


def documented(op_id: str, body: bool = False) -> Callable[[Any], Any]:
    """The operationId and the errors every CDS Hooks operation documents: 401 (JWT) and, with a body, 415."""

    def wrap(func: Any) -> Any:
        func = blp.alt_response(401, description=AUTH_401, schema=ProblemSchema, content_type=PROBLEM_JSON)(func)
        if body:
            func = blp.alt_response(415, description=NOT_JSON, schema=ProblemSchema, content_type=PROBLEM_JSON)(func)
        return blp.doc(operationId=op_id)(func)

    return wrap


@blp.route("")
class Discovery(MethodView):
    @documented("listCdsServices")
    @no_query(blp)
    @blp.response(200, CdsServicesSchema)
    def get(self):
        """Discover the CDS services

        The CDS Hooks discovery document: each service's id, hook, title, description, prefetch templates and usage
        requirements. An EHR (or the CDS Hooks sandbox) pointed at `{baseUrl}/cds-services` reads this first.
        """
        return discovery(state().codes, state().fetcher is not None)


def call(service_id: str, body: dict[str, Any]) -> Any:
    """Answer one hook call; 412 when data the answer depends on was neither prefetched nor could be fetched."""
    codes = state().codes
    ctx = Context(  # cards are for clinicians: English (Content-Language en), whatever the EHR's Accept-Language
        state().engine, codes, base_url(), DEFAULT_LANGUAGE, str(current_app.config["FHIR_CANONICAL_BASE"]).rstrip("/")
    )
    try:
        cards = answer(service_id, body, ctx, today(), fetching(service_id, body, codes))
    except PrefetchMissing as exc:
        return problem(412, unavailable(exc), headers={"Cache-Control": "no-store"})
    return cards, 200, {"Cache-Control": "no-store"}


def fetching(service_id: str, body: dict[str, Any], codes: CodeMap) -> Fetch | None:
    """Fetch from the EHR's FHIR server, logging what was fetched and why not (never the token, never data)."""
    fetcher = state().fetcher
    if fetcher is None:
        return None

    def fetch(keys: Sequence[str]) -> Fetched:
        got = fetcher.fetch(body, prefetch_templates(codes), keys)
        fields = {"service": service_id, "fetched": sorted(got.data), "failed": got.failed, "ms": got.ms}
        log.info("cds fetch", extra={"fields": fields})
        return got

    return fetch


def unavailable(exc: PrefetchMissing) -> str:
    """The 412 detail: the keys and, per key, why they could not be fetched (the same reason said once)."""
    keys = ", ".join(exc.keys)
    if not exc.why:
        return f"Prefetch {keys} is required: this service does not query the EHR's FHIR server."
    reasons = set(exc.why.values())
    why = reasons.pop() if len(reasons) == 1 else "; ".join(f"{k}: {w}" for k, w in exc.why.items())
    return f"Prefetch {keys} is required and could not be fetched from the EHR's FHIR server: {why}."


def service(service_id: str, schema: Any, op_id: str) -> None:
    """Register POST /cds-services/{service_id} with its own request schema (the hook is fixed per path)."""

    def post(self: Any, body: dict[str, Any]) -> Any:
        return call(service_id, body)

    post.__doc__ = DOCS[service_id]
    missing = "A required prefetch key is missing and could not be fetched (see usageRequirements)."
    post = blp.response(200, CdsResponseSchema, headers=NO_STORE)(post)
    post = blp.arguments(schema, examples=EXAMPLES[service_id])(post)
    post = blp.alt_response(412, description=missing, schema=ProblemSchema, content_type=PROBLEM_JSON)(post)
    post = documented(op_id, body=True)(post)
    blp.route(f"/{service_id}")(type(op_id[0].upper() + op_id[1:], (MethodView,), {"post": post}))


service("sciatica-patient-view", CdsPatientViewRequestSchema, "callCdsPatientView")
service("sciatica-order-select", CdsOrderSelectRequestSchema, "callCdsOrderSelect")
service("sciatica-order-sign", CdsOrderSignRequestSchema, "callCdsOrderSign")


@blp.route(f"/<any({SERVICE_IDS}):service_id>/feedback")
class Feedback(MethodView):
    @documented("sendCdsFeedback", body=True)
    @blp.arguments(CdsFeedbackSchema)
    @blp.response(200, CdsFeedbackReceiptSchema)
    def post(self, body, service_id):
        """Send feedback on cards

        Accepted or overridden cards. Each item is logged with the service id, card uuid and outcome only (no override
        comment, nothing about the patient or user) and nothing is stored.
        """
        for item in body["feedback"]:
            fields = {"service": service_id, "card": str(item["card"]), "outcome": item["outcome"]}
            log.info("cds feedback", extra={"fields": fields})
        return {"received": len(body["feedback"])}
