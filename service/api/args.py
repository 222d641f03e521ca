"""Query-string strictness: an unknown parameter is a 422 naming it, on every GET."""

import marshmallow as ma

from service.schemas.base import BaseSchema


class NoQuerySchema(BaseSchema):
    """No query parameters are accepted."""


def query(blp, schema):  # type: ignore[no-untyped-def]
    """Parse the query string with `schema`, rejecting unknown parameters."""
    return blp.arguments(schema, location="query", unknown=ma.RAISE)


def no_query(blp):  # type: ignore[no-untyped-def]
    """Reject any query parameter on a view that takes none."""
    return blp.arguments(NoQuerySchema, location="query", unknown=ma.RAISE, as_kwargs=True)
