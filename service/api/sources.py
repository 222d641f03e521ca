"""Sources: guidelines, reviews, trials and patient information behind every claim."""

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.state import state
from service.schemas.content import SourceSchema
from service.web.args import no_query
from service.web.catalog import Catalog

blp = Blueprint("Sources", __name__, url_prefix="/v1/sources", description="Citations with DOI, PMID or URL.")


def publish(cat: Catalog) -> None:
    cat.add_dump("sources", SourceSchema(many=True), cat.kb.sources, blp.url_prefix)
    for s in cat.kb.sources:
        cat.add_dump(f"source:{s.id}", SourceSchema(), s, f"{blp.url_prefix}/{s.id}")


@blp.route("")
class Sources(MethodView):
    @blp.doc(operationId="listSources")
    @no_query(blp)
    @blp.response(200, SourceSchema(many=True))
    def get(self):
        """List sources

        Every source the content cites, including the six references of the source article.
        """
        return state().catalog.send("sources")


@blp.route("/<string(maxlength=64):source_id>")
class SourceById(MethodView):
    @blp.doc(operationId="getSource")
    @no_query(blp)
    @blp.response(200, SourceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, source_id):
        """Get one source

        Title, authors, year, publisher, type and identifiers of one source.
        """
        if source_id not in state().kb.index["sources"]:
            abort(404, message=f"No source with id {source_id!r}; see GET /v1/sources.")
        return state().catalog.send(f"source:{source_id}")
