"""Treatments: the evidence-graded options, as a filterable list and as full items."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.state import state
from service.engine.select import select_treatments
from service.schemas.treatments import TreatmentQuerySchema, TreatmentSchema, TreatmentSummarySchema
from service.web.args import lang_query, query
from service.web.catalog import Catalog

blp = Blueprint(
    "Treatments", __name__, url_prefix="/v1/treatments", description="Sciatica treatment options with graded evidence."
)
FULL, SUMMARY = TreatmentSchema(), TreatmentSummarySchema()


def publish(cat: Catalog) -> None:
    """Pre-serialise every treatment, full and summary, and the unfiltered lists."""
    kb = cat.kb
    for t in kb.treatments:
        cat.add_dump(f"treatment:{t.id}", FULL, t, f"{blp.url_prefix}/{t.id}")
        cat.add_dump(f"treatment-summary:{t.id}", SUMMARY, t)
    cat.add_dump("treatments:full", TreatmentSchema(many=True), kb.treatments)
    cat.add_dump("treatments:summary", TreatmentSummarySchema(many=True), kb.treatments, blp.url_prefix)


@blp.route("")
class Treatments(MethodView):
    @blp.doc(operationId="listTreatments")
    @query(blp, TreatmentQuerySchema)
    @blp.response(200, {"type": "array", "items": {"oneOf": [TreatmentSummarySchema, TreatmentSchema]}})
    def get(self, args):
        """List treatments

        Every treatment option, in a stable order, optionally filtered. `view=summary` (the default) returns the
        compact fields; `view=full` returns every field, as GET /v1/treatments/{treatment_id} does.
        """
        view = args.pop("view")
        if not args:
            return state().catalog.send(f"treatments:{view}")
        cat, prefix = state().catalog, "treatment" if view == "full" else "treatment-summary"
        lang = cat.language()
        chosen = select_treatments(state().kb.treatments, **args)
        return cat.send_data([cat.data(f"{prefix}:{t.id}", lang) for t in chosen], lang)


@blp.route("/<string(maxlength=64):treatment_id>")
class TreatmentById(MethodView):
    @blp.doc(operationId="getTreatment")
    @lang_query(blp)
    @blp.response(200, TreatmentSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, treatment_id):
        """Get one treatment

        The full item: what it involves, who delivers it, stages, cautions by factor, drug examples with RxNorm
        codes, the evidence block with per-source grades, sources and review dates.
        """
        if treatment_id not in state().kb.index["treatments"]:
            abort(404, message=f"No treatment with id {treatment_id!r}; see GET /v1/treatments.")
        return state().catalog.send(f"treatment:{treatment_id}")
