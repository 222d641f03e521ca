"""GET /: where the documentation and the OpenAPI document are; Swagger UI's assets, served locally."""

import os

import flask_swagger_ui
import marshmallow as ma
from flask import Blueprint as FlaskBlueprint
from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.state import state
from service.config import API_VERSION
from service.schemas.base import BaseSchema, doc
from service.web.args import no_query

blp = Blueprint("Service", __name__, description="Where to start.")

# Swagger UI's files from the flask-swagger-ui wheel: no CDN, so /docs works offline and on hospital networks.
assets = FlaskBlueprint(
    "swagger_ui_assets",
    __name__,
    static_folder=os.path.join(os.path.dirname(flask_swagger_ui.__file__), "dist"),
    static_url_path="/docs/assets",
)


class IndexSchema(BaseSchema):
    name = ma.fields.String(metadata=doc("Service name.", "Sciatica Relief API"))
    api_version = ma.fields.String(metadata=doc("API version.", "1.0.0"))
    content_version = ma.fields.String(metadata=doc("Clinical content version.", "1.0.0"))
    docs = ma.fields.String(metadata=doc("Interactive documentation (Swagger UI).", "/docs"))
    openapi = ma.fields.String(metadata=doc("OpenAPI 3.1 document.", "/openapi.json"))
    disclaimer = ma.fields.String(metadata=doc("What this service is not."))


@blp.route("/")
class Index(MethodView):
    @blp.doc(operationId="getIndex")
    @no_query(blp)
    @blp.response(200, IndexSchema)
    def get(self):
        """Start here

        Links to the interactive documentation and the OpenAPI document.
        """
        return {
            "name": "Sciatica Relief API",
            "api_version": API_VERSION,
            "content_version": state().kb.content_version,
            "docs": "/docs",
            "openapi": "/openapi.json",
            "disclaimer": "Health information, not a diagnosis or medical advice.",
        }
