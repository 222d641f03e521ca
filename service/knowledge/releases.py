"""Release history: each recorded content version's manifest (item -> content, safety and grade), read and checked
here, written by `python -m service.knowledge release`, and the changes between consecutive versions."""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from service.engine import models as m
from service.knowledge.errors import KnowledgeError
from service.knowledge.records import SAFE_LOADER, RecordError, build

FOLDER = "releases"
RECORD_COMMAND = "python -m service.knowledge release"
NOT_CONTENT = {"content_version", "content_hash", "releases", "languages", "index"}  # KnowledgeBase fields
# kind -> the fields that are its safety rules (contraindications, cautions, triage); None: the whole record is one.
# Their wording counts: a reworded caution is a changed caution (the safer reading).
SAFETY: dict[str, tuple[str, ...] | None] = {
    "treatments": ("rules", "avoid_if", "criteria"),
    "tips": ("rules",),
    "red_flags": ("urgency", "escalates_with", "holds"),
    "factors": ("implies_red_flag", "min_age", "max_age", "min_weeks", "cannabis"),
    "drug_classes": ("members", "reaction", "reaction_reason", "taking", "taking_level", "taking_reason"),
    "group_rules": None,
    "combinations": None,
    "triage_actions": None,
}
REFRESH_WITHIN_DAYS = 7  # the NHS asks syndicators to refresh changed content within 7 days
FIRST_NOTE = "First recorded release: earlier content versions were not recorded."
HASH = re.compile(r"^[0-9a-f]{16}$")
SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$")


def plain(value: Any) -> Any:
    """A knowledge value as JSON data: records as objects, texts by language, enums by value, dates in ISO form."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = (f for f in dataclasses.fields(value) if f.name != "translations" or getattr(value, f.name))
        return {f.name: plain(getattr(value, f.name)) for f in fields}  # untranslated: the hash it had before
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value


def digest(value: Any) -> str:
    """16 hex digits of the SHA-256 of `value` as canonical JSON (sorted keys, no spaces, UTF-8)."""
    raw = json.dumps(plain(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def manifest(kb: m.KnowledgeBase) -> tuple[m.ManifestEntry, ...]:
    """Every item of the knowledge (every kind the KnowledgeBase holds, so a new kind is covered), sorted by id."""
    out: list[m.ManifestEntry] = []
    for f in dataclasses.fields(kb):
        value = getattr(kb, f.name)
        if f.name in NOT_CONTENT or value is None:
            continue
        keyed = isinstance(value, tuple) and all(hasattr(r, "id") or hasattr(r, "level") for r in value)
        if isinstance(value, Mapping):  # records by id (the exercise pictures)
            records = [(f"{f.name}/{key}", r) for key, r in value.items()]
        else:
            records = [(f"{f.name}/{_key(r)}", r) for r in value] if keyed else [(f.name, value)]
        out.extend(m.ManifestEntry(item, digest(r), _safety(f.name, r), _grade(r)) for item, r in records)
    return tuple(sorted(out, key=lambda e: e.id))


def _key(record: Any) -> str:
    key = getattr(record, "id", None) or record.level  # triage actions are keyed by their level
    return str(key.value if isinstance(key, enum.Enum) else key)


def _safety(kind: str, record: Any) -> str | None:
    if kind not in SAFETY:
        return None
    names = SAFETY[kind]
    return digest(record if names is None else {n: getattr(record, n) for n in names})


def _grade(record: Any) -> str | None:
    evidence = getattr(record, "evidence", None)
    if not isinstance(evidence, m.Evidence):
        return None
    by_stage = [f"{'+'.join(s.value for s in e.stages)}: {_level(e)}" for e in evidence.by_stage]
    return "; ".join([_level(evidence), *by_stage])


def _level(e: m.Evidence | m.StageEvidence) -> str:
    return f"{e.certainty.value}/{e.direction.value}/{e.strength.value}"


@dataclasses.dataclass(frozen=True)
class Changes:
    """What changed from one manifest to the next; item ids as kind/id."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    grade_changed: tuple[tuple[str, str | None, str | None], ...] = ()  # (item, grade before, grade after)
    safety_changed: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # other content changed (wording, sources, ...)

    def summary(self) -> str:
        """How many items changed in each way, as `added 2, safety_changed 1`."""
        return ", ".join(f"{k} {len(v)}" for k, v in dataclasses.asdict(self).items() if v) or "no item changes"

    @property
    def must_refresh(self) -> bool:
        """Apps must refresh when an item was removed, a grade changed or a safety rule changed."""
        return bool(self.removed or self.grade_changed or self.safety_changed)


def changes(old: Iterable[m.ManifestEntry], new: Iterable[m.ManifestEntry]) -> Changes:
    """The changes from manifest `old` to manifest `new`."""
    before, after = {e.id: e for e in old}, {e.id: e for e in new}
    both = [(before[i], after[i]) for i in after if i in before]
    return Changes(
        added=tuple(i for i in after if i not in before),
        removed=tuple(i for i in before if i not in after),
        grade_changed=tuple((b.id, b.grade, a.grade) for b, a in both if b.grade != a.grade),
        safety_changed=tuple(b.id for b, a in both if b.safety != a.safety),
        updated=tuple(b.id for b, a in both if b.content != a.content and (b.safety, b.grade) == (a.safety, a.grade)),
    )


@dataclasses.dataclass(frozen=True)
class Entry:
    """One release as the feed lists it: the version before it, what changed, whether apps must refresh."""

    release: m.Release
    previous: str | None
    changes: Changes
    must_refresh: bool  # the changes say so, or it is the first recorded release (nothing to compare with)


def history(releases: Iterable[m.Release]) -> tuple[Entry, ...]:
    """Each release with its changes from the one before, newest first."""
    out, prev = [], None
    for r in releases:
        found = changes(prev.items, r.items) if prev else Changes()
        out.append(Entry(r, prev.version if prev else None, found, prev is None or found.must_refresh))
        prev = r
    return tuple(reversed(out))


def drift(kb: m.KnowledgeBase) -> str | None:
    """None when the newest recorded release is the current content; else what differs and how to record it."""
    newest = kb.releases[-1] if kb.releases else None
    current = manifest(kb)
    if newest and newest.version == kb.content_version and newest.items == current:
        return None
    found = changes(newest.items if newest else (), current)
    return (
        f"content {kb.content_version} is not the newest recorded release "
        f"({newest.version if newest else 'none recorded'}; {found.summary()}). Bump content_version in meta.yaml when the "
        f"content changed, then run `{RECORD_COMMAND}` and commit service/knowledge/data/{FOLDER}/."
    )


def version_key(version: str) -> tuple[Any, ...]:
    """Semantic-version order: 1.2.0-rc.1 < 1.2.0 < 1.10.0."""
    major, minor, patch, pre = SEMVER.match(version).groups()  # type: ignore[union-attr]
    return int(major), int(minor), int(patch), pre is None, pre or ""


def load_releases(base: Traversable, current: str, langs: frozenset[str]) -> tuple[m.Release, ...]:
    """The releases under `base`/releases, oldest first; none when the folder is missing."""
    folder = base / FOLDER
    if not folder.is_dir():
        return ()
    found = []
    for node in (f for f in folder.iterdir() if f.name.endswith(".yaml")):
        found.append(_release(f"{FOLDER}/{node.name}", node.read_bytes(), current, langs))
    found.sort(key=lambda pair: version_key(pair[1].version))
    for (name, later), (_, earlier) in zip(found[1:], found, strict=False):
        if later.date < earlier.date:
            raise KnowledgeError(name, later.version, "date", f"earlier than release {earlier.version}'s date")
    return tuple(r for _, r in found)


def _release(name: str, raw: bytes, current: str, langs: frozenset[str]) -> tuple[str, m.Release]:
    stem = name.rsplit("/", 1)[1][: -len(".yaml")]
    try:
        data = yaml.load(raw, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
        release: m.Release = build(m.Release, data, langs)
    except yaml.YAMLError as exc:
        raise KnowledgeError(name, stem, "-", f"not valid YAML: {exc}") from None
    except RecordError as exc:
        raise KnowledgeError(name, stem, exc.path, exc.message) from None
    if release.version != stem or not SEMVER.match(stem):
        raise KnowledgeError(name, stem, "version", "must be a semantic version equal to the file name")
    if version_key(release.version) > version_key(current):
        raise KnowledgeError(name, stem, "version", f"newer than content_version {current} in meta.yaml")
    seen: set[str] = set()
    for i, e in enumerate(release.items):
        bad = next((k for k in ("content", "safety") if getattr(e, k) and not HASH.match(getattr(e, k))), None)
        if bad or e.id in seen:
            field, why = (f"items[{i}].{bad}", "expected 16 hex digits") if bad else (f"items[{i}].id", "duplicate id")
            raise KnowledgeError(name, stem, field, why)
        seen.add(e.id)
    return name, release


def record(kb: m.KnowledgeBase, root: Path, today: date, note: str | None = None) -> str:
    """Write the current content's manifest as releases/<content_version>.yaml; say what was recorded.

    A release of the current version is re-recorded in place, keeping its date (and its note unless `note` is given).
    """
    last = kb.releases[-1] if kb.releases else None
    again = last is not None and last.version == kb.content_version
    items = manifest(kb)
    when = last.date if again and last else today
    said = note or (last.note if again and last else None) or (None if kb.releases else FIRST_NOTE)
    data: dict[str, Any] = {"version": kb.content_version, "date": when}
    if said:
        data["note"] = said
    data["items"] = [{k: v for k, v in dataclasses.asdict(e).items() if v is not None} for e in items]
    path = root / FOLDER / f"{kb.content_version}.yaml"
    path.parent.mkdir(exist_ok=True)
    header = f"# Written by `{RECORD_COMMAND}`: the manifest of content version {kb.content_version}; not by hand.\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120))
    before = [r for r in kb.releases if r.version != kb.content_version]
    found = changes(before[-1].items if before else items, items)
    return f"{'re-recorded' if again else 'recorded'} {kb.content_version} ({len(items)} items; {found.summary()}) in {path}"
