"""Self-care tips, each with evidence and sources."""

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.schemas.content import TipSchema
from service.web.args import lang_query
from service.web.catalog import Catalog

blp = Blueprint("Tips", __name__, url_prefix="/v1/tips", description="Self-care tips, graded like treatments.")


def publish(cat: Catalog) -> None:
    cat.add_dump("tips", TipSchema(many=True), cat.kb.tips, blp.url_prefix)


@blp.route("")
class Tips(MethodView):
    @blp.doc(operationId="listTips")
    @lang_query(blp)
    @blp.response(200, TipSchema(many=True))
    def get(self):
        """List self-care tips

        The source article's five tips and other guideline-backed self-care, each with an evidence block.
        """
        return state().catalog.send("tips")
