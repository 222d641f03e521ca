"""Load every knowledge file, validate it and its cross-references, and freeze it into a KnowledgeBase."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from service.engine import hazards as h
from service.engine import models as m
from service.knowledge.attribution import check_attribution, stated_at_publisher
from service.knowledge.checks import check_references
from service.knowledge.errors import KnowledgeError
from service.knowledge.illustrations import load_illustrations, with_illustrations
from service.knowledge.phrases import check_phrases
from service.knowledge.records import SAFE_LOADER, RecordError, build
from service.knowledge.releases import SEMVER, load_releases
from service.knowledge.safety_checks import check_safety_case
from service.knowledge.translations import Overlays

# file name -> (top-level key, record type); every file is a list of records except where noted.
LIST_FILES: dict[str, tuple[str, type]] = {
    "sources.yaml": ("sources", m.Source),
    "factors.yaml": ("factors", m.Factor),
    "red_flags.yaml": ("red_flags", m.RedFlag),
    "tips.yaml": ("tips", m.Tip),
    "disclaimers.yaml": ("disclaimers", m.Disclaimer),
    "triage.yaml": ("triage_actions", m.TriageAction),
    "questionnaire.yaml": ("questions", m.Question),
    "messages.yaml": ("messages", m.Message),
    "drug_classes.yaml": ("drug_classes", m.DrugClass),
    "group_rules.yaml": ("group_rules", m.GroupRule),
    "medicine_combinations.yaml": ("combinations", m.Combination),
    "hazards.yaml": ("hazards", h.Hazard),
    "phrases.yaml": ("phrases", m.Phrase),
}
SINGLE_FILES: dict[str, tuple[str, type]] = {
    "condition.yaml": ("condition", m.Condition),
    "evidence_scale.yaml": ("evidence_scale", m.EvidenceScale),
    "hazards.yaml": ("risk_matrix", h.RiskMatrix),
}


def default_root() -> Traversable:
    """The data folder shipped inside the package."""
    return resources.files("service.knowledge") / "data"


def load_knowledge(root: Path | str | None = None) -> m.KnowledgeBase:
    """Read, validate and freeze the knowledge under `root`; raise KnowledgeError on the first defect."""
    base: Traversable = default_root() if root is None else Path(root)
    digest = hashlib.sha256()
    read: dict[str, Any] = {}
    meta = _read(base, "meta.yaml", digest)
    version = meta.get("content_version") if isinstance(meta, dict) else None
    if not isinstance(version, str) or not SEMVER.match(version):
        raise KnowledgeError("meta.yaml", "meta", "content_version", "expected a semantic version like 1.2.0")
    languages = meta.get("languages", [m.DEFAULT_LANGUAGE])
    if not isinstance(languages, list) or m.DEFAULT_LANGUAGE not in languages:
        raise KnowledgeError("meta.yaml", "meta", "languages", "must be a list including 'en'")
    langs = frozenset(languages)
    overlays = Overlays.read(base, langs, digest)
    build_one = _Builder(langs, overlays)

    parts: dict[str, Any] = {}
    for name, (key, cls) in LIST_FILES.items():
        parts[key] = _records(name, _read_once(base, name, digest, read), key, cls, build_one)
    for name, (key, cls) in SINGLE_FILES.items():
        data = _read_once(base, name, digest, read)
        parts[key] = build_one(name, key, data.get(key) if isinstance(data, dict) else None, cls)
    treatments = _treatments(base / "treatments", digest, build_one)
    parts["illustrations"] = load_illustrations(base, treatments, digest)
    treatments = with_illustrations(treatments, parts["illustrations"])
    parts["treatments"] = _with_shared_rules(treatments, parts["group_rules"], parts["drug_classes"])

    files = {key: name for name, (key, _) in LIST_FILES.items()} | {"treatments": "treatments/"}
    kinds = (
        "treatments",
        "tips",
        "red_flags",
        "factors",
        "sources",
        "drug_classes",
        "combinations",
        "hazards",
        "phrases",
    )
    index: dict[str, dict[Any, Any]] = {kind: _index(parts[kind], files[kind]) for kind in kinds}
    _index(parts["group_rules"], files["group_rules"])
    index["replaced"] = _replaced(parts["treatments"], index["treatments"])
    index["factor_kinds"] = {kind: tuple(f for f in parts["factors"] if f.kind is kind) for kind in m.FactorKind}
    for key in ("treatments", "tips"):
        parts[key] = tuple(_verified(x, index["sources"]) for x in parts[key])
        index[key] = {x.id: x for x in parts[key]}
    kb = m.KnowledgeBase(
        content_version=version,
        content_hash=digest.hexdigest(),
        languages=tuple(languages),
        releases=load_releases(base, version, langs),
        index=MappingProxyType({k: MappingProxyType(v) for k, v in index.items()}),
        **parts,
    )
    check_references(kb)
    check_attribution(kb)
    check_safety_case(kb)
    check_phrases(kb)
    overlays.check_used({*LIST_FILES, *SINGLE_FILES, *(f"treatments/{t.id}.yaml" for t in kb.treatments)})
    return kb


def _read_once(base: Traversable, name: str, digest: Any, read: dict[str, Any]) -> Any:
    """A file's parsed content, read (and hashed) once even when two record types live in it."""
    if name not in read:
        read[name] = _read(base, name, digest)
    return read[name]


def _with_shared_rules(
    treatments: tuple[m.Treatment, ...], groups: tuple[m.GroupRule, ...], classes: tuple[m.DrugClass, ...]
) -> tuple[m.Treatment, ...]:
    """Each treatment with the group rules of its invasiveness and the already-taking rules of its drug classes
    added to its own rules (and their sources to its sources), so every consumer sees one list of rules."""
    out = []
    for t in treatments:
        extra = [
            m.FactorRule(g.factor, g.level, g.reason, g.sources, g.code, g.clinician, g.basis)
            for g in groups
            if t.invasiveness in g.invasiveness
        ]
        for c in classes:
            if t.id in c.members and c.taking and c.taking_level and c.taking_reason:
                extra.append(
                    m.FactorRule(
                        c.taking, c.taking_level, c.taking_reason, c.sources, m.Msg.ALREADY_TAKING, c.taking_clinician,
                        c.basis,
                    )
                )  # fmt: skip
        if extra:
            sources = tuple(dict.fromkeys((*t.sources, *(sid for rule in extra for sid in rule.sources))))
            t = dataclasses.replace(t, rules=(*t.rules, *extra), sources=sources)
        out.append(t)
    return tuple(out)


def _read(base: Traversable, name: str, digest: Any) -> Any:
    node = base / name
    try:
        raw = node.read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise KnowledgeError(name, "-", "-", "file is missing") from None
    digest.update(name.encode() + b"\0" + raw)
    try:
        return yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, "-", "-", f"not valid YAML: {exc}") from None


def record_label(item: Any, i: int) -> str:
    """How errors and translation files name the i-th record of a list: its id (a triage action: its level)."""
    return str(item.get("id", item.get("level", f"#{i + 1}"))) if isinstance(item, dict) else f"#{i + 1}"


def _records(name: str, data: Any, key: str, cls: type, build_one: _Builder) -> tuple[Any, ...]:
    items = data.get(key) if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise KnowledgeError(name, "-", key, "expected a non-empty list")
    return tuple(build_one(name, record_label(item, i), item, cls) for i, item in enumerate(items))


@dataclass(frozen=True)
class _Builder:
    """Builds one record of a file in every declared language, its translations laid over it first."""

    langs: frozenset[str]
    overlays: Overlays

    def __call__(self, name: str, label: str, item: Any, cls: type) -> Any:
        if isinstance(item, dict) and "translations" in item:
            raise KnowledgeError(name, label, "translations", "comes from translations/<language>/, never written here")
        try:
            return build(cls, self.overlays.apply(name, label, item), self.langs)
        except RecordError as exc:
            raise KnowledgeError(name, label, exc.path, exc.message) from None


def _treatments(folder: Traversable, digest: Any, build_one: _Builder) -> tuple[m.Treatment, ...]:
    try:
        files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)
    except (FileNotFoundError, NotADirectoryError):
        raise KnowledgeError("treatments/", "-", "-", "folder is missing") from None
    if not files:
        raise KnowledgeError("treatments/", "-", "-", "no treatment files")
    out = []
    for f in files:
        name = f"treatments/{f.name}"
        treatment = build_one(name, f.name[:-5], _read(folder, f.name, digest), m.Treatment)
        if treatment.id != f.name[:-5]:
            raise KnowledgeError(name, treatment.id, "id", "must equal the file name")
        out.append(treatment)
    return tuple(out)


def _verified(item: Any, sources: dict[str, m.Source]) -> Any:
    """The record with each rule marked verified when a source read at its publisher states it."""
    rules = tuple(dataclasses.replace(r, verified=stated_at_publisher(r.basis, r.sources, sources)) for r in item.rules)
    return dataclasses.replace(item, rules=rules)


def _replaced(treatments: tuple[m.Treatment, ...], current: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """Retired treatment id -> the ids that replaced it; a retired id must not be a current one."""
    out: dict[str, tuple[str, ...]] = {}
    for t in treatments:
        for old in t.replaces:
            if old in current:
                raise KnowledgeError("treatments/", t.id, "replaces", f"{old!r} is a current treatment id")
            out[old] = (*out.get(old, ()), t.id)
    return out


def _index(records: tuple[Any, ...], file: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for record in records:
        if record.id in found:
            raise KnowledgeError(file, record.id, "id", "duplicate id")
        found[record.id] = record
    return found
