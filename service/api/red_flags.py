"""Red flags: warning signs that need emergency, same-day or soon care."""

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.schemas.content import RedFlagSchema
from service.web.args import lang_query
from service.web.catalog import Catalog

blp = Blueprint("Red flags", __name__, url_prefix="/v1/red-flags", description="Warning signs and their urgency.")


def publish(cat: Catalog) -> None:
    cat.add_dump("red-flags", RedFlagSchema(many=True), cat.kb.red_flags, blp.url_prefix)


@blp.route("")
class RedFlags(MethodView):
    @blp.doc(operationId="listRedFlags")
    @lang_query(blp)
    @blp.response(200, RedFlagSchema(many=True))
    def get(self):
        """List red flags

        Each warning sign as a yes/no question with what it may mean and how urgent it is. Send the ids answered
        yes in `red_flags` of POST /v1/recommendations.
        """
        return state().catalog.send("red-flags")
