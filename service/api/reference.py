"""Reference content: the condition, the evidence scale, disclaimers and the API's meta data."""

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.config import API_VERSION
from service.engine.models import Condition, KnowledgeBase, Tip, Treatment
from service.knowledge.attribution import Sourcing
from service.schemas.content import ConditionSchema, DisclaimerSchema, EvidenceScaleSchema, MetaSchema
from service.web.args import lang_query, no_query
from service.web.catalog import Catalog

blp = Blueprint("Reference", __name__, url_prefix="/v1", description="The condition, grading scale, disclaimers, meta.")


def meta(kb: KnowledgeBase) -> dict[str, Any]:
    """Content version, counts and review dates."""
    graded: tuple[Treatment | Tip | Condition, ...] = (*kb.treatments, *kb.tips, kb.condition)
    return {
        "content_version": kb.content_version,
        "content_hash": kb.content_hash,
        "api_version": API_VERSION,
        "languages": list(kb.languages),
        "counts": {k: len(getattr(kb, k)) for k in ("treatments", "tips", "red_flags", "factors", "sources")},
        "claims": Sourcing.of(kb).counts(),
        "latest_review": max(g.last_reviewed for g in graded),
        "next_review_due": min(g.next_review_due for g in graded),
    }


def publish(cat: Catalog) -> None:
    kb = cat.kb
    cat.add_dump("condition", ConditionSchema(), kb.condition, f"{blp.url_prefix}/condition")
    cat.add_dump("evidence-levels", EvidenceScaleSchema(), kb.evidence_scale, f"{blp.url_prefix}/evidence-levels")
    cat.add_dump("disclaimers", DisclaimerSchema(many=True), kb.disclaimers, f"{blp.url_prefix}/disclaimers")
    cat.add_dump("meta", MetaSchema(), meta(kb), f"{blp.url_prefix}/meta")


@blp.route("/condition")
class ConditionView(MethodView):
    @blp.doc(operationId="getCondition")
    @lang_query(blp)
    @blp.response(200, ConditionSchema)
    def get(self):
        """Describe sciatica

        What sciatica is, common causes, the duration stages, the integrative plan, and its ICD-10-CM and SNOMED CT codes.
        """
        return state().catalog.send("condition")


@blp.route("/evidence-levels")
class EvidenceLevels(MethodView):
    @blp.doc(operationId="getEvidenceLevels")
    @lang_query(blp)
    @blp.response(200, EvidenceScaleSchema)
    def get(self):
        """Explain the evidence scale

        Definitions of certainty, direction, strength and scope, and how SORT, NICE wording and Oxford CEBM map onto them.
        """
        return state().catalog.send("evidence-levels")


@blp.route("/disclaimers")
class Disclaimers(MethodView):
    @blp.doc(operationId="listDisclaimers")
    @lang_query(blp)
    @blp.response(200, DisclaimerSchema(many=True))
    def get(self):
        """List disclaimers

        The general disclaimer and the situation-specific ones a recommendation may carry.
        """
        return state().catalog.send("disclaimers")


@blp.route("/meta")
class Meta(MethodView):
    @blp.doc(operationId="getMeta")
    @no_query(blp)
    @blp.response(200, MetaSchema)
    def get(self):
        """Describe this release

        Content version and hash, API version, item counts and review dates.
        """
        return state().catalog.send("meta")
