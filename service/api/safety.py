"""The clinical safety case: the hazard log with its controls and verifications, for a safety officer to build on."""

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.state import state
from service.engine.hazards import Hazard, Likelihood, RiskMatrix, Severity
from service.engine.models import KnowledgeBase
from service.schemas.safety import HazardLogSchema, HazardSchema
from service.web.args import no_query
from service.web.catalog import Catalog

blp = Blueprint(
    "Safety", __name__, url_prefix="/v1/safety", description="The clinical safety case: hazards, controls, proof."
)


def hazard(h: Hazard, matrix: RiskMatrix) -> dict[str, Any]:
    """A hazard with its risk ratings worked out from the matrix."""
    return {
        **{k: getattr(h, k) for k in ("id", "title", "description", "causes", "effect", "classes", "controls")},
        "verification": h.verification,
        "initial": {
            "severity": h.severity,
            "likelihood": h.likelihood,
            "rating": matrix.rating(h.likelihood, h.severity),
        },
        "residual": {
            "severity": h.residual_severity,
            "likelihood": h.residual_likelihood,
            "rating": matrix.rating(h.residual_likelihood, h.residual_severity),
            "note": h.residual_note,
        },
    }


def log(kb: KnowledgeBase) -> dict[str, Any]:
    matrix = kb.risk_matrix
    assert matrix is not None  # the loader requires it
    return {
        "content_version": kb.content_version,
        "risk_matrix": {**vars(matrix), "likelihood": list(Likelihood), "severity": list(Severity)},
        "hazards": [hazard(h, matrix) for h in kb.hazards],
    }


def publish(cat: Catalog) -> None:
    kb = cat.kb
    cat.add_dump("hazards", HazardLogSchema(), log(kb), f"{blp.url_prefix}/hazards")
    for h in kb.hazards:
        assert kb.risk_matrix is not None
        cat.add_dump(f"hazard:{h.id}", HazardSchema(), hazard(h, kb.risk_matrix), f"{blp.url_prefix}/hazards/{h.id}")


@blp.route("/hazards")
class Hazards(MethodView):
    @blp.doc(operationId="listHazards")
    @no_query(blp)
    @blp.response(200, HazardLogSchema)
    def get(self):
        """Get the hazard log

        The clinical safety case as data (NHS DCB0129): each hazard with its causes, effect, severity and likelihood,
        the controls that stop it (engine rules, knowledge, code, build gates), the tests that prove each control
        works (run on every build), and the residual risk with its rating from the risk matrix.
        """
        return state().catalog.send("hazards")


@blp.route("/hazards/<string(maxlength=16):hazard_id>")
class HazardById(MethodView):
    @blp.doc(operationId="getHazard")
    @no_query(blp)
    @blp.response(200, HazardSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, hazard_id):
        """Get one hazard

        One hazard of the log, with its controls, verifications and risk before and after the controls.
        """
        if hazard_id not in state().kb.index["hazards"]:
            abort(404, message=f"No hazard with id {hazard_id!r}; see GET /v1/safety/hazards.")
        return state().catalog.send(f"hazard:{hazard_id}")
