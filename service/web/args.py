"""Query-string strictness: an unknown parameter is a 422 naming it, on every GET; `lang` where answers are written in
a language."""

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask_smorest import Blueprint

from service.schemas.base import BaseSchema, QuerySchema


class NoQuerySchema(BaseSchema):
    """No query parameters are accepted."""


def query(blp: Blueprint, schema: type[ma.Schema], **kwargs: Any) -> Callable[..., Any]:
    """Parse the query string with `schema`, rejecting unknown parameters.

    An instance, made once here: given the class, webargs builds a schema (deep-copying its fields) on every
    request, about 40 us of a content GET's ~260 us through Flask (tests/bench/hotpaths.py).
    """
    return blp.arguments(schema(), location="query", unknown=ma.RAISE, **kwargs)


def no_query(blp: Blueprint) -> Callable[..., Any]:
    """Reject any query parameter on a view that takes none."""
    return query(blp, NoQuerySchema, as_kwargs=True)


def lang_query(blp: Blueprint) -> Callable[..., Any]:
    """Take only `lang` on a view whose answer is written in a language (Catalog.language reads it)."""
    return query(blp, QuerySchema, as_kwargs=True)
