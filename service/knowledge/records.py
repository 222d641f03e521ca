"""Turn parsed YAML into engine models, driven by the models' type hints; errors name the field path."""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from service.engine.models import DEFAULT_LANGUAGE, TechnicalText, Text

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader when PyYAML has it: 10x faster start


class RecordError(Exception):
    """A defect in one record: `path` is the dotted field path inside the record."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A model's type hints and init fields, worked out once per class (resolving string hints is the slow part)."""
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init and not f.metadata.get("computed")}
    return typing.get_type_hints(cls), fields


def build(cls: type, data: Any, languages: frozenset[str], path: str = "") -> Any:
    """Build dataclass `cls` from `data`, checking every field against its type hint."""
    if not isinstance(data, Mapping):
        raise RecordError(path or "(record)", f"expected a mapping, got {type(data).__name__}")
    hints, fields = _shape(cls)
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise RecordError(_join(path, str(unknown[0])), "unknown field")
    values = {}
    for name, spec in fields.items():
        where = _join(path, name)
        if name not in data:
            has_default = spec.default is not dataclasses.MISSING
            if has_default or spec.default_factory is not dataclasses.MISSING:
                continue
            raise RecordError(where, "missing required field")
        values[name] = convert(hints[name], data[name], languages, where)
    return cls(**values)


def convert(hint: Any, value: Any, languages: frozenset[str], path: str) -> Any:
    """Convert one YAML value to the type `hint` describes."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if value is None:
            return None
        return convert(options[0], value, languages, path)
    if origin is tuple:
        if not isinstance(value, list):
            raise RecordError(path, f"expected a list, got {type(value).__name__}")
        item = typing.get_args(hint)[0]
        return tuple(convert(item, v, languages, f"{path}[{i}]") for i, v in enumerate(value))
    if value is None:
        raise RecordError(path, "must not be empty")
    if dataclasses.is_dataclass(hint):
        return build(hint, value, languages, path)  # type: ignore[arg-type]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(m.value for m in hint)
            raise RecordError(path, f"{value!r} is not one of: {allowed}") from None
    if hint is Text:
        return _text(value, languages, path)
    if hint is TechnicalText:
        return TechnicalText(_text(value, frozenset({DEFAULT_LANGUAGE}), path))
    if hint is str:
        return _string(value, path)
    if hint is bool:
        if not isinstance(value, bool):
            raise RecordError(path, f"expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecordError(path, f"expected a whole number, got {value!r}")
        return value
    if hint is date:
        return _date(value, path)
    raise TypeError(f"no converter for {hint!r} at {path}")  # a model bug, not a data defect


def _text(value: Any, languages: frozenset[str], path: str) -> Text:
    """A text in every language of `languages` (English required; the others come from the translation files)."""
    if isinstance(value, str):
        value = {DEFAULT_LANGUAGE: _string(value, path)}
    if not isinstance(value, Mapping):
        raise RecordError(path, "expected text or a mapping of language to text")
    if DEFAULT_LANGUAGE not in value:
        raise RecordError(path, f"the {DEFAULT_LANGUAGE!r} wording is required")
    for lang in value:
        if lang not in languages:
            raise RecordError(f"{path}.{lang}", "language not declared in meta.yaml (or kept in English only)")
    for lang in sorted(languages - set(value)):
        raise RecordError(path, f"no {lang!r} wording: translations/{lang}/ lacks it (python -m service.knowledge kit)")
    return Text(
        {lang: _string(text, path if lang == DEFAULT_LANGUAGE else f"{path}.{lang}") for lang, text in value.items()}
    )


def _string(value: Any, path: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(path, f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise RecordError(path, "must not be empty")
    return text


def _date(value: Any, path: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RecordError(path, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
