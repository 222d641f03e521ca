"""A report -> the knowledge-base factors it reports, and those an unanswered question cannot rule out."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

from service.engine.medicines import KNOWN_MEDICINES, classes_of
from service.engine.models import CannabisStatus, Factor, FactorKind, KnowledgeBase, Report, Stage

# Which question reports each kind of factor: an unanswered question leaves every factor of its kinds possible.
QUESTION_OF = {
    FactorKind.AGE_BAND: "age",
    FactorKind.PREGNANCY: "pregnant",
    FactorKind.BREASTFEEDING: "breastfeeding",
    FactorKind.CONDITION: "conditions",
    FactorKind.MEDICATION: "medications",
}
WEEKS = "pregnancy_weeks"
FIELD_ORDER = tuple(Report.__dataclass_fields__)  # request fields, in the order the request and answers list them
STAGES = tuple(Stage)


@dataclass(frozen=True)
class Factors:
    """What the report says (factor id -> the field it came from) and what it leaves open (-> the unanswered field)."""

    known: dict[str, str]
    possible: dict[str, str]
    unanswered: tuple[str, ...]  # request fields read the safer way, in request order

    def active(self) -> dict[str, str]:
        """Every factor a rule must consider: reported or not ruled out."""
        return self.known | self.possible if self.possible else self.known


def current_ids(report: Report, kb: KnowledgeBase) -> Report:
    """The report with each retired treatment id it names as the options that replaced it (heat-and-cold: heat,
    cold), so an app built on an older content version keeps working."""
    replaced = kb.index["replaced"]
    if not any(t.treatment_id in replaced for t in report.tried):
        return report
    tried = tuple(
        dataclasses.replace(t, treatment_id=new)
        for t in report.tried
        for new in replaced.get(t.treatment_id, (t.treatment_id,))
    )
    return dataclasses.replace(report, tried=tried)


def check_report(
    report: Report, kb: KnowledgeBase, medicines: Mapping[str, tuple[str, ...]] | None = None
) -> list[tuple[str, str]]:
    """Problems with the report's ids and combinations, as (field path, message) pairs; `medications` may also name
    a medicine by name, brand or RxNorm code, as `medicines` lists them (see medicine_classes)."""
    problems: list[tuple[str, str]] = []
    kinds = {"conditions": FactorKind.CONDITION, "avoid": FactorKind.PREFERENCE}
    for name, kind in kinds.items():
        for i, fid in enumerate(getattr(report, name) or ()):
            factor = kb.index["factors"].get(fid)
            if not isinstance(factor, Factor) or factor.kind is not kind:
                problems.append((f"{name}.{i}", f"Unknown {kind.value} id {fid!r}; see GET /v1/factors."))
            elif not _plausible(factor, report.age):
                problems += _impossible(f"{name}.{i}", factor, report.age)
    for i, item in enumerate(report.medications or ()):
        classes = classes_of(item, kb, medicines or {})
        if classes is None:
            problems.append((f"medications.{i}", f"Unknown medicine or medicine class {item!r}; {KNOWN_MEDICINES}"))
        for factor in (kb.index["factors"][fid] for fid in classes or ()):
            if not _plausible(factor, report.age):
                problems += _impossible(f"medications.{i}", factor, report.age)
    for i, flag in enumerate(report.red_flags):
        if flag not in kb.index["red_flags"]:
            problems.append((f"red_flags.{i}", f"Unknown red flag id {flag!r}; see GET /v1/red-flags."))
    for i, tried in enumerate(report.tried):
        if tried.treatment_id not in kb.index["treatments"] and tried.treatment_id not in kb.index["replaced"]:
            problems.append(
                (f"tried.{i}.treatment_id", f"Unknown treatment id {tried.treatment_id!r}; see GET /v1/treatments.")
            )
        days = report.symptom_duration_days
        if tried.weeks is not None and days is not None and trial_days(tried.weeks) > days:
            problems += [
                (f"tried.{i}.weeks", f"A {tried.weeks}-week trial cannot fit in {days} days of symptoms."),
                ("symptom_duration_days", f"Shorter than the {tried.weeks}-week trial in tried.{i}; check both."),
            ]
    if report.pregnancy_weeks is not None and not report.pregnant:
        problems.append(("pregnancy_weeks", "Only allowed together with pregnant=true."))
    for field in ("pregnant", "breastfeeding"):
        if getattr(report, field):
            factor = kb.index["factors"][field]
            if not _plausible(factor, report.age):
                problems += _impossible(field, factor, report.age)
    days = report.symptom_duration_days
    if report.age is not None and days is not None and days > (report.age + 1) * 366:
        problems += [
            ("symptom_duration_days", f"Longer than a person aged {report.age} has lived; check age too."),
            ("age", "Younger than the reported symptom_duration_days; check both."),
        ]
    return problems


def _plausible(factor: Factor, age: int | None) -> bool:
    low, high = factor.plausible_min_age, factor.plausible_max_age
    return age is None or ((low is None or age >= low) and (high is None or age <= high))


def _impossible(field: str, factor: Factor, age: int | None) -> list[tuple[str, str]]:
    span = f"{factor.plausible_min_age} to {factor.plausible_max_age}"
    return [
        (field, f"'{factor.label.get_text()}' is not possible at age {age} (accepted from {span}); check age too."),
        ("age", f"Age {age} does not fit {field}; check both."),
    ]


def derive_factors(report: Report, kb: KnowledgeBase) -> Factors:
    """The factors a report reports, and those its unanswered questions leave possible."""
    kinds: Mapping[FactorKind, tuple[Factor, ...]] = kb.index["factor_kinds"]
    known: dict[str, str] = dict.fromkeys(report.conditions or (), "conditions")
    known.update(dict.fromkeys(report.medications or (), "medications"))
    possible: dict[str, str] = {}
    unanswered: list[str] = []

    def unknown(kind: FactorKind, field: str, only_plausible: bool = False) -> None:
        candidates = [f for f in kinds[kind] if not only_plausible or _plausible(f, report.age)]
        possible.update(dict.fromkeys((f.id for f in candidates), field))
        unanswered.append(field)

    if report.age is None:
        unknown(FactorKind.AGE_BAND, "age")
    else:
        known.update({f.id: "age" for f in kinds[FactorKind.AGE_BAND] if _in_band(report.age, f)})
    if report.pregnant is None:
        if any(_plausible(f, report.age) for f in kinds[FactorKind.PREGNANCY]):
            unknown(FactorKind.PREGNANCY, "pregnant", only_plausible=True)
    elif report.pregnant:
        for f in kinds[FactorKind.PREGNANCY]:
            if report.pregnancy_weeks is None and f.min_weeks:
                possible[f.id] = WEEKS  # weeks not given: every later stage is possible
            elif (f.min_weeks or 0) <= (report.pregnancy_weeks or 0):
                known[f.id] = WEEKS if report.pregnancy_weeks is not None else "pregnant"
        if report.pregnancy_weeks is None:
            unanswered.append(WEEKS)
    if report.breastfeeding is None:
        if any(_plausible(f, report.age) for f in kinds[FactorKind.BREASTFEEDING]):
            unknown(FactorKind.BREASTFEEDING, "breastfeeding", only_plausible=True)
    elif report.breastfeeding:
        known.update(dict.fromkeys((f.id for f in kinds[FactorKind.BREASTFEEDING]), "breastfeeding"))
    for field, kind in (("conditions", FactorKind.CONDITION), ("medications", FactorKind.MEDICATION)):
        if getattr(report, field) is None:
            unknown(kind, field)
    law = cannabis_status(report.jurisdiction, kb)
    known.update({f.id: "jurisdiction" for f in kinds[FactorKind.CANNABIS_LAW] if f.cannabis is law})
    if report.symptom_duration_days is None:
        unanswered.append("symptom_duration_days")
    if report.pain_severity is None:
        unanswered.append("pain_severity")
    if not report.red_flags_screened:
        unanswered.append("red_flags_screened")
    for fid in known:
        possible.pop(fid, None)
    return Factors(
        dict(sorted(known.items())), dict(sorted(possible.items())), tuple(f for f in FIELD_ORDER if f in unanswered)
    )


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


def trial_days(weeks: int) -> int:
    """The fewest days of symptoms a trial of `weeks` weeks fits in (a week's rounding allowed)."""
    return max(0, weeks * 7 - 6)


def least_days(report: Report) -> int:
    """Days of symptoms known for sure: as reported, or at least what the longest trial took."""
    if report.symptom_duration_days is not None:
        return report.symptom_duration_days
    return max((trial_days(t.weeks) for t in report.tried if t.weeks), default=0)


def possible_stages(report: Report, kb: KnowledgeBase) -> tuple[Stage, ...]:
    """The stages the symptoms may be in: the reported one, else every stage from the longest trial on."""
    stage = stage_of(report.symptom_duration_days, kb)
    if stage is not None:
        return (stage,)
    first = stage_of(least_days(report), kb) or Stage.ACUTE
    return STAGES[STAGES.index(first) :]


# Every tuple possible_stages() can return: one reported stage, or every stage from one on.
STAGE_SETS = tuple(dict.fromkeys([*((s,) for s in STAGES), *(STAGES[i:] for i in range(len(STAGES)))]))
