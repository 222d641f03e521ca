"""Shared schema pieces: strict base schema, response base schema, translatable text field, field metadata helper."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any, ClassVar

import marshmallow as ma
from apispec import BasePlugin
from marshmallow.schema import SchemaMeta

from service.engine.models import DEFAULT_LANGUAGE, Text, TranslationStatus

# The language a dump is written in. Read only inside a schema's dump (Localized, and a few Method fields): marshmallow
# 4 hands nested schemas no context, so `dump_in` sets it for one dump; everything else passes the language as an
# argument.
LANG: ContextVar[str] = ContextVar("lang", default=DEFAULT_LANGUAGE)


def dump_in(lang: str, schema: ma.Schema, obj: Any) -> Any:
    """`schema.dump(obj)` with every translatable text written in `lang`."""
    token = LANG.set(lang)
    try:
        return schema.dump(obj)
    finally:
        LANG.reset(token)


# Bounds the OpenAPI document states for every string and list without a bound of its own (service.openapi adds
# them); schemathesis checks every response against them. Longest today: a treatment's details (~950 characters),
# the factor list (63 items).
MAX_STRING = 4000
MAX_ITEMS = 1000
# Accepted ranges of the integers a person reports; factor bands, stage bands and questions use the same ones.
RANGES = {"age": (0, 120), "symptom_duration_days": (0, 36500), "pain_severity": (0, 10), "pregnancy_weeks": (0, 42)}


def doc(description: str, example: Any = None, **extra: Any) -> dict[str, Any]:
    """Field metadata for the OpenAPI document."""
    meta: dict[str, Any] = {"description": description, **extra}
    if example is not None:
        meta["example"] = example
    return meta


class BaseSchema(ma.Schema):
    """Rejects unknown fields, so a typo is a 422 naming it rather than silently ignored."""

    class Meta:
        unknown = ma.RAISE


class QuerySchema(BaseSchema):
    """The query parameters of a view whose answer is written in a language: `lang` (the language list is the
    content's, so the catalog checks the value and the served document lists them); views never see it."""

    lang = ma.fields.String(
        validate=ma.validate.Length(2, 8),
        metadata=doc(
            "The language of the answer's texts, overriding Accept-Language (GET /v1/meta lists the languages).", "es"
        ),
    )

    @ma.post_load
    def _without_lang(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data.pop("lang", None)
        return data


class SchemaKeywordsPlugin(BasePlugin):
    """Adds a schema's `json_schema` keywords (cross-field rules: if/then) to its component in the OpenAPI document."""

    def schema_helper(self, name: str, definition: dict[str, Any], **kwargs: Any) -> dict[str, Any] | None:
        return getattr(kwargs.get("schema"), "json_schema", None)


class OutputSchemaMeta(SchemaMeta):
    """Marks every declared field of a response schema required, but those the class lists in `optional`."""

    def __init__(cls, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> None:
        super().__init__(name, bases, attrs)
        optional: frozenset[str] = getattr(cls, "optional", frozenset())
        fields = {}
        for key, field in cls._declared_fields.items():
            fields[key] = copy.copy(field)  # a copy: an inherited field object stays as its own class declares it
            fields[key].required = key not in optional
        cls._declared_fields = fields


class OutputSchema(BaseSchema, metaclass=OutputSchemaMeta):
    """A schema of what the service sends: each field is required in the OpenAPI document (always sent, so a generated
    client types it as present) unless named in `optional` (sometimes left out)."""

    optional: ClassVar[frozenset[str]] = frozenset()


class TranslationSchema(OutputSchema):
    language = ma.fields.String(metadata=doc("The language of this translation.", "es"))
    status = ma.fields.String(
        validate=ma.validate.OneOf([s.value for s in TranslationStatus]),
        metadata=doc("draft: translated, not yet checked by a bilingual clinician; reviewed: checked.", "draft"),
    )
    by = ma.fields.String(metadata=doc("Who translated it (or, once reviewed, who reviewed it).", "Jane Doe, RN"))
    date = ma.fields.Date(metadata=doc("When the translation was made or last reviewed.", "2026-12-01"))


class TranslationOf(ma.fields.Nested):
    """A record's translation into the language being served: null for the English original."""

    def __init__(self) -> None:
        super().__init__(
            TranslationSchema,
            allow_none=True,
            metadata=doc("How the texts of this item were translated into the answer's language; null in English."),
        )

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing) -> Any:
        record: Any = obj.get("record") if isinstance(obj, dict) else obj  # an item assembled from a record names it
        t = record.translation(LANG.get())
        return None if t is None else {"language": t.language, "status": t.status.value, "by": t.by, "date": t.date}


class Localized(ma.fields.String):
    """A translatable text, written in the language being served (English when no translation exists)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.get_text(LANG.get()) if isinstance(value, Text) else str(value)


def enum_field(enum: type, description: str, example: Any = None, **kwargs: Any) -> ma.fields.Enum:
    """An enum dumped by value, documented with its allowed values."""
    return ma.fields.Enum(enum, by_value=True, metadata=doc(description, example), **kwargs)


def one_of(values: Sequence[str], description: str, example: Any = None, **kwargs: Any) -> ma.fields.String:
    """A string from a closed set, documented as an enum; pass the set from its one definition (engine, knowledge)."""
    return ma.fields.String(
        validate=ma.validate.OneOf(values), metadata=doc(description, example or values[0]), **kwargs
    )


def integer(description: str, example: Any, low: int, high: int, **kwargs: Any) -> ma.fields.Integer:
    """A whole number in [low, high], an int32 in the OpenAPI document; on input a float or a string is rejected."""
    return ma.fields.Integer(
        strict=True,
        validate=ma.validate.Range(low, high, error="Must be a whole number from {min} to {max}."),
        error_messages={"invalid": f"Must be a whole number from {low} to {high}, without quotes or decimals."},
        metadata=doc(description, example, format="int32"),
        **kwargs,
    )


def text(description: str, example: Any = None, **kwargs: Any) -> Localized:
    return Localized(metadata=doc(description, example), **kwargs)


class JsonBoolean(ma.fields.Boolean):
    """Only JSON true or false: "yes", 1 or 0 are rejected rather than guessed (1 and 0 equal True and False in
    Python, so truthy and falsy sets would let them through)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value
