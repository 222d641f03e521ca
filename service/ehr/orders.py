"""order-select / order-sign: NSAID safety, the guideline stance on sciatica medicines, early lumbar imaging."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.ehr import fhir_in as f
from service.ehr.cards import (
    Context,
    card,
    factor_label,
    grade,
    links,
    not_checked,
    override_reasons,
    record_line,
    remove_order,
)
from service.ehr.chart import Chart, drug_of
from service.ehr.codes import CodeRule, first_match
from service.engine.factors import derive_factors, stage_of
from service.engine.models import Direction, Report, RuleLevel, Stage, Treatment
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
    """At most one card per order; cards say which prefetch keys were missing."""
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


def nsaid_card(ctx: Context, order: Order, chart: Chart, factors: dict[str, str]) -> dict[str, Any] | None:
    """Warning when the knowledge excludes NSAIDs for one of this patient's factors (pregnancy >= 20 weeks, ...)."""
    assert order.treatment is not None
    rules = [r for r in order.treatment.rules if r.factor in factors and r.level is RuleLevel.EXCLUDE]
    if not rules:
        return None
    texts = ctx.texts["nsaid"]
    names = list(dict.fromkeys(factor_label(ctx, r.factor) for r in rules))
    detail = [
        texts["lead"],
        "\n".join(
            f"- **{factor_label(ctx, r.factor)}**: {r.reason.get_text(ctx.lang)} [{', '.join(r.sources)}]"
            for r in rules
        ),
        record_line(ctx, chart),
        not_checked(ctx, chart.missing),
    ]
    suggestions = [remove_order(f"Remove {order.label}", order.ref, True)] if order.ref else []
    return card(
        ctx,
        texts["summary"].format(drug=order.label, factors="; ".join(names)),
        "warning",
        detail,
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
        overrideReasons=override_reasons(ctx),
        links=links(ctx, chart, order.treatment),
    )


def stance_card(ctx: Context, order: Order, chart: Chart, result: Result) -> dict[str, Any]:
    """The guideline stance on this medicine for sciatica, per source, and what the engine says for this patient."""
    t = order.treatment
    assert t is not None
    e, texts = t.evidence, ctx.texts["stance"]
    against = e.direction is Direction.AGAINST
    sources = ctx.kb.index["sources"]
    stances = [f"- **{g.system}** ({sources[g.source].publisher}, {g.source}): {g.grade}" for g in e.source_grades]
    excluded = next((x for x in result.excluded if x.treatment.id == t.id), None)
    personal = (
        " ".join(r.text for r in excluded.reasons)
        if excluded
        else "Not excluded for this patient by the knowledge base."
    )
    key = "summary_against" if against else "summary_other"
    summary = texts[key].format(
        drug=order.label, certainty=e.certainty.value.replace("_", " "), direction=e.direction.value
    )
    detail = [
        f"**{t.name.get_text(ctx.lang)}:** {grade(t)}. {e.summary.get_text(ctx.lang)}",
        "**Guideline stance by source:**\n" + "\n".join(stances),
        f"**For this patient:** {personal}",
        not_checked(ctx, chart.missing),
    ]
    suggestions = [remove_order(f"Remove {order.label}", order.ref, against)] if order.ref else []
    return card(
        ctx,
        summary,
        "warning" if against else "info",
        detail,
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
        overrideReasons=override_reasons(ctx),
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
        not_checked(ctx, chart.missing),
    ]
    suggestions = [remove_order(f"Cancel the {order.imaging.target}", order.ref, False)] if order.ref else []
    return card(
        ctx,
        texts["summary"].format(imaging=order.imaging.target[:1].upper() + order.imaging.target[1:]),
        "info",
        detail,
        suggestions=suggestions,
        selectionBehavior="at-most-one" if suggestions else None,
        overrideReasons=override_reasons(ctx),
        links=links(ctx, chart),
    )
