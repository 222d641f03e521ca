"""Turn a report into the set of knowledge-base factors it activates, and check its ids against the vocabulary."""

from __future__ import annotations

from service.engine.models import CannabisStatus, Factor, FactorKind, KnowledgeBase, Report, Stage

# Pregnancy weeks assumed when a person says they are pregnant but not how far along: the safer reading,
# because several exclusions (NSAIDs) start at 20 and 30 weeks.
ASSUMED_PREGNANCY_WEEKS = 42


def check_report(report: Report, kb: KnowledgeBase) -> list[tuple[str, str]]:
    """Problems with the report's ids and combinations, as (field path, message) pairs."""
    problems: list[tuple[str, str]] = []
    kinds = {
        "conditions": FactorKind.CONDITION,
        "medications": FactorKind.MEDICATION,
        "avoid": FactorKind.PREFERENCE,
    }
    for name, kind in kinds.items():
        for i, fid in enumerate(getattr(report, name)):
            factor = kb.index["factors"].get(fid)
            if not isinstance(factor, Factor) or factor.kind is not kind:
                problems.append((f"{name}.{i}", f"Unknown {kind.value} id {fid!r}; see GET /v1/factors."))
    for i, flag in enumerate(report.red_flags):
        if flag not in kb.index["red_flags"]:
            problems.append((f"red_flags.{i}", f"Unknown red flag id {flag!r}; see GET /v1/red-flags."))
    for i, tried in enumerate(report.tried):
        if tried.treatment_id not in kb.index["treatments"]:
            problems.append(
                (f"tried.{i}.treatment_id", f"Unknown treatment id {tried.treatment_id!r}; see GET /v1/treatments.")
            )
    if report.pregnancy_weeks is not None and not report.pregnant:
        problems.append(("pregnancy_weeks", "Only allowed together with pregnant=true."))
    return problems


def derive_factors(report: Report, kb: KnowledgeBase) -> dict[str, str]:
    """Active factor id -> the report field it came from."""
    active: dict[str, str] = {fid: "conditions" for fid in report.conditions}
    active.update({fid: "medications" for fid in report.medications})
    weeks = report.pregnancy_weeks if report.pregnancy_weeks is not None else ASSUMED_PREGNANCY_WEEKS
    kinds = _by_kind(kb)
    if report.pregnant:
        for f in kinds[FactorKind.PREGNANCY]:
            if weeks >= (f.min_weeks or 0):
                active[f.id] = "pregnancy_weeks" if report.pregnancy_weeks is not None else "pregnant"
    if report.breastfeeding:
        active.update({f.id: "breastfeeding" for f in kinds[FactorKind.BREASTFEEDING]})
    if report.age is not None:
        active.update({f.id: "age" for f in kinds[FactorKind.AGE_BAND] if _in_band(report.age, f)})
    law = cannabis_status(report.jurisdiction, kb)
    active.update({f.id: "jurisdiction" for f in kinds[FactorKind.CANNABIS_LAW] if f.cannabis is law})
    return dict(sorted(active.items()))


_KINDS: dict[int, tuple[KnowledgeBase, dict[FactorKind, tuple[Factor, ...]]]] = {}


def _by_kind(kb: KnowledgeBase) -> dict[FactorKind, tuple[Factor, ...]]:
    """The knowledge base's factors grouped by kind, grouped once (the knowledge base is immutable)."""
    entry = _KINDS.get(id(kb))
    if entry is None or entry[0] is not kb:
        groups = {kind: tuple(f for f in kb.factors if f.kind is kind) for kind in FactorKind}
        entry = _KINDS[id(kb)] = (kb, groups)
    return entry[1]


def _in_band(age: int, f: Factor) -> bool:
    return (f.min_age or 0) <= age <= (f.max_age if f.max_age is not None else age)


def cannabis_status(code: str | None, kb: KnowledgeBase) -> CannabisStatus:
    """Cannabis status of a jurisdiction: the exact code, else its country, else 'varies' (unknown)."""
    for candidate in (code, code.split("-")[0] if code else None):
        factor = kb.index["factors"].get(candidate) if candidate else None
        if isinstance(factor, Factor) and factor.kind is FactorKind.JURISDICTION and factor.cannabis:
            return factor.cannabis
    return CannabisStatus.VARIES


def stage_of(days: int | None, kb: KnowledgeBase) -> Stage | None:
    """The duration stage for `days` of symptoms, from the condition's stage bands."""
    if days is None:
        return None
    for band in kb.condition.stages:
        if days >= band.min_days and (band.max_days is None or days <= band.max_days):
            return band.stage
    return None
