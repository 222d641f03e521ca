"""Health: liveness and readiness for orchestrators and load balancers."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.schemas.base import MAX_ITEMS, BaseSchema, doc, integer
from service.web.args import no_query

blp = Blueprint("Health", __name__, url_prefix="/health", description="Liveness and readiness probes.")
NO_STORE = {"Cache-Control": "no-store"}


class HealthSchema(BaseSchema):
    status = ma.fields.String(metadata=doc("ok when the check passes.", "ok"))
    content_version = ma.fields.String(metadata=doc("Loaded content version (readiness only).", "1.0.0"))
    treatments = integer("Treatments loaded (readiness only).", 30, 0, MAX_ITEMS)


@blp.route("/live")
class Live(MethodView):
    @blp.doc(operationId="getLiveness", security=[])
    @no_query(blp)
    @blp.response(200, HealthSchema)
    def get(self):
        """Liveness

        The process answers HTTP.
        """
        return {"status": "ok"}, 200, NO_STORE


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(operationId="getReadiness", security=[])
    @no_query(blp)
    @blp.response(200, HealthSchema)
    def get(self):
        """Readiness

        The knowledge base is loaded and validated; reports its content version.
        """
        kb = state().kb
        return {"status": "ok", "content_version": kb.content_version, "treatments": len(kb.treatments)}, 200, NO_STORE
