"""Query-string strictness: an unknown parameter is a 422 naming it, on every GET."""

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from service.schemas.base import BaseSchema


class NoQuerySchema(BaseSchema):
    """No query parameters are accepted."""


def query(blp: Blueprint, schema: type[ma.Schema]) -> Callable[..., Any]:
    """Parse the query string with `schema`, rejecting unknown parameters."""
    return blp.arguments(schema, location="query", unknown=ma.RAISE)


def no_query(blp: Blueprint) -> Callable[..., Any]:
    """Reject any query parameter on a view that takes none."""
    return blp.arguments(NoQuerySchema, location="query", unknown=ma.RAISE, as_kwargs=True)
