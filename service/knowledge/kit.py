"""The translators' kit: every person-facing text of the knowledge, with its English and its current translation in
one language, written as the translation files the loader reads (a missing or stale text left empty to fill in)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from service.engine import models as m
from service.engine.models import DEFAULT_LANGUAGE, TechnicalText, Text
from service.knowledge.loader import LIST_FILES, SINGLE_FILES, record_label
from service.knowledge.records import SAFE_LOADER, build
from service.knowledge.translations import FOLDER

ENGLISH = frozenset({DEFAULT_LANGUAGE})
HEADER = (
    "# {lang} wording of {name}, laid over the English by the loader. Each text keeps the English it was translated\n"
    "# from: when the English changes the loader refuses the translation as stale until it is translated again.\n"
    "# Regenerate with `python -m service.knowledge kit {lang} --write` (keeps every current translation).\n"
)


@dataclass
class FileKit:
    """One translation file to be: its records as the loader reads them, and how many texts are done."""

    name: str  # the English file, as tips.yaml or treatments/nsaids.yaml
    records: list[dict[str, Any]]
    texts: int = 0
    missing: int = 0  # no translation yet, or translated from English that has since changed


def english_records(base: Traversable) -> Iterator[tuple[str, str, Any]]:
    """(file, record label, English-only record) for every record of the knowledge under `base`."""
    for name, (key, cls) in LIST_FILES.items():
        data = yaml.load((base / name).read_bytes(), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        for i, item in enumerate(data[key]):
            yield name, record_label(item, i), build(cls, item, ENGLISH)
    for name, (key, cls) in SINGLE_FILES.items():
        data = yaml.load((base / name).read_bytes(), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        yield name, key, build(cls, data[key], ENGLISH)
    for f in sorted((f for f in (base / "treatments").iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name):
        data = yaml.load(f.read_bytes(), Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        yield f"treatments/{f.name}", f.name[:-5], build(m.Treatment, data, ENGLISH)


def text_paths(value: Any, path: str = "") -> Iterator[tuple[str, Text]]:
    """The person-facing texts inside a record, with the path a translation file names them by."""
    if isinstance(value, TechnicalText):
        return
    if isinstance(value, Text):
        yield path, value
    elif isinstance(value, tuple):
        for i, v in enumerate(value):
            yield from text_paths(v, f"{path}[{i}]")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.init and not f.metadata.get("computed") and f.name != "translations":
                yield from text_paths(getattr(value, f.name), f"{path}.{f.name}" if path else f.name)


def kit(base: Traversable, lang: str) -> list[FileKit]:
    """Every translation file for `lang`: current translations kept, the rest empty for a translator."""
    files: dict[str, FileKit] = {}
    current = _current(base, lang)
    for name, label, record in english_records(base):
        texts = list(text_paths(record))
        if not texts:
            continue
        done = current.get((name, label), {})
        entry: dict[str, Any] = {"id": label, "translation": done.get("translation") or _unsigned()}
        entry["texts"] = {}
        kit_file = files.setdefault(name, FileKit(name, []))
        for path, text in texts:
            was = (done.get("texts") or {}).get(path) or {}
            fresh = str(was.get(DEFAULT_LANGUAGE, "")).strip() == text[DEFAULT_LANGUAGE] and was.get(lang)
            entry["texts"][path] = {DEFAULT_LANGUAGE: text[DEFAULT_LANGUAGE], lang: was[lang] if fresh else ""}
            kit_file.texts += 1
            kit_file.missing += 0 if fresh else 1
        kit_file.records.append(entry)
    return list(files.values())


def dump(kit_file: FileKit, lang: str) -> str:
    """A translation file's text: the header, then its records as YAML (long lines kept whole for reviewers)."""
    body = yaml.safe_dump({"records": kit_file.records}, allow_unicode=True, sort_keys=False, width=10_000)
    return HEADER.format(lang=lang, name=kit_file.name) + body


def _current(base: Traversable, lang: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The translation records already written, by (English file, record label), read leniently."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    folder = base / FOLDER / lang
    for name in [*LIST_FILES, *SINGLE_FILES, *(f"treatments/{f.name}" for f in (base / "treatments").iterdir())]:
        node = folder / name
        if not node.is_file():
            continue
        data = yaml.load(node.read_bytes(), Loader=SAFE_LOADER) or {}  # noqa: S506 - a safe loader
        for record in data.get("records") or []:
            if isinstance(record, dict) and "id" in record:
                out[name, str(record["id"])] = record
    return out


def _unsigned() -> dict[str, str]:
    return {"status": "draft", "by": "", "date": ""}
