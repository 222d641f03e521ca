"""Factors: the vocabulary of what a person may report (conditions, medicines, preferences, places, ...)."""

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.engine.models import FactorKind
from service.schemas.base import QuerySchema, doc
from service.schemas.content import FactorSchema
from service.web.args import query
from service.web.catalog import Catalog

blp = Blueprint("Factors", __name__, url_prefix="/v1/factors", description="Ids accepted by POST /v1/recommendations.")


class FactorQuerySchema(QuerySchema):
    kind = ma.fields.Enum(FactorKind, by_value=True, metadata=doc("Only factors of this kind."))


def publish(cat: Catalog) -> None:
    cat.add_dump("factors", FactorSchema(many=True), cat.kb.factors, blp.url_prefix)
    for kind in FactorKind:
        chosen = [f for f in cat.kb.factors if f.kind is kind]
        cat.add_dump(f"factors:{kind.value}", FactorSchema(many=True), chosen)


@blp.route("")
class Factors(MethodView):
    @blp.doc(operationId="listFactors")
    @query(blp, FactorQuerySchema)
    @blp.response(200, FactorSchema(many=True))
    def get(self, args):
        """List factors

        Conditions, medicine classes, preferences and jurisdictions a person may report, and the factors derived
        from age, pregnancy, breastfeeding and place that treatments' cautions refer to.
        """
        kind = args.get("kind")
        return state().catalog.send(f"factors:{kind.value}" if kind else "factors")
