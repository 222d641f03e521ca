"""Medicines: a name, brand or RxNorm code -> the medicine-class ids POST /v1/recommendations reads for it."""

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.schemas.medicines import MedicineQuerySchema, MedicineSchema
from service.web.args import query

blp = Blueprint(
    "Medicines",
    __name__,
    url_prefix="/v1/medicines",
    description="Medicine lookup by name, brand or RxNorm code, from the same map the EHR integration reads.",
)
NO_STORE = {"Cache-Control": "no-store"}


@blp.route("")
class Medicines(MethodView):
    @blp.doc(operationId="findMedicines")
    @query(blp, MedicineQuerySchema)
    @blp.response(
        200,
        MedicineSchema(many=True),
        description="The medicines found, best first; an empty list when none matches (an unknown name is no error).",
        headers={
            "Cache-Control": {"description": "Always no-store.", "schema": {"type": "string", "enum": ["no-store"]}}
        },
    )
    def get(self, args):
        """Find medicines

        The medicines whose name or brand starts with `q` (exact matches first, then names before brands, at most
        50), or the one an RxNorm code names (ingredient, clinical or branded drug, pack), each with the
        medicine-class ids it means. A medicine the service does not know gives an empty list, not an error. Any
        name, brand or code found here, or its `classes`, may be sent in `medications` of POST /v1/recommendations.
        """
        return state().medicines.find(args["q"]), 200, NO_STORE
