"""Exercise illustrations: each exercise's picture as SVG, served from the catalog like all content."""

from functools import partial

from flask.views import MethodView
from flask_smorest import Blueprint, abort

from service.api.state import state
from service.engine.models import Illustration
from service.knowledge.illustrations import MAX_BYTES, in_language
from service.schemas.treatments import illustration_path
from service.web.args import lang_query
from service.web.catalog import Catalog

SVG = "image/svg+xml"
SVG_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"  # a picture opened on its own runs and loads nothing
SVG_BODY = {"type": "string", "maxLength": MAX_BYTES}

blp = Blueprint(
    "Illustrations",
    __name__,
    url_prefix="/v1/illustrations",
    description="Pictures of the exercises (hand-drawn SVG, no outside images, fonts or scripts), with alt text.",
)


def publish(cat: Catalog) -> None:
    """Each picture in every language: its title (the exercise's name) and description (its alt text) translated."""
    for exercise_id, picture in cat.kb.illustrations.items():
        cat.add_bytes(f"illustration:{exercise_id}", partial(_svg, picture), SVG, illustration_path(exercise_id))


def _svg(picture: Illustration, lang: str) -> bytes:
    return in_language(picture, lang).encode()


@blp.route("/<string(maxlength=64):exercise_id>.svg")
class IllustrationById(MethodView):
    @blp.doc(operationId="getIllustration")
    @lang_query(blp)
    @blp.response(200, SVG_BODY, content_type=SVG, description="The picture: an SVG image.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, exercise_id):
        """Get an exercise's picture

        A simple drawing of the pose for one exercise of GET /v1/treatments/{treatment_id} (its `illustration.url`;
        the alt text is `illustration.alt`). Hand-written SVG with a title and description in the answer's language
        (`lang` or Accept-Language): no scripts, links, fonts
        or outside images, and a Content-Security-Policy that lets nothing load. Cached with a strong ETag like every
        content GET.
        """
        if exercise_id not in state().kb.illustrations:
            abort(404, message=f"No exercise with id {exercise_id!r}; see the exercises of GET /v1/treatments.")
        response = state().catalog.send(f"illustration:{exercise_id}")
        response.headers["Content-Security-Policy"] = SVG_CSP
        return response
