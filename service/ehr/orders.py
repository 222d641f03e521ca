"""order-select / order-sign: NSAID safety, the guideline stance on sciatica medicines, early lumbar imaging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.cards import (
    Context,
    card,
    evidence,
    factor_label,
    grade,
    links,
    not_checked,
    personal_exclusion,
    reason_text,
    record_line,
    removal,
    unread,
)
from service.ehr.chart import Chart
from service.ehr.codes import CodeRule, first_match
from service.ehr.medicines import drug_of
from service.ehr.suggest import create, referral_fits
from service.ehr.unread import not_ruled_out
from service.engine.factors import Factors, derive_factors, stage_of
from service.engine.models import Basis, Direction, FactorRule, Report, RuleLevel, Stage, Treatment
from service.engine.results import Result

ORDER_TYPES = ("MedicationRequest", "ServiceRequest")


@dataclass(frozen=True)
class Order:
    """A draft order this service has something to say about."""

    ref: str
    label: str
    treatment: Treatment | None = None
    imaging: CodeRule | None = None


def draft_orders(context: dict[str, Any], selected_only: bool) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(orders to check, other draft orders): order-select checks its selections, order-sign every draft."""
    drafts = [r for t in ORDER_TYPES for r in f.resources(context.get("draftOrders"), t, context.get("patientId"))]
    if not selected_only:
        return drafts, []
    chosen = {s for s in context.get("selections") or () if isinstance(s, str)}
    return [d for d in drafts if f.reference(d) in chosen], [d for d in drafts if f.reference(d) not in chosen]


def classify(resource: dict[str, Any], ctx: Context, pool: list[dict[str, Any]]) -> Order | None:
    """The order's treatment (by RxNorm or name) or imaging kind, when it is one this service checks."""
    ref = f.reference(resource)
    if resource.get("resourceType") == "MedicationRequest":
        drug, shown = drug_of(resource, ctx.codes, pool)
        watched = ctx.codes.nsaid_treatments | ctx.codes.stance_treatments
        if drug is not None and drug.treatment in watched:
            return Order(ref, shown or drug.name, treatment=ctx.kb.index["treatments"][drug.treatment])
        return None
    hit = first_match(ctx.codes.imaging, f.codings(resource.get("code"), ctx.codes.system))
    return Order(ref, f.label(resource.get("code")) or hit[0].display, imaging=hit[0]) if hit else None


def order_cards(
    ctx: Context, orders: list[Order], chart: Chart, report: Report, result: Result
) -> list[dict[str, Any]]:
    """At most one card per order; cards say what the record did not tell and which prefetch keys were missing."""
    out = []
    factors = derive_factors(report, ctx.kb)
    for order in orders:
        if order.treatment is not None and order.treatment.id in ctx.codes.nsaid_treatments:
            built = nsaid_card(ctx, order, chart, factors)
        elif order.treatment is not None:
            built = stance_card(ctx, order, chart, result) if chart.sciatica else None
        else:
            built = imaging_card(ctx, order, chart, result)
        if built:
            out.append(built)
    return out


def nsaid_card(ctx: Context, order: Order, chart: Chart, factors: Factors) -> dict[str, Any] | None:
    """Warning when the knowledge excludes NSAIDs for a factor of this patient (pregnancy >= 20 weeks, ...), recorded
    or not ruled out by the record (said so, with what was not recorded); removal is recommended for recorded ones."""
    assert order.treatment is not None
    excludes = [r for r in order.treatment.rules if r.level is RuleLevel.EXCLUDE]
    known = [r for r in excludes if r.factor in factors.known]
    possible = [r for r in excludes if r.factor in factors.possible]
    if not known and not possible:
        return unchecked_card(ctx, order, chart, factors) if chart.unrecognised else None
    texts = ctx.texts["nsaid"]
    names = list(dict.fromkeys(factor_label(ctx, r.factor) for r in known or possible))

    def line(r: FactorRule) -> str:
        why = f" ({not_ruled_out(ctx.texts, factors.possible[r.factor])})" if r.factor in factors.possible else ""
        said = (r.clinician or r.reason).get_text(ctx.lang)
        cited = ", ".join(r.sources) if r.basis is Basis.SOURCE else "clinical convention, no source found"
        return f"- **{factor_label(ctx, r.factor)}**{why}: {said} [{cited}]"

    detail = [
        texts["lead"] if known else texts["lead_possible"],
        "\n".join(line(r) for r in known + possible),
        record_line(ctx, chart),
        unread(ctx, chart, factors.unanswered),
        not_checked(ctx, chart.missing),
    ]
    return card(
        ctx,
        texts["summary" if known else "summary_possible"].format(drug=order.label, factors="; ".join(names)),
        "warning",
        detail,
        **removal(ctx, order.ref, f"Remove {order.label}", bool(known)),
        links=links(ctx, chart, order.treatment),
    )


def unchecked_card(ctx: Context, order: Order, chart: Chart, factors: Factors) -> dict[str, Any]:
    """Info card: nothing recorded excludes the NSAID, but active medicines the service did not recognise (a blood
    thinner among them, say) were not checked; the silence of no card would read them as nothing there."""
    texts, count = ctx.texts["nsaid"], len(chart.unrecognised)
    detail = [
        texts["lead_unchecked"],
        record_line(ctx, chart),
        unread(ctx, chart, factors.unanswered),
        not_checked(ctx, chart.missing),
    ]
    noun = "medicine" if count == 1 else "medicines"
    summary = texts["summary_unchecked"].format(drug=order.label, count=count, noun=noun)
    return card(ctx, summary, "info", detail, links=links(ctx, chart, order.treatment))


def stance_card(ctx: Context, order: Order, chart: Chart, result: Result) -> dict[str, Any]:
    """The guideline stance on this medicine for sciatica, per source, and what the engine says for this patient."""
    t = order.treatment
    assert t is not None
    e, texts = evidence(t, result), ctx.texts["stance"]
    against = e.direction is Direction.AGAINST
    sources = ctx.kb.index["sources"]
    stances = [f"- **{g.system}** ({sources[g.source].publisher}, {g.source}): {g.grade}" for g in e.source_grades]
    excluded = next((x for x in result.excluded if x.treatment.id == t.id), None)
    personal = (
        " ".join(
            [reason_text(ctx, r, result.unanswered) for r in excluded.reasons if r.rule != "contraindications"]
            + [personal_exclusion(ctx, excluded)]
        )
        if excluded
        else "Not excluded for this patient by the knowledge base."
    )
    key = "summary_against" if against else "summary_other"
    summary = texts[key].format(
        drug=order.label, certainty=e.certainty.value.replace("_", " "), direction=e.direction.value.replace("_", " ")
    )
    detail = [
        f"**{t.name.get_text(ctx.lang)}:** {grade(t, result)}. {(e.clinician or e.summary).get_text(ctx.lang)}",
        "**Guideline stance by source:**\n" + "\n".join(stances),
        f"**For this patient:** {personal.strip()}",
        record_line(ctx, chart),
        unread(ctx, chart, result.unanswered),
        not_checked(ctx, chart.missing),
    ]
    actions = removal(ctx, order.ref, f"Remove {order.label}", against)
    if against and order.ref and referral_fits(ctx, chart, result):  # what the guideline supports instead
        label = ctx.texts["referral"]["replace_label"].format(drug=order.label)
        actions["suggestions"].append(create(ctx, chart, label, False, *actions["suggestions"][0]["actions"]))
    return card(
        ctx,
        summary,
        "warning" if against or excluded else "info",  # the knowledge would not offer it to this patient
        detail,
        **actions,
        links=links(ctx, chart, t),
    )


def imaging_card(ctx: Context, order: Order, chart: Chart, result: Result) -> dict[str, Any] | None:
    """Info card: lumbar imaging in the acute stage (onset < 6 weeks) with no red flag coded or implied."""
    if not chart.sciatica or stage_of(chart.symptom_days, ctx.kb) is not Stage.ACUTE:
        return None
    if any(r.rule in ("red-flags", "implied-red-flags") for r in result.triage.reasons):
        return None
    assert order.imaging is not None
    texts = ctx.texts["imaging"]
    detail = [
        f"{texts['detail']} [{', '.join(texts['sources'])}]",
        f"**Stage:** acute - {chart.symptom_days} days since {chart.started}; no red flag coded.",
        unread(ctx, chart, result.unanswered),
        not_checked(ctx, chart.missing),
    ]
    return card(
        ctx,
        texts["summary"].format(imaging=order.imaging.target[:1].upper() + order.imaging.target[1:]),
        "info",
        detail,
        **removal(ctx, order.ref, f"Cancel the {order.imaging.target}", False),
        links=links(ctx, chart),
    )
