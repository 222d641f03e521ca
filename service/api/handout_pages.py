"""The handouts' pages: each one's template context from the knowledge, rendered once, with its ETag and CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from service.engine.models import (
    Basis,
    Category,
    DisclaimerTrigger,
    Evidence,
    Factor,
    FactorKind,
    Illustration,
    Invasiveness,
    KnowledgeBase,
    RuleLevel,
    Source,
    Stage,
    StageEvidence,
    Text,
    Treatment,
    Urgency,
)
from service.web.catalog import etag_of

CONDITION = "condition"
SVG_NS = "http://www.w3.org/2000/svg"
LOCKED = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"  # with default-src 'none': nothing else loads
TEMPLATES = Environment(
    loader=PackageLoader("service"), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
TEMPLATES.filters["long_date"] = lambda d: f"{d.day} {d:%B %Y}"

CAUTION_HEADINGS = {
    RuleLevel.EXCLUDE: "Not suitable if this applies to you",
    RuleLevel.CLINICIAN_ONLY: "Ask a doctor first if this applies to you",
    RuleLevel.CAUTION: "Take extra care if this applies to you",
}
CATEGORY_HEADINGS = {
    Category.SELF_CARE: "Looking after yourself",
    Category.EXERCISE: "Exercise",
    Category.MANUAL_THERAPY: "Hands-on treatment",
    Category.COMPLEMENTARY: "Complementary treatment",
    Category.MEDICATION: "Medicines",
    Category.INJECTION: "Injections",
    Category.SURGERY: "Surgery",
}
GRADE_TERMS = ("How sure we are", "What guidelines advise", "How firm the advice is", "Who the studies were about")
SPECIALIST = (Invasiveness.PROCEDURE, Invasiveness.SURGICAL)
# The handout's own disclaimers: those a reader's situation, not their answers, calls for.
RULE_TRIGGERS = {
    FactorKind.PREGNANCY: DisclaimerTrigger.PREGNANT,
    FactorKind.BREASTFEEDING: DisclaimerTrigger.BREASTFEEDING,
    FactorKind.CANNABIS_LAW: DisclaimerTrigger.CANNABIS_LAW,
}
CONDITION_TRIGGERS = {DisclaimerTrigger.ALWAYS, DisclaimerTrigger.UNDER_16, DisclaimerTrigger.CLINICIAN_OPTIONS}


@dataclass(frozen=True)
class Page:
    """One rendered handout: its bytes, strong ETag and the CSP that allows exactly its stylesheet."""

    body: bytes
    etag: str
    csp: str

    @classmethod
    def of(cls, html: str) -> Page:
        style = re.search(r"<style>(.*?)</style>", html, re.S)
        digest = base64.b64encode(hashlib.sha256((style[1] if style else "").encode()).digest()).decode()
        csp = f"default-src 'none'; style-src 'sha256-{digest}'; {LOCKED}"
        body = html.encode()
        return cls(body, etag_of(body), csp)


def weeks(min_days: int, max_days: int | None) -> str:
    """How long sciatica has lasted, in weeks: 'up to 6 weeks', '6 to 12 weeks', 'more than 12 weeks'."""
    if max_days is None:
        return f"more than {(min_days - 1) // 7} weeks" if min_days else "any length of time"
    if min_days == 0:
        return f"up to {(max_days + 1) // 7} weeks"
    return f"{min_days // 7} to {(max_days + 1) // 7} weeks"


def source_link(s: Source) -> str | None:
    """Where a reader can find the source: its URL, else its DOI or PubMed page; only http(s) is ever linked."""
    link = s.url or (f"https://doi.org/{s.doi}" if s.doi else None)
    link = link or (f"https://pubmed.ncbi.nlm.nih.gov/{s.pmid}/" if s.pmid else None)
    return link if link and link.startswith(("https://", "http://")) else None


class Handouts:
    """Builds the template context of each handout from the knowledge, in one language."""

    def __init__(self, kb: KnowledgeBase, lang: str) -> None:
        self.kb, self.lang = kb, lang
        self.bands = {b.stage: b for b in kb.condition.stages}
        scale = kb.evidence_scale
        self.levels = {
            (kind, lvl.id): lvl
            for kind in ("certainty", "direction", "strength", "scope")
            for lvl in getattr(scale, kind)
        }

    def tr(self, text: Text | None) -> str:
        return text.get_text(self.lang) if text else ""

    def picture(self, picture: Illustration) -> Markup:
        """The exercise's picture inlined in the page (nothing to fetch), named by its alt text for screen readers.

        The loader checked the markup (no scripts, handlers, styles or outside links; ids prefixed by the exercise).
        """
        svg = picture.svg[picture.svg.index("<svg") :].replace(f' xmlns="{SVG_NS}"', "", 1)  # HTML needs no xmlns
        return Markup(svg.replace("<svg ", f'<svg aria-label="{escape(self.tr(picture.alt))}" ', 1))  # noqa: S704

    def label(self, factor: Factor) -> str:
        """A factor as a caution names it: medicines as 'Taking: Benzodiazepine'."""
        label = self.tr(factor.label)
        return f"Taking: {label}" if factor.kind is FactorKind.MEDICATION else label

    def grade(self, e: Evidence | StageEvidence) -> list[tuple[str, str, str]]:
        """The grade in words: (term, level word, the evidence scale's plain definition) per dimension."""
        values = [("certainty", e.certainty), ("direction", e.direction), ("strength", e.strength)]
        values += [("scope", e.scope)] if isinstance(e, Evidence) else []
        rows = []
        for term, (kind, value) in zip(GRADE_TERMS, values, strict=False):
            word = value.value.replace("_", " ").capitalize() if kind == "certainty" else ""
            rows.append((term, word, self.tr(self.levels[kind, value.value].definition)))
        return rows

    def stages(self, stages: tuple[Stage, ...]) -> str:
        """The time these stages span, joining neighbouring ones ('up to 12 weeks' for acute and subacute)."""
        spans: list[tuple[int, int | None]] = []
        for band in (self.bands[s] for s in Stage if s in stages):
            if spans and spans[-1][1] == band.min_days - 1:
                spans[-1] = (spans[-1][0], band.max_days)
            else:
                spans.append((band.min_days, band.max_days))
        return " or ".join(weeks(low, high) for low, high in spans)

    def common(self, title: str, sources: tuple[str, ...], triggers: set[DisclaimerTrigger]) -> dict[str, Any]:
        kb = self.kb
        cited = [kb.index["sources"][sid] for sid in dict.fromkeys(sources)]
        return {
            "lang": self.lang,
            "title": title,
            "tr": self.tr,
            "content_version": kb.content_version,
            "disclaimers": [self.tr(d.text) for d in kb.disclaimers if d.trigger in triggers],
            "sources": [(s, source_link(s)) for s in cited],
        }

    def triggers(self, t: Treatment) -> set[DisclaimerTrigger]:
        """The disclaimers a treatment's handout carries: always the general one, and those its rules call for."""
        kinds = {self.kb.index["factors"][r.factor].kind for r in t.rules}
        triggers = {DisclaimerTrigger.ALWAYS} | {RULE_TRIGGERS[k] for k in kinds if k in RULE_TRIGGERS}
        triggers |= {DisclaimerTrigger.CLINICIAN_OPTIONS} if t.invasiveness in SPECIALIST else set()
        return triggers

    def cautions(self, t: Treatment) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """Per level, most serious first: (factor label, the rule's reason, whether only usual practice backs it)."""
        factors, out = self.kb.index["factors"], []
        for level, heading in CAUTION_HEADINGS.items():
            rules = [r for r in t.rules if r.level is level]
            items = [
                (self.label(factors[r.factor]), self.tr(r.reason), r.basis is Basis.CLINICAL_CONVENTION) for r in rules
            ]
            out += [(heading, items)] if items else []
        return out

    def treatment(self, t: Treatment) -> str:
        evidence: list[tuple[str, Evidence | StageEvidence]] = [("", t.evidence)]
        if t.evidence.by_stage:
            special = {s for e in t.evidence.by_stage for s in e.stages}
            evidence = [(self.stages(tuple(s for s in Stage if s not in special)), t.evidence)]
            evidence += [(self.stages(e.stages), e) for e in t.evidence.by_stage]
            evidence = [(f"If your sciatica has lasted {span}", e) for span, e in evidence]
        context = self.common(self.tr(t.name), t.sources, self.triggers(t)) | {
            "t": t,
            "picture": self.picture,
            "access": access(t),
            "suits": self.stages(t.stages),
            "cautions": self.cautions(t),
            "evidence": evidence,
            "grade": self.grade,
            "reviewed": t.last_reviewed,
            "review_due": t.next_review_due,
        }
        return TEMPLATES.get_template("handout_treatment.html").render(context)

    def condition(self) -> str:
        kb, c = self.kb, self.kb.condition
        actions = {a.level: a for a in kb.triage_actions}
        flags = [(actions[u], [f for f in kb.red_flags if f.urgency is u]) for u in Urgency]
        options = [(h, [t for t in kb.treatments if t.category is cat]) for cat, h in CATEGORY_HEADINGS.items()]
        context = self.common(self.tr(c.name), c.sources, CONDITION_TRIGGERS) | {
            "c": c,
            "stages": [(b, weeks(b.min_days, b.max_days)) for b in c.stages],
            "options": [(h, items) for h, items in options if items],
            "help": [(action, fs) for action, fs in flags if fs],
            "reviewed": c.last_reviewed,
            "review_due": c.next_review_due,
        }
        return TEMPLATES.get_template("handout_condition.html").render(context)


def access(t: Treatment) -> str:
    """Whether a prescription or a referral is needed, in words."""
    needs = [
        n for n, needed in (("a prescription", t.prescription_required), ("a referral", t.referral_required)) if needed
    ]
    return f"You need {' and '.join(needs)}." if needs else "You do not need a prescription or a referral."


def build(kb: KnowledgeBase) -> dict[tuple[str, str], Page]:
    """Every handout in every language."""
    pages = {}
    for lang in kb.languages:
        h = Handouts(kb, lang)
        pages[CONDITION, lang] = Page.of(h.condition())
        pages.update({(t.id, lang): Page.of(h.treatment(t)) for t in kb.treatments})
    return pages
