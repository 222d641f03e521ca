"""Each declared language besides English, read from data/translations/<lang>/ and laid over the English records
before they are built: a translation names the English it was made from, so a changed English makes it stale."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from service.engine.models import DEFAULT_LANGUAGE
from service.knowledge.errors import KnowledgeError
from service.knowledge.records import SAFE_LOADER

FOLDER = "translations"
STEP = re.compile(r"\.?([A-Za-z_]+)|\[(\d+)\]")
RECORD_KEYS = {"id", "translation", "texts"}
STATUS_KEYS = {"status", "by", "date"}


@dataclass
class Overlay:
    """One translation file: record label -> its translation status and texts; `used` marks records applied."""

    file: str  # as errors name it: translations/es/tips.yaml
    lang: str
    records: dict[str, dict[str, Any]]
    used: set[str] = field(default_factory=set)
    # (record, text path, why) of texts that no longer match their English: refused after the English checks
    defects: list[tuple[str, str, str]] = field(default_factory=list)


class Overlays:
    """Every translation file of the declared languages, by the English file it translates."""

    def __init__(self, by_file: dict[str, list[Overlay]]) -> None:
        self.by_file = by_file

    @classmethod
    def read(cls, base: Traversable, langs: frozenset[str], digest: Any) -> Overlays:
        by_file: dict[str, list[Overlay]] = {}
        for lang in sorted(langs - {DEFAULT_LANGUAGE}):
            folder = base / FOLDER / lang
            for rel, node in _yaml_files(folder):
                raw = node.read_bytes()
                digest.update(f"{FOLDER}/{lang}/{rel}".encode() + b"\0" + raw)
                by_file.setdefault(rel, []).append(_parse(f"{FOLDER}/{lang}/{rel}", lang, raw))
        return cls(by_file)

    def apply(self, name: str, label: str, item: Any) -> Any:
        """`item` (the English record of file `name`) with each translated text as {en:, <lang>:} and its
        translations listed; a text the translation lacks stays English-only (the record build refuses it)."""
        overlays = [(o, o.records[label]) for o in self.by_file.get(name, ()) if label in o.records]
        if not overlays or not isinstance(item, dict):
            return item
        item = copy.deepcopy(item)
        for overlay, record in overlays:
            overlay.used.add(label)
            for path, pair in record["texts"].items():
                _lay(item, path, pair, overlay, label)
            status = {"language": overlay.lang, **record["translation"]}
            item["translations"] = [*item.get("translations", ()), status]
        return item

    def check_used(self, names: set[str]) -> None:
        """Refuse a translation whose English has changed, and a translation file or record that translates nothing
        loaded (a renamed file or id); run after the English checks, whose errors come first."""
        for rel, overlays in self.by_file.items():
            for o in overlays:
                for label, path, why in o.defects[:1]:
                    raise KnowledgeError(o.file, label, f"texts.{path}", why)
                if rel not in names:
                    raise KnowledgeError(o.file, "-", "-", f"translates {rel}, which does not exist")
                for label in o.records.keys() - o.used:
                    raise KnowledgeError(o.file, label, "id", f"no record {label!r} in {rel} (kit --write drops it)")


def _yaml_files(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    if not folder.is_dir():
        return []
    out = []
    for node in sorted(folder.iterdir(), key=lambda n: n.name):
        if node.is_dir():
            out += _yaml_files(node, f"{prefix}{node.name}/")
        elif node.name.endswith(".yaml"):
            out.append((f"{prefix}{node.name}", node))
    return out


def _parse(file: str, lang: str, raw: bytes) -> Overlay:
    """A translation file's records, checked for shape: every text a non-empty translation of a non-empty English."""
    try:
        data = yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeError(file, "-", "-", f"not valid YAML: {exc}") from None
    records = data.get("records") if isinstance(data, dict) else None
    if not isinstance(records, list) or not records:
        raise KnowledgeError(file, "-", "records", "expected a non-empty list")
    out: dict[str, dict[str, Any]] = {}
    for i, record in enumerate(records):
        label = str(record.get("id", f"#{i + 1}")) if isinstance(record, dict) else f"#{i + 1}"
        if not isinstance(record, dict) or set(record) != RECORD_KEYS:
            raise KnowledgeError(file, label, "-", f"expected exactly the fields {sorted(RECORD_KEYS)}")
        status = record["translation"]
        if not isinstance(status, dict) or set(status) != STATUS_KEYS or not all(status.values()):
            raise KnowledgeError(file, label, "translation", "expected status, by and date, none empty")
        texts = record["texts"]
        if not isinstance(texts, dict) or not texts:
            raise KnowledgeError(file, label, "texts", f"expected a mapping of text path to {{en:, {lang}:}}")
        for path, pair in texts.items():
            where = f"texts.{path}"
            if not isinstance(pair, dict) or set(pair) != {DEFAULT_LANGUAGE, lang}:
                raise KnowledgeError(file, label, where, f"expected exactly {DEFAULT_LANGUAGE} and {lang}")
            for key in (DEFAULT_LANGUAGE, lang):
                if not isinstance(pair[key], str) or not pair[key].strip():
                    raise KnowledgeError(file, label, f"{where}.{key}", "must not be empty")
        if label in out:
            raise KnowledgeError(file, label, "id", "duplicate id")
        out[label] = record
    return Overlay(file, lang, out)


def _lay(item: dict[str, Any], path: str, pair: dict[str, str], overlay: Overlay, label: str) -> None:
    """Put the translation at `path` (summary, exercises[0].steps[1]) beside the English it was made from; a path
    the English lacks, or English that changed since, is noted as a defect (refused once the English is checked)."""
    steps = [(m[1], m[2]) for m in STEP.finditer(path)]
    if "".join(m[0] for m in STEP.finditer(path)) != path or not steps:
        raise KnowledgeError(overlay.file, label, f"texts.{path}", "not a text path like exercises[0].steps[1]")
    parent: Any = None
    node: Any = item
    key: Any = None
    for name, index in steps:
        parent, key = node, (name or int(index))
        fits = isinstance(node, dict) and name in node if name else isinstance(node, list) and int(index) < len(node)
        if not fits:
            overlay.defects.append((label, path, "no such text in the English record"))
            return
        node = node[key]
    english = node.get(DEFAULT_LANGUAGE) if isinstance(node, dict) else node
    if not isinstance(english, (str, int, float)) or isinstance(english, bool):
        overlay.defects.append((label, path, "no such text in the English record"))
        return
    if str(english).strip() != pair[DEFAULT_LANGUAGE].strip():
        why = "stale: the English changed since it was translated (python -m service.knowledge kit)"
        overlay.defects.append((label, path, why))
    parent[key] = {**(node if isinstance(node, dict) else {DEFAULT_LANGUAGE: node}), overlay.lang: pair[overlay.lang]}
